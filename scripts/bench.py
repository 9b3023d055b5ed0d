#!/usr/bin/env python
"""Benchmarks of the voting service, one subcommand each; with none, run all and print one table.

    python scripts/bench.py            # every benchmark, one table
    python scripts/bench.py core       # the rules core: tallies over 100,000 ballots
    python scripts/bench.py ballots    # the printed ballots: a 3,000-household PDF against bare qrcode
    python scripts/bench.py audit      # build and sign a 100,000-ballot audit record, then verify it offline
    python scripts/bench.py serve      # the real servers (waitress, gunicorn) under 10, 50, 200 concurrent voters

To add one, register a function that returns rows:

    @benchmark("ballots", "token issue and QR rendering")
    def bench_ballots(args: argparse.Namespace) -> list[Row]:
        ...
        return [Row("ballots: tokens issued", rate, "tokens/s", target=5_000)]

Options a benchmark needs go in `arguments=` (a function adding them to its subparser); they must
have defaults, because a run without arguments uses them. Exit status is 1 when a target is missed.
Timings belong here, never in unit tests.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Row:
    """One measured figure; `target` is the least acceptable figure (None: for information).

    With `lower_is_better` (seconds, cost ratios) the target is the most acceptable figure instead.
    """

    name: str
    figure: float
    unit: str
    target: float | None = None
    lower_is_better: bool = False

    @property
    def passed(self) -> bool | None:
        """Tell whether the figure reaches its target (None when there is no target)."""
        if self.target is None:
            return None
        return self.figure <= self.target if self.lower_is_better else self.figure >= self.target


@dataclass(frozen=True)
class Benchmark:
    """A registered benchmark."""

    name: str
    help: str
    run: Callable[[argparse.Namespace], list[Row]]
    arguments: Callable[[argparse.ArgumentParser], None]


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(
    name: str, help: str, arguments: Callable[[argparse.ArgumentParser], None] = lambda parser: None
) -> Callable[[Callable[[argparse.Namespace], list[Row]]], Callable[[argparse.Namespace], list[Row]]]:
    """Register a benchmark function under `name`."""

    def register(run: Callable[[argparse.Namespace], list[Row]]) -> Callable[[argparse.Namespace], list[Row]]:
        BENCHMARKS[name] = Benchmark(name, help, run, arguments)
        return run

    return register


def best_time(action: Callable[[], object], repeat: int) -> float:
    """Return the fastest of `repeat` runs of `action`, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


# --- core -----------------------------------------------------------------------------------


def _core_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ballots", type=int, default=100_000, help="ballots per contest (default 100000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the best counts (default 5)")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the generated ballots")


def _committee_papers(contest_id: str, ids: list[str], seats: int, n: int, rnd: random.Random, area: bool):
    """Generate realistic committee ballots: mostly valid, some blank, over-voted, repeated or unknown."""
    from voting.core import Ballot

    weights = [len(ids) - i for i in range(len(ids))]  # earlier candidates are more popular
    papers = []
    for _ in range(n):
        roll = rnd.random()
        if roll < 0.03:
            marks: tuple[str, ...] = ()
        elif roll < 0.05:
            marks = tuple(rnd.sample(ids, seats + 1))  # over-vote → 废票
        elif roll < 0.06:
            marks = ("unknown", ids[0])
        else:
            chosen = {rnd.choices(ids, weights)[0] for _ in range(rnd.randint(1, seats))}
            marks = tuple(chosen) + ((next(iter(chosen)),) if roll > 0.95 else ())  # some repeat a mark
        weight = Decimal(rnd.randint(3000, 15000)).scaleb(-2) if area else None
        papers.append(Ballot(contest_id, marks, weight))
    return papers


def _choice_papers(contest_id: str, ids: list[str], n: int, rnd: random.Random):
    from voting.core import Ballot

    weights = [3 + (i * 7) % 5 for i in range(len(ids))]
    papers = []
    for _ in range(n):
        roll = rnd.random()
        if roll < 0.03:
            marks: tuple[str, ...] = ()
        elif roll < 0.05:
            marks = tuple(rnd.sample(ids, 2))
        else:
            marks = (rnd.choices(ids, weights)[0],)
        papers.append(Ballot(contest_id, marks))
    return papers


@benchmark("core", "tally a 9-seat, 15-candidate committee and two choice contests", _core_arguments)
def bench_core(args: argparse.Namespace) -> list[Row]:
    """Measure the tallies of the rules core in ballots per second on one core."""
    from voting.core import (
        Attendance,
        Candidate,
        ChoiceContest,
        ChoiceMethod,
        CommitteeContest,
        Option,
        RuleProfile,
        classify,
        tally_choice,
        tally_committee,
    )

    n, rnd = args.ballots, random.Random(args.seed)
    committee = CommitteeContest("k", 9, tuple(Candidate(f"c{i:02}", f"候选人{i}") for i in range(15)))
    ids = [c.id for c in committee.candidates]
    modes = ChoiceContest("mode", tuple(Option(f"m{i}", f"模式{i}") for i in range(6)))
    fees = ChoiceContest(
        "fee",
        tuple(Option(f"L{a}", f"{a} 元/户·月") for a in (10, 15, 20, 25, 30)),
        ordered=True,
        method=ChoiceMethod.MEDIAN,
    )
    committee_papers = _committee_papers("k", ids, 9, n, rnd, area=False)
    area_papers = _committee_papers("k", ids, 9, n, rnd, area=True)
    mode_papers = _choice_papers("mode", [o.id for o in modes.options], n, rnd)
    fee_papers = _choice_papers("fee", [o.id for o in fees.options], n, rnd)
    total_area = sum((p.area for p in area_papers), Decimal(0))
    heads = Attendance(n + n // 10, n)
    areas = Attendance(n + n // 10, n, total_area * 2, total_area)
    charter, civil = RuleProfile.charter(), RuleProfile.civil_code()

    def rate(action: Callable[[], object]) -> float:
        return n / best_time(action, args.repeat)

    return [
        Row(
            f"core: committee tally, 9 of 15, {n:,} ballots",
            rate(lambda: tally_committee(committee, committee_papers, heads, charter, n)),
            "ballots/s",
            target=200_000,
        ),
        Row(
            "core: committee tally with areas (civil_code)",
            rate(lambda: tally_committee(committee, area_papers, areas, civil, n)),
            "ballots/s",
        ),
        Row(
            "core: choice tally, 6 service modes (majority)",
            rate(lambda: tally_choice(modes, mode_papers, heads, charter, n)),
            "ballots/s",
        ),
        Row(
            "core: choice tally, 5 fee levels (median)",
            rate(lambda: tally_choice(fees, fee_papers, heads, charter, n)),
            "ballots/s",
        ),
        Row(
            "core: classify() one ballot at a time",
            rate(lambda: [classify(committee, p) for p in committee_papers]),
            "ballots/s",
        ),
    ]


# --- ballots --------------------------------------------------------------------------------


def _ballots_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--households", type=int, default=3_000, help="ballots in the print run (default 3000)")
    parser.add_argument(
        "--per-page",
        type=int,
        choices=(1, 2),
        action="append",
        dest="per_page",
        help="ballots per page, 1 or 2; repeat for both (default: both)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated tokens")


def _ballot_sheets(n: int, seed: int):
    """Build `n` households' sheets: 39-character tokens, a 9-of-12 committee, modes, fees, a motion."""
    from ballots.sheets import BallotSheet, SheetContest, SheetOption

    rnd = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
    names = [rnd.choice("王李张刘陈杨") + rnd.choice("建秀志丽") + rnd.choice("国英强华") for _ in range(12)]
    fees = ("0.5", "0.8", "1.0", "1.2")
    contests = (
        SheetContest("选举业主委员会委员（应选 9 名）", "最多选 9 人", tuple(map(SheetOption, names))),
        SheetContest("小区管理模式", "单选", tuple(SheetOption(f"模式{i}", "说明文字" * 3) for i in range(6))),
        SheetContest("物业费标准", "单选；按中位数确定", tuple(SheetOption(f"{fee} 元") for fee in fees)),
        SheetContest("同意更换 3 号楼电梯", "单选", tuple(map(SheetOption, ("同意", "反对", "弃权")))),
    )
    return [
        BallotSheet(
            "幸福里小区",
            "2026年第一次业主大会",
            "2026年12月20日 09:00 社区活动室",
            f"{i // 36 + 1}号楼{i % 36 // 12 + 1}单元{i % 12 // 2 + 1}0{i % 2 + 1}室",
            "http://192.168.1.10:8000/b/" + "".join(rnd.choice(letters) for _ in range(39)),
            "".join(rnd.choice("23456789ABCDEFGHJKMNPQRSTUVWXYZ") for _ in range(8)),
            contests,
            "3F9A 1C07 B2E4 5D68 90AB CDEF 1234 5678",
            ("扫码投票，或在方框内打“√”。",),
        )
        for i in range(n)
    ]


@benchmark("ballots", "print ballots as a PDF and compare with bare qrcode on the same URLs", _ballots_arguments)
def bench_ballots(args: argparse.Namespace) -> list[Row]:
    """Time the PDF of a whole compound against `qrcode` making the same codes, both on one core.

    The bare figure is qrcode's own QRCode(...).make(fit=True) and get_matrix() per URL, which
    picks the same version, error correction and mask as the PDF's codes (the tests assert the
    matrices are equal). The PDF figure is render_pdf end to end: QR codes, layout, drawing,
    compression. Nothing is cached between runs; one run each. Targets (issue 5): 3,000
    households in at most 10 s, at most twice the bare QR cost per ballot.
    """
    import io

    from ballots.pdf import render_pdf
    from ballots.qr import qrcode_matrix

    n = args.households
    sheets = _ballot_sheets(n, args.seed)
    start = time.perf_counter()
    for sheet in sheets:
        qrcode_matrix(sheet.url)
    bare = time.perf_counter() - start
    rows = [Row(f"ballots: bare qrcode, the same {n:,} URLs", n / bare, "codes/s")]
    for per_page in args.per_page or (2, 1):
        start = time.perf_counter()
        drawn = render_pdf(sheets, io.BytesIO(), per_page=per_page)
        pdf = time.perf_counter() - start
        assert drawn == n
        layout = f"{per_page} a page"
        rows += [
            Row(f"ballots: PDF of {n:,} households, {layout}", n / pdf, "ballots/s"),
            Row(f"ballots: PDF of {n:,} households, {layout}", pdf, "s", target=10 * n / 3_000, lower_is_better=True),
            Row(
                f"ballots: PDF ÷ bare QR, per ballot, {layout}", pdf / bare, "× bare QR", target=2, lower_is_better=True
            ),
        ]
    return rows


# --- audit ---------------------------------------------------------------------------------


def _audit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--households", type=int, default=20_000, help="households, each voting in 5 contests")
    parser.add_argument("--repeat", type=int, default=2, help="runs per timing; the best counts")


def _audit_meeting(app, households: int, rnd: random.Random) -> int:
    """Fill a database with a closed meeting: 5 contests, every household voting in each.

    Rows are bulk-inserted (this measures building the record, not casting); the contests are
    closed through the service, so the stored results are the core's real tallies.
    """
    from sqlalchemy import insert

    from voting.core import Ballot as CoreBallot
    from voting.core import classify
    from voting.extensions import db
    from voting.models import Ballot, Meeting, RollEntry, VoteMark
    from voting.services import agenda, contests, log, meetings

    seeded = _script("serve_load").seed_meeting(app, households, rnd, "基准会议")
    meeting = seeded.meeting
    for contest, _, _ in seeded.contests:  # as open_contest would log it (the verifier replays the log)
        log.append(meetings.meeting_chain(meeting.id), "bench", "contest.open", contest=contest.id)
    entries = db.session.execute(db.select(RollEntry.id).where(RollEntry.meeting_id == meeting.id)).scalars().all()
    marks, ballots, receipts = [], [], set()
    for contest, keys_, most in seeded.contests:
        core = agenda.core_contest(contest)
        for entry in entries:
            chosen = rnd.sample(keys_, rnd.randint(0, most + 1 if rnd.random() < 0.02 else most))
            receipt = "".join(rnd.choice("23456789ABCDEFGHJKMNPQRSTUVWXYZ") for _ in range(10))
            while receipt in receipts:
                receipt = receipt[1:] + "2"
            receipts.add(receipt)
            status = classify(core, CoreBallot(str(contest.id), tuple(chosen))).status.value
            marks.append({"roll_entry_id": entry, "contest_id": contest.id, "channel": "phone"})
            ballots.append(
                {"receipt": receipt, "contest_id": contest.id, "marks": sorted(chosen), "status": status, "area": None}
            )
    db.session.execute(insert(VoteMark), marks)
    db.session.execute(insert(Ballot), ballots)
    db.session.commit()
    for contest in db.session.get(Meeting, meeting.id).contests:
        contests.close_contest(contest, "bench")
    return meeting.id


@benchmark(
    "audit", "build and sign a meeting's audit record of 100,000 ballots, then verify it offline", _audit_arguments
)
def bench_audit(args: argparse.Namespace) -> list[Row]:
    """Time the service building the signed record from the database, and the offline verifier on it."""
    import importlib.util
    import json
    import tempfile

    from voting import create_app
    from voting.extensions import db
    from voting.models import Meeting
    from voting.services import audit_record

    spec = importlib.util.spec_from_file_location("verify_audit", ROOT / "scripts" / "verify_audit.py")
    verifier = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("verify_audit", verifier)
    spec.loader.exec_module(verifier)
    verifier = sys.modules["verify_audit"]
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db"})
        with app.app_context():
            db.create_all()
            meeting_id = _audit_meeting(app, args.households, random.Random(20261122))
            data = b""

            def build() -> None:
                nonlocal data
                db.session.expire_all()
                data = audit_record.record_bytes(db.session.get(Meeting, meeting_id))

            built = best_time(build, args.repeat)
            db.engine.dispose()
        path = Path(folder) / "audit.json"
        path.write_bytes(data)
        verified = best_time(lambda: verifier.verify(verifier.load_record(path)), args.repeat)
    ballots = len(json.loads(data)["ballots"])
    return [
        Row(
            f"audit: build and sign the record, {ballots:,} ballots ({len(data) / 1e6:.0f} MB)",
            built,
            "s",
            target=3 * ballots / 100_000,
            lower_is_better=True,
        ),
        Row(
            f"audit: verify it offline (scripts/verify_audit.py), {ballots:,} ballots",
            verified,
            "s",
            target=5 * ballots / 100_000,
            lower_is_better=True,
        ),
    ]


# --- serve ---------------------------------------------------------------------------------


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--servers", default="waitress,gunicorn", help="comma-separated: waitress (voting serve), gunicorn (2 workers)"
    )
    parser.add_argument("--levels", default="10,50,200", help="concurrent voters, comma-separated (default 10,50,200)")
    parser.add_argument("--seconds", type=float, default=10, help="casting time per level (default 10)")
    parser.add_argument("--floor-seconds", type=float, default=4, help="trivial-endpoint time per level (default 4)")
    parser.add_argument("--warmup", type=float, default=2, help="uncounted casting before the levels (default 2)")
    parser.add_argument("--households", type=int, default=4_000, help="households, 5 open contests each")
    parser.add_argument("--commit-seconds", type=float, default=3, help="raw SQLite commit loop time (default 3)")
    parser.add_argument("--dir", default=None, help="folder for the databases (default: the system temp folder)")
    parser.add_argument("--seed", type=int, default=2027, help="seed of the generated ballots")


def _script(name: str):
    """Import a module that lives beside this script (works however bench.py itself was loaded)."""
    import importlib.util

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@benchmark("serve", "the real server under concurrent voters: ballots/s and latency beside its floor", _serve_arguments)
def bench_serve(args: argparse.Namespace) -> list[Row]:
    """Start waitress and gunicorn on a fresh SQLite meeting each and cast ballots at 10, 50, 200 voters.

    Beside each level: the same server's throughput on /healthz with as many clients (the framework
    floor: what HTTP, WSGI and Flask cost with no database), and once per run the raw durable SQLite
    commit rate on the same disk. Targets (issue 9, SQLite, 2 cores): ballots/s ≥ 30 % of the floor,
    p99 ≤ 100 ms at 50 voters, RSS ≤ 200 MB. See scripts/serve_load.py for the load generator.
    """
    import tempfile

    load = _script("serve_load")
    levels = [int(n) for n in args.levels.split(",")]
    kinds = [k for k in args.servers.split(",") if k and (k != "gunicorn" or sys.platform.startswith("linux"))]
    with tempfile.TemporaryDirectory(prefix="voting-bench-", dir=args.dir) as folder:
        folder = Path(folder)
        commits = load.sqlite_commit_rate(folder, args.commit_seconds)
        rows = [
            Row(f"serve: raw durable SQLite commits (WAL, FULL, {load.filesystem_of(folder)})", commits, "commits/s")
        ]
        for kind in kinds:
            rows += _serve_one(load, kind, folder / kind, levels, args)
    return rows


def _serve_one(load, kind: str, instance: Path, levels: list[int], args: argparse.Namespace) -> list[Row]:
    import itertools

    from sqlalchemy import func, select

    from voting import create_app
    from voting.extensions import db
    from voting.models import Ballot

    instance.mkdir()
    app = create_app({"INSTANCE_PATH": str(instance)})  # the deployed default: SQLite in the instance folder
    with app.app_context():
        db.create_all()
        casts = load.serve_meeting(app, args.households, random.Random(args.seed))
        db.engine.dispose()
    runs = []
    with load.Server(kind, instance) as server:
        work = (load.cast_request(server.port, path, body) for path, body in casts)
        warm = load.run_level(server, work, 10, args.warmup, b"receipt-code") if args.warmup > 0 else None
        for clients in levels:
            trivial = itertools.repeat(load.floor_request(server.port))
            floor = load.run_level(server, trivial, clients, args.floor_seconds, b'"ok"')
            cast = load.run_level(server, work, clients, args.seconds, b"receipt-code")
            if cast.exhausted:
                raise RuntimeError(f"{kind}: ran out of distinct ballots at {clients} voters; raise --households")
            runs.append((floor, cast))
        peak_rss = server.peak_rss
    acknowledged = sum(cast.ok for _, cast in runs) + (warm.ok if warm else 0)
    failed = sum(sum(level.errors.values()) for run in runs for level in run) + (
        sum(warm.errors.values()) if warm else 0
    )
    with app.app_context():
        stored = db.session.execute(select(func.count()).select_from(Ballot)).scalar_one()
        db.engine.dispose()
    if not acknowledged <= stored <= acknowledged + failed:
        raise RuntimeError(f"{kind}: {acknowledged} ballots acknowledged but {stored} stored")
    name = f"serve {kind}{' (2 workers)' if kind == 'gunicorn' else ''}"
    rows = []
    for floor, cast in runs:
        n = cast.clients
        rows += [
            Row(f"{name}: floor, GET /healthz, {n} clients", floor.rate, "requests/s"),
            Row(f"{name}: ballots cast, {n} voters", cast.rate, "ballots/s"),
            Row(f"{name}: ballots ÷ floor, {n} voters", 100 * cast.rate / floor.rate, "% of floor", target=30),
            Row(f"{name}: p50 latency, {n} voters", cast.percentile(50), "ms"),
            Row(
                f"{name}: p99 latency, {n} voters",
                cast.percentile(99),
                "ms",
                target=100 if n == 50 else None,
                lower_is_better=True,
            ),
        ]
    floor, cast = next(((f, c) for f, c in runs if c.clients == 50), runs[len(runs) // 2])
    n = cast.clients
    return rows + [
        Row(f"{name}: server CPU per ballot, {n} voters", 1000 * cast.server_cpu / max(cast.ok, 1), "ms CPU"),
        Row(f"{name}: server CPU per /healthz, {n} clients", 1000 * floor.server_cpu / max(floor.ok, 1), "ms CPU"),
        Row(f"{name}: load generator CPU, {n} voters", 100 * cast.client_cpu / cast.seconds, "% of a core"),
        Row(f"{name}: peak RSS of the server processes", peak_rss / 1e6, "MB", target=200, lower_is_better=True),
        Row(f"{name}: failed requests", failed, "requests", target=0, lower_is_better=True),
    ]


# --- command line ---------------------------------------------------------------------------


def format_table(rows: list[Row]) -> str:
    """Lay rows out as one plain-text table."""
    header = ("benchmark", "figure", "unit", "target", "result")

    def number(value: float) -> str:
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"

    lines = [
        (
            r.name,
            number(r.figure),
            r.unit,
            "—" if r.target is None else f"{'≤' if r.lower_is_better else '≥'} {number(r.target)}",
            {True: "pass", False: "FAIL", None: "info"}[r.passed],
        )
        for r in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines)]
    align = ["<", ">", "<", ">", "<"]
    return "\n".join(
        "  ".join(f"{cell:{a}{w}}" for cell, a, w in zip(line, align, widths)).rstrip() for line in [header, *lines]
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the argparse CLI: one subcommand per registered benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="benchmark")
    for bench in BENCHMARKS.values():
        bench.arguments(commands.add_parser(bench.name, help=bench.help))
    return parser


def defaults_for(name: str) -> argparse.Namespace:
    """Return the default options of benchmark `name`."""
    parser = argparse.ArgumentParser()
    BENCHMARKS[name].arguments(parser)
    return parser.parse_args([])


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmark, or all of them, and print the table."""
    args = build_parser().parse_args(argv)
    if args.command:
        rows = BENCHMARKS[args.command].run(args)
    else:
        rows = [row for name, bench in BENCHMARKS.items() for row in bench.run(defaults_for(name))]
    print(format_table(rows))
    return 1 if any(row.passed is False for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
