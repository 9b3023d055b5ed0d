"""The machinery of `scripts/bench.py serve`: a meeting to vote in, real servers, a load generator.

The load generator is closed-loop: each simulated voter holds one keep-alive HTTP/1.1 connection
(reconnecting when the server closes it, as gunicorn's sync workers do) and sends its next cast as
soon as the previous answer has arrived — no think time, so N voters keep N requests in flight.
It is plain asyncio on raw sockets (no HTTP library), so one process drives 200 connections for
little CPU; that CPU is measured and reported, because it runs on the same two cores as the server.
Every cast uses a distinct (household token, contest) pair and must answer 200 with a receipt.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"


# --- the meeting ------------------------------------------------------------------------------


# (kind, purpose, settings, options, most marks allowed): the shapes of a real agenda
AGENDA = (
    ("committee", "committee", {"seats": 9, "contested": True, "round": "regular"}, 15, 9),
    ("choice", "service_mode", {"ordered": False, "method": "majority"}, 6, 1),
    ("choice", "fee", {"ordered": True, "method": "median", "unit": "per_household"}, 5, 1),
    ("motion", "motion", {"special": False}, 0, 1),
    ("choice", "other", {"ordered": False, "method": "majority"}, 3, 1),
)


@dataclass
class Seeded:
    """A meeting with open contests: each contest with the mark keys it takes and how many at most."""

    meeting: object
    contests: list[tuple[object, list[str], int]]
    household_ids: list[int]


def seed_meeting(app, households: int, rnd: random.Random, title: str = "压测会议") -> Seeded:
    """Fill the app's database with a meeting of open contests and its roll, ballots issued.

    Households and the roll are bulk-inserted and the contests opened directly (this measures
    what comes after setting up); the five contests are the shapes of a real agenda: a 9-of-15
    committee, six service modes, five fee levels, a motion and a three-way choice.
    """
    from sqlalchemy import insert, select

    from voting import keys
    from voting.extensions import db
    from voting.models import Contest, ContestKind, ContestOption, ContestPurpose, ContestStatus, Household, RollEntry
    from voting.services import meetings, staff
    from voting.services.meetings import MeetingInput
    from voting.timeutil import utcnow

    community = staff.create_community(title.removesuffix("会议") + "小区", "bench")
    db.session.execute(
        insert(Household),
        [
            {
                "community_id": community.id,
                "building": str(1 + i // 100),
                "unit": str(1 + i // 25 % 4),
                "room": str(101 + i % 25),
                "head_name": f"住户{i}",
                "area": Decimal(rnd.randrange(4000, 12000)) / 100,
                "has_vote": True,
            }
            for i in range(households)
        ],
    )
    db.session.commit()  # use cases start their own transaction
    meeting = meetings.create_meeting(
        community,
        MeetingInput(title=title, date="2026-12-20", time="09:00", public_base_url="http://vote.test"),
        "bench",
    )
    contests = []
    for position, (kind, purpose, settings, options, most) in enumerate(AGENDA, start=1):
        kind, purpose = ContestKind(kind), ContestPurpose(purpose)
        contest = Contest(
            meeting_id=meeting.id,
            position=position,
            kind=kind,
            purpose=purpose,
            title=f"事项{position}",
            settings=settings,
            status=ContestStatus.OPEN,
            opened_at=utcnow(),
        )
        contest.options = [
            ContestOption(
                position=n,
                key=f"o{n}",
                label=f"选项{n}",
                amount=Decimal(5 * n) if purpose is ContestPurpose.FEE else None,
            )
            for n in range(1, options + 1)
        ]
        db.session.add(contest)
        keys_ = ["yes", "no", "abstain"] if kind is ContestKind.MOTION else [f"o{n}" for n in range(1, options + 1)]
        contests.append((contest, keys_, most))
    meeting.public_key = keys.create_key(app.instance_path, meeting.id)
    meeting.ballots_issued_at = utcnow()
    db.session.flush()
    rows = db.session.execute(
        select(Household.id, Household.building, Household.unit, Household.room, Household.area).where(
            Household.community_id == community.id
        )
    ).all()
    db.session.execute(
        insert(RollEntry),
        [
            {
                "meeting_id": meeting.id,
                "household_id": h,
                "address": f"{b}号楼{u}单元{r}室",
                "area": a,
                "short_code": f"S{h:07d}",
            }
            for h, b, u, r, a in rows
        ],
    )
    return Seeded(meeting, contests, [h for h, *_ in rows])


def serve_meeting(app, households: int, rnd: random.Random) -> list[tuple[str, bytes]]:
    """Seed a meeting (see `seed_meeting`); return one cast per (household, contest), shuffled."""
    from ballots import tokens
    from voting.extensions import db

    seeded = seed_meeting(app, households, rnd)
    db.session.commit()
    secret = app.config["BALLOT_SECRET"]
    casts = []
    for household_id in seeded.household_ids:
        path = "/b/" + tokens.make_token(secret, tokens.BallotToken(seeded.meeting.id, household_id, 1)) + "/cast"
        for contest, keys_, most in seeded.contests:
            marks = rnd.sample(keys_, rnd.randint(1, most))
            body = urlencode([("contest", contest.id), *((f"c{contest.id}", m) for m in marks)]).encode()
            casts.append((path, body))
    rnd.shuffle(casts)
    return casts


def cast_request(port: int, path: str, body: bytes) -> bytes:
    """Encode one phone cast as the bytes of an HTTP/1.1 request."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def floor_request(port: int) -> bytes:
    """The trivial endpoint: /healthz answers without touching the database."""
    return f"GET /healthz HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_command(kind: str, instance: Path, port: int) -> list[str]:
    """Return the command line of a production server of the app."""
    bin_dir = Path(sys.executable).parent
    if kind == "waitress":
        return [str(bin_dir / "voting"), "--instance", str(instance), "serve", "--port", str(port)]
    if kind == "gunicorn":
        return [str(bin_dir / "gunicorn"), "--workers", "2", "--bind", f"{HOST}:{port}", "voting:create_app()"]
    raise ValueError(kind)


@dataclass
class Server:
    """A server process tree (gunicorn: master and workers) with its CPU time and peak RSS."""

    kind: str
    instance: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    peak_rss: int = 0  # bytes, the whole tree, sampled every 0.2 s
    _sampling: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VOTING_")}
        env["VOTING_INSTANCE_PATH"] = str(self.instance)
        log = open(self.instance / f"{self.kind}.log", "ab")  # the child keeps its own copy of the descriptor
        self.process = subprocess.Popen(
            server_command(self.kind, self.instance, self.port),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._wait_healthy()
        threading.Thread(target=self._sample, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._sampling.set()
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn's master stops its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
        self.process.wait()

    def _wait_healthy(self, timeout: float = 30) -> None:
        import http.client

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: {(self.instance / f'{self.kind}.log').read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.kind} did not answer /healthz in {timeout} s")

    def pids(self) -> list[int]:
        """The server process and its children (gunicorn's workers)."""
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            children = []
        return pids + [int(c) for c in children]

    def rss(self) -> int:
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                pass
        return total

    def cpu_seconds(self) -> float:
        """User + system CPU time of the tree so far (from /proc/<pid>/stat)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
            except OSError:
                pass
        return total / ticks

    def _sample(self) -> None:
        while not self._sampling.wait(0.2):
            self.peak_rss = max(self.peak_rss, self.rss())


# --- the load generator -----------------------------------------------------------------------


@dataclass
class Level:
    """What one run of N closed-loop clients measured."""

    clients: int
    ok: int
    seconds: float
    latencies: list[float]  # of the successful requests
    errors: Counter
    client_cpu: float  # the load generator's own CPU seconds
    server_cpu: float  # the server tree's CPU seconds
    exhausted: bool = False  # ran out of distinct ballots before the time was up

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    def percentile(self, p: float) -> float:
        """Latency percentile in milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status, length, close, chunked = int(lines[0].split()[1]), None, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            close = value == b"close"
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
    if chunked:
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            body += (await reader.readexactly(size + 2))[:-2]
        await reader.readuntil(b"\r\n")
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body, close = await reader.read(), True
    return status, close, body


async def _client(port: int, work: Iterator[bytes], deadline: float, expect: bytes, level: Level) -> None:
    reader = writer = None
    try:
        while time.perf_counter() < deadline:
            request = next(work, None)
            if request is None:
                level.exhausted = True
                return
            start = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, port)
                writer.write(request)
                status, close, body = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                level.errors[type(error).__name__] += 1
                if writer is not None:
                    writer.close()
                writer = None
                continue
            if status == 200 and expect in body:
                level.ok += 1
                level.latencies.append(time.perf_counter() - start)
            else:
                level.errors[f"HTTP {status}"] += 1
            if close:
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


def run_level(server: Server, work: Iterator[bytes], clients: int, seconds: float, expect: bytes) -> Level:
    """Drive the server with `clients` closed-loop clients for `seconds`; measure both sides' CPU."""

    async def main() -> Level:
        level = Level(clients, 0, 0.0, [], Counter(), 0.0, 0.0)
        cpu, server_cpu, start = time.process_time(), server.cpu_seconds(), time.perf_counter()
        deadline = start + seconds
        await asyncio.gather(*(_client(server.port, work, deadline, expect, level) for _ in range(clients)))
        level.seconds = time.perf_counter() - start
        level.client_cpu = time.process_time() - cpu
        level.server_cpu = server.cpu_seconds() - server_cpu
        return level

    return asyncio.run(main())


# --- the disk ---------------------------------------------------------------------------------


def sqlite_commit_rate(folder: Path, seconds: float) -> float:
    """Commit single-row INSERTs one transaction each, WAL and synchronous=FULL, as the app's SQLite does."""
    path = folder / "raw-commits.db"
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO t (v) VALUES (?)", ("x" * 40,))
            connection.execute("COMMIT")
            n += 1
        return n / (time.perf_counter() - start)
    finally:
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def filesystem_of(folder: Path) -> str:
    """Name the file system a folder is on (tmpfs would make 'durable' commits meaningless)."""
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown"
    resolved = str(folder.resolve())
    best = max(
        (m for m in mounts if resolved == m[1] or resolved.startswith(m[1].rstrip("/") + "/")),
        key=lambda m: len(m[1]),
        default=None,
    )
    return best[2] if best else "unknown"
