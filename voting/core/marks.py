"""Ballots as marked, their validity per contest, and the counting loop (DESIGN §4.4, §4.5).

A ballot carries raw marks as entered from paper or phone. Per contest: more distinct marks than
allowed → 废票 for that contest only; the same id marked twice counts once; no mark → 弃权
(a valid ballot without votes); an id not on the ballot → 废票.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext
from enum import Enum
from itertools import chain

from .contests import ABSTAIN, ChoiceContest, CommitteeContest, Contest, MotionContest
from .rules import RuleViolation
from .serial import Serializable


class BallotStatus(Enum):
    """How a ballot counts in one contest."""

    VALID = "valid"
    BLANK = "blank"  # 弃权: valid, no votes
    INVALID = "invalid"  # 废票


@dataclass(frozen=True, slots=True)
class Ballot(Serializable):
    """The marks of one ballot in one contest; `area` is its 专有部分面积 under civil_code.

    Ballots are secret: no household id, only the area weight the count needs.
    """

    contest_id: str
    marks: tuple[str, ...] = ()
    area: Decimal | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.marks, tuple):
            object.__setattr__(self, "marks", tuple(self.marks))
        if self.area is not None and not isinstance(self.area, Decimal):
            raise TypeError("ballot area must be a Decimal")


@dataclass(frozen=True, slots=True)
class Classified(Serializable):
    """The status of one ballot in one contest, the ids it counts for and why."""

    status: BallotStatus
    choices: frozenset[str]
    reason: str


@dataclass(frozen=True, slots=True)
class MarkRules:
    """What one contest accepts: the known ids and the most distinct marks per ballot."""

    contest_id: str
    known: frozenset[str]
    max_marks: int
    abstain: str | None  # a mark that means 弃权 (motions)
    noun: str


def mark_rules(contest: Contest) -> MarkRules:
    """Return the marking rules of `contest`."""
    if isinstance(contest, CommitteeContest):
        # DESIGN §4.4: a ballot marks at most `seats` candidates
        return MarkRules(contest.id, contest.candidate_ids, contest.seats, None, "候选人")
    if isinstance(contest, ChoiceContest):
        # DESIGN §4.5: one option per ballot
        return MarkRules(contest.id, contest.option_ids, 1, None, "选项")
    if isinstance(contest, MotionContest):
        return MarkRules(contest.id, contest.option_ids, 1, ABSTAIN, "表决意见")
    raise TypeError(f"not a contest: {contest!r}")


def classify(contest: Contest, ballot: Ballot) -> Classified:
    """Decide how `ballot` counts in `contest`, with a Chinese reason."""
    rules = mark_rules(contest)
    if ballot.contest_id != rules.contest_id:
        raise RuleViolation(f"选票属于表决事项 {ballot.contest_id}，不属于 {rules.contest_id}")
    marked = frozenset(ballot.marks)
    if not marked:
        return Classified(BallotStatus.BLANK, frozenset(), "未作任何标记，视为弃权（有效票）")
    unknown = sorted(marked - rules.known)
    if unknown:
        listed = "、".join(unknown)
        return Classified(BallotStatus.INVALID, frozenset(), f"标记了不在名单上的{rules.noun}：{listed}，本项为废票")
    if len(marked) > rules.max_marks:
        return Classified(
            BallotStatus.INVALID,
            frozenset(),
            f"标记了 {len(marked)} 个{rules.noun}，超过本项最多可选的 {rules.max_marks} 个，本项为废票",
        )
    if rules.abstain is not None and marked == {rules.abstain}:
        return Classified(BallotStatus.BLANK, frozenset(), "选择弃权（有效票）")
    reason = "同一标记重复出现，按一次计" if len(marked) < len(ballot.marks) else ""
    return Classified(BallotStatus.VALID, marked, reason)


@dataclass(frozen=True, slots=True)
class MarkCount:
    """Ballots of one contest counted: how many cast, blank, invalid, and votes per id."""

    cast: int
    blank: int
    invalid: int
    votes: dict[str, int]
    area: dict[str, Decimal] | None  # per id, when areas are counted
    cast_area: Decimal | None
    blank_area: Decimal | None
    invalid_area: Decimal | None

    @property
    def valid(self) -> int:
        """Return the number of valid ballots, blank included."""
        return self.cast - self.invalid

    @property
    def marked(self) -> int:
        """Return the number of valid ballots that mark something."""
        return self.cast - self.invalid - self.blank

    @property
    def valid_area(self) -> Decimal | None:
        """Return the area of valid ballots."""
        return None if self.cast_area is None else self.cast_area - self.invalid_area

    @property
    def marked_area(self) -> Decimal | None:
        """Return the area of valid ballots that mark something."""
        return None if self.cast_area is None else self.cast_area - self.invalid_area - self.blank_area


def count_marks(ballots: Iterable[Ballot], rules: MarkRules, *, with_area: bool) -> MarkCount:
    """Count `ballots` under `rules`; the same result as `classify` on each, but fast."""
    if with_area:
        count = _count_with_area(ballots, rules)
    else:
        count = _count_heads(ballots, rules)
    if rules.abstain is None:
        return count
    return _abstain_as_blank(count, rules.abstain)


def _count_heads(ballots: Iterable[Ballot], rules: MarkRules) -> MarkCount:
    contest_id, known, max_marks = rules.contest_id, rules.known, rules.max_marks
    chosen: list[set[str]] = []
    keep = chosen.append
    cast = blank = invalid = 0
    for ballot in ballots:  # the hot loop: one set per ballot, no other objects
        if ballot.contest_id != contest_id:
            raise RuleViolation(f"选票属于表决事项 {ballot.contest_id}，不属于 {contest_id}")
        cast += 1
        marks = ballot.marks
        if not marks:
            blank += 1
            continue
        marked = set(marks)
        if len(marked) > max_marks or not marked <= known:
            invalid += 1
            continue
        keep(marked)
    votes = dict(Counter(chain.from_iterable(chosen)))
    return MarkCount(cast, blank, invalid, votes, None, None, None, None)


def _count_with_area(ballots: Iterable[Ballot], rules: MarkRules) -> MarkCount:
    contest_id, known, max_marks = rules.contest_id, rules.known, rules.max_marks
    zero = Decimal("0.00")
    votes: Counter[str] = Counter()
    area = {i: zero for i in known}
    cast = blank = invalid = 0
    cast_area = blank_area = invalid_area = zero
    with localcontext() as ctx:
        ctx.prec, ctx.traps[Inexact] = 60, True  # sums of areas must stay exact
        for ballot in ballots:
            if ballot.contest_id != contest_id:
                raise RuleViolation(f"选票属于表决事项 {ballot.contest_id}，不属于 {contest_id}")
            weight = ballot.area
            if weight is None or weight < 0:
                raise RuleViolation("按面积计票时每张选票须带有不小于 0 的面积")
            cast += 1
            cast_area += weight
            marked = set(ballot.marks)
            if not marked:
                blank += 1
                blank_area += weight
            elif len(marked) > max_marks or not marked <= known:
                invalid += 1
                invalid_area += weight
            else:
                votes.update(marked)
                for i in marked:
                    area[i] += weight
    return MarkCount(cast, blank, invalid, dict(votes), area, cast_area, blank_area, invalid_area)


def _abstain_as_blank(count: MarkCount, abstain: str) -> MarkCount:
    """Count explicit 弃权 marks as blank ballots (a motion ballot carries one mark at most)."""
    votes = dict(count.votes)
    abstained = votes.pop(abstain, 0)
    area = blank_area = None
    if count.area is not None:
        area = dict(count.area)
        blank_area = count.blank_area + area.pop(abstain)
    return MarkCount(
        count.cast,
        count.blank + abstained,
        count.invalid,
        votes,
        area,
        count.cast_area,
        blank_area,
        count.invalid_area,
    )
