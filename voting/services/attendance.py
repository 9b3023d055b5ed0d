"""Who is present at a meeting, from check-ins, proxies and participation (DESIGN §4.2, §4.8)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..core import Attendance, Presence, QuorumResult, attendance_for, check_quorum, present_households
from ..core import Household as CoreHousehold
from ..extensions import db
from ..models import CheckIn, Contest, ContestStatus, Meeting, Proxy, RollEntry, VoteMark
from .meetings import profile_of


@dataclass(frozen=True)
class MeetingAttendance:
    """The meeting's presence as the core computes it, with the quorum verdict."""

    presence: Presence
    attendance: Attendance
    quorum: QuorumResult
    proxies: int
    roll_size: int


def meeting_attendance(meeting: Meeting) -> MeetingAttendance:
    """Compute presence and quorum now, from the roll, check-ins, proxies and votes cast."""
    profile = profile_of(meeting)
    entries = db.session.execute(select(RollEntry.id, RollEntry.area).where(RollEntry.meeting_id == meeting.id)).all()
    checked_in = [
        str(i)
        for i in db.session.execute(select(CheckIn.roll_entry_id).where(CheckIn.meeting_id == meeting.id)).scalars()
    ]
    proxies = {
        str(p): str(h)
        for p, h in db.session.execute(
            select(Proxy.principal_id, Proxy.holder_id).where(Proxy.meeting_id == meeting.id)
        ).all()
    }
    voted = [
        str(i)
        for i in db.session.execute(
            select(VoteMark.roll_entry_id).join(Contest).where(Contest.meeting_id == meeting.id).distinct()
        ).scalars()
    ]
    presence = present_households([str(e.id) for e in entries], checked_in, proxies, voted, profile)
    attendance = attendance_for((CoreHousehold(str(e.id), e.area) for e in entries), presence.present)
    return MeetingAttendance(presence, attendance, check_quorum(profile, attendance), len(proxies), len(entries))


@dataclass(frozen=True)
class Turnout:
    contest_id: int
    title: str
    voted: int
    eligible: int


def board(meeting: Meeting) -> dict:
    """The live quorum board's numbers, exactly as the core's quorum result gives them."""
    now = meeting_attendance(meeting)
    quorum = now.quorum
    turnout = [
        Turnout(
            c.id,
            c.title,
            db.session.execute(
                select(func.count()).select_from(VoteMark).where(VoteMark.contest_id == c.id)
            ).scalar_one(),
            now.roll_size,
        )
        for c in meeting.contests
        if c.status is ContestStatus.OPEN
    ]
    return {
        "eligible": quorum.eligible_households,
        "present": quorum.present_households,
        "line": quorum.min_households,
        "threshold": quorum.threshold.phrase,
        "met": quorum.met,
        "checked_in": len(now.presence.checked_in),
        "by_proxy": len(now.presence.by_proxy - now.presence.checked_in),
        "proxies": now.proxies,
        "counts_area": quorum.counts_area,
        "eligible_area": str(quorum.eligible_area),
        "present_area": str(quorum.present_area),
        "area_line": str(quorum.min_area) if quorum.min_area is not None else None,
        "area_met": quorum.area_met,
        "explanation": quorum.explanation,
        "turnout": [t.__dict__ for t in turnout],
    }


def contest_attendance(contest: Contest) -> tuple[frozenset[str], Attendance]:
    """Return who counts as present for a contest's quorum, and the attendance, at this moment.

    Under a profile that counts area ([民法典] 278) the line is 参与表决: the households that voted in
    this contest. Otherwise it is the meeting's presence (出席: check-ins, proxies, participation).
    """
    meeting = contest.meeting
    if not profile_of(meeting).counts_area:
        now = meeting_attendance(meeting)
        return now.presence.present, now.attendance
    entries = db.session.execute(select(RollEntry.id, RollEntry.area).where(RollEntry.meeting_id == meeting.id)).all()
    voters = frozenset(
        str(i)
        for i in db.session.execute(select(VoteMark.roll_entry_id).where(VoteMark.contest_id == contest.id)).scalars()
    )
    return voters, attendance_for((CoreHousehold(str(e.id), e.area) for e in entries), voters)
