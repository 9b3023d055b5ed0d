"""Motions (同意 / 反对 / 弃权): pass when yes passes the line of the base (DESIGN §4.6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum
from typing import ClassVar

from . import explain
from .contests import NO, YES, MotionContest
from .marks import Ballot
from .outcome import measure
from .quorum import Attendance, QuorumResult
from .rules import Base, RuleProfile, Threshold
from .serial import Serializable


class MotionVerdict(Enum):
    """What a motion decided."""

    PASSED = "passed"
    REJECTED = "rejected"
    VOID = "void"
    NO_QUORUM = "no_quorum"


@dataclass(frozen=True, slots=True)
class MotionResult(Serializable):
    """A motion counted, with every number it was decided on."""

    KIND: ClassVar[str] = "motion"
    contest_id: str
    special: bool
    profile: str
    quorum: QuorumResult
    ballots_issued: int
    cast: int
    valid: int  # blank and 弃权 included
    blank: int  # == abstain
    invalid: int
    void: bool
    base: Base
    base_value: int
    base_area: Decimal | None
    threshold: Threshold
    min_votes: int
    min_area: Decimal | None
    yes: int
    no: int
    abstain: int  # ballots marked 弃权 or left blank
    yes_area: Decimal | None
    no_area: Decimal | None
    passed: bool
    verdict: MotionVerdict
    explanation: str


def motion_line(contest: MotionContest, profile: RuleProfile) -> tuple[Threshold, Base]:
    """Return the threshold and base `contest` is judged by."""
    # [民法典] 278: 筹集维修资金、改建重建、改变共有部分用途 need 四分之三以上
    default = profile.special_threshold if contest.special else profile.passing_threshold
    threshold = default if contest.threshold is None else contest.threshold
    return threshold, profile.passing_base if contest.base is None else contest.base


def tally_motion(
    contest: MotionContest,
    ballots: Iterable[Ballot],
    attendance: Attendance,
    profile: RuleProfile,
    ballots_issued: int,
) -> MotionResult:
    """Count a motion and decide whether it passes."""
    m = measure(contest, ballots, attendance, profile, ballots_issued, motion_line(contest, profile))
    count = m.count
    yes, no = count.votes.get(YES, 0), count.votes.get(NO, 0)
    yes_area = no_area = None
    if count.area is not None:
        yes_area, no_area = count.area[YES], count.area[NO]
    passed = m.quorum.met and not m.void and m.bar.passes(yes, yes_area)
    result = MotionResult(
        contest_id=contest.id,
        special=contest.special,
        profile=profile.name,
        **m.figures(),
        yes=yes,
        no=no,
        abstain=count.blank,
        yes_area=yes_area,
        no_area=no_area,
        passed=passed,
        verdict=_verdict(m.quorum, m.void, passed),
        explanation="",
    )
    return replace(result, explanation=explain.motion(result))


def _verdict(quorum: QuorumResult, void: bool, passed: bool) -> MotionVerdict:
    if not quorum.met:
        return MotionVerdict.NO_QUORUM
    if void:
        return MotionVerdict.VOID
    return MotionVerdict.PASSED if passed else MotionVerdict.REJECTED
