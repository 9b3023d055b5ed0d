"""Create a meeting and its agenda from a TOML or JSON file (`voting meeting create FILE`)."""

from __future__ import annotations

import json
import tomllib
from datetime import date, time

from ..models import Meeting
from . import agenda, meetings, staff, use_case
from .agenda import ContestInput
from .errors import InvalidInput
from .meetings import EDITABLE_BASES, EDITABLE_NUMBERS, EDITABLE_THRESHOLDS, MeetingInput

MEETING_KEYS = {
    "community",
    "title",
    "date",
    "time",
    "venue",
    "profile",
    "public_base_url",
    "publicity_days",
    "objection_days",
    "allow_quorum_override",
    "double_entry",
    "rules",
    "contests",
}
RULE_KEYS = {*EDITABLE_THRESHOLDS, *EDITABLE_BASES, *EDITABLE_NUMBERS, "participation_counts_as_presence"}
CONTEST_KEYS = {
    "kind",
    "title",
    "description",
    "seats",
    "contested",
    "candidate_order",
    "threshold",
    "base",
    "method",
    "unit",
    "amounts",
    "options",
    "special",
    "fees",
}
FEE_KEYS = {"costs", "income", "contributions", "paying_households"}


def parse_meeting_file(filename: str, text: str) -> dict:
    """Read TOML (or JSON by extension) into a dict; raise InvalidInput with the parser's place."""
    try:
        if filename.lower().endswith(".json"):
            return json.loads(text)
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(f"会议文件格式错误：{error}") from None


def _unknown(where: str, data: dict, allowed: set[str]) -> list[str]:
    return [f"{where}：未知的设置“{key}”（可用：{'、'.join(sorted(allowed))}）" for key in data if key not in allowed]


def _text(value) -> str:
    if isinstance(value, (date, time)):
        return value.isoformat()[:5] if isinstance(value, time) else value.isoformat()
    return "" if value is None else str(value)


def meeting_input_from(data: dict) -> MeetingInput:
    """Build the meeting form values from the file's top level."""
    rules = data.get("rules", {})
    problems = _unknown("会议", data, MEETING_KEYS) + _unknown("[rules]", rules, RULE_KEYS)
    if problems:
        raise InvalidInput("会议文件有误，未创建会议。", problems)
    overrides = {k: _text(v) for k, v in rules.items()}
    if "participation_counts_as_presence" in rules:
        overrides["participation_counts_as_presence"] = "1" if rules["participation_counts_as_presence"] else "0"
    return MeetingInput(
        title=_text(data.get("title")),
        date=_text(data.get("date")),
        time=_text(data.get("time", "09:00")),
        venue=_text(data.get("venue")),
        profile=_text(data.get("profile", "charter")),
        public_base_url=_text(data.get("public_base_url")),
        objection_days=_text(data.get("objection_days", 3)),
        publicity_days=_text(data.get("publicity_days", 5)),
        allow_quorum_override=bool(data.get("allow_quorum_override", False)),
        double_entry=bool(data.get("double_entry", False)),
        overrides=overrides,
    )


def contest_input_from(number: int, data: dict) -> ContestInput:
    """Build one contest's form values; service modes default to the design's list."""
    where = f"第 {number} 个表决事项"
    problems = _unknown(where, data, CONTEST_KEYS) + _unknown(f"{where}的 fees", data.get("fees", {}), FEE_KEYS)
    if problems:
        raise InvalidInput("会议文件有误，未创建会议。", problems)
    purpose = data.get("kind", "")
    options = [
        (o, "") if isinstance(o, str) else (o.get("label", ""), o.get("description", ""))
        for o in data.get("options", [])
    ]
    if purpose == "service_mode" and not options:
        options = list(agenda.DEFAULT_SERVICE_MODES)
    return ContestInput(
        purpose="other" if purpose == "choice" else purpose,
        title=_text(data.get("title")),
        description=_text(data.get("description")),
        seats=_text(data.get("seats", 9)),
        contested=bool(data.get("contested", True)),
        candidate_order=_text(data.get("candidate_order", "strokes")),
        threshold=_text(data.get("threshold")),
        base=_text(data.get("base")),
        method=_text(data.get("method", "median" if purpose == "fee" else "majority")),
        unit=_text(data.get("unit", "per_household")),
        special=bool(data.get("special", False)),
        options=options,
        amounts=[_text(a) for a in data.get("amounts", [])],
    )


@use_case
def create_meeting_from_file(data: dict, actor: str = "cli") -> Meeting:
    """Create the meeting and its whole agenda in one transaction: all of it or none."""
    community = staff.community_by_name(_text(data.get("community")))
    meeting = meetings.create_meeting(community, meeting_input_from(data), actor)
    for number, raw in enumerate(data.get("contests", []), start=1):
        try:
            contest = agenda.add_contest(meeting, contest_input_from(number, raw), actor)
            if "fees" in raw:
                fees = {
                    k: {name: _text(v) for name, v in raw["fees"].get(k, {}).items()}
                    for k in ("costs", "income", "contributions")
                }
                fees["paying_households"] = _text(raw["fees"].get("paying_households", ""))
                agenda.save_fee_inputs(contest, fees, actor)
        except InvalidInput as error:
            raise InvalidInput(f"第 {number} 个表决事项：{error.message}", error.problems) from None
    return meeting
