"""One household, one ballot per contest — under concurrent submissions, from threads and processes."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from sqlalchemy import func, select

from voting import create_app
from voting.extensions import db
from voting.models import Ballot, VoteMark

from ..voting_helpers import build_meeting, candidate_keys, open_contests, token_url

SUBMISSIONS = 50


@pytest.fixture
def ready(app):
    ready = build_meeting(app)
    open_contests(app, ready, ready.committee_id)
    return ready


def counts(app, contest_id: int) -> tuple[int, int]:
    with app.app_context():
        ballots = db.session.execute(
            select(func.count()).select_from(Ballot).where(Ballot.contest_id == contest_id)
        ).scalar_one()
        marks = db.session.execute(
            select(func.count()).select_from(VoteMark).where(VoteMark.contest_id == contest_id)
        ).scalar_one()
    return ballots, marks


def test_fifty_concurrent_submissions_of_one_token_leave_one_ballot(app, ready):
    url = token_url(app, ready.entry_ids[0]) + "/cast"
    keys = candidate_keys(app, ready.committee_id)
    barrier = threading.Barrier(SUBMISSIONS)
    statuses: list[int] = []
    pages: list[str] = []
    lock = threading.Lock()

    def submit(n: int) -> None:
        client = app.test_client()
        data = {"contest": [ready.committee_id], f"c{ready.committee_id}": keys[n % 5 : n % 5 + 2]}
        barrier.wait()
        response = client.post(url, data=data)
        with lock:
            statuses.append(response.status_code)
            pages.append(response.get_data(as_text=True))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * (SUBMISSIONS - 1)
    refusals = [p for s, p in zip(statuses, pages) if s == 409]
    assert all("每户只能投一次" in p for p in refusals)
    assert counts(app, ready.committee_id) == (1, 1)


def _process_submit(config: dict, url: str, forms: list[dict], barrier, results) -> None:
    """Run in a fresh interpreter: its own app and pool, several threads posting at once."""
    app = create_app(config)
    ready = threading.Barrier(len(forms))

    def post(data: dict) -> None:
        client = app.test_client()
        ready.wait()
        response = client.post(url, data=data)
        results.put((response.status_code, "每户只能投一次" in response.get_data(as_text=True)))

    barrier.wait()
    threads = [threading.Thread(target=post, args=(form,)) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        db.engine.dispose()


def test_fifty_submissions_from_separate_processes_on_postgresql_leave_one_ballot(app, ready, backend):
    if backend.name != "postgresql":
        pytest.skip("several server processes share one database only on PostgreSQL")
    processes, _per_process = 5, SUBMISSIONS // 5
    url = token_url(app, ready.entry_ids[1]) + "/cast"
    keys = candidate_keys(app, ready.committee_id)
    config = {
        "TESTING": True,
        "INSTANCE_PATH": app.instance_path,
        "SQLALCHEMY_DATABASE_URI": backend.url,
        "SQLALCHEMY_ENGINE_OPTIONS": backend.engine_options,
    }
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    forms = [
        {"contest": [ready.committee_id], f"c{ready.committee_id}": keys[n % 5 : n % 5 + 1]} for n in range(SUBMISSIONS)
    ]
    workers = [
        context.Process(target=_process_submit, args=(config, url, forms[p::processes], barrier, results))
        for p in range(processes)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in range(SUBMISSIONS)]
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(status for status, _ in outcomes) == [200] + [409] * (SUBMISSIONS - 1)
    assert all(clear for status, clear in outcomes if status == 409)
    assert counts(app, ready.committee_id) == (1, 1)
