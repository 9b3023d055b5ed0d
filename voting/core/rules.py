"""Thresholds, bases and rule profiles: every number a meeting decides by.

Chinese legal counting ([民法典] 第一千二百五十九条): 以上/以下 include the number itself,
超过/过半数 exclude it. So every threshold names its comparison; none is implied.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from . import explain
from .serial import Serializable

AREA_QUANTUM = Decimal("0.01")  # 建筑面积 is kept to 2 decimals (DESIGN §2)


class RuleViolation(ValueError):
    """A definition or input breaks a rule; the message is Chinese and names what."""


@dataclass(frozen=True, slots=True)
class Finding(Serializable):
    """One specific reason a registration or proxy is refused."""

    code: str
    message_zh: str


class Comparison(Enum):
    """How a share is compared with its line."""

    GT = "gt"  # 超过 / 过半数: the line itself does not pass ([民法典] 1259)
    GE = "ge"  # 以上: the line itself passes ([民法典] 1259)


class Base(Enum):
    """What a share is taken of."""

    PRESENT = "present"  # 到会/出席 households at close ([000 第六条] 到会成员)
    CAST = "cast"  # ballots cast in the contest, blank and invalid included (参加投票)
    VALID = "valid"  # valid ballots, blank (弃权) included
    MARKED = "marked"  # valid ballots that mark a choice (有效选择); the median's base
    ELIGIBLE = "eligible"  # 应到: every household with a vote


@dataclass(frozen=True, slots=True)
class Threshold(Serializable):
    """A share of a base with an explicit comparison, e.g. more than 1/2 of ballots cast.

    A share of zero never passes: with no votes there is no consent, whatever the base.
    `Threshold(Fraction(0), GT)` is plurality: at least one vote, the most votes win.
    """

    fraction: Fraction
    comparison: Comparison

    def __post_init__(self) -> None:
        if not isinstance(self.fraction, Fraction):
            raise TypeError("threshold fraction must be a Fraction")
        if not 0 <= self.fraction <= 1:
            raise RuleViolation(f"门槛比例须在 0 与 1 之间，现为 {self.fraction}")

    @property
    def inclusive(self) -> bool:
        """Tell whether the line itself passes (以上)."""
        return self.comparison is Comparison.GE

    @property
    def is_plurality(self) -> bool:
        """Tell whether this is plain plurality (得票多者)."""
        return self.fraction == 0

    @property
    def phrase(self) -> str:
        """Return the Chinese phrase: 过半数, 三分之二以上, 四分之三以上, 三分之一以上."""
        return explain.threshold_phrase(self.fraction, self.inclusive)

    @property
    def name(self) -> str:
        """Return the Chinese name of the fraction: 半数, 三分之二."""
        return explain.fraction_name(self.fraction)

    def min_votes(self, base: int) -> int:
        """Return the smallest whole number of votes that passes this share of `base`."""
        n, d = self.fraction.numerator, self.fraction.denominator
        if self.comparison is Comparison.GT:
            votes = n * base // d + 1
        else:
            votes = -(-n * base // d)
        return max(votes, 1)

    def min_area(self, base: Decimal) -> Decimal:
        """Return the smallest area in whole 0.01 m² that passes this share of `base`."""
        line = self.fraction * Fraction(base) / Fraction(AREA_QUANTUM)
        if self.comparison is Comparison.GT:
            units = line // 1 + 1
        else:
            units = -(-line // 1)
        return max(units, 1) * AREA_QUANTUM

    def passes(self, amount: int | Decimal, base: int | Decimal) -> bool:
        """Tell whether `amount` (votes or area) passes this share of `base`."""
        if amount <= 0:
            return False
        have = Fraction(amount) * self.fraction.denominator
        line = self.fraction.numerator * Fraction(base)
        return have > line if self.comparison is Comparison.GT else have >= line


# The named lines of DESIGN §4.3.
MAJORITY = Threshold(Fraction(1, 2), Comparison.GT)  # 过半数: 2*v > base
TWO_THIRDS = Threshold(Fraction(2, 3), Comparison.GE)  # 三分之二以上: 3*v >= 2*base
THREE_QUARTERS = Threshold(Fraction(3, 4), Comparison.GE)  # 四分之三以上: 4*v >= 3*base
ONE_THIRD = Threshold(Fraction(1, 3), Comparison.GE)  # 三分之一以上: 3*v >= base
PLURALITY = Threshold(Fraction(0), Comparison.GT)  # 得票多者: at least one vote, most votes win
NAMED_THRESHOLDS = {
    "majority": MAJORITY,
    "two_thirds": TWO_THIRDS,
    "three_quarters": THREE_QUARTERS,
    "one_third": ONE_THIRD,
    "plurality": PLURALITY,
}


@dataclass(frozen=True, slots=True)
class RuleProfile(Serializable):
    """The configured rules of one meeting; stored as JSON and part of the signed record.

    `passing_*` apply to choice contests and motions, `election_*` to the committee.
    Runoff, tie re-vote and top-two rounds are judged on their own ballots cast.
    """

    name: str
    quorum_threshold: Threshold
    passing_threshold: Threshold
    passing_base: Base
    election_threshold: Threshold
    election_base: Base
    runoff_threshold: Threshold  # 另行选举, of the runoff's own ballots cast
    revote_threshold: Threshold  # 平票重选 and the top-two 决选, of their own ballots cast
    special_threshold: Threshold  # special matters of common parts (MotionContest.special)
    counts_area: bool = False  # also count 专有部分面积 next to households
    participation_counts_as_presence: bool = True  # DESIGN §4.2
    max_proxies_per_holder: int = 3  # DESIGN §4.8
    min_recommenders: int = 5  # DESIGN §4.10: 5 household representatives
    min_candidate_age: int = 18  # DESIGN §4.10: 年满十八周岁 on the meeting date

    def __post_init__(self) -> None:
        if not self.name:
            raise RuleViolation("规则方案须有名称")
        for field in ("max_proxies_per_holder", "min_recommenders", "min_candidate_age"):
            if getattr(self, field) < 0:
                raise RuleViolation(f"规则方案的 {field} 不能为负数")

    @classmethod
    def charter(cls) -> RuleProfile:
        """Return the default profile of the 管委会章程 ([000 第六条])."""
        return cls(
            name="charter",
            # [000 第六条] 须有2/3以上的成员出席方能召开
            quorum_threshold=TWO_THIRDS,
            # [000 第六条] 到会成员半数以上表决通过, read as 过半数 by DESIGN §4.3
            passing_threshold=MAJORITY,
            passing_base=Base.PRESENT,
            # DESIGN §4.4 参加投票的过半数, after [村组法] 第十五条
            election_threshold=MAJORITY,
            election_base=Base.CAST,
            # [村组法] 第十五条: 另行选举 以得票多的当选，但不得少于已投选票数的三分之一
            runoff_threshold=ONE_THIRD,
            # 平票重选 and 决选: 以得票多的当选 (common 村委会选举办法 practice, DESIGN §4.4/§4.5)
            revote_threshold=PLURALITY,
            # [民法典] 278: special matters of common parts need 四分之三以上 whatever the forum
            special_threshold=THREE_QUARTERS,
        )

    @classmethod
    def statute(cls) -> RuleProfile:
        """Return the profile of the 居民委员会组织法 ([居组法] 第九条)."""
        return dataclasses.replace(
            cls.charter(),
            name="statute",
            # [居组法] 第九条: 过半数出席，才能举行
            quorum_threshold=MAJORITY,
            # [居组法] 第九条: 会议的决定，由出席人的过半数通过
            passing_threshold=MAJORITY,
            passing_base=Base.PRESENT,
            # DESIGN §4.7 elections > 1/2 of ballots cast, after [村组法] 第十五条
            election_threshold=MAJORITY,
            election_base=Base.CAST,
        )

    @classmethod
    def civil_code(cls) -> RuleProfile:
        """Return the profile of [民法典] 第二百七十八条: households and area both count."""
        return dataclasses.replace(
            cls.charter(),
            name="civil_code",
            counts_area=True,
            # [民法典] 278: 专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决
            quorum_threshold=TWO_THIRDS,
            # [民法典] 278: 参与表决专有部分面积过半数且参与表决人数过半数的业主同意
            passing_threshold=MAJORITY,
            passing_base=Base.CAST,
            election_threshold=MAJORITY,
            election_base=Base.CAST,
            # [民法典] 278 allows no lower line than 过半数 for any decision, runoffs included
            runoff_threshold=MAJORITY,
            revote_threshold=MAJORITY,
            # [民法典] 278: 筹集维修资金、改建重建、改变共有部分用途 need 四分之三以上
            special_threshold=THREE_QUARTERS,
        )


PROFILES = {
    "charter": RuleProfile.charter,
    "statute": RuleProfile.statute,
    "civil_code": RuleProfile.civil_code,
}


def profile_by_name(name: str) -> RuleProfile:
    """Return the built-in profile called `name`."""
    try:
        return PROFILES[name]()
    except KeyError:
        known = "、".join(PROFILES)
        raise RuleViolation(f"没有名为 {name} 的规则方案（可选：{known}）") from None
