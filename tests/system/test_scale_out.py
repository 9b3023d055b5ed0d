"""Several `voting serve` processes on one PostgreSQL: racing copies of a ballot leave one per contest.

Three server processes share one database (the scale-out deployment of the README). For each
household, six phones post at the same instant, spread over the three servers: two cast the
committee only, two the motion only, two both at once (all or nothing). Whatever order the
database sees them in, each (household, contest) ends with exactly one ballot, every 200 page's
receipt is stored, and every other request gets the clear 已投票 answer.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import threading

import pytest

from voting.extensions import db
from voting.models import Contest

from ..conftest import pg_schema_create, pg_schema_drop, pg_unavailable_reason, pg_url
from ..helpers import Backend
from ..voting_helpers import actor, build_meeting, candidate_keys, token_url
from .meetings import stored_ballots
from .servers import FORM, Server, cast_form

SERVERS = 3
HOUSEHOLDS = 60
BATCH = 5  # households racing at once: 30 simultaneous requests
RECEIPT = re.compile(r'<strong class="code receipt-code">([2-9A-Z]{5}-[2-9A-Z]{5})</strong>')

pytestmark = pytest.mark.slow


@pytest.fixture
def pg_backend():
    reason = pg_unavailable_reason()
    if reason and os.environ.get("VOTING_TEST_REQUIRE_POSTGRES"):
        pytest.fail(f"VOTING_TEST_REQUIRE_POSTGRES is set but {reason}")
    if reason:
        pytest.skip(f"scale-out needs PostgreSQL: {reason}")
    schema = pg_schema_create()
    try:
        yield Backend("postgresql", pg_url(), {"connect_args": {"options": f"-csearch_path={schema}"}}, schema)
    finally:
        pg_schema_drop(schema)


@pytest.fixture
def pg_app(pg_backend, tmp_path):
    from voting import create_app

    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": pg_backend.url,
            "SQLALCHEMY_ENGINE_OPTIONS": pg_backend.engine_options,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def post(port: int, path: str, body: bytes, barrier: threading.Barrier) -> tuple[int, str]:
    """Connect first, wait for every other phone of the batch, then send: a real photo finish."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.connect()
        barrier.wait()
        connection.request("POST", path, body=body, headers=FORM)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_processes_racing_the_same_tokens_leave_one_ballot_per_household_and_contest(
    pg_app, pg_backend, tmp_path, capsys
):
    from voting.services import contests

    app, rng = pg_app, random.Random(9)
    ready = build_meeting(app, n_households=HOUSEHOLDS, choice=False, present=0, allow_override=True)
    committee, motion = ready.committee_id, ready.motion_id
    with app.app_context():
        for contest_id in (committee, motion):
            contests.open_contest(db.session.get(Contest, contest_id), actor(), override=True)
    keys = candidate_keys(app, committee)
    paths = {entry: token_url(app, entry) + "/cast" for entry in ready.entry_ids}

    def forms() -> list[dict[int, list[str]]]:
        one = {committee: rng.sample(keys, 3)}
        other = {motion: [rng.choice(["yes", "no"])]}
        both = {committee: rng.sample(keys, 1), motion: ["no"]}
        return [one, {committee: rng.sample(keys, 2)}, other, {motion: ["abstain"]}, {**one, **other}, both]

    servers = [Server(tmp_path / "instance", pg_backend) for _ in range(SERVERS)]
    outcomes: list[tuple[int, int, dict, int, str]] = []  # (entry, server, selections, status, page)
    lock = threading.Lock()
    try:
        for server in servers:
            server.start()
        pids = {server.process.pid for server in servers}
        for start in range(0, HOUSEHOLDS, BATCH):
            batch = [
                (entry, n, form) for entry in ready.entry_ids[start : start + BATCH] for n, form in enumerate(forms())
            ]
            barrier = threading.Barrier(len(batch))

            def race(entry: int, n: int, form: dict, barrier=barrier) -> None:
                where = (entry + n) % SERVERS
                status, page = post(servers[where].port, paths[entry], cast_form(form), barrier)
                with lock:
                    outcomes.append((entry, where, form, status, page))

            threads = [threading.Thread(target=race, args=item) for item in batch]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
    finally:
        for server in servers:
            server.stop()

    assert len(pids) == SERVERS and len(outcomes) == HOUSEHOLDS * 6
    assert {status for *_, status, _ in outcomes} <= {200, 409}
    assert all("每户只能投一次" in page for *_, status, page in outcomes if status == 409)
    acknowledged: dict[tuple[int, int], list[str]] = {}
    sent_marks: dict[str, list[str]] = {}  # receipt → the marks its request carried
    winners_by_server = [0] * SERVERS
    for entry, where, form, status, page in outcomes:
        if status == 200:
            receipts = RECEIPT.findall(page)
            assert len(receipts) == len(form)  # all or nothing: one receipt per contest posted
            for contest_id, receipt in zip(sorted(form), receipts):
                acknowledged.setdefault((entry, contest_id), []).append(receipt.replace("-", ""))
                sent_marks[receipt.replace("-", "")] = sorted(form[contest_id])
            winners_by_server[where] += 1
    assert all(len(receipts) == 1 for receipts in acknowledged.values())  # no second receipt anywhere
    assert set(acknowledged) == {(entry, c) for entry in ready.entry_ids for c in (committee, motion)}
    assert all(winners_by_server)  # every process won some races: the load really was spread
    stored = stored_ballots(app, ready)
    with capsys.disabled():
        print(
            f"\n[scale-out] {SERVERS} processes, {len(outcomes)} racing requests for {HOUSEHOLDS} households: "
            f"{sum(s == 200 for *_, s, _ in outcomes)} × 200, {sum(s == 409 for *_, s, _ in outcomes)} × 409; "
            f"winning requests per process {winners_by_server}; stored ballots {stored['ballots']}, "
            f"marks {stored['marks']}, doubled {stored['doubled']}"
        )
    assert stored["receipts"] == sent_marks  # exactly the acknowledged ballots, as they were sent
    assert stored["ballots"] == stored["marks"] == {committee: HOUSEHOLDS, motion: HOUSEHOLDS}
    assert stored["doubled"] == []
