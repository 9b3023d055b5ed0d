"""Contest definitions (表决事项): the committee election, choice contests and motions.

A definition says what may be marked and, optionally, overrides the profile's line and base
(`None` = the profile's default for this kind of round). Ballot order is the tuple order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

from .rules import Base, RuleViolation, Threshold
from .serial import Serializable

COMMITTEE_SEATS = (5, 7, 9)  # [002 问6] 5至9人（单数）
DEFAULT_SEATS = 9  # [000 第五条] 主任1人、副主任1人、委员7人
MAX_FOLLOW_UP_SEATS = 9

YES, NO, ABSTAIN = "yes", "no", "abstain"  # the marks of a motion: 同意 / 反对 / 弃权
MOTION_LABELS = {YES: "同意", NO: "反对", ABSTAIN: "弃权"}


class RoundKind(Enum):
    """Which round of a committee election this is."""

    REGULAR = "regular"
    TIE_REVOTE = "tie_revote"  # 平票重选: exactly the candidates tied at the last seat
    RUNOFF = "runoff"  # 另行选举: seats left unfilled by the regular round


class ChoiceMethod(Enum):
    """How a choice contest finds its winner."""

    MAJORITY = "majority"  # the option passing the line of the base (DESIGN §4.5)
    MEDIAN = "median"  # ordered levels: the largest level a majority chose or exceeded


@dataclass(frozen=True, slots=True)
class Candidate(Serializable):
    """A person on the committee ballot."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Option(Serializable):
    """One option of a choice contest."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class CommitteeContest(Serializable):
    """A round of the 管委会 election; a ballot marks at most `seats` candidates."""

    KIND: ClassVar[str] = "committee"
    id: str
    seats: int
    candidates: tuple[Candidate, ...]
    contested: bool = True  # 差额; 等额 only when the meeting enables it (DESIGN §4.4)
    threshold: Threshold | None = None
    base: Base | None = None
    round: RoundKind = RoundKind.REGULAR
    parent_id: str | None = None  # the round this one follows up

    def __post_init__(self) -> None:
        _require_id(self.id)
        _require_unique("候选人", [c.id for c in self.candidates])
        if self.round is RoundKind.REGULAR:
            self._check_regular()
        else:
            self._check_follow_up()

    def _check_regular(self) -> None:
        if self.seats not in COMMITTEE_SEATS:  # [002 问6]
            raise RuleViolation(f"管委会应选名额须为 5 至 9 名的单数，现为 {self.seats} 名")
        n = len(self.candidates)
        if self.contested and n < self.seats + 1:  # DESIGN §4.4 差额: at least seats + 1
            raise RuleViolation(f"差额选举的候选人须多于应选名额，至少 {self.seats + 1} 人，现有 {n} 人")
        if not self.contested and n != self.seats:
            raise RuleViolation(f"等额选举的候选人数须等于应选名额 {self.seats} 名，现有 {n} 人")

    def _check_follow_up(self) -> None:
        if not 1 <= self.seats <= MAX_FOLLOW_UP_SEATS:
            raise RuleViolation(f"后续轮次的应选名额须在 1 至 9 名之间，现为 {self.seats} 名")
        n = len(self.candidates)
        if self.round is RoundKind.TIE_REVOTE and n <= self.seats:
            raise RuleViolation(f"平票重选的候选人须多于剩余名额 {self.seats} 名，现有 {n} 人")
        if self.round is RoundKind.RUNOFF and n < self.seats:
            raise RuleViolation(f"另行选举的候选人不能少于剩余名额 {self.seats} 名，现有 {n} 人")

    @property
    def candidate_ids(self) -> frozenset[str]:
        """Return the ids that may be marked."""
        return frozenset(c.id for c in self.candidates)

    @property
    def labels(self) -> dict[str, str]:
        """Return candidate id → name."""
        return {c.id: c.name for c in self.candidates}


@dataclass(frozen=True, slots=True)
class ChoiceContest(Serializable):
    """One option per ballot; `ordered` options are listed from the lowest level up."""

    KIND: ClassVar[str] = "choice"
    id: str
    options: tuple[Option, ...]
    ordered: bool = False
    method: ChoiceMethod = ChoiceMethod.MAJORITY
    threshold: Threshold | None = None
    base: Base | None = None
    is_runoff: bool = False  # a top-two 决选 proposed by an earlier round
    parent_id: str | None = None

    def __post_init__(self) -> None:
        _require_id(self.id)
        if len(self.options) < 2:
            raise RuleViolation("选择类表决事项至少要有 2 个选项")
        _require_unique("选项", [o.id for o in self.options])
        if self.method is ChoiceMethod.MEDIAN:
            if not self.ordered:
                raise RuleViolation("中位数方法只适用于有顺序的选项（如收费标准）")
            if self.is_runoff:
                raise RuleViolation("中位数方法总能得出结果，不用于决选")
            if self.base not in (None, Base.MARKED):
                raise RuleViolation("中位数方法以有效选择票为基数")

    @property
    def option_ids(self) -> frozenset[str]:
        """Return the ids that may be marked."""
        return frozenset(o.id for o in self.options)

    @property
    def labels(self) -> dict[str, str]:
        """Return option id → label."""
        return {o.id: o.label for o in self.options}


@dataclass(frozen=True, slots=True)
class MotionContest(Serializable):
    """A yes / no / abstain motion; `special` marks a [民法典] 278 special matter (3/4)."""

    KIND: ClassVar[str] = "motion"
    id: str
    threshold: Threshold | None = None
    base: Base | None = None
    special: bool = False

    def __post_init__(self) -> None:
        _require_id(self.id)

    @property
    def option_ids(self) -> frozenset[str]:
        """Return the marks a motion ballot may carry."""
        return frozenset(MOTION_LABELS)


Contest = CommitteeContest | ChoiceContest | MotionContest
CONTEST_TYPES = {cls.KIND: cls for cls in (CommitteeContest, ChoiceContest, MotionContest)}


def contest_from_dict(data: Mapping[str, Any]) -> Contest:
    """Read any contest definition written by `to_dict()`."""
    try:
        cls = CONTEST_TYPES[data["kind"]]
    except KeyError:
        raise RuleViolation(f"未知的表决事项类型：{data.get('kind')!r}") from None
    return cls.from_dict(data)


def _require_id(value: str) -> None:
    if not value:
        raise RuleViolation("表决事项须有编号")


def _require_unique(noun: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if not i:
            raise RuleViolation(f"{noun}编号不能为空")
        if i in seen:
            raise RuleViolation(f"{noun}编号重复：{i}")
        seen.add(i)
