"""Cast ballots by phone, paper or mobile box: one per household and contest, secret, all or nothing.

The guarantee is in the database: the VoteMark primary key (roll entry, contest) is inserted in
the same transaction as the ballot, so a second ballot fails whatever thread or process sends it.
The ballot row itself carries a random receipt, the contest and the marks — nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Protocol

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from ballots import tokens
from ballots.tokens import BallotToken

from ..core import Ballot as CoreBallot
from ..core import BallotStatus as CoreStatus
from ..core import classify
from ..extensions import db
from ..models import (
    Ballot,
    BallotStatus,
    Channel,
    Community,
    Contest,
    ContestKind,
    ContestOption,
    ContestStatus,
    Meeting,
    PaperEntry,
    RollEntry,
    StaffUser,
    VoteMark,
)
from ..timeutil import format_local
from . import log, use_case
from .agenda import core_contest
from .ballots import UNKNOWN_BALLOT, BallotNotFound, BallotRevoked, roll_entry_of_ballot
from .errors import Conflict, DomainError, InvalidInput, NotFound
from .meetings import meeting_chain, profile_of

MAX_MARKS = 60  # more boxes than any ballot has: anything longer is not a ballot


class AlreadyVoted(Conflict):
    code = "already_voted"


class ContestNotOpen(Conflict):
    code = "contest_not_open"


class OverVote(DomainError):
    status = 422
    code = "over_vote"


@dataclass(frozen=True)
class Cast:
    """What a successful cast shows the voter, as plain values (its page needs no further query)."""

    receipts: list[Receipt]
    address: str
    meeting_id: int
    meeting_title: str
    community: str


@dataclass(frozen=True)
class Receipt:
    contest_id: int
    contest_title: str
    receipt: str
    status: BallotStatus

    @property
    def shown(self) -> str:
        return tokens.group(self.receipt)


def voted_marks(entry: RollEntry) -> dict[int, VoteMark]:
    """Return the contests this household has voted in, with channel and time."""
    return {
        m.contest_id: m
        for m in db.session.execute(select(VoteMark).where(VoteMark.roll_entry_id == entry.id)).scalars()
    }


def already_voted_message(contest: Contest, mark: VoteMark) -> str:
    return f"该户已在“{contest.title}”投票（{mark.channel.label}，{format_local(mark.at, '%H:%M')}），每户只能投一次。"


def _check_marks(selections: dict[int, list[str]]) -> None:
    if not selections:
        raise InvalidInput("没有可以提交的表决事项。")
    for marks in selections.values():
        if len(marks) > MAX_MARKS or any(not isinstance(m, str) or len(m) > 20 for m in marks):
            raise InvalidInput("提交的选票内容格式不正确。")


# The hot path of meeting day: statements built once (bound parameters) and run as plain SQL on
# the session's connection, in its transaction — no ORM objects, no unit of work.
def _sql(statement, parameters: dict):
    return db.session.connection().execute(statement, parameters)


class BallotRef(Protocol):
    """Which ballot was presented: a verified token, or a roll entry found by staff."""

    meeting_id: int
    household_id: int
    serial: int


@dataclass(frozen=True)
class _Voter:
    """What a cast needs of the household's roll entry and its meeting, read in one statement."""

    entry_id: int
    address: str
    area: Decimal
    counts_area: bool
    meeting_id: int
    meeting_title: str
    community_id: int
    community: str


_VOTER = (
    select(
        RollEntry.id,
        RollEntry.serial,
        RollEntry.address,
        RollEntry.area,
        Meeting.title.label("meeting_title"),
        Meeting.rules,
        Meeting.community_id,
        Community.name.label("community"),
    )
    .join(Meeting, RollEntry.meeting_id == Meeting.id)
    .join(Community, Meeting.community_id == Community.id)
    .where(RollEntry.meeting_id == bindparam("meeting_id"), RollEntry.household_id == bindparam("household_id"))
    .with_for_update(read=True, of=RollEntry)
)


def _locked_voter(ballot: BallotRef) -> _Voter:
    """Read the roll entry under a share lock and check the ballot is still the current one.

    A reissue updates the serial under a row lock, so it waits for casts under way, and a cast after
    it sees the new serial: a voided ballot can never vote and lock out its replacement.
    """
    row = _sql(_VOTER, {"meeting_id": ballot.meeting_id, "household_id": ballot.household_id}).one_or_none()
    if row is None:
        raise BallotNotFound(UNKNOWN_BALLOT)
    if row.serial != ballot.serial:
        raise BallotRevoked("此选票已作废：该户已补发新选票，请使用新选票。")
    return _Voter(
        row.id,
        row.address,
        row.area,
        profile_of(row).counts_area,
        ballot.meeting_id,
        row.meeting_title,
        row.community_id,
        row.community,
    )


@dataclass(frozen=True)
class _Option:
    key: str
    label: str


@dataclass(frozen=True)
class _OpenContest:
    """What a cast reads of a contest: the attributes `core_contest` and `phone_problem` use."""

    id: int
    kind: ContestKind
    title: str
    settings: dict
    parent_id: int | None
    options: tuple[_Option, ...]


_CONTESTS = (
    select(
        Contest.id,
        Contest.meeting_id,
        Contest.kind,
        Contest.title,
        Contest.settings,
        Contest.parent_id,
        Contest.status,
        ContestOption.key,
        ContestOption.label,
    )
    .outerjoin(ContestOption, ContestOption.contest_id == Contest.id)  # a motion has no option rows
    .where(Contest.id.in_(bindparam("ids", expanding=True)))
    .order_by(Contest.id, ContestOption.position)
    .with_for_update(read=True, of=Contest)
)


def _open_contests(voter: _Voter, contest_ids: list[int]) -> list[_OpenContest]:
    """Read the contests voted in, with their options, under a share lock (a close waits for casts
    under way): one statement, a row per option, for any number of contests."""
    rows: dict[int, list] = {}
    for row in _sql(_CONTESTS, {"ids": contest_ids}):
        rows.setdefault(row.id, []).append(row)
    contests = []
    for contest_id in contest_ids:
        found = rows.get(contest_id)
        if found is None or found[0].meeting_id != voter.meeting_id:
            raise NotFound("找不到该表决事项。")
        row = found[0]
        if row.status is not ContestStatus.OPEN:
            state = "尚未开始" if row.status is ContestStatus.DRAFT else "已经结束"
            raise ContestNotOpen(f"“{row.title}”{state}投票，本次提交未计入。")
        options = tuple(_Option(r.key, r.label) for r in found if r.key is not None)
        contests.append(_OpenContest(row.id, row.kind, row.title, row.settings, row.parent_id, options))
    return contests


def phone_problem(contest: Contest | _OpenContest, marks: list[str]):
    """Return (classification, problem): a phone ballot may not be spoilt, so say why it would be."""
    classified = classify(core_contest(contest), CoreBallot(str(contest.id), tuple(marks)))
    if classified.status is not CoreStatus.INVALID:
        return classified, None
    return (
        classified,
        f"“{contest.title}”：{classified.reason.removesuffix('，本项为废票')}。手机投票不接受废票，请修改。",
    )


_INSERT_MARK = insert(VoteMark.__table__)
_INSERT_BALLOT = insert(Ballot.__table__)


def _record(voter: _Voter, contest: _OpenContest, marks: list[str], channel: Channel, *, strict: bool) -> Receipt:
    """Insert the voted mark and the ballot (in the caller's transaction).

    No query first: the VoteMark primary key refuses a second ballot of the household (the caller
    turns the IntegrityError into AlreadyVoted), and the receipt's primary key refuses a collision.
    Plain INSERT statements, no ORM unit of work: this is the hot path of meeting day.
    """
    classified, problem = phone_problem(contest, marks)
    if strict and problem:
        # The phone page shows this before confirming; a bypassed page still cannot cast it.
        raise OverVote(problem)
    receipt = tokens.receipt()
    status = BallotStatus(classified.status.value)
    _sql(_INSERT_MARK, {"roll_entry_id": voter.entry_id, "contest_id": contest.id, "channel": channel})
    _sql(
        _INSERT_BALLOT,
        {
            "receipt": receipt,
            "contest_id": contest.id,
            "marks": sorted(marks),
            "status": status,
            "area": voter.area if voter.counts_area else None,
        },
    )
    return Receipt(contest.id, contest.title, receipt, status)


@use_case
def _cast(ballot: BallotRef, selections: dict[int, list[str]], channel: Channel, strict: bool) -> Cast:
    voter = _locked_voter(ballot)
    contests = _open_contests(voter, sorted(selections))
    receipts = [_record(voter, c, selections[c.id], channel, strict=strict) for c in contests]
    return Cast(receipts, voter.address, voter.meeting_id, voter.meeting_title, voter.community)


def cast_ballots(ballot: BallotRef, selections: dict[int, list[str]], channel: Channel, *, strict: bool = True) -> Cast:
    """Cast one household's ballots in several contests at once: all of them or none.

    `ballot` is the token presented (the phone page reads no roll entry before this) or the roll
    entry staff found; its serial must still be current. `strict` (phone) refuses over-votes and
    unknown marks; paper ballots are recorded as marked and the core classifies them (废票 for that
    contest only).
    """
    _check_marks(selections)
    ballot = BallotToken(ballot.meeting_id, ballot.household_id, ballot.serial)  # as presented, now
    for attempt in (1, 2):
        try:
            return _cast(ballot, selections, channel, strict)
        except IntegrityError:
            # The household has voted (now, or in a race the database decided), or — about once
            # in 10^14 casts — a new receipt collided with another: then cast again, once.
            marks = voted_marks(roll_entry_of_ballot(ballot))
            for contest_id in selections:
                if contest_id in marks:
                    raise AlreadyVoted(
                        already_voted_message(db.session.get(Contest, contest_id), marks[contest_id])
                    ) from None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# --- paper ballots: double entry ---------------------------------------------------------------


class PaperOutcome(Enum):
    COUNTED = "counted"
    FIRST_ENTRY = "first_entry"  # waiting for the blind second entry
    MISMATCH = "mismatch"  # the second entry differs: nothing counted until resolved


@dataclass(frozen=True)
class PaperResult:
    contest_id: int
    contest_title: str
    outcome: PaperOutcome
    receipt: Receipt | None = None


def enter_paper(
    entry: RollEntry, selections: dict[int, list[str]], channel: Channel, actor: StaffUser
) -> list[PaperResult]:
    """Enter a paper (or mobile box) ballot as marked; with double entry, twice and blind."""
    if channel is Channel.PHONE:
        raise InvalidInput("纸质选票的渠道应为“纸质选票”或“流动票箱”。")
    if not db.session.get(Meeting, entry.meeting_id).double_entry:
        receipts = cast_ballots(entry, selections, channel, strict=False).receipts
        return [PaperResult(r.contest_id, r.contest_title, PaperOutcome.COUNTED, r) for r in receipts]
    _check_marks(selections)
    try:
        return _double_entry(
            BallotToken(entry.meeting_id, entry.household_id, entry.serial), selections, channel, actor
        )
    except IntegrityError:
        raise AlreadyVoted("该户的选票刚刚已被计入（另一位工作人员或手机），本次录入未保存。") from None


@use_case
def _double_entry(
    ballot: BallotRef, selections: dict[int, list[str]], channel: Channel, actor: StaffUser
) -> list[PaperResult]:
    voter = _locked_voter(ballot)
    results = []
    for contest in _open_contests(voter, sorted(selections)):
        if (mark := db.session.get(VoteMark, (voter.entry_id, contest.id))) is not None:
            raise AlreadyVoted(already_voted_message(contest, mark))
        pending = db.session.execute(
            select(PaperEntry)
            .where(PaperEntry.roll_entry_id == voter.entry_id, PaperEntry.contest_id == contest.id)
            .with_for_update()
        ).scalar_one_or_none()
        marks = sorted(selections[contest.id])
        if pending is None:
            db.session.add(
                PaperEntry(
                    roll_entry_id=voter.entry_id,
                    contest_id=contest.id,
                    channel=channel,
                    first_marks=marks,
                    first_by=actor.username,
                )
            )
            results.append(PaperResult(contest.id, contest.title, PaperOutcome.FIRST_ENTRY))
        elif pending.first_by == actor.username:
            raise Conflict("第二次录入须由另一位工作人员进行（不看第一次的结果）。")
        elif pending.first_marks == marks and pending.channel is channel and pending.second_marks is None:
            receipt = _record(voter, contest, marks, channel, strict=False)
            db.session.delete(pending)
            results.append(PaperResult(contest.id, contest.title, PaperOutcome.COUNTED, receipt))
        else:
            pending.second_marks, pending.second_by = marks, actor.username
            # The log names who entered and where; never the marks next to the household.
            log.append(
                meeting_chain(voter.meeting_id),
                actor,
                "paper.mismatch",
                community_id=voter.community_id,
                contest=contest.id,
                household=voter.address,
                first_by=pending.first_by,
            )
            results.append(PaperResult(contest.id, contest.title, PaperOutcome.MISMATCH))
    db.session.flush()
    return results


def pending_entries(meeting_id: int) -> list[PaperEntry]:
    """Return paper entries waiting for a second entry or a resolution."""
    return list(
        db.session.execute(
            select(PaperEntry).join(RollEntry).where(RollEntry.meeting_id == meeting_id).order_by(PaperEntry.id)
        ).scalars()
    )


@use_case
def resolve_pending(pending: PaperEntry, marks: list[str], actor: StaffUser) -> Receipt:
    """Count a pending paper ballot as an admin reads it from the paper (a mismatch, or a first entry
    whose second entry cannot be made); who entered it before is logged, never the marks."""
    entry = db.session.get(RollEntry, pending.roll_entry_id)
    voter = _locked_voter(entry)
    [contest] = _open_contests(voter, [pending.contest_id])
    if (mark := db.session.get(VoteMark, (voter.entry_id, contest.id))) is not None:
        raise AlreadyVoted(already_voted_message(contest, mark))
    receipt = _record(voter, contest, sorted(marks), pending.channel, strict=False)
    log.append(
        meeting_chain(voter.meeting_id),
        actor,
        "paper.resolve",
        community_id=voter.community_id,
        contest=contest.id,
        household=voter.address,
        first_by=pending.first_by,
        second_by=pending.second_by,
    )
    db.session.delete(pending)
    return receipt
