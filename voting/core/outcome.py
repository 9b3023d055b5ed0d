"""Pieces every tally shares: counts per id, the line a vote must pass, proposals for next rounds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from .contests import Contest
from .marks import Ballot, MarkCount, count_marks, mark_rules
from .quorum import Attendance, QuorumResult, check_quorum
from .rules import Base, RuleProfile, Threshold
from .serial import Serializable


@dataclass(frozen=True, slots=True)
class Count(Serializable):
    """Votes for one candidate or option; `area` is their area sum under civil_code."""

    id: str
    votes: int
    area: Decimal | None = None


class ProposalKind(Enum):
    """What kind of follow-up round a tally proposes."""

    TIE_REVOTE = "tie_revote"  # 平票重选
    RUNOFF = "runoff"  # 另行选举
    TOP_TWO = "top_two"  # 决选 of a choice contest


@dataclass(frozen=True, slots=True)
class Proposal(Serializable):
    """A follow-up round: who or what is on its ballot (in ballot order) and for how many seats."""

    kind: ProposalKind
    ids: tuple[str, ...]
    seats: int
    reason: str


@dataclass(frozen=True, slots=True)
class Bar:
    """The line of one contest: threshold, base and the numbers they give."""

    threshold: Threshold
    base: Base
    base_value: int
    base_area: Decimal | None
    min_votes: int
    min_area: Decimal | None

    def passes(self, votes: int, area: Decimal | None) -> bool:
        """Tell whether votes (and, when counted, their area) pass the line."""
        if votes < self.min_votes:
            return False
        return area is None or self.threshold.passes(area, self.base_area)


def make_bar(threshold: Threshold, base: Base, count: MarkCount, attendance: Attendance) -> Bar:
    """Resolve the base of a contest into numbers (DESIGN §4.3)."""
    households = {
        Base.PRESENT: attendance.present_households,
        Base.CAST: count.cast,
        Base.VALID: count.valid,
        Base.MARKED: count.marked,
        Base.ELIGIBLE: attendance.eligible_households,
    }[base]
    area = min_area = None
    if count.cast_area is not None:
        area = {
            Base.PRESENT: attendance.present_area,
            Base.CAST: count.cast_area,
            Base.VALID: count.valid_area,
            Base.MARKED: count.marked_area,
            Base.ELIGIBLE: attendance.eligible_area,
        }[base]
        min_area = threshold.min_area(area)
    return Bar(threshold, base, households, area, threshold.min_votes(households), min_area)


@dataclass(frozen=True, slots=True)
class Measured:
    """What every tally finds before deciding: quorum, the marks counted, the line, whether void."""

    quorum: QuorumResult
    count: MarkCount
    bar: Bar
    ballots_issued: int

    @property
    def void(self) -> bool:
        # DESIGN §4.4: 选票多于发出 → 该次选举（表决）无效
        return self.count.cast > self.ballots_issued

    def figures(self) -> dict[str, Any]:
        """The fields every result records, as keyword arguments of its constructor."""
        count, bar = self.count, self.bar
        return {
            "quorum": self.quorum,
            "ballots_issued": self.ballots_issued,
            "cast": count.cast,
            "valid": count.valid,
            "blank": count.blank,
            "invalid": count.invalid,
            "void": self.void,
            "base": bar.base,
            "base_value": bar.base_value,
            "base_area": bar.base_area,
            "threshold": bar.threshold,
            "min_votes": bar.min_votes,
            "min_area": bar.min_area,
        }


def measure(
    contest: Contest,
    ballots: Iterable[Ballot],
    attendance: Attendance,
    profile: RuleProfile,
    ballots_issued: int,
    line: tuple[Threshold, Base],
) -> Measured:
    """Check the quorum, count the marks and resolve `line` (threshold, base) into numbers."""
    count = count_marks(ballots, mark_rules(contest), with_area=profile.counts_area)
    threshold, base = line
    return Measured(
        check_quorum(profile, attendance), count, make_bar(threshold, base, count, attendance), ballots_issued
    )


def counts_in_order(ids: Iterable[str], count: MarkCount) -> tuple[Count, ...]:
    """Return the count of every id, in ballot order."""
    if count.area is None:
        return tuple(Count(i, count.votes.get(i, 0)) for i in ids)
    return tuple(Count(i, count.votes.get(i, 0), count.area[i]) for i in ids)


def ranked(counts: Sequence[Count]) -> list[Count]:
    """Sort by votes, most first; equal votes keep ballot order, which decides nothing."""
    return sorted(counts, key=lambda c: -c.votes)


def at_or_above_cut(ranked_counts: Sequence[Count], take: int) -> list[Count]:
    """Return the first `take` of a ranking plus everyone tied with the last of them."""
    if len(ranked_counts) <= take:
        return list(ranked_counts)
    cut = ranked_counts[take - 1].votes
    return [c for c in ranked_counts if c.votes >= cut]


def in_ballot_order(ids: Iterable[str], order: Sequence[str]) -> tuple[str, ...]:
    """Return `ids` in the order they stand on the ballot."""
    wanted = set(ids)
    return tuple(i for i in order if i in wanted)
