"""Meeting quorum (会议有效): whether enough households took part for any result to stand."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from . import explain
from .rules import RuleProfile, RuleViolation, Threshold
from .serial import Serializable

ZERO_AREA = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Attendance(Serializable):
    """Households and area with a vote (应到) and present (出席/参与表决) when a contest closes."""

    eligible_households: int
    present_households: int
    eligible_area: Decimal = ZERO_AREA
    present_area: Decimal = ZERO_AREA

    def __post_init__(self) -> None:
        for field in ("eligible_area", "present_area"):
            if not isinstance(getattr(self, field), Decimal):
                raise TypeError(f"{field} must be a Decimal")
        if not 0 <= self.present_households <= self.eligible_households:
            raise RuleViolation(f"出席户数 {self.present_households} 须在 0 与应到户数 {self.eligible_households} 之间")
        if not 0 <= self.present_area <= self.eligible_area:
            raise RuleViolation(f"出席面积 {self.present_area} 须在 0 与总面积 {self.eligible_area} 之间")


@dataclass(frozen=True, slots=True)
class QuorumResult(Serializable):
    """Whether the meeting held, with the numbers it was decided on."""

    profile: str
    met: bool
    threshold: Threshold
    eligible_households: int
    present_households: int
    min_households: int  # smallest number of present households that meets the quorum
    households_met: bool
    counts_area: bool
    eligible_area: Decimal
    present_area: Decimal
    min_area: Decimal | None  # smallest present area (0.01 m² steps) that meets it; civil_code only
    area_met: bool | None
    explanation: str


def check_quorum(profile: RuleProfile, attendance: Attendance) -> QuorumResult:
    """Decide whether the meeting is validly convened (DESIGN §4.2, §4.7)."""
    threshold = profile.quorum_threshold
    households_met = threshold.passes(attendance.present_households, attendance.eligible_households)
    min_area = area_met = None
    if profile.counts_area:  # [民法典] 278: 面积占比 and 人数占比 both
        min_area = threshold.min_area(attendance.eligible_area)
        area_met = threshold.passes(attendance.present_area, attendance.eligible_area)
    result = QuorumResult(
        profile=profile.name,
        met=households_met and area_met is not False,
        threshold=threshold,
        eligible_households=attendance.eligible_households,
        present_households=attendance.present_households,
        min_households=threshold.min_votes(attendance.eligible_households),
        households_met=households_met,
        counts_area=profile.counts_area,
        eligible_area=attendance.eligible_area,
        present_area=attendance.present_area,
        min_area=min_area,
        area_met=area_met,
        explanation="",
    )
    return replace(result, explanation=explain.quorum(result))
