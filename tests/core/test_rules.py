"""Thresholds count the Chinese legal way; profiles carry the defaults of DESIGN §4.7."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from voting.core import (
    MAJORITY,
    ONE_THIRD,
    PLURALITY,
    THREE_QUARTERS,
    TWO_THIRDS,
    Base,
    Comparison,
    RuleProfile,
    RuleViolation,
    Threshold,
    profile_by_name,
)


@pytest.mark.parametrize(
    ("threshold", "votes", "base", "passes"),
    [
        (MAJORITY, 205, 410, False),  # exactly half: 过半数 excludes it
        (MAJORITY, 206, 410, True),
        (MAJORITY, 206, 411, True),
        (MAJORITY, 205, 411, False),
        (TWO_THIRDS, 400, 600, True),  # exactly 2/3: 以上 includes it
        (TWO_THIRDS, 399, 600, False),
        (THREE_QUARTERS, 300, 400, True),  # exactly 3/4 inclusive
        (THREE_QUARTERS, 299, 400, False),
        (ONE_THIRD, 40, 120, True),  # exactly 1/3 inclusive
        (ONE_THIRD, 39, 120, False),
        (Threshold(Fraction(1, 2), Comparison.GE), 205, 410, True),  # 半数以上 includes half
        (Threshold(Fraction(2, 3), Comparison.GT), 400, 600, False),  # 超过三分之二 excludes it
        (PLURALITY, 1, 1000, True),
    ],
)
def test_threshold_compares_as_legal_counting_says(threshold, votes, base, passes):
    assert threshold.passes(votes, base) is passes


@pytest.mark.parametrize("base", [2, 4, 10, 410, 600, 100_000])
def test_exactly_half_does_not_pass_majority(base):
    assert not MAJORITY.passes(base // 2, base)
    assert MAJORITY.passes(base // 2 + 1, base)


@pytest.mark.parametrize(
    ("threshold", "base", "smallest"),
    [
        (MAJORITY, 410, 206),
        (MAJORITY, 411, 206),
        (MAJORITY, 1, 1),
        (TWO_THIRDS, 600, 400),
        (TWO_THIRDS, 601, 401),
        (THREE_QUARTERS, 400, 300),
        (THREE_QUARTERS, 401, 301),
        (ONE_THIRD, 120, 40),
        (ONE_THIRD, 121, 41),
        (PLURALITY, 500, 1),
    ],
)
def test_min_votes_is_the_smallest_whole_number_that_passes(threshold, base, smallest):
    assert threshold.min_votes(base) == smallest
    assert threshold.passes(smallest, base)
    assert not threshold.passes(smallest - 1, base)


@pytest.mark.parametrize("threshold", [MAJORITY, TWO_THIRDS, ONE_THIRD, PLURALITY])
def test_zero_votes_never_pass_even_of_an_empty_base(threshold):
    assert not threshold.passes(0, 0)
    assert threshold.min_votes(0) == 1


@pytest.mark.parametrize(
    ("threshold", "base", "line"),
    [
        (TWO_THIRDS, "45000.00", "30000.00"),
        (TWO_THIRDS, "45000.01", "30000.01"),  # 30000.006… rounds up to the next 0.01 m²
        (MAJORITY, "30000.00", "15000.01"),  # more than half: the half itself is not enough
        (THREE_QUARTERS, "100.00", "75.00"),
    ],
)
def test_min_area_is_the_smallest_passing_area_in_hundredths(threshold, base, line):
    assert threshold.min_area(Decimal(base)) == Decimal(line)
    assert threshold.passes(Decimal(line), Decimal(base))
    assert not threshold.passes(Decimal(line) - Decimal("0.01"), Decimal(base))


@pytest.mark.parametrize(
    ("threshold", "phrase"),
    [
        (MAJORITY, "过半数"),
        (TWO_THIRDS, "三分之二以上"),
        (THREE_QUARTERS, "四分之三以上"),
        (ONE_THIRD, "三分之一以上"),
        (Threshold(Fraction(1, 2), Comparison.GE), "半数以上"),
        (Threshold(Fraction(2, 3), Comparison.GT), "超过三分之二"),
        (PLURALITY, "得票多者"),
    ],
)
def test_threshold_speaks_chinese(threshold, phrase):
    assert threshold.phrase == phrase


def test_threshold_refuses_a_float_fraction():
    with pytest.raises(TypeError):
        Threshold(0.5, Comparison.GT)


def test_threshold_refuses_a_share_above_one():
    with pytest.raises(RuleViolation):
        Threshold(Fraction(3, 2), Comparison.GE)


@pytest.mark.parametrize(
    ("name", "quorum", "passing", "passing_base", "election_base", "counts_area", "runoff"),
    [
        ("charter", TWO_THIRDS, MAJORITY, Base.PRESENT, Base.CAST, False, ONE_THIRD),
        ("statute", MAJORITY, MAJORITY, Base.PRESENT, Base.CAST, False, ONE_THIRD),
        ("civil_code", TWO_THIRDS, MAJORITY, Base.CAST, Base.CAST, True, MAJORITY),
    ],
)
def test_profiles_carry_the_defaults_of_design_4_7(
    name, quorum, passing, passing_base, election_base, counts_area, runoff
):
    profile = profile_by_name(name)
    assert profile == getattr(RuleProfile, name)()
    assert (profile.name, profile.quorum_threshold, profile.passing_threshold) == (name, quorum, passing)
    assert (profile.passing_base, profile.election_base) == (passing_base, election_base)
    assert profile.election_threshold == MAJORITY
    assert (profile.counts_area, profile.runoff_threshold) == (counts_area, runoff)
    assert profile.special_threshold == THREE_QUARTERS
    assert profile.participation_counts_as_presence is True
    assert (profile.max_proxies_per_holder, profile.min_recommenders, profile.min_candidate_age) == (3, 5, 18)


def test_unknown_profile_name_is_refused_in_chinese():
    with pytest.raises(RuleViolation, match="没有名为 bylaws 的规则方案"):
        profile_by_name("bylaws")
