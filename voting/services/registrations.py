"""Candidate registration (自荐 / 推荐), review and the published candidate list (公示)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ..core import Declaration, Finding, Nomination, NominationKind, Recommender, RuleViolation, check_nomination
from ..extensions import db
from ..models import (
    Contest,
    ContestOption,
    Household,
    Meeting,
    Recommendation,
    Registration,
    RegistrationStatus,
    StaffUser,
)
from ..timeutil import format_local, utcnow
from . import log, use_case
from .agenda import committee_contest, core_contest
from .candidate_order import order_names
from .errors import Conflict, InvalidInput, NotFound, RuleRefused
from .meetings import meeting_chain, meeting_date, profile_of, publicity_ends
from .register_file import normalize_address_part, parse_phone

GENDERS = ("男", "女")
POLITICAL_STATUSES = ("中共党员", "中共预备党员", "共青团员", "民主党派成员", "无党派人士", "群众")
EDUCATION_LEVELS = ("研究生", "大学本科", "大学专科", "高中/中专", "初中", "小学及以下")
MANUAL_CHECKS = {
    "identity": "已核对本人身份证件",
    "residence": "已核实在本小区居住",
    "consent": "已确认本人同意参选（签字）",
    "signatures": "已逐户核实推荐人签名",
}
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L


@dataclass
class RecommenderInput:
    building: str = ""
    unit: str = ""
    room: str = ""
    signer: str = ""

    @property
    def blank(self) -> bool:
        return not (self.building.strip() or self.room.strip() or self.signer.strip())


@dataclass
class RegistrationInput:
    """The 报名登记表 as submitted (text fields), before validation."""

    kind: str = "self"
    name: str = ""
    gender: str = ""
    birth_date: str = ""
    political_status: str = ""
    education: str = ""
    occupation: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""
    phone: str = ""
    statement: str = ""
    consent: bool = False
    declarations: list[str] = field(default_factory=list)
    recommenders: list[RecommenderInput] = field(default_factory=list)


def parse_date(text: str) -> date:
    """Read 1960-01-02, 1960/1/2, 1960.1.2 or 1960年1月2日; raise ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", text or "")
    if not match:
        raise ValueError
    return date(*map(int, match.groups()))


def _find_household(meeting: Meeting, building: str, unit: str, room: str) -> Household | None:
    key = (
        normalize_address_part("building", building),
        normalize_address_part("unit", unit),
        normalize_address_part("room", room),
    )
    return db.session.execute(
        select(Household).where(
            Household.community_id == meeting.community_id,
            Household.building == key[0],
            Household.unit == key[1],
            Household.room == key[2],
        )
    ).scalar_one_or_none()


def _check_fields(data: RegistrationInput) -> tuple[dict, list[str]]:
    """Validate the plain fields; return clean values and problems (field: reason)."""
    problems: list[str] = []
    clean: dict = {}
    if data.kind not in ("self", "recommended"):
        problems.append("报名方式：请选择自荐或推荐")
    clean["kind"] = "recommended" if data.kind == "recommended" else "self"
    name = "".join(data.name.split())
    if not name or len(name) > 50:
        problems.append("姓名：必填，最多 50 个字")
    clean["name"] = name
    for key, label, allowed in (
        ("gender", "性别", GENDERS),
        ("political_status", "政治面貌", POLITICAL_STATUSES),
        ("education", "文化程度", EDUCATION_LEVELS),
    ):
        value = getattr(data, key).strip()
        if value not in allowed:
            problems.append(f"{label}：请选择" + "、".join(allowed))
        clean[key] = value
    try:
        clean["birth_date"] = parse_date(data.birth_date)
        if clean["birth_date"] > date.today():
            raise ValueError
    except ValueError:
        problems.append(f"出生日期：应为 1960-01-02 这样的日期（现为“{data.birth_date}”）")
    clean["occupation"] = data.occupation.strip()[:100]
    try:
        clean["phone"] = parse_phone(data.phone)
        if not clean["phone"]:
            problems.append("联系电话：必填，便于居委会联系核实")
    except ValueError as error:
        problems.append(f"联系电话：{error}")
    statement = data.statement.strip()
    if len(statement) > 2000:
        problems.append("个人简历/自荐理由：最多 2000 个字")
    clean["statement"] = statement
    if not data.building.strip() or not data.room.strip():
        problems.append("住址：请填写楼号和室号")
    unknown = [d for d in data.declarations if d not in {x.value for x in Declaration}]
    if unknown:
        problems.append("声明：无法识别 " + "、".join(unknown))
    return clean, problems


def _nomination_facts(meeting: Meeting, excluding: int | None = None):
    """Return the roll and the standing registrations the core checks a nomination against."""
    households = db.session.execute(
        select(Household.id, Household.has_vote).where(Household.community_id == meeting.community_id)
    ).all()
    community = {str(h.id) for h in households}
    eligible = {str(h.id) for h in households if h.has_vote}
    standing = select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.status != RegistrationStatus.REJECTED
    )
    if excluding is not None:
        standing = standing.where(Registration.id != excluding)
    registered = list(db.session.execute(standing).scalars())
    cosignatures: dict[str, int] = {}
    for registration in registered:
        for rec in registration.recommenders:
            cosignatures[str(rec.household_id)] = cosignatures.get(str(rec.household_id), 0) + 1
    return community, eligible, [to_nomination(r) for r in registered], cosignatures


def to_nomination(registration: Registration) -> Nomination:
    """Return the core's view of a stored registration."""
    return Nomination(
        kind=NominationKind(registration.kind),
        name=registration.name,
        birth_date=registration.birth_date,
        household_id=str(registration.household_id),
        consent=registration.consent,
        declarations=frozenset(Declaration(d) for d in registration.declarations),
        recommenders=tuple(Recommender(str(r.household_id), r.signer) for r in registration.recommenders),
    )


def findings_for(
    meeting: Meeting, nomination: Nomination, labels: dict[str, str], excluding: int | None = None
) -> tuple[Finding, ...]:
    """Run the core's eligibility checks against the register and the other registrations."""
    contest = committee_contest(meeting)
    community, eligible, registered, cosignatures = _nomination_facts(meeting, excluding)
    return check_nomination(
        nomination,
        meeting_date=meeting_date(meeting),
        community_households=community,
        eligible_households=eligible,
        seats=contest.settings["seats"],
        cosignatures=cosignatures,
        registered=registered,
        profile=profile_of(meeting),
        labels=labels,
    )


def _ensure_open_for(meeting: Meeting, channel: str) -> Contest:
    contest = committee_contest(meeting)
    if contest is None:
        raise Conflict("本次会议没有管委会选举事项，不接受候选人报名。")
    if meeting.candidates_published_at is not None:
        raise Conflict("候选人名单已经公示，报名已截止。")
    if channel == "online" and not meeting.registration_open:
        raise Conflict("报名尚未开始或已经截止，请联系社区居委会。")
    return contest


def _new_reference() -> str:
    while True:
        reference = "BM" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if not db.session.execute(select(Registration.id).where(Registration.reference == reference)).first():
            return reference


@use_case
def submit_registration(
    meeting: Meeting, data: RegistrationInput, *, channel: str = "online", actor: StaffUser | None = None
) -> Registration:
    """Register a candidate, all or nothing: any problem refuses the form and stores nothing."""
    _ensure_open_for(meeting, channel)
    clean, problems = _check_fields(data)
    household = _find_household(meeting, data.building, data.unit, data.room)
    labels: dict[str, str] = {}
    recommenders: list[tuple[Household | None, str]] = []
    core_recommenders = []
    if clean["kind"] == "recommended":
        for number, row in enumerate((r for r in data.recommenders if not r.blank), start=1):
            found = _find_household(meeting, row.building, row.unit, row.room)
            address = "-".join(p for p in (row.building.strip(), row.unit.strip(), row.room.strip()) if p)
            key = str(found.id) if found else f"unknown:{number}"
            labels[key] = found.address if found else address
            if not row.signer.strip():
                problems.append(f"推荐户 {labels[key]}：请填写签名人姓名")
            recommenders.append((found, row.signer.strip()[:50]))
            core_recommenders.append(Recommender(key, row.signer.strip()))
    findings = []
    if "birth_date" in clean:
        nomination = Nomination(
            kind=NominationKind(clean["kind"]),
            name=clean["name"],
            birth_date=clean["birth_date"],
            household_id=str(household.id) if household else None,
            consent=bool(data.consent),
            declarations=frozenset(Declaration(d) for d in data.declarations if d in {x.value for x in Declaration}),
            recommenders=tuple(core_recommenders),
        )
        findings = [f.message_zh for f in findings_for(meeting, nomination, labels)]
    elif household is None and data.building.strip():
        problems.append("住址：与本小区的住户不符")
    if problems or findings:
        # Malformed fields are 400; a well-formed form that the eligibility rules refuse is 422.
        error = InvalidInput if problems else RuleRefused
        raise error("报名未成功，请改正以下问题后重新提交：", problems + findings)
    registration = Registration(
        meeting_id=meeting.id,
        reference=_new_reference(),
        household_id=household.id,
        consent=True,
        declarations=sorted(d for d in data.declarations),
        channel=channel,
        entered_by=log.actor_name(actor) if actor else "",
        **clean,
    )
    signed: dict[int, str] = {}
    for found, signer in recommenders:
        signed.setdefault(found.id, signer)  # a household signing twice counts once (DESIGN §4.10)
    registration.recommenders = [Recommendation(household_id=h, signer=signer) for h, signer in signed.items()]
    db.session.add(registration)
    db.session.flush()
    log.append(
        meeting_chain(meeting.id),
        actor or "public",
        "registration.submit",
        community_id=meeting.community_id,
        reference=registration.reference,
        kind=registration.kind,
        channel=channel,
    )
    return registration


def registration_of(meeting: Meeting, registration_id: int) -> Registration:
    """Load one registration of this meeting or raise NotFound."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.meeting_id != meeting.id:
        raise NotFound("找不到该报名登记。")
    return registration


def registration_by_reference(meeting: Meeting, reference: str) -> Registration:
    """Find a registration by the reference number given to the registrant."""
    reference = reference.strip().upper()
    registration = db.session.execute(
        select(Registration).where(Registration.meeting_id == meeting.id, Registration.reference == reference)
    ).scalar_one_or_none()
    if registration is None:
        raise NotFound("没有找到这个报名编号，请核对后重试。")
    return registration


def list_registrations(meeting: Meeting) -> list[Registration]:
    """Return a meeting's registrations in the order they came in."""
    return list(
        db.session.execute(
            select(Registration)
            .where(Registration.meeting_id == meeting.id)
            .order_by(Registration.submitted_at, Registration.id)
        ).scalars()
    )


def current_findings(registration: Registration) -> tuple[Finding, ...]:
    """Re-run the eligibility checks for a stored registration, as the review queue shows them."""
    labels = {str(r.household_id): r.household.address for r in registration.recommenders}
    return findings_for(
        registration_meeting(registration), to_nomination(registration), labels, excluding=registration.id
    )


def registration_meeting(registration: Registration) -> Meeting:
    return db.session.get(Meeting, registration.meeting_id)


def required_checks(registration: Registration) -> list[str]:
    """Return the manual checks a reviewer must confirm for this registration."""
    checks = ["identity", "residence", "consent"]
    if registration.kind == "recommended":
        checks.append("signatures")
    return checks


def _ensure_reviewable(meeting: Meeting) -> None:
    if meeting.candidates_published_at is not None:
        raise Conflict("候选人名单已公示，不能再修改审核结果；如确需修改，请先撤回公示。")


@use_case
def approve_registration(registration: Registration, checks: list[str], actor: StaffUser) -> Registration:
    """Approve after the automatic checks hold and the reviewer confirmed the manual ones."""
    meeting = registration_meeting(registration)
    _ensure_reviewable(meeting)
    missing = [MANUAL_CHECKS[c] for c in required_checks(registration) if c not in checks]
    findings = current_findings(registration)
    if missing or findings:
        raise RuleRefused("不能通过审核：", [f"尚未确认：{m}" for m in missing] + [f.message_zh for f in findings])
    registration.status = RegistrationStatus.APPROVED
    registration.reject_reason = ""
    registration.manual_checks = sorted(set(checks) & set(MANUAL_CHECKS))
    registration.reviewed_by, registration.reviewed_at = actor.username, utcnow()
    log.append(
        meeting_chain(meeting.id),
        actor,
        "registration.approve",
        community_id=meeting.community_id,
        reference=registration.reference,
        checks=registration.manual_checks,
    )
    return registration


@use_case
def reject_registration(registration: Registration, reason: str, actor: StaffUser) -> Registration:
    """Reject with a reason the registrant can read."""
    meeting = registration_meeting(registration)
    _ensure_reviewable(meeting)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写不通过的理由，报名人可以查看。")
    registration.status = RegistrationStatus.REJECTED
    registration.reject_reason = reason[:1000]
    registration.reviewed_by, registration.reviewed_at = actor.username, utcnow()
    log.append(
        meeting_chain(meeting.id),
        actor,
        "registration.reject",
        community_id=meeting.community_id,
        reference=registration.reference,
        reason=registration.reject_reason,
    )
    return registration


@use_case
def set_registration_open(meeting: Meeting, open_: bool, actor: StaffUser) -> None:
    """Open or close online registration."""
    if open_:
        _ensure_open_for(meeting, "paper")
    meeting.registration_open = open_
    log.append(
        meeting_chain(meeting.id),
        actor,
        "registration.open" if open_ else "registration.close",
        community_id=meeting.community_id,
    )


def approved_in_ballot_order(meeting: Meeting, contest: Contest) -> list[Registration]:
    """Return approved registrations in the contest's configured ballot order."""
    approved = [r for r in list_registrations(meeting) if r.status is RegistrationStatus.APPROVED]
    return order_names(approved, contest.settings.get("candidate_order", "strokes"), lambda r: r.name)


@use_case
def publish_candidates(meeting: Meeting, actor: StaffUser) -> Contest:
    """Fix the candidate list in ballot order and start the 公示 period."""
    contest = committee_contest(meeting)
    if contest is None:
        raise Conflict("本次会议没有管委会选举事项。")
    if meeting.candidates_published_at is not None:
        raise Conflict("候选人名单已经公示。")
    pending = [r for r in list_registrations(meeting) if r.status is RegistrationStatus.PENDING]
    if pending:
        raise Conflict(f"还有 {len(pending)} 份报名待审核，请审核完后再公示。")
    approved = approved_in_ballot_order(meeting, contest)
    contest.options.clear()
    db.session.flush()
    for position, registration in enumerate(approved, start=1):
        contest.options.append(
            ContestOption(
                position=position, key=f"c{registration.id}", label=registration.name, registration_id=registration.id
            )
        )
    try:
        core_contest(contest)  # 差额: at least seats + 1 candidates; 等额: exactly seats (DESIGN §4.4)
    except RuleViolation as error:
        raise RuleRefused(f"不能公示：{error}") from None
    meeting.candidates_published_at = utcnow()
    meeting.registration_open = False
    log.append(
        meeting_chain(meeting.id),
        actor,
        "candidates.publish",
        community_id=meeting.community_id,
        contest=contest.id,
        candidates=[o.label for o in contest.options],
        order=contest.settings.get("candidate_order"),
    )
    return contest


@use_case
def withdraw_publication(meeting: Meeting, reason: str, actor: StaffUser) -> None:
    """Withdraw the candidate list (before ballots exist); publishing again restarts the period."""
    if meeting.ballots_issued_at is not None:
        raise Conflict("选票已发放，不能撤回候选人公示。")
    if meeting.candidates_published_at is None:
        raise Conflict("候选人名单尚未公示。")
    if not reason.strip():
        raise InvalidInput("请填写撤回公示的理由。")
    meeting.candidates_published_at = None
    log.append(
        meeting_chain(meeting.id),
        actor,
        "candidates.withdraw",
        community_id=meeting.community_id,
        reason=reason.strip()[:500],
    )


def ensure_ballots_may_be_issued(meeting: Meeting, now: datetime | None = None) -> None:
    """Refuse to issue ballots before the candidate list's 公示 period has ended (DESIGN §4.11)."""
    now = now or utcnow()
    if committee_contest(meeting) is None:
        return
    ends = publicity_ends(meeting)
    if ends is None:
        raise Conflict("候选人名单尚未公示，不能发放选票。请先审核报名并公示候选人名单。")
    if now < ends:
        raise Conflict(
            f"候选人名单于 {format_local(meeting.candidates_published_at)} 公示，公示期 {meeting.publicity_days} 天，"
            f"到 {format_local(ends)} 结束；公示期满后才能发放选票。"
        )
