"""Choice contests: majority of the base, top-two 决选 with ties, 未决, the median level (§4.5)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from voting.core import (
    Base,
    ChoiceContest,
    ChoiceMethod,
    ChoiceVerdict,
    Comparison,
    Option,
    ProposalKind,
    RuleProfile,
    RuleViolation,
    Threshold,
    choice_follow_up,
    tally_choice,
)

from .builders import ballots, choice, fee_levels, present

CHARTER = RuleProfile.charter()


def run(contest, ballot_list, *, attendance=None, profile=CHARTER):
    """Tally with 412 of 600 present unless told otherwise."""
    attendance = attendance or present(600, 412)
    return tally_choice(contest, ballot_list, attendance, profile, len(ballot_list))


def groups(contest_id: str, *numbers: int, blank: int = 0):
    """Return ballots: numbers[i] ballots for option o{i}, then `blank` blank ones."""
    marked = [(n, (f"o{i}",)) for i, n in enumerate(numbers)]
    return ballots(contest_id, *marked, (blank, ()))


@pytest.mark.parametrize(("first", "winner"), [(207, "o0"), (206, None)])
def test_option_needs_more_than_half_of_present_households(first, winner):
    result = run(choice(3), groups("m", first, 100, 410 - first - 100))
    assert (result.base, result.base_value, result.min_votes) == (Base.PRESENT, 412, 207)
    assert result.winner == winner
    assert result.verdict is (ChoiceVerdict.DECIDED if winner else ChoiceVerdict.RUNOFF)


@pytest.mark.parametrize(
    ("numbers", "proposed"),
    [
        ((150, 120, 100, 30), ("o0", "o1")),
        ((150, 110, 110, 30), ("o0", "o1", "o2")),  # everyone tied for second is in
        ((130, 130, 100, 50), ("o0", "o1")),  # tied for first: those two
        ((130, 100, 130, 50), ("o0", "o2")),  # ballot order, not vote order
    ],
)
def test_no_majority_proposes_top_two_runoff_with_ties_included(numbers, proposed):
    result = run(choice(4), groups("m", *numbers))
    assert result.winner is None and result.verdict is ChoiceVerdict.RUNOFF
    assert (result.follow_up.kind, result.follow_up.ids) == (ProposalKind.TOP_TWO, proposed)


@pytest.mark.parametrize(
    ("n", "numbers"),
    [
        (2, (150, 150)),  # a two-way tie: the runoff would be the very same contest
        (3, (100, 100, 100)),
        (2, (0, 0)),
    ],
)
def test_tie_of_every_option_is_undecided(n, numbers):
    result = run(choice(n), groups("m", *numbers))
    assert result.verdict is ChoiceVerdict.UNDECIDED
    assert result.winner is None and result.follow_up is None
    assert "决选仍将是同样的选项" in result.undecided_reason
    assert "本项未决，记录在案" in result.explanation


def test_two_options_without_majority_and_without_tie_go_to_a_plurality_runoff():
    result = run(choice(2), groups("m", 180, 150, blank=80))
    assert result.verdict is ChoiceVerdict.RUNOFF
    assert result.follow_up.ids == ("o0", "o1")


def runoff_contest(n: int = 2) -> ChoiceContest:
    """Return a 决选 `m` with n options."""
    return ChoiceContest("m", choice(n).options, is_runoff=True)


def test_two_way_tie_in_a_runoff_is_undecided():
    result = run(runoff_contest(), groups("m", 200, 200))
    assert result.verdict is ChoiceVerdict.UNDECIDED


def test_runoff_is_won_by_the_most_votes_of_its_own_ballots():
    result = run(runoff_contest(), groups("m", 100, 90, blank=200))
    assert (result.base, result.winner) == (Base.CAST, "o0")


def test_tie_for_first_in_a_three_way_runoff_narrows_to_the_tied():
    result = run(runoff_contest(3), groups("m", 150, 150, 100))
    assert result.verdict is ChoiceVerdict.RUNOFF
    assert result.follow_up.ids == ("o0", "o1")


@pytest.mark.parametrize(("n", "verdict"), [(2, ChoiceVerdict.UNDECIDED), (3, ChoiceVerdict.RUNOFF)])
def test_tie_between_options_that_both_pass_is_never_broken(n, verdict):
    half_or_more = Threshold(Fraction(1, 2), Comparison.GE)
    contest = ChoiceContest("m", choice(n).options, threshold=half_or_more, base=Base.CAST)
    result = run(contest, groups("m", 100, 100))
    assert set(result.passing) == {"o0", "o1"}
    assert (result.winner, result.verdict) == (None, verdict)


def levels(votes, blank=0):
    """Return fee ballots: votes[i] for level i of 10, 20, 30, 40, 50 元, then blanks."""
    amounts = (10, 20, 30, 40, 50)
    return ballots("fee", *((n, (f"L{a}",)) for a, n in zip(amounts, votes)), (blank, ()))


@pytest.mark.parametrize(
    ("votes", "level"),
    [
        ((10, 20, 30, 25, 15), "L30"),  # 70 of 100 chose 30 or more; 40 chose 40 or more
        ((50, 0, 0, 0, 50), "L10"),  # exactly half at 50 is not a majority
        ((49, 0, 0, 0, 51), "L50"),
        ((0, 0, 0, 0, 1), "L50"),
        ((1, 0, 0, 0, 0), "L10"),
    ],
)
def test_median_picks_the_largest_level_a_majority_chose_or_exceeded(votes, level):
    result = run(fee_levels(), levels(votes, blank=7))
    assert result.winner == level
    assert result.base is Base.MARKED and result.base_value == sum(votes)


def test_median_explains_the_cumulative_counts():
    result = run(fee_levels(), levels((10, 20, 30, 25, 15)))
    assert [c.votes for c in result.cumulative] == [100, 90, 70, 40, 15]
    assert "选择 30 元/户·月 及以上的 70 票，超过有效选择 100 票的半数（51 票）" in result.explanation


def test_median_without_any_choice_is_undecided():
    result = run(fee_levels(), levels((0, 0, 0, 0, 0), blank=5))
    assert result.verdict is ChoiceVerdict.UNDECIDED and result.winner is None


def test_civil_code_choice_needs_both_household_and_area_majorities():
    papers = ballots("m", (6, ("o0",)), area="50.00") + ballots("m", (4, ("o1",)), area="100.00")
    result = run(choice(2), papers, attendance=present(10, 10, "700.00", "700.00"), profile=RuleProfile.civil_code())
    assert result.passing == () and result.winner is None


def test_civil_code_median_is_the_lower_of_the_household_and_area_medians():
    # Households: 6 of 10 chose 40 → household median L40; area: 300 of 700 m² → area median L20.
    papers = ballots("fee", (6, ("L40",)), area="50.00") + ballots("fee", (4, ("L20",)), area="100.00")
    result = run(fee_levels(), papers, attendance=present(10, 10, "700.00", "700.00"), profile=RuleProfile.civil_code())
    assert result.winner == "L20"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"options": (Option("a", "甲"),)}, "至少要有 2 个选项"),
        ({"options": (Option("a", "甲"), Option("a", "乙"))}, "选项编号重复"),
        ({"method": ChoiceMethod.MEDIAN}, "有顺序的选项"),
        ({"method": ChoiceMethod.MEDIAN, "ordered": True, "is_runoff": True}, "不用于决选"),
        ({"method": ChoiceMethod.MEDIAN, "ordered": True, "base": Base.PRESENT}, "有效选择票为基数"),
    ],
)
def test_choice_contest_definition_is_checked(kwargs, message):
    kwargs.setdefault("options", choice(3).options)
    with pytest.raises(RuleViolation, match=message):
        ChoiceContest("m", **kwargs)


def test_choice_follow_up_builds_the_runoff_in_ballot_order():
    result = run(choice(4), groups("m", 100, 150, 30, 120))
    follow = choice_follow_up(choice(4), result.follow_up, "m2")
    assert [o.id for o in follow.options] == ["o1", "o3"]
    assert (follow.is_runoff, follow.parent_id) == (True, "m")
