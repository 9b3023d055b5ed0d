"""Build and sign the meeting's audit record (docs/audit-format.md), identically every time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import String, select, type_coerce

from .. import keys
from ..audit import canonical_json
from ..extensions import db
from ..models import ActionLog, Ballot, CheckIn, Contest, ContestStatus, Meeting, Proxy, RollEntry, SignOff, VoteMark
from .agenda import core_contest
from .errors import Conflict
from .log import entry_payload
from .meetings import meeting_chain
from .results import final_at

FORMAT = "xiaoqu-voting-audit/1"


def _time(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _area(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _meeting(meeting: Meeting) -> dict:
    return {
        "id": meeting.id,
        "community": meeting.community.name,
        "title": meeting.title,
        "venue": meeting.venue,
        "starts_at": _time(meeting.starts_at),
        "public_base_url": meeting.public_base_url,
        "ballots_issued_at": _time(meeting.ballots_issued_at),
        "results_published_at": _time(meeting.results_published_at),
        "objection_days": meeting.objection_days,
        "final_at": _time(final_at(meeting)),
    }


def _contests(meeting: Meeting, addresses: dict[int, str]) -> list[dict]:
    signatures: dict[int, list[dict]] = {}
    for s in db.session.execute(
        select(SignOff).join(Contest).where(Contest.meeting_id == meeting.id).order_by(SignOff.at, SignOff.name)
    ).scalars():
        signatures.setdefault(s.contest_id, []).append({"role": s.role.value, "name": s.name, "at": _time(s.at)})
    return [
        {
            "id": str(c.id),
            "position": c.position,
            "title": c.title,
            "purpose": c.purpose.value,
            "status": c.status.value,
            "opened_at": _time(c.opened_at),
            "closed_at": _time(c.closed_at),
            "follows": str(c.parent_id) if c.parent_id else None,
            "definition": core_contest(c).to_dict(),
            "present_at_close": sorted(addresses[i] for i in c.present_at_close)
            if c.present_at_close is not None
            else None,
            "signoffs": signatures.get(c.id, []),
        }
        for c in meeting.contests
    ]


def _roll(meeting: Meeting, entries: list[RollEntry], addresses: dict[int, str]) -> list[dict]:
    present = set(db.session.execute(select(CheckIn.roll_entry_id).where(CheckIn.meeting_id == meeting.id)).scalars())
    holders = dict(
        db.session.execute(select(Proxy.principal_id, Proxy.holder_id).where(Proxy.meeting_id == meeting.id)).all()
    )
    voted: dict[int, dict[str, str]] = {}
    rows = db.session.execute(
        select(VoteMark.roll_entry_id, VoteMark.contest_id, VoteMark.channel)
        .join(Contest)
        .where(Contest.meeting_id == meeting.id)
    )
    for entry_id, contest_id, channel in rows:
        voted.setdefault(entry_id, {})[str(contest_id)] = channel.value
    roll = [
        {
            "address": e.address,
            "area": _area(e.area),
            "eligible": True,
            "checked_in": e.id in present,
            "proxy_holder": addresses[holders[e.id]] if e.id in holders else None,
            "voted": voted.get(e.id, {}),
        }
        for e in entries
    ]
    return sorted(roll, key=lambda r: r["address"])


def _ballots(meeting: Meeting) -> list[dict]:
    """Return the meeting's ballots sorted by receipt, as the record lists them."""
    # Core-level columns with the status as plain text: 100,000 rows without per-row ORM work.
    ballot, contest = Ballot.__table__, Contest.__table__
    query = (
        select(
            ballot.c.receipt, ballot.c.contest_id, ballot.c.marks, type_coerce(ballot.c.status, String), ballot.c.area
        )
        .join(contest, contest.c.id == ballot.c.contest_id)
        .where(contest.c.meeting_id == meeting.id)
    )
    ballots = [
        {"receipt": r, "contest": str(c), "marks": m, "status": s, "area": None if a is None else _area(a)}
        for r, c, m, s, a in db.session.connection().execute(query)
    ]
    ballots.sort(key=lambda b: b["receipt"])  # in Python: the record's order must not depend on the database collation
    return ballots


def _log(meeting: Meeting) -> list[dict]:
    entries = db.session.execute(
        select(ActionLog).where(ActionLog.chain == meeting_chain(meeting.id)).order_by(ActionLog.seq)
    ).scalars()
    return [{**entry_payload(e), "hash": e.hash} for e in entries]


def build_record(meeting: Meeting) -> dict:
    """Assemble the signed record; refuse while a contest is open (its count is not final)."""
    unsigned = _unsigned(meeting)
    return {**unsigned, "signature": _sign(meeting, canonical_json(unsigned))}


def record_bytes(meeting: Meeting) -> bytes:
    """Return the record as observers download it: the canonical JSON of the signed record.

    `signature` sorts after every other top-level key, so the signed record's canonical form is
    the unsigned one with the signature appended: the record is serialised once.
    """
    unsigned = canonical_json(_unsigned(meeting))
    signature = _sign(meeting, unsigned)
    return unsigned[:-1] + b',"signature":"' + signature.encode("ascii") + b'"}'


def _sign(meeting: Meeting, data: bytes) -> str:
    return keys.sign(current_app.instance_path, meeting.id, data)


def _unsigned(meeting: Meeting) -> dict:
    """Assemble everything the signature covers."""
    if meeting.public_key is None:
        raise Conflict("选票尚未发放，还没有可以导出的计票记录。")
    if any(c.status is ContestStatus.OPEN for c in meeting.contests):
        raise Conflict("还有事项正在投票，结束投票后才能导出计票记录。")
    entries = list(db.session.execute(select(RollEntry).where(RollEntry.meeting_id == meeting.id)).scalars())
    addresses = {e.id: e.address for e in entries}
    record = {
        "format": FORMAT,
        "meeting": _meeting(meeting),
        "rules": meeting.rules,
        "contests": _contests(meeting, addresses),
        "roll": _roll(meeting, entries, addresses),
        "ballots": _ballots(meeting),
        "results": {str(c.id): c.result for c in meeting.contests if c.status is ContestStatus.CLOSED},
        "log": _log(meeting),
        "public_key": meeting.public_key,
    }
    return record
