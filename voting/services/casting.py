"""Cast ballots by phone, paper or mobile box: one per household and contest, secret, all or nothing.

The guarantee is in the database: the VoteMark primary key (roll entry, contest) is inserted in
the same transaction as the ballot, so a second ballot fails whatever thread or process sends it.
The ballot row itself carries a random receipt, the contest and the marks — nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ballots import tokens

from ..core import Ballot as CoreBallot
from ..core import BallotStatus as CoreStatus
from ..core import classify
from ..extensions import db
from ..models import (
    Ballot,
    BallotStatus,
    Channel,
    Contest,
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
from .ballots import BallotRevoked
from .contests import lock_contest
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


def _open_contest_for(entry: RollEntry, contest_id: int) -> Contest:
    contest = lock_contest(contest_id, share=True)  # a close waits for casts already under way
    if contest is None or contest.meeting_id != entry.meeting_id:
        raise NotFound("找不到该表决事项。")
    if contest.status is not ContestStatus.OPEN:
        state = "尚未开始" if contest.status is ContestStatus.DRAFT else "已经结束"
        raise ContestNotOpen(f"“{contest.title}”{state}投票，本次提交未计入。")
    return contest


def phone_problem(contest: Contest, marks: list[str]):
    """Return (classification, problem): a phone ballot may not be spoilt, so say why it would be."""
    classified = classify(core_contest(contest), CoreBallot(str(contest.id), tuple(marks)))
    if classified.status is not CoreStatus.INVALID:
        return classified, None
    return (
        classified,
        f"“{contest.title}”：{classified.reason.removesuffix('，本项为废票')}。手机投票不接受废票，请修改。",
    )


def _record(
    entry: RollEntry, contest: Contest, marks: list[str], channel: Channel, *, strict: bool, counts_area: bool
) -> Receipt:
    """Insert the voted mark and the ballot (in the caller's transaction).

    No query first: the VoteMark primary key refuses a second ballot of the household (the caller
    turns the IntegrityError into AlreadyVoted), and the receipt's primary key refuses a collision.
    """
    classified, problem = phone_problem(contest, marks)
    if strict and problem:
        # The phone page shows this before confirming; a bypassed page still cannot cast it.
        raise OverVote(problem)
    receipt = tokens.receipt()
    status = BallotStatus(classified.status.value)
    db.session.add(VoteMark(roll_entry_id=entry.id, contest_id=contest.id, channel=channel))
    db.session.add(
        Ballot(
            receipt=receipt,
            contest_id=contest.id,
            marks=sorted(marks),
            status=status,
            area=entry.area if counts_area else None,
        )
    )
    return Receipt(contest.id, contest.title, receipt, status)


def _locked_entry(entry_id: int, serial: int) -> RollEntry:
    """Load the roll entry under a share lock and check the ballot is still the current one.

    A reissue updates the serial under a row lock, so it waits for casts under way, and a cast after
    it sees the new serial: a voided ballot can never vote and lock out its replacement.
    """
    entry = db.session.execute(
        select(RollEntry).where(RollEntry.id == entry_id).with_for_update(read=True)
    ).scalar_one()
    if entry.serial != serial:
        raise BallotRevoked("此选票已作废：该户已补发新选票，请使用新选票。")
    return entry


@use_case
def _cast(entry_id: int, serial: int, selections: dict[int, list[str]], channel: Channel, strict: bool) -> Cast:
    entry = _locked_entry(entry_id, serial)
    meeting = entry_meeting(entry)
    counts_area = profile_of(meeting).counts_area
    receipts = [
        _record(entry, _open_contest_for(entry, contest_id), marks, channel, strict=strict, counts_area=counts_area)
        for contest_id, marks in sorted(selections.items())
    ]
    db.session.flush()  # the VoteMark primary key decides a race here, before commit
    return Cast(receipts, entry.address, meeting.id, meeting.title, meeting.community.name)


def entry_meeting(entry: RollEntry) -> Meeting:
    return db.session.get(Meeting, entry.meeting_id)


def cast_ballots(entry: RollEntry, selections: dict[int, list[str]], channel: Channel, *, strict: bool = True) -> Cast:
    """Cast one household's ballots in several contests at once: all of them or none.

    `strict` (phone) refuses over-votes and unknown marks; paper ballots are recorded as marked
    and the core classifies them (废票 for that contest only).
    """
    _check_marks(selections)
    entry_id, serial = entry.id, entry.serial  # the serial of the ballot that was presented
    for attempt in (1, 2):
        try:
            return _cast(entry_id, serial, selections, channel, strict)
        except IntegrityError:
            # The household has voted (now, or in a race the database decided), or — about once
            # in 10^14 casts — a new receipt collided with another: then cast again, once.
            marks = voted_marks(db.session.get(RollEntry, entry_id))
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
    meeting = entry_meeting(entry)
    if not meeting.double_entry:
        receipts = cast_ballots(entry, selections, channel, strict=False).receipts
        return [PaperResult(r.contest_id, r.contest_title, PaperOutcome.COUNTED, r) for r in receipts]
    _check_marks(selections)
    try:
        return _double_entry(entry.id, entry.serial, selections, channel, actor)
    except IntegrityError:
        raise AlreadyVoted("该户的选票刚刚已被计入（另一位工作人员或手机），本次录入未保存。") from None


@use_case
def _double_entry(
    entry_id: int, serial: int, selections: dict[int, list[str]], channel: Channel, actor: StaffUser
) -> list[PaperResult]:
    entry = _locked_entry(entry_id, serial)
    counts_area = profile_of(entry_meeting(entry)).counts_area
    results = []
    for contest_id, marks in sorted(selections.items()):
        contest = _open_contest_for(entry, contest_id)
        if (mark := db.session.get(VoteMark, (entry.id, contest.id))) is not None:
            raise AlreadyVoted(already_voted_message(contest, mark))
        pending = db.session.execute(
            select(PaperEntry)
            .where(PaperEntry.roll_entry_id == entry.id, PaperEntry.contest_id == contest.id)
            .with_for_update()
        ).scalar_one_or_none()
        marks = sorted(marks)
        if pending is None:
            db.session.add(
                PaperEntry(
                    roll_entry_id=entry.id,
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
            receipt = _record(entry, contest, marks, channel, strict=False, counts_area=counts_area)
            db.session.delete(pending)
            results.append(PaperResult(contest.id, contest.title, PaperOutcome.COUNTED, receipt))
        else:
            pending.second_marks, pending.second_by = marks, actor.username
            # The log names who entered and where; never the marks next to the household.
            log.append(
                meeting_chain(entry.meeting_id),
                actor,
                "paper.mismatch",
                community_id=entry_meeting(entry).community_id,
                contest=contest.id,
                household=entry.address,
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
    contest = _open_contest_for(entry, pending.contest_id)
    if (mark := db.session.get(VoteMark, (entry.id, contest.id))) is not None:
        raise AlreadyVoted(already_voted_message(contest, mark))
    counts_area = profile_of(entry_meeting(entry)).counts_area
    receipt = _record(entry, contest, sorted(marks), pending.channel, strict=False, counts_area=counts_area)
    log.append(
        meeting_chain(entry.meeting_id),
        actor,
        "paper.resolve",
        community_id=entry_meeting(entry).community_id,
        contest=contest.id,
        household=entry.address,
        first_by=pending.first_by,
        second_by=pending.second_by,
    )
    db.session.delete(pending)
    return receipt
