"""After the vote: reconciliation, sign-off by 监票人/计票人, publication, committee roles."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core import result_from_dict
from ..extensions import db
from ..models import (
    Ballot,
    CommitteeMember,
    CommitteeRole,
    Contest,
    ContestKind,
    ContestStatus,
    Meeting,
    MeetingOfficial,
    OfficialRole,
    Registration,
    RollEntry,
    SignOff,
    StaffUser,
    VoteMark,
)
from ..timeutil import utcnow
from . import log, staff, use_case
from .errors import Conflict, Forbidden, InvalidInput
from .meetings import meeting_chain

# --- officials and sign-off ----------------------------------------------------------------------


def officials(meeting: Meeting) -> list[MeetingOfficial]:
    return list(db.session.execute(select(MeetingOfficial).where(MeetingOfficial.meeting_id == meeting.id)).scalars())


@use_case
def name_official(meeting: Meeting, username: str, role: OfficialRole | str, actor: StaffUser) -> MeetingOfficial:
    """Name a staff account of this 小区 as 监票人 or 计票人 of the meeting."""
    role = OfficialRole(role)
    person = db.session.execute(select(StaffUser).where(StaffUser.username == username.strip())).scalar_one_or_none()
    if person is None or not staff.can_see(person, meeting.community):
        raise InvalidInput(f"找不到本小区的工作人员账号“{username}”。")
    if db.session.get(MeetingOfficial, (meeting.id, person.id)) is not None:
        raise Conflict(f"{person.name} 已经是本次会议的监票人或计票人。")
    official = MeetingOfficial(meeting_id=meeting.id, staff_id=person.id, role=role)
    db.session.add(official)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(f"{person.name} 已经是本次会议的监票人或计票人。") from None
    log.append(
        meeting_chain(meeting.id),
        actor,
        "official.name",
        community_id=meeting.community_id,
        name=person.name,
        role=role.value,
    )
    return official


@use_case
def sign_off(contest: Contest, signer: StaffUser) -> SignOff:
    """Sign a closed contest's count as one of the meeting's named officials; once per person."""
    if contest.status is not ContestStatus.CLOSED:
        raise Conflict("该事项尚未结束投票，不能签字确认计票结果。")
    official = db.session.get(MeetingOfficial, (contest.meeting_id, signer.id))
    if official is None:
        raise Forbidden("只有本次会议指定的监票人、计票人才能签字确认。")
    if db.session.get(SignOff, (contest.id, signer.id)) is not None:
        raise Conflict(f"{signer.name} 已经签字确认过“{contest.title}”的计票结果，不能重复签字。")
    signature = SignOff(contest_id=contest.id, staff_id=signer.id, role=official.role, name=signer.name)
    db.session.add(signature)
    try:
        db.session.flush()
    except IntegrityError:  # the same person signing from two screens at once
        raise Conflict(f"{signer.name} 已经签字确认过“{contest.title}”的计票结果，不能重复签字。") from None
    log.append(
        meeting_chain(contest.meeting_id),
        signer,
        "count.sign_off",
        community_id=contest.meeting.community_id,
        contest=contest.id,
        role=official.role.value,
    )
    return signature


def signoffs(contest: Contest) -> list[SignOff]:
    return list(
        db.session.execute(select(SignOff).where(SignOff.contest_id == contest.id).order_by(SignOff.at)).scalars()
    )


def missing_signoffs(contest: Contest) -> list[str]:
    """Name the officials who have not yet signed this contest's count."""
    signed = {s.staff_id for s in signoffs(contest)}
    return [f"{o.role.label} {o.staff.name}" for o in officials(contest.meeting) if o.staff_id not in signed]


# --- reconciliation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    """The 核对表 of one contest: ballots issued and received, by channel and by status."""

    issued: int
    received: dict[str, int]  # by channel
    marked_voted: int
    cast: int
    valid: int
    blank: int
    invalid: int
    present: int | None
    void: bool

    @property
    def total_received(self) -> int:
        return sum(self.received.values())

    @property
    def consistent(self) -> bool:
        """Every household marked as voted has exactly one ballot, and no ballot is extra."""
        return self.marked_voted == self.cast


def reconcile(contest: Contest) -> Reconciliation:
    """Count a contest's ballots by channel and status against the ballots issued."""
    issued = db.session.execute(
        select(func.count()).select_from(RollEntry).where(RollEntry.meeting_id == contest.meeting_id)
    ).scalar_one()
    by_channel = Counter(
        {
            c.value: n
            for c, n in db.session.execute(
                select(VoteMark.channel, func.count())
                .where(VoteMark.contest_id == contest.id)
                .group_by(VoteMark.channel)
            ).all()
        }
    )
    by_status = Counter(
        {
            s.value: n
            for s, n in db.session.execute(
                select(Ballot.status, func.count()).where(Ballot.contest_id == contest.id).group_by(Ballot.status)
            ).all()
        }
    )
    cast = sum(by_status.values())
    return Reconciliation(
        issued=issued,
        received={ch: by_channel.get(ch, 0) for ch in ("phone", "paper", "mobile")},
        marked_voted=sum(by_channel.values()),
        cast=cast,
        valid=by_status.get("valid", 0) + by_status.get("blank", 0),
        blank=by_status.get("blank", 0),
        invalid=by_status.get("invalid", 0),
        present=len(contest.present_at_close) if contest.present_at_close is not None else None,
        void=cast > issued,  # DESIGN §4.4: more ballots than issued → the round is void
    )


# --- publication ---------------------------------------------------------------------------------


def final_at(meeting: Meeting) -> datetime | None:
    """When the results become final: publication plus the objection window (询异期)."""
    if meeting.results_published_at is None:
        return None
    return meeting.results_published_at + timedelta(days=meeting.objection_days)


def is_final(meeting: Meeting, now: datetime | None = None) -> bool:
    ends = final_at(meeting)
    return ends is not None and (now or utcnow()) >= ends


@use_case
def publish_results(meeting: Meeting, actor: StaffUser) -> None:
    """Publish the results at once (当场公布) as preliminary; final after the objection window."""
    meeting = db.session.execute(
        select(Meeting).where(Meeting.id == meeting.id).with_for_update(of=Meeting)
    ).scalar_one()
    if meeting.results_published_at is not None:
        raise Conflict("结果已经公布。")
    contests = list(meeting.contests)
    if any(c.status is ContestStatus.OPEN for c in contests):
        raise Conflict("还有事项正在投票，请先结束投票。")
    closed = [c for c in contests if c.status is ContestStatus.CLOSED]
    if not closed:
        raise Conflict("还没有已结束投票的事项。")
    roles = {o.role for o in officials(meeting)}
    if roles != {OfficialRole.SCRUTINEER, OfficialRole.TELLER}:
        raise Conflict("请先指定至少一名监票人和一名计票人，由他们签字确认计票结果。")
    unsigned = [f"“{c.title}”：{'、'.join(missing)}" for c in closed if (missing := missing_signoffs(c))]
    if unsigned:
        raise Conflict("以下事项的计票结果尚未全部签字确认：" + "；".join(unsigned))
    unreconciled = [c.title for c in closed if not reconcile(c).consistent]
    if unreconciled:
        raise Conflict("以下事项的选票数与已投票户数不一致，请核查：" + "、".join(unreconciled))
    meeting.results_published_at = utcnow()
    log.append(
        meeting_chain(meeting.id),
        actor,
        "results.publish",
        community_id=meeting.community_id,
        contests=[c.id for c in closed],
    )


# --- the committee after the election -------------------------------------------------------------


def elected_registrations(meeting: Meeting) -> list[Registration]:
    """Return everyone elected in any committee round of the meeting (regular and follow-ups)."""
    ids: list[str] = []
    for contest in meeting.contests:
        if contest.kind is ContestKind.COMMITTEE and contest.status is ContestStatus.CLOSED and contest.result:
            ids += list(result_from_dict(contest.result).elected)
    by_key = {o.key: o.registration for c in meeting.contests if c.kind is ContestKind.COMMITTEE for o in c.options}
    return [by_key[i] for i in dict.fromkeys(ids)]


@use_case
def set_committee_roles(meeting: Meeting, roles: dict[int, tuple[str, str]], actor: StaffUser) -> None:
    """Record the roles the committee gave its members (主任/副主任/委员) and the numbers to publish."""
    elected = {r.id: r for r in elected_registrations(meeting)}
    if not elected:
        raise Conflict("还没有当选的管委会成员。")
    problems = []
    parsed: dict[int, tuple[CommitteeRole, str]] = {}
    for registration_id, (role, phone) in roles.items():
        if registration_id not in elected:
            problems.append(f"编号 {registration_id} 不是当选成员。")
            continue
        try:
            parsed[registration_id] = (CommitteeRole(role), phone.strip() or elected[registration_id].phone)
        except ValueError:
            problems.append(f"{elected[registration_id].name}：请选择主任、副主任或委员。")
    counts = Counter(role for role, _ in parsed.values())
    if counts[CommitteeRole.DIRECTOR] > 1:
        problems.append("主任只能有 1 名。")  # [000 第五条] 主任、副主任各1人
    if counts[CommitteeRole.DEPUTY] > 1:
        problems.append("副主任只能有 1 名。")
    if problems:
        raise InvalidInput("管委会分工有误，未保存。", problems)
    for member in db.session.execute(select(CommitteeMember).where(CommitteeMember.meeting_id == meeting.id)).scalars():
        db.session.delete(member)
    db.session.flush()
    for registration_id, (role, phone) in parsed.items():
        db.session.add(CommitteeMember(registration_id=registration_id, meeting_id=meeting.id, role=role, phone=phone))
    log.append(
        meeting_chain(meeting.id),
        actor,
        "committee.roles",
        community_id=meeting.community_id,
        roles={elected[r].name: role.value for r, (role, _) in parsed.items()},
    )


def committee_members(meeting: Meeting) -> list[CommitteeMember]:
    order = {CommitteeRole.DIRECTOR: 0, CommitteeRole.DEPUTY: 1, CommitteeRole.MEMBER: 2}
    members = db.session.execute(select(CommitteeMember).where(CommitteeMember.meeting_id == meeting.id)).scalars()
    return sorted(members, key=lambda m: order[m.role])
