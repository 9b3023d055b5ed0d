"""The 管委会 election: seats, ties at the last seat, 另行选举 and 缺额 (DESIGN §4.4)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum
from typing import ClassVar

from . import explain
from .contests import CommitteeContest, RoundKind
from .marks import Ballot
from .outcome import (
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
from .rules import Base, RuleProfile, RuleViolation, Threshold
from .serial import Serializable


class CommitteeVerdict(Enum):
    """What a committee round decided."""

    ELECTED = "elected"  # every seat filled
    PARTIAL = "partial"  # some seats filled; the rest go to `follow_up` or are 缺额
    NONE_ELECTED = "none_elected"
    VOID = "void"  # 选举无效: more ballots cast than issued
    NO_QUORUM = "no_quorum"  # 会议未达法定人数: stored and shown as 无效, never a winner


@dataclass(frozen=True, slots=True)
class CommitteeResult(Serializable):
    """A committee round counted, with every number it was decided on."""

    KIND: ClassVar[str] = "committee"
    contest_id: str
    round: RoundKind
    profile: str
    seats: int
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
    passing: tuple[str, ...]  # candidates past the line, most votes first
    elected: tuple[str, ...]  # most votes first; equal votes in ballot order (no rank meant)
    tied: tuple[str, ...]  # tied at the last seat, none of them elected (ballot order)
    unfilled: int  # seats not filled by this round
    vacancies: int  # 缺额: unfilled seats with no follow-up round proposed
    verdict: CommitteeVerdict
    follow_up: Proposal | None
    explanation: str


def committee_line(contest: CommitteeContest, profile: RuleProfile) -> tuple[Threshold, Base]:
    """Return the threshold and base a round of `contest` is judged by."""
    if contest.round is RoundKind.REGULAR:
        default, base = profile.election_threshold, profile.election_base
    elif contest.round is RoundKind.RUNOFF:
        default, base = profile.runoff_threshold, Base.CAST  # of the runoff's own ballots
    else:
        default, base = profile.revote_threshold, Base.CAST
    threshold = default if contest.threshold is None else contest.threshold
    return threshold, base if contest.base is None else contest.base


def tally_committee(
    contest: CommitteeContest,
    ballots: Iterable[Ballot],
    attendance: Attendance,
    profile: RuleProfile,
    ballots_issued: int,
) -> CommitteeResult:
    """Count a committee round and decide who is elected."""
    m = measure(contest, ballots, attendance, profile, ballots_issued, committee_line(contest, profile))
    counts = counts_in_order((c.id for c in contest.candidates), m.count)
    ranking = ranked(counts)
    passing = [c for c in ranking if m.bar.passes(c.votes, c.area)]
    elected: list[Count] = []
    tied: list[Count] = []
    follow_up, vacancies = None, 0
    if m.quorum.met and not m.void:
        elected, tied = fill_seats(passing, contest.seats)
        follow_up, vacancies = _next_round(contest, profile, ranking, elected, tied)
    result = CommitteeResult(
        contest_id=contest.id,
        round=contest.round,
        profile=profile.name,
        seats=contest.seats,
        **m.figures(),
        counts=counts,
        passing=tuple(c.id for c in passing),
        elected=tuple(c.id for c in elected),
        tied=in_ballot_order((c.id for c in tied), [c.id for c in contest.candidates]),
        unfilled=contest.seats - len(elected),
        vacancies=vacancies,
        verdict=_verdict(m.quorum, m.void, len(elected), contest.seats),
        follow_up=follow_up,
        explanation="",
    )
    return replace(result, explanation=explain.committee(result, contest.labels))


def fill_seats(passing: Sequence[Count], seats: int) -> tuple[list[Count], list[Count]]:
    """Elect the highest of `passing` (ranked); a tie at the last seat elects none of the tied."""
    if len(passing) <= seats or passing[seats].votes < passing[seats - 1].votes:
        return list(passing[:seats]), []
    cut = passing[seats - 1].votes  # DESIGN §4.4: never break a tie by order or chance
    return [c for c in passing if c.votes > cut], [c for c in passing if c.votes == cut]


def _next_round(
    contest: CommitteeContest,
    profile: RuleProfile,
    ranking: Sequence[Count],
    elected: Sequence[Count],
    tied: Sequence[Count],
) -> tuple[Proposal | None, int]:
    """Propose a tie re-vote or 另行选举, or report 缺额."""
    remaining = contest.seats - len(elected)
    order = [c.id for c in contest.candidates]
    labels = contest.labels
    if tied:  # DESIGN §4.4 平票重选: exactly the tied, for the remaining seats
        ids = in_ballot_order((c.id for c in tied), order)
        reason = (
            f"{explain.names(ids, labels)} 同得 {tied[0].votes} 票，并列最后名额，"
            f"建议就这 {len(ids)} 人平票重选剩余 {remaining} 名，{_rule(profile, profile.revote_threshold, '平票重选')}"
        )
        return Proposal(ProposalKind.TIE_REVOTE, ids, remaining, reason), 0
    if remaining == 0 or contest.round is not RoundKind.REGULAR:
        return None, remaining  # still unfilled after a follow-up round → 缺额
    chosen = {c.id for c in elected}
    pool = at_or_above_cut([c for c in ranking if c.id not in chosen], remaining + 1)
    if not pool:
        return None, remaining
    ids = in_ballot_order((c.id for c in pool), order)
    # DESIGN §4.4 另行选举: the highest unelected, remaining seats + 1, all tied at the cut
    reason = (
        f"尚缺 {remaining} 名，建议另行选举，候选人为未当选者中得票最多的 {explain.names(ids, labels)}，"
        f"{_rule(profile, profile.runoff_threshold, '另行选举')}"
    )
    return Proposal(ProposalKind.RUNOFF, ids, remaining, reason), 0


def _rule(profile: RuleProfile, threshold: Threshold, round_name: str) -> str:
    if threshold.is_plurality:
        return "得票多者当选"
    counted = "户数和面积" if profile.counts_area else "数"
    return f"得票多者当选，且须得{round_name}参加投票{counted}的{threshold.phrase}"


def _verdict(quorum: QuorumResult, void: bool, elected: int, seats: int) -> CommitteeVerdict:
    if not quorum.met:
        return CommitteeVerdict.NO_QUORUM
    if void:
        return CommitteeVerdict.VOID
    if elected == seats:
        return CommitteeVerdict.ELECTED
    return CommitteeVerdict.PARTIAL if elected else CommitteeVerdict.NONE_ELECTED


def committee_follow_up(contest: CommitteeContest, proposal: Proposal, new_id: str) -> CommitteeContest:
    """Build the round `proposal` asks for; candidates keep their ballot order."""
    kinds = {ProposalKind.TIE_REVOTE: RoundKind.TIE_REVOTE, ProposalKind.RUNOFF: RoundKind.RUNOFF}
    if proposal.kind not in kinds:
        raise RuleViolation("该建议不是管委会选举的后续轮次")
    wanted = set(proposal.ids)
    candidates = tuple(c for c in contest.candidates if c.id in wanted)
    return CommitteeContest(
        id=new_id,
        seats=proposal.seats,
        candidates=candidates,
        contested=len(candidates) > proposal.seats,
        round=kinds[proposal.kind],
        parent_id=contest.id,
    )
