"""A meeting set up in-process on the test database, for real server processes to serve."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import func, select, text

from voting.extensions import db
from voting.models import Ballot, Contest, RollEntry, VoteMark
from voting.services import contests

from ..voting_helpers import Ready, actor, build_meeting, candidate_keys, token_url
from .servers import cast_form


@dataclass
class Paper:
    """One household's ballot in one contest, as a client will post it."""

    entry_id: int
    contest_id: int
    marks: list[str]
    path: str
    body: bytes


def open_meeting(app, n_households: int) -> Ready:
    """Build a meeting of n households with a committee, a choice and a motion, all three open.

    Nobody is checked in: the contests are opened with the logged quorum override, because these
    tests are about ballots surviving crashes and races, not about attendance.
    """
    ready = build_meeting(app, n_households=n_households, present=0, allow_override=True)
    with app.app_context():
        for contest_id in (ready.committee_id, ready.choice_id, ready.motion_id):
            contests.open_contest(db.session.get(Contest, contest_id), actor(), override=True)
    return ready


def papers(app, ready: Ready, rng: random.Random) -> list[Paper]:
    """Return one filled-in ballot per household and open contest, in random order."""
    committee = candidate_keys(app, ready.committee_id)
    choice = candidate_keys(app, ready.choice_id)
    out = []
    for entry_id in ready.entry_ids:
        path = token_url(app, entry_id) + "/cast"
        for contest_id, marks in (
            (ready.committee_id, rng.sample(committee, rng.randint(1, 5))),
            (ready.choice_id, [rng.choice(choice)]),
            (ready.motion_id, [rng.choice(["yes", "no", "abstain"])]),
        ):
            out.append(Paper(entry_id, contest_id, sorted(marks), path, cast_form({contest_id: marks})))
    rng.shuffle(out)
    return out


def stored_ballots(app, ready: Ready) -> dict:
    """Read back what the database holds: receipts (→ marks), per-contest counts, voted pairs, duplicates."""
    contest_ids = [c for c in (ready.committee_id, ready.choice_id, ready.motion_id) if c]
    with app.app_context():
        db.session.remove()
        receipts = dict(
            db.session.execute(select(Ballot.receipt, Ballot.marks).where(Ballot.contest_id.in_(contest_ids))).all()
        )
        ballots = dict(
            db.session.execute(
                select(Ballot.contest_id, func.count())
                .where(Ballot.contest_id.in_(contest_ids))
                .group_by(Ballot.contest_id)
            ).all()
        )
        marks = dict(
            db.session.execute(
                select(VoteMark.contest_id, func.count())
                .where(VoteMark.contest_id.in_(contest_ids))
                .group_by(VoteMark.contest_id)
            ).all()
        )
        voted = set(
            db.session.execute(
                select(VoteMark.roll_entry_id, VoteMark.contest_id)
                .join(RollEntry)
                .where(RollEntry.meeting_id == ready.meeting_id)
            ).all()
        )
        doubled = db.session.execute(
            select(VoteMark.roll_entry_id, VoteMark.contest_id)
            .group_by(VoteMark.roll_entry_id, VoteMark.contest_id)
            .having(func.count() > 1)
        ).all()
        db.session.remove()
    return {"receipts": receipts, "ballots": ballots, "marks": marks, "voted": voted, "doubled": doubled}


def tally_cast(app, ready: Ready) -> dict[int, int]:
    """Close the open contests through the service; return the ballots each tally counted."""
    counted = {}
    with app.app_context():
        db.session.remove()
        for contest_id in (ready.committee_id, ready.choice_id, ready.motion_id):
            contests.close_contest(db.session.get(Contest, contest_id), actor())
            counted[contest_id] = db.session.get(Contest, contest_id).result["cast"]
        db.session.remove()
    return counted


def integrity_problems(app, backend) -> tuple[list, list[str]]:
    """Run the database's own consistency checks; return (problems, names of the checks run)."""
    with app.app_context():
        if backend.name == "sqlite":
            problems = [row for row in db.session.execute(text("PRAGMA integrity_check")).all() if row[0] != "ok"]
            problems += db.session.execute(text("PRAGMA foreign_key_check")).all()
            db.session.remove()
            return problems, ["PRAGMA integrity_check", "PRAGMA foreign_key_check"]
        db.session.remove()
    return postgres_amcheck(backend.schema)


def postgres_amcheck(schema: str) -> tuple[list, list[str]]:
    """Check every B-tree index (with heapallindexed) and every table's heap with amcheck.

    amcheck ships with PostgreSQL (contrib); creating the extension needs a superuser, which the
    test server has. Where it cannot be created, the caller still has the row-level checks.
    """
    import psycopg

    from ..conftest import pg_conninfo

    with psycopg.connect(pg_conninfo(), autocommit=True) as conn:
        try:
            conn.execute("create extension if not exists amcheck")
        except psycopg.Error as error:
            return [], [f"amcheck unavailable ({error.diag.message_primary})"]
        indexes = conn.execute(
            """select c.oid::regclass::text from pg_index i join pg_class c on c.oid = i.indexrelid
               join pg_namespace n on n.oid = c.relnamespace join pg_am a on a.oid = c.relam
               where n.nspname = %s and a.amname = 'btree'""",
            (schema,),
        ).fetchall()
        tables = conn.execute(
            "select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = %s and c.relkind = 'r'",
            (schema,),
        ).fetchall()
        ext = conn.execute(
            "select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace "
            "where e.extname = 'amcheck'"
        ).fetchone()[0]
        problems = []
        for (index,) in indexes:
            conn.execute(f'select "{ext}".bt_index_check(%s::regclass, true)', (index,))  # raises on corruption
        for (table,) in tables:
            problems += conn.execute(
                f'select %s, * from "{ext}".verify_heapam(%s::regclass)', (table, table)
            ).fetchall()
    return problems, [
        f"amcheck bt_index_check(heapallindexed) on {len(indexes)} indexes",
        f"amcheck verify_heapam on {len(tables)} tables",
    ]
