"""The agenda: committee election, service mode, fee level and motions, frozen once ballots exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from ..core import (
    CONTRIBUTION_ITEMS,
    COST_ITEMS,
    INCOME_ITEMS,
    Candidate,
    ChoiceContest,
    ChoiceMethod,
    CommitteeContest,
    FeeCalculation,
    FeeOption,
    FeeUnit,
    MotionContest,
    Option,
    RoundKind,
    RuleViolation,
    calculate_fees,
)
from ..core.contests import COMMITTEE_SEATS, DEFAULT_SEATS
from ..core.rules import NAMED_THRESHOLDS, Base
from ..extensions import db
from ..models import Contest, ContestKind, ContestOption, ContestPurpose, Household, Meeting, Registration, StaffUser
from ..numbers import whole
from . import log, use_case
from .candidate_order import CandidateOrder
from .errors import Conflict, InvalidInput, NotFound
from .meetings import meeting_chain

# DESIGN §4.5: [002 问8] and [000 基本模式]; staff edit the list.
DEFAULT_SERVICE_MODES = [
    ("物业和准物业模式", "聘请物业服务企业统一服务管理；只对公共区域提供治安、保洁绿化、维修、停车服务的为准物业。"),
    ("社区居民自治管理模式", "居委会或自管会通过服务外包、志愿者队伍等方式做好停车、清洁、绿化、秩序维护。"),
    ("产权单位自管模式", "产权单一或较少的单位大院，由产权单位负责组织自我服务管理。"),
    ("居民自管与市场机制相结合", "居民互助为基础，专业性强的项目（停车、巡防、保洁）外包给专业机构。"),
    ("居民自管与政府扶持相结合", "停车、治安等由居民自管，绿化保洁等由政府帮助扶持。"),
    ("居民监督与市场机制相结合", "社区统筹、引入市场机制、居民监督三方面结合。"),
]
FEE_UNITS = {"per_household": "元/户·月", "per_m2": "元/㎡·月"}
PURPOSE_LABELS = {
    ContestPurpose.COMMITTEE: "管委会选举",
    ContestPurpose.SERVICE_MODE: "服务模式",
    ContestPurpose.FEE: "收费标准",
    ContestPurpose.MOTION: "表决议案",
    ContestPurpose.OTHER: "其他选择事项",
}


def ensure_agenda_editable(meeting: Meeting) -> None:
    """Refuse any agenda change once ballots have been issued (the printed ballots list it)."""
    if meeting.ballots_issued_at is not None:
        raise Conflict(
            "选票已发放，议程已冻结：已印制的选票上列明了表决事项和选项，不能再修改。如确需修改，须作废全部选票后重新发放。"
        )


@dataclass
class ContestInput:
    """What the contest form gives, as text, before validation."""

    purpose: str
    title: str = ""
    description: str = ""
    seats: str = str(DEFAULT_SEATS)
    contested: bool = True
    candidate_order: str = "strokes"
    threshold: str = ""
    base: str = ""
    method: str = "majority"
    unit: str = "per_household"
    special: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, description)
    amounts: list[str] = field(default_factory=list)  # fee levels, ascending


def _parse_contest(data: ContestInput) -> tuple[ContestKind, ContestPurpose, str, dict, list[dict]]:
    """Validate a ContestInput; return kind, purpose, title, settings and option rows."""
    try:
        purpose = ContestPurpose(data.purpose)
    except ValueError:
        raise InvalidInput(f"未知的事项类型：{data.purpose}") from None
    problems: list[str] = []
    title = data.title.strip() or PURPOSE_LABELS[purpose]
    if len(title) > 200:
        problems.append("标题：最多 200 个字")
    settings: dict = {}
    if data.threshold:
        if data.threshold not in NAMED_THRESHOLDS or data.threshold == "plurality":
            problems.append(f"通过门槛：未知的选项 {data.threshold}")
        settings["threshold"] = data.threshold
    if data.base:
        try:
            settings["base"] = Base(data.base).value
        except ValueError:
            problems.append(f"计算基数：未知的选项 {data.base}")
    options: list[dict] = []
    if purpose is ContestPurpose.COMMITTEE:
        kind = ContestKind.COMMITTEE
        seats = whole(str(data.seats)) or 0
        if seats not in COMMITTEE_SEATS:  # [002 问6] 5至9人（单数）
            problems.append(f"应选名额：须为 5 至 9 名的单数（5、7 或 9），现为“{data.seats}”")
        try:
            order = CandidateOrder(data.candidate_order).value
        except ValueError:
            problems.append("候选人排序：请选择按姓氏笔画、拼音或报名先后")
            order = CandidateOrder.STROKES.value
        settings.update(
            seats=seats, contested=bool(data.contested), candidate_order=order, round=RoundKind.REGULAR.value
        )
    elif purpose is ContestPurpose.MOTION:
        kind = ContestKind.MOTION
        settings["special"] = bool(data.special)
    elif purpose is ContestPurpose.FEE:
        kind = ContestKind.CHOICE
        if data.unit not in FEE_UNITS:
            problems.append("收费单位：请选择 元/户·月 或 元/㎡·月")
        if data.method not in ("majority", "median"):
            problems.append("计票方法：请选择过半数或中位数")
        settings.update(ordered=True, method=data.method, unit=data.unit)
        amounts = _parse_amounts(data.amounts, problems)
        options = [{"label": f"{a} {FEE_UNITS.get(data.unit, '')}", "description": "", "amount": a} for a in amounts]
    else:
        kind = ContestKind.CHOICE
        settings.update(ordered=False, method="majority")
        seen = set()
        for label, description in data.options:
            label = label.strip()
            if not label:
                continue
            if label in seen:
                problems.append(f"选项重复：{label}")
            seen.add(label)
            options.append({"label": label[:200], "description": description.strip(), "amount": None})
        if len(options) < 2:
            problems.append("选项：至少要有 2 个选项")
    if problems:
        raise InvalidInput("表决事项有误，未保存。", problems)
    return kind, purpose, title, settings, options


def _parse_amounts(texts: list[str], problems: list[str]) -> list[Decimal]:
    """Read fee levels: positive amounts with at most 2 decimals, strictly ascending."""
    amounts = []
    for text in texts:
        text = text.strip()
        if not text:
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            problems.append(f"收费标准：“{text}”不是数字")
            continue
        if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
            problems.append(f"收费标准：“{text}”须为不小于 0、最多两位小数的金额")
            continue
        amounts.append(value.quantize(Decimal("0.01")))
    if len(amounts) < 2:
        problems.append("收费标准：至少要有 2 档")
    if amounts != sorted(set(amounts)):
        problems.append("收费标准：各档金额须从低到高排列且不重复")
    return amounts


def _replace_options(contest: Contest, options: list[dict]) -> None:
    contest.options.clear()
    db.session.flush()
    for position, row in enumerate(options, start=1):
        contest.options.append(ContestOption(position=position, key=f"o{position}", **row))


@use_case
def add_contest(meeting: Meeting, data: ContestInput, actor: StaffUser) -> Contest:
    """Add a contest at the end of the agenda."""
    ensure_agenda_editable(meeting)
    kind, purpose, title, settings, options = _parse_contest(data)
    if purpose is ContestPurpose.COMMITTEE and committee_contest(meeting) is not None:
        raise Conflict("本次会议已有管委会选举事项；另行选举和平票重选在计票后由系统生成。")
    position = (
        db.session.execute(select(func.max(Contest.position)).where(Contest.meeting_id == meeting.id)).scalar() or 0
    ) + 1
    contest = Contest(
        meeting_id=meeting.id,
        position=position,
        kind=kind,
        purpose=purpose,
        title=title,
        description=data.description.strip(),
        settings=settings,
    )
    db.session.add(contest)
    db.session.flush()
    _replace_options(contest, options)
    log.append(
        meeting_chain(meeting.id),
        actor,
        "contest.add",
        community_id=meeting.community_id,
        contest=contest.id,
        title=title,
        settings=settings,
        options=[o["label"] for o in options],
    )
    return contest


@use_case
def update_contest(contest: Contest, data: ContestInput, actor: StaffUser) -> Contest:
    """Change a contest's settings and options (not its kind)."""
    meeting = contest.meeting
    ensure_agenda_editable(meeting)
    if meeting.candidates_published_at and contest.purpose is ContestPurpose.COMMITTEE:
        raise Conflict("候选人名单已公示，不能再修改选举设置。如确需修改，请先撤回公示。")
    data.purpose = contest.purpose.value
    _, _, title, settings, options = _parse_contest(data)
    contest.title, contest.description, contest.settings = title, data.description.strip(), settings
    if contest.kind is ContestKind.CHOICE:
        _replace_options(contest, options)
    log.append(
        meeting_chain(meeting.id),
        actor,
        "contest.update",
        community_id=meeting.community_id,
        contest=contest.id,
        title=title,
        settings=settings,
        options=[o["label"] for o in options],
    )
    return contest


@use_case
def delete_contest(contest: Contest, actor: StaffUser) -> None:
    """Remove a contest from the agenda."""
    meeting = contest.meeting
    ensure_agenda_editable(meeting)
    registered = db.session.execute(
        select(func.count()).select_from(Registration).where(Registration.meeting_id == meeting.id)
    ).scalar_one()
    if contest.purpose is ContestPurpose.COMMITTEE and registered:
        raise Conflict("已有候选人报名，不能删除管委会选举事项。")
    log.append(
        meeting_chain(meeting.id),
        actor,
        "contest.delete",
        community_id=meeting.community_id,
        contest=contest.id,
        title=contest.title,
    )
    db.session.delete(contest)
    db.session.flush()
    for position, other in enumerate(sorted(meeting.contests, key=lambda c: c.position), start=1):
        other.position = position


@use_case
def move_contest(contest: Contest, offset: int, actor: StaffUser) -> None:
    """Move a contest up (-1) or down (+1) on the agenda."""
    meeting = contest.meeting
    ensure_agenda_editable(meeting)
    ordered = sorted(meeting.contests, key=lambda c: c.position)
    index = ordered.index(contest)
    target = index + offset
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered, start=1):
            item.position = position
        log.append(
            meeting_chain(meeting.id),
            actor,
            "contest.move",
            community_id=meeting.community_id,
            contest=contest.id,
            position=target + 1,
        )


def committee_contest(meeting: Meeting) -> Contest | None:
    """Return the meeting's regular committee election, if it has one."""
    for contest in meeting.contests:
        if contest.kind is ContestKind.COMMITTEE and contest.parent_id is None:
            return contest
    return None


def in_round_order(meeting: Meeting) -> list[Contest]:
    """Return the contests in agenda order, each follow-up round right after the round it follows."""
    children: dict[int, list[Contest]] = {}
    for contest in meeting.contests:
        if contest.parent_id is not None:
            children.setdefault(contest.parent_id, []).append(contest)
    ordered: list[Contest] = []

    def visit(contest: Contest) -> None:
        ordered.append(contest)
        for child in children.get(contest.id, []):
            visit(child)

    for contest in meeting.contests:
        if contest.parent_id is None:
            visit(contest)
    return ordered


def contest_of(meeting: Meeting, contest_id: int) -> Contest:
    """Load a contest of this meeting or raise NotFound."""
    contest = db.session.get(Contest, contest_id)
    if contest is None or contest.meeting_id != meeting.id:
        raise NotFound("找不到该表决事项。")
    return contest


def core_contest(contest: Contest):
    """Return the core's definition of a contest, from its settings and options."""
    s = contest.settings
    threshold = NAMED_THRESHOLDS[s["threshold"]] if s.get("threshold") else None
    base = Base(s["base"]) if s.get("base") else None
    parent = str(contest.parent_id) if contest.parent_id else None
    if contest.kind is ContestKind.COMMITTEE:
        candidates = tuple(Candidate(o.key, o.label) for o in contest.options)
        return CommitteeContest(
            str(contest.id),
            s["seats"],
            candidates,
            s.get("contested", True),
            threshold,
            base,
            RoundKind(s.get("round", "regular")),
            parent,
        )
    if contest.kind is ContestKind.CHOICE:
        options = tuple(Option(o.key, o.label) for o in contest.options)
        return ChoiceContest(
            str(contest.id),
            options,
            s.get("ordered", False),
            ChoiceMethod(s.get("method", "majority")),
            threshold,
            base,
            s.get("is_runoff", False),
            parent,
        )
    return MotionContest(str(contest.id), threshold, base, s.get("special", False))


# --- 测算费用 ------------------------------------------------------------------------------


def empty_fee_inputs() -> dict:
    """Return blank calculator inputs with the design's items (DESIGN §4.9)."""
    return {
        "costs": {name: "0" for name in COST_ITEMS},
        "income": {name: "0" for name in INCOME_ITEMS},
        "contributions": {name: "0" for name in CONTRIBUTION_ITEMS},
        "paying_households": "",
    }


def _money(group: str, name: str, text: str, problems: list[str]) -> Decimal:
    label = {"costs": "支出", "income": "公共收益", "contributions": "补贴"}[group]
    try:
        value = Decimal(str(text).strip() or "0")
    except InvalidOperation:
        problems.append(f"{label}「{name}」：“{text}”不是数字")
        return Decimal("0")
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        problems.append(f"{label}「{name}」：须为不小于 0、最多两位小数的金额（元/月）")
        return Decimal("0")
    return value.quantize(Decimal("0.01"))


def parse_fee_inputs(raw: dict) -> dict:
    """Validate calculator inputs; raise InvalidInput naming each bad item."""
    problems: list[str] = []
    clean = {}
    for group in ("costs", "income", "contributions"):
        clean[group] = {
            name.strip(): str(_money(group, name, text, problems))
            for name, text in raw.get(group, {}).items()
            if name.strip()
        }
    households = str(raw.get("paying_households", "")).strip()
    if households and whole(households, low=1) is None:
        problems.append(f"缴费户数：须为正整数（现为“{households}”），留空则按有表决权户数计")
    clean["paying_households"] = households
    if problems:
        raise InvalidInput("测算数据有误，未保存。", problems)
    return clean


def fee_calculation(contest: Contest, inputs: dict | None = None) -> FeeCalculation:
    """Run the core's 测算费用 on a fee contest's inputs and its fee levels."""
    inputs = inputs or contest.fee_inputs or empty_fee_inputs()
    meeting = contest.meeting
    rows = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Household.area), 0)).where(
            Household.community_id == meeting.community_id, Household.has_vote.is_(True)
        )
    ).one()
    households = int(inputs.get("paying_households") or rows[0] or 0)
    area = Decimal(rows[1]).quantize(Decimal("0.01"))
    unit = FeeUnit(contest.settings.get("unit", "per_household"))
    options = [FeeOption(o.amount, unit, o.key) for o in contest.options]
    try:
        return calculate_fees(
            {k: Decimal(v) for k, v in inputs["costs"].items()},
            {k: Decimal(v) for k, v in inputs["income"].items()},
            {k: Decimal(v) for k, v in inputs["contributions"].items()},
            households,
            area,
            options,
        )
    except RuleViolation as error:
        raise InvalidInput(str(error)) from None


@use_case
def save_fee_inputs(contest: Contest, raw: dict, actor: StaffUser) -> FeeCalculation:
    """Store the calculator inputs of a fee contest (printed on the ballot notice)."""
    if contest.purpose is not ContestPurpose.FEE:
        raise InvalidInput("只有收费标准事项有费用测算。")
    ensure_agenda_editable(contest.meeting)
    clean = parse_fee_inputs(raw)
    calculation = fee_calculation(contest, clean)
    contest.fee_inputs = clean
    log.append(
        meeting_chain(contest.meeting_id),
        actor,
        "fees.save",
        community_id=contest.meeting.community_id,
        contest=contest.id,
        inputs=clean,
    )
    return calculation
