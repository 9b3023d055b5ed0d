"""Meeting setup: title, time, venue, rule profile, publicity and objection periods."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from sqlalchemy import select

from ..core import Base, RuleProfile, RuleViolation, Threshold, profile_by_name
from ..core.rules import NAMED_THRESHOLDS
from ..extensions import db
from ..models import Community, Meeting, Role, StaffUser
from ..numbers import whole
from ..timeutil import DISPLAY_TZ, to_local
from . import log, staff, use_case
from .errors import Conflict, InvalidInput, NotFound

PROFILE_LABELS = {
    "charter": "管委会章程（默认）：三分之二以上到会，到会过半数通过",
    "statute": "居民委员会组织法：过半数到会，到会过半数通过",
    "civil_code": "民法典第二百七十八条：户数和面积双过三分之二参与，双过半数同意",
}
BASE_LABELS = {
    Base.PRESENT: "到会户数",
    Base.CAST: "参加投票的票数（含空白票、废票）",
    Base.VALID: "有效票数（含弃权票）",
    Base.MARKED: "有所选择的有效票数",
    Base.ELIGIBLE: "应到户数（全体有表决权的住户）",
}
# Rule settings a meeting may change (DESIGN §4: every rule is a configurable default).
EDITABLE_THRESHOLDS = ("quorum_threshold", "passing_threshold", "election_threshold")
EDITABLE_BASES = ("passing_base", "election_base")
EDITABLE_NUMBERS = {"max_proxies_per_holder": (0, 10), "min_recommenders": (1, 50), "min_candidate_age": (18, 100)}


def meeting_chain(meeting_id: int) -> str:
    """Name the hash chain of one meeting's actions."""
    return f"meeting:{meeting_id}"


def profile_of(meeting: Meeting) -> RuleProfile:
    """Return the meeting's rule profile as the core's value."""
    return _profile(json.dumps(meeting.rules, sort_keys=True))


@lru_cache(maxsize=64)
def _profile(rules: str) -> RuleProfile:
    # Parsed once per distinct rule set: every cast and every page needs it. RuleProfile is frozen.
    return RuleProfile.from_dict(json.loads(rules))


def meeting_date(meeting: Meeting) -> date:
    """Return the meeting's calendar date in Beijing time (ages are taken on it)."""
    return to_local(meeting.starts_at).date()


def line(threshold: Threshold, base: str) -> str:
    """Say a line against its base: 超过到会户数的半数, 达到应到户数的三分之二以上."""
    if threshold.is_plurality:
        return "得票多者"
    if threshold.inclusive:
        return f"达到{base}的{threshold.phrase}"
    return f"超过{base}的{threshold.name}"


def describe_rules(profile: RuleProfile) -> list[str]:
    """Say every threshold of a profile in plain Chinese."""
    both = "（户数和建筑面积都须达到）" if profile.counts_area else ""
    revote = line(profile.revote_threshold, "该轮参加投票票数")
    return [
        f"会议有效：到会户数{line(profile.quorum_threshold, '应到户数')}{both}。",
        f"表决事项通过：同意票{line(profile.passing_threshold, BASE_LABELS[profile.passing_base])}{both}。",
        f"管委会选举当选：得票{line(profile.election_threshold, BASE_LABELS[profile.election_base])}{both}，按得票多少依次当选。",
        f"另行选举：得票多者当选，且得票{line(profile.runoff_threshold, '该轮参加投票票数')}。",
        f"平票重选、前两名决选：{revote}{'当选' if profile.revote_threshold.is_plurality else '方可当选'}。",
        f"涉及共有部分的特别事项：同意须{line(profile.special_threshold, BASE_LABELS[profile.passing_base])}{both}。",
        "已投票的住户计为到会。"
        if profile.participation_counts_as_presence
        else "只有签到（或由到场受托人代理）的住户计为到会。",
        f"每位受托人最多代理 {profile.max_proxies_per_holder} 户；候选人不得在本人参选的选举中代理投票。",
        f"联名推荐须有至少 {profile.min_recommenders} 户有表决权的住户签名；每户最多联名推荐与应选名额相同的人数。",
        f"候选人须在会议当日年满 {profile.min_candidate_age} 周岁。",
    ]


@dataclass
class MeetingInput:
    """What the meeting form and the TOML file give, as text, before validation."""

    title: str
    date: str  # YYYY-MM-DD, Beijing time
    time: str  # HH:MM
    venue: str = ""
    profile: str = "charter"
    public_base_url: str = ""
    objection_days: str = "3"
    publicity_days: str = "5"
    allow_quorum_override: bool = False
    double_entry: bool = False
    overrides: dict[str, str] = dataclasses.field(default_factory=dict)


def _parse_meeting(data: MeetingInput) -> dict:
    """Validate a MeetingInput; raise InvalidInput naming every bad field."""
    problems: list[str] = []
    values: dict = {}
    title = data.title.strip()
    if not title or len(title) > 200:
        problems.append("会议名称：必填，最多 200 个字")
    values["title"] = title
    try:
        local = datetime.strptime(f"{data.date.strip()} {data.time.strip()}", "%Y-%m-%d %H:%M").replace(
            tzinfo=DISPLAY_TZ
        )
        values["starts_at"] = local.astimezone(UTC)
    except ValueError:
        problems.append(
            f"会议时间：日期应为 2026-12-20 这样的格式，时间应为 09:00 这样的格式（现为“{data.date} {data.time}”）"
        )
    values["venue"] = data.venue.strip()[:200]
    url = data.public_base_url.strip().rstrip("/")
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment):
        problems.append(
            f"选票网址：应以 http:// 或 https:// 开头，如 http://192.168.1.10:8000（现为“{data.public_base_url}”）"
        )
    values["public_base_url"] = url
    for field, label, low, high in (
        ("objection_days", "询异期天数", 0, 30),
        ("publicity_days", "候选人公示天数", 0, 30),
    ):
        text = str(getattr(data, field)).strip()
        if (number := whole(text, low=low, high=high)) is None:
            problems.append(f"{label}：应为 {low} 到 {high} 之间的整数（现为“{text}”）")
        else:
            values[field] = number
    try:
        values["rules"] = build_profile(data.profile, data.overrides).to_dict()
    except RuleViolation as error:
        problems.append(f"规则：{error}")
    values["allow_quorum_override"] = bool(data.allow_quorum_override)
    values["double_entry"] = bool(data.double_entry)
    if problems:
        raise InvalidInput("会议信息有误，未保存。", problems)
    return values


def build_profile(name: str, overrides: dict[str, str]) -> RuleProfile:
    """Start from a built-in profile and apply the meeting's allowed changes."""
    profile = profile_by_name(name)
    changes: dict = {}
    for field in EDITABLE_THRESHOLDS:
        if value := overrides.get(field):
            if value not in NAMED_THRESHOLDS or value == "plurality":
                raise RuleViolation(f"未知的门槛：{value}")
            changes[field] = NAMED_THRESHOLDS[value]
    for field in EDITABLE_BASES:
        if value := overrides.get(field):
            try:
                changes[field] = Base(value)
            except ValueError:
                raise RuleViolation(f"未知的计算基数：{value}") from None
    for field, (low, high) in EDITABLE_NUMBERS.items():
        if (value := str(overrides.get(field, "")).strip()) != "":
            if (number := whole(value, low=low, high=high)) is None:
                raise RuleViolation(f"{field} 应为 {low} 到 {high} 之间的整数（现为“{value}”）")
            changes[field] = number
    if "participation_counts_as_presence" in overrides:
        changes["participation_counts_as_presence"] = overrides["participation_counts_as_presence"] in (
            True,
            "1",
            "on",
            "true",
        )
    return dataclasses.replace(profile, **changes)


@use_case
def create_meeting(community: Community, data: MeetingInput, actor: StaffUser | str) -> Meeting:
    """Create a meeting of a 小区 with its rule profile."""
    meeting = Meeting(community_id=community.id, **_parse_meeting(data))
    db.session.add(meeting)
    db.session.flush()
    log.append(
        meeting_chain(meeting.id),
        actor,
        "meeting.create",
        community_id=community.id,
        title=meeting.title,
        rules=meeting.rules,
    )
    return meeting


@use_case
def update_meeting(meeting: Meeting, data: MeetingInput, actor: StaffUser) -> Meeting:
    """Change a meeting's details; the rules are frozen once ballots are issued."""
    values = _parse_meeting(data)
    if meeting.ballots_issued_at and values["rules"] != meeting.rules:
        raise Conflict("选票已发放，会议规则已冻结，不能再修改。")
    changed = [k for k, v in values.items() if getattr(meeting, k) != v]
    for key in changed:
        setattr(meeting, key, values[key])
    if changed:
        log.append(
            meeting_chain(meeting.id),
            actor,
            "meeting.update",
            community_id=meeting.community_id,
            fields=changed,
            rules=meeting.rules,
        )
    return meeting


def meeting_for(user: StaffUser, meeting_id: int, need: Role | None = None) -> Meeting:
    """Load a meeting the account may act on, or raise NotFound / Forbidden."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("找不到该会议。")
    staff.community_for(user, meeting.community_id, need=need)
    return meeting


def public_meeting(meeting_id: int) -> Meeting:
    """Load a meeting for the public pages, or raise NotFound."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("找不到该会议。")
    return meeting


def list_meetings(community: Community) -> list[Meeting]:
    """Return a 小区's meetings, newest first."""
    return list(
        db.session.execute(
            select(Meeting).where(Meeting.community_id == community.id).order_by(Meeting.starts_at.desc())
        ).scalars()
    )


def publicity_ends(meeting: Meeting) -> datetime | None:
    """Return when the candidate list's 公示 period ends (None before publication)."""
    if meeting.candidates_published_at is None:
        return None
    return meeting.candidates_published_at + timedelta(days=meeting.publicity_days)
