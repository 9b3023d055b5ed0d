"""Properties of the tallies that must hold for any ballots (hypothesis)."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from voting.core import (
    Attendance,
    Ballot,
    BallotStatus,
    ChoiceVerdict,
    CommitteeContest,
    Comparison,
    ProposalKind,
    RoundKind,
    RuleProfile,
    Threshold,
    check_quorum,
    classify,
    result_from_dict,
    tally,
    tally_choice,
    tally_committee,
)

from .builders import candidates, choice, fee_levels, motion

thorough = settings(deadline=None, max_examples=150)  # per test: the global profile is not ours

PROFILES = st.sampled_from([RuleProfile.charter(), RuleProfile.statute(), RuleProfile.civil_code()])
AREAS = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def committee_rounds(draw):
    """Draw a committee round of any kind."""
    kind = draw(st.sampled_from(list(RoundKind)))
    if kind is RoundKind.REGULAR:
        seats = draw(st.sampled_from([5, 7, 9]))
        n = draw(st.integers(seats + 1, seats + 6))
    else:
        seats = draw(st.integers(1, 9))
        n = draw(st.integers(seats + 1, seats + 5))
    return CommitteeContest("k", seats, candidates(n), round=kind)


@st.composite
def marked_ballots(draw, contest_id, ids, most):
    """Draw ballots for `ids` (some over-voted, repeated or unknown), each with an area."""
    popular = ids[: max(1, len(ids) // 2)]  # a favoured half, so that some pass the line
    mark = st.one_of(st.sampled_from(popular), st.sampled_from(ids), st.just("zz"))
    marks = st.lists(mark, max_size=most + 2).map(tuple)
    drawn = draw(st.lists(st.tuples(marks, AREAS), max_size=60))
    return [Ballot(contest_id, m, a) for m, a in drawn]


def full_attendance(ballot_list) -> Attendance:
    """Return attendance where every ballot's household is present (quorum holds)."""
    area = sum((b.area for b in ballot_list), Decimal("0.00"))
    n = len(ballot_list)
    return Attendance(n, n, area, area)


@st.composite
def committee_cases(draw):
    """Draw (contest, ballots, attendance, profile)."""
    contest = draw(committee_rounds())
    ids = [c.id for c in contest.candidates]
    ballot_list = draw(marked_ballots("k", ids, contest.seats))
    return contest, ballot_list, full_attendance(ballot_list), draw(PROFILES)


@thorough
@given(committee_cases())
def test_never_more_elected_than_seats(case):
    contest, ballot_list, attendance, profile = case
    result = tally_committee(contest, ballot_list, attendance, profile, len(ballot_list))
    assert len(result.elected) <= contest.seats
    assert not set(result.elected) & set(result.tied)
    assert len(result.elected) + result.unfilled == contest.seats


@thorough
@given(committee_cases())
def test_every_elected_candidate_has_at_least_the_votes_of_every_unelected_passing_one(case):
    contest, ballot_list, attendance, profile = case
    result = tally_committee(contest, ballot_list, attendance, profile, len(ballot_list))
    votes = {c.id: c.votes for c in result.counts}
    left_out = set(result.passing) - set(result.elected)
    for winner in result.elected:
        assert winner in result.passing
        assert all(votes[winner] >= votes[other] for other in left_out)
    for tied in result.tied:  # a tie is never broken: the tied share one vote count
        assert votes[tied] == votes[result.tied[0]]


@thorough
@given(committee_cases())
def test_follow_up_rounds_match_what_was_left_open(case):
    contest, ballot_list, attendance, profile = case
    result = tally_committee(contest, ballot_list, attendance, profile, len(ballot_list))
    proposal = result.follow_up
    if not result.quorum.met:  # an invalid meeting decides nothing and proposes nothing
        assert (result.elected, proposal, result.vacancies) == ((), None, 0)
    elif result.tied:
        assert proposal.kind is ProposalKind.TIE_REVOTE and proposal.ids == result.tied
        assert proposal.seats == result.unfilled < len(result.tied)
    elif proposal is not None:
        assert proposal.kind is ProposalKind.RUNOFF and contest.round is RoundKind.REGULAR
        unelected = len(contest.candidates) - len(result.elected)
        assert len(proposal.ids) >= min(proposal.seats + 1, unelected)
        assert not set(proposal.ids) & set(result.elected)
        votes = {c.id: c.votes for c in result.counts}
        lowest_in = min(votes[i] for i in proposal.ids)  # the highest unelected, ties at the cut in
        assert all(votes[i] < lowest_in for i in votes if i not in proposal.ids and i not in result.elected)
    else:
        assert result.vacancies == result.unfilled


@thorough
@given(committee_cases(), st.randoms(use_true_random=False))
def test_committee_result_does_not_change_when_ballots_are_shuffled(case, rnd):
    contest, ballot_list, attendance, profile = case
    shuffled = list(ballot_list)
    rnd.shuffle(shuffled)
    issued = len(ballot_list)
    assert tally_committee(contest, shuffled, attendance, profile, issued) == tally_committee(
        contest, ballot_list, attendance, profile, issued
    )


@st.composite
def choice_cases(draw):
    """Draw a choice, median or motion contest with ballots."""
    contest = draw(st.sampled_from([choice(2), choice(4), fee_levels(), motion(), motion(special=True)]))
    ids = sorted(contest.option_ids)
    ballot_list = draw(marked_ballots(contest.id, ids, 1))
    return contest, ballot_list, full_attendance(ballot_list), draw(PROFILES)


@thorough
@given(choice_cases(), st.randoms(use_true_random=False))
def test_choice_and_motion_results_do_not_change_when_ballots_are_shuffled(case, rnd):
    contest, ballot_list, attendance, profile = case
    shuffled = list(ballot_list)
    rnd.shuffle(shuffled)
    issued = len(ballot_list)
    assert tally(contest, shuffled, attendance, profile, issued) == tally(
        contest, ballot_list, attendance, profile, issued
    )


@thorough
@given(st.lists(st.integers(0, 40), min_size=5, max_size=5), st.integers(0, 10))
def test_median_returns_a_level_a_majority_accepts_and_no_higher_one(level_votes, blank):
    contest = fee_levels()
    ids = [o.id for o in contest.options]
    papers = [Ballot("fee", (i,)) for i, n in zip(ids, level_votes) for _ in range(n)]
    papers += [Ballot("fee", ())] * blank
    result = tally_choice(contest, papers, Attendance(300, 300), RuleProfile.charter(), len(papers))
    total = sum(level_votes)
    if total == 0:
        assert result.verdict is ChoiceVerdict.UNDECIDED
        return
    chosen = ids.index(result.winner)
    accepting = sum(level_votes[chosen:])  # chose this level or a higher one
    assert 2 * accepting > total
    assert chosen == len(ids) - 1 or 2 * sum(level_votes[chosen + 1 :]) <= total


@thorough
@given(
    PROFILES,
    st.integers(0, 3000),
    st.data(),
)
def test_quorum_by_head_count_is_monotonic_in_attendance(profile, eligible, data):
    present = data.draw(st.integers(0, max(eligible - 1, 0)))
    area = Decimal(eligible) * 80  # areas do not change here: heads decide
    before = check_quorum(profile, Attendance(eligible, present, area, area))
    after = check_quorum(profile, Attendance(eligible, min(present + 1, eligible), area, area))
    assert not before.met or after.met
    assert before.min_households == after.min_households


@thorough
@given(st.fractions(min_value=0, max_value=1), st.sampled_from(list(Comparison)), st.integers(0, 10_000))
def test_min_votes_is_exactly_the_smallest_passing_count(fraction, comparison, base):
    threshold = Threshold(Fraction(fraction), comparison)
    smallest = threshold.min_votes(base)
    assert threshold.passes(smallest, base)
    assert smallest == 1 or not threshold.passes(smallest - 1, base)


@thorough
@given(committee_cases())
def test_fast_count_agrees_with_classifying_each_ballot(case):
    contest, ballot_list, attendance, profile = case
    result = tally_committee(contest, ballot_list, attendance, profile, len(ballot_list))
    classified = [classify(contest, b) for b in ballot_list]
    statuses = Counter(c.status for c in classified)
    votes = Counter(i for c in classified for i in c.choices)
    assert (result.blank, result.invalid) == (statuses[BallotStatus.BLANK], statuses[BallotStatus.INVALID])
    assert {c.id: c.votes for c in result.counts} == {c.id: votes[c.id] for c in contest.candidates}


@thorough
@given(committee_cases())
def test_result_round_trips_through_json(case):
    contest, ballot_list, attendance, profile = case
    result = tally_committee(contest, ballot_list, attendance, profile, len(ballot_list))
    assert result_from_dict(json.loads(json.dumps(result.to_dict()))) == result
