"""Choice contests (服务模式, 收费标准): majority with a top-two 决选, or the median level (§4.5)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum
from typing import ClassVar

from . import explain
from .contests import ChoiceContest, ChoiceMethod
from .marks import Ballot
from .outcome import (
    Bar,
    Count,
    Proposal,
    ProposalKind,
    at_or_above_cut,
    counts_in_order,
    in_ballot_order,
    measure,
    ranked,
)
from .quorum import Attendance, QuorumResult
from .rules import MAJORITY, Base, RuleProfile, RuleViolation, Threshold
from .serial import Serializable


class ChoiceVerdict(Enum):
    """What a choice contest decided."""

    DECIDED = "decided"
    RUNOFF = "runoff"  # no winner; a top-two 决选 is proposed in `follow_up`
    UNDECIDED = "undecided"  # 未决: recorded, no runoff can settle it
    VOID = "void"
    NO_QUORUM = "no_quorum"


@dataclass(frozen=True, slots=True)
class ChoiceResult(Serializable):
    """A choice contest counted, with every number it was decided on."""

    KIND: ClassVar[str] = "choice"
    contest_id: str
    method: ChoiceMethod
    is_runoff: bool
    profile: str
    quorum: QuorumResult
    ballots_issued: int
    cast: int
    valid: int  # blank included
    blank: int
    invalid: int
    void: bool
    base: Base
    base_value: int
    base_area: Decimal | None
    threshold: Threshold
    min_votes: int
    min_area: Decimal | None
    counts: tuple[Count, ...]  # ballot order
    cumulative: tuple[Count, ...]  # median only: votes for this level or a higher one
    passing: tuple[str, ...]  # majority: past the line, most first; median: levels a majority accepts
    winner: str | None
    verdict: ChoiceVerdict
    follow_up: Proposal | None
    undecided_reason: str
    explanation: str


def choice_line(contest: ChoiceContest, profile: RuleProfile) -> tuple[Threshold, Base]:
    """Return the threshold and base `contest` is judged by."""
    if contest.method is ChoiceMethod.MEDIAN:
        default, base = MAJORITY, Base.MARKED  # §4.5: more than half of valid votes
    elif contest.is_runoff:
        default, base = profile.revote_threshold, Base.CAST  # the 决选's own ballots
    else:
        default, base = profile.passing_threshold, profile.passing_base
    threshold = default if contest.threshold is None else contest.threshold
    return threshold, base if contest.base is None else contest.base


def tally_choice(
    contest: ChoiceContest,
    ballots: Iterable[Ballot],
    attendance: Attendance,
    profile: RuleProfile,
    ballots_issued: int,
) -> ChoiceResult:
    """Count a choice contest and find its winner, a runoff, or 未决."""
    m = measure(contest, ballots, attendance, profile, ballots_issued, choice_line(contest, profile))
    counts = counts_in_order((o.id for o in contest.options), m.count)
    if contest.method is ChoiceMethod.MEDIAN:
        cumulative = cumulative_counts(counts)
        passing = [c for c in cumulative if m.bar.passes(c.votes, c.area)]
        outcome = _median_outcome(passing)
    else:
        cumulative = ()
        passing = [c for c in ranked(counts) if m.bar.passes(c.votes, c.area)]
        outcome = _majority_outcome(contest, profile, counts, passing)
    winner, verdict, follow_up, why = outcome
    if not m.quorum.met or m.void:
        winner, follow_up, why = None, None, ""
        verdict = ChoiceVerdict.NO_QUORUM if not m.quorum.met else ChoiceVerdict.VOID
    result = ChoiceResult(
        contest_id=contest.id,
        method=contest.method,
        is_runoff=contest.is_runoff,
        profile=profile.name,
        **m.figures(),
        counts=counts,
        cumulative=cumulative,
        passing=tuple(c.id for c in passing),
        winner=winner,
        verdict=verdict,
        follow_up=follow_up,
        undecided_reason=why,
        explanation="",
    )
    return replace(result, explanation=explain.choice(result, contest.labels))


Outcome = tuple[str | None, ChoiceVerdict, Proposal | None, str]


def cumulative_counts(counts: Sequence[Count]) -> tuple[Count, ...]:
    """For each level (lowest first), count the votes for it or any higher level."""
    result: list[Count] = []
    votes, area = 0, None if counts[0].area is None else Decimal("0.00")
    for c in reversed(counts):
        votes += c.votes
        if area is not None:
            area += c.area
        result.append(Count(c.id, votes, area))
    return tuple(reversed(result))


def median_level(counts: Sequence[Count], bar: Bar) -> str | None:
    """Return the largest level that more than half chose or exceeded (§4.5), or None."""
    passing = [c for c in cumulative_counts(counts) if bar.passes(c.votes, c.area)]
    return passing[-1].id if passing else None


def _median_outcome(passing: Sequence[Count]) -> Outcome:
    # Cumulative votes shrink as levels rise, so the levels past the line are a prefix.
    if not passing:
        return None, ChoiceVerdict.UNDECIDED, None, "没有有效选择，无法确定收费标准"
    return passing[-1].id, ChoiceVerdict.DECIDED, None, ""


def _majority_outcome(
    contest: ChoiceContest, profile: RuleProfile, counts: Sequence[Count], passing: Sequence[Count]
) -> Outcome:
    labels = contest.labels
    if passing:
        leaders = [c for c in passing if c.votes == passing[0].votes]
        if len(leaders) == 1:
            return leaders[0].id, ChoiceVerdict.DECIDED, None, ""
        pool, why = leaders, "并列第一"  # never broken by order or chance
    else:
        pool, why = at_or_above_cut(ranked(counts), 2), "没有选项获得通过"  # ties for 1st/2nd in
    ids = in_ballot_order((c.id for c in pool), [o.id for o in contest.options])
    all_tied = len({c.votes for c in pool}) == 1
    if set(ids) == contest.option_ids and (all_tied or contest.is_runoff):
        # A runoff would put the very same question to the same options again.
        tied = f"{explain.names(ids, labels)} 同得 {pool[0].votes} 票" if all_tied else why
        reason = f"{tied}，决选仍将是同样的选项，无法以投票打破"
        return None, ChoiceVerdict.UNDECIDED, None, reason
    rule = (
        "得票多者胜出"
        if profile.revote_threshold.is_plurality
        else (f"得票须为决选参加投票数的{profile.revote_threshold.phrase}")
    )
    reason = f"{why}，建议就 {explain.names(ids, labels)} 进行决选，{rule}"
    return None, ChoiceVerdict.RUNOFF, Proposal(ProposalKind.TOP_TWO, ids, 1, reason), ""


def choice_follow_up(contest: ChoiceContest, proposal: Proposal, new_id: str) -> ChoiceContest:
    """Build the 决选 `proposal` asks for; options keep their ballot order."""
    if proposal.kind is not ProposalKind.TOP_TWO:
        raise RuleViolation("该建议不是选择类表决事项的决选")
    wanted = set(proposal.ids)
    return ChoiceContest(
        id=new_id,
        options=tuple(o for o in contest.options if o.id in wanted),
        ordered=contest.ordered,
        is_runoff=True,
        parent_id=contest.id,
    )
