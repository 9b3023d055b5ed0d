"""Open and close contests; a closed contest is tallied by the core and its result stored."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select

from ..core import Ballot as CoreBallot
from ..core import choice_follow_up, committee_follow_up, result_from_dict, tally
from ..extensions import db
from ..models import (
    Ballot,
    Contest,
    ContestKind,
    ContestOption,
    ContestStatus,
    Meeting,
    PaperEntry,
    RollEntry,
    StaffUser,
)
from ..timeutil import utcnow
from . import log, use_case
from .agenda import core_contest
from .attendance import contest_attendance, meeting_attendance
from .errors import Conflict, DomainError
from .meetings import meeting_chain, profile_of


class QuorumNotMet(DomainError):
    status = 409
    code = "quorum_not_met"


def lock_contest(contest_id: int) -> Contest | None:
    """Load a contest row locked against concurrent casts and a concurrent open/close (casting
    takes the same row FOR SHARE, see casting._CONTESTS)."""
    return db.session.execute(select(Contest).where(Contest.id == contest_id).with_for_update()).scalar_one_or_none()


@use_case
def open_contest(contest: Contest, actor: StaffUser, *, override: bool = False) -> Contest:
    """Open a contest for voting; refuse without quorum unless the meeting allows an override."""
    contest = lock_contest(contest.id)
    meeting: Meeting = contest.meeting
    if meeting.ballots_issued_at is None:
        raise Conflict("选票尚未发放，不能开始投票。")
    if meeting.results_published_at is not None:
        raise Conflict("结果已经公布，不能再开始新的投票。")
    if contest.status is ContestStatus.OPEN:
        raise Conflict(f"“{contest.title}”已经在投票中。")
    if contest.status is ContestStatus.CLOSED:
        raise Conflict(f"“{contest.title}”已经结束投票，不能再次开始。")
    quorum = meeting_attendance(meeting).quorum
    # Under [民法典] 278 the line is participation in this vote, known only when it closes.
    if not quorum.met and not profile_of(meeting).counts_area:
        if not (override and meeting.allow_quorum_override):
            allowed = (
                "可以勾选“未达到法定人数仍开始”强制开始（会记录在案）。"
                if meeting.allow_quorum_override
                else "本次会议的规则不允许在未达到法定人数时开始投票。"
            )
            raise QuorumNotMet(f"尚未达到法定人数：{quorum.explanation}{allowed}")
    contest.status, contest.opened_at = ContestStatus.OPEN, utcnow()
    log.append(
        meeting_chain(meeting.id),
        actor,
        "contest.open",
        community_id=meeting.community_id,
        contest=contest.id,
        present=quorum.present_households,
        eligible=quorum.eligible_households,
        quorum_met=quorum.met,
        override=bool(override and not quorum.met),
    )
    return contest


def ballots_of(contest: Contest) -> list[CoreBallot]:
    """Return a contest's cast ballots as the core reads them, in receipt order."""
    rows = db.session.execute(
        select(Ballot.marks, Ballot.area).where(Ballot.contest_id == contest.id).order_by(Ballot.receipt)
    ).all()
    key = str(contest.id)
    return [CoreBallot(key, tuple(marks), area) for marks, area in rows]


def tally_contest(contest: Contest, attendance=None):
    """Tally a contest with the core, on the given attendance (default: this moment's)."""
    meeting = contest.meeting
    issued = db.session.execute(
        select(func.count()).select_from(RollEntry).where(RollEntry.meeting_id == meeting.id)
    ).scalar_one()
    attendance = attendance or meeting_attendance(meeting).attendance
    return tally(core_contest(contest), ballots_of(contest), attendance, profile_of(meeting), issued)


def _rewrite_ballots(contest_id: int) -> None:
    """Rewrite a closed contest's ballots in receipt order, in this one transaction.

    On PostgreSQL each row keeps the id of the transaction that inserted it (xmin) and its place
    on disk (ctid): both would tie a ballot to the voted mark inserted with it. Rewritten at close,
    every ballot of the contest carries the close's transaction id and sits in receipt order. (Old
    row versions remain on disk until VACUUM; SQLite's ballot table has no rowid to begin with.)
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    table = Ballot.__table__
    rows = [
        dict(r._mapping)
        for r in db.session.execute(select(table).where(table.c.contest_id == contest_id).order_by(table.c.receipt))
    ]
    db.session.execute(delete(table).where(table.c.contest_id == contest_id))
    if rows:
        db.session.execute(insert(table), rows)


def pending_count(contest_id: int) -> int:
    """Count a contest's paper ballots still waiting for a second entry or a resolution."""
    return db.session.execute(
        select(func.count()).select_from(PaperEntry).where(PaperEntry.contest_id == contest_id)
    ).scalar_one()


@use_case
def close_contest(contest: Contest, actor: StaffUser):
    """Close a contest: no ballot is accepted after this; tally it and store the result."""
    contest = lock_contest(contest.id)
    # Check-ins log under this lock too: none can slip between the presence read and the close entry.
    log.lock_chain(meeting_chain(contest.meeting_id))
    if contest.status is ContestStatus.CLOSED:
        raise Conflict(f"“{contest.title}”已经结束投票。")
    if contest.status is ContestStatus.DRAFT:
        raise Conflict(f"“{contest.title}”尚未开始投票。")
    if waiting := pending_count(contest.id):
        # An entered paper ballot must not be lost at close (nor its entry left linking marks to a household).
        raise Conflict(
            f"“{contest.title}”还有 {waiting} 张纸质选票的录入未完成（等待第二次录入或处理不一致），请在计票台处理后再结束投票。"
        )
    contest.status, contest.closed_at = ContestStatus.CLOSED, utcnow()
    db.session.flush()
    _rewrite_ballots(contest.id)
    # The quorum is judged on who was present when the contest closed (DESIGN §4.2); keep that set.
    present, attendance = contest_attendance(contest)
    contest.present_at_close = sorted(int(i) for i in present)
    result = tally_contest(contest, attendance)
    contest.result = result.to_dict()
    meeting = contest.meeting
    log.append(
        meeting_chain(meeting.id),
        actor,
        "contest.close",
        community_id=meeting.community_id,
        contest=contest.id,
        cast=result.cast,
        valid=result.valid,
        blank=result.blank,
        invalid=result.invalid,
        verdict=result.verdict.value,
    )
    return result


FOLLOW_UP_TITLES = {"tie_revote": "平票重选", "runoff": "另行选举", "top_two": "决选"}


@use_case
def create_follow_up(contest: Contest, actor: StaffUser) -> Contest:
    """Create the round a closed contest's result proposes, with exactly the candidates it named.

    The same household ballots vote in it; the agenda is otherwise frozen.
    """
    contest = lock_contest(contest.id)
    if contest.status is not ContestStatus.CLOSED or not contest.result:
        raise Conflict("只有已结束并计票的事项才能生成后续轮次。")
    result = result_from_dict(contest.result)
    proposal = result.follow_up
    if proposal is None:
        raise Conflict(f"“{contest.title}”的计票结果没有提出后续轮次。")
    existing = db.session.execute(select(Contest).where(Contest.parent_id == contest.id)).scalar_one_or_none()
    if existing is not None:
        raise Conflict(f"已经生成了后续轮次“{existing.title}”。")
    if contest.meeting.results_published_at is not None:
        raise Conflict("结果已经公布，不能再生成后续轮次。")
    parent_core = core_contest(contest)
    position = (
        db.session.execute(select(func.max(Contest.position)).where(Contest.meeting_id == contest.meeting_id)).scalar()
        + 1
    )
    follow = Contest(
        meeting_id=contest.meeting_id,
        position=position,
        kind=contest.kind,
        purpose=contest.purpose,
        title=f"{contest.title}（{FOLLOW_UP_TITLES[proposal.kind.value]}）",
        description=proposal.reason,
        parent_id=contest.id,
    )
    if contest.kind is ContestKind.COMMITTEE:
        core = committee_follow_up(parent_core, proposal, "new")
        follow.settings = {
            **contest.settings,
            "seats": core.seats,
            "contested": core.contested,
            "round": core.round.value,
            "threshold": None,
            "base": None,
        }
    else:
        core = choice_follow_up(parent_core, proposal, "new")
        follow.settings = {**contest.settings, "is_runoff": True, "method": "majority", "threshold": None, "base": None}
    keep = set(proposal.ids)
    follow.options = [
        ContestOption(
            position=n,
            key=o.key,
            label=o.label,
            description=o.description,
            amount=o.amount,
            registration_id=o.registration_id,
        )
        for n, o in enumerate((o for o in contest.options if o.key in keep), start=1)
    ]
    db.session.add(follow)
    db.session.flush()
    log.append(
        meeting_chain(contest.meeting_id),
        actor,
        "contest.follow_up",
        community_id=contest.meeting.community_id,
        contest=follow.id,
        follows=contest.id,
        kind=proposal.kind.value,
        ids=list(proposal.ids),
        seats=proposal.seats,
    )
    return follow
