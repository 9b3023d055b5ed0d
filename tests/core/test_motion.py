"""Motions pass when yes passes the line of the base; special matters need 3/4 (§4.6, §4.7)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from voting.core import (
    Base,
    MotionVerdict,
    RuleProfile,
    tally_motion,
)

from .builders import ballots, motion, present


def votes(yes: int, no: int = 0, abstain: int = 0, blank: int = 0, area: str | None = None):
    """Return motion ballots."""
    return ballots("q", (yes, ("yes",)), (no, ("no",)), (abstain, ("abstain",)), (blank, ()), area=area)


@pytest.mark.parametrize(("yes", "passed"), [(207, True), (206, False)])
def test_motion_needs_more_than_half_of_present_households(yes, passed):
    result = tally_motion(motion(), votes(yes, 150, 20), present(600, 412), RuleProfile.charter(), 412)
    assert (result.base, result.base_value, result.min_votes) == (Base.PRESENT, 412, 207)
    assert result.passed is passed
    assert result.verdict is (MotionVerdict.PASSED if passed else MotionVerdict.REJECTED)


def test_abstentions_count_in_a_base_of_ballots_cast():
    contest = motion(base=Base.CAST)
    result = tally_motion(contest, votes(50, 30, abstain=15, blank=5), present(120, 110), RuleProfile.charter(), 110)
    assert (result.cast, result.abstain, result.blank, result.valid) == (100, 20, 20, 100)
    assert not result.passed  # 50 of 100 cast is exactly half


@pytest.mark.parametrize(
    ("yes_households", "yes_area", "passed"),
    [
        (300, "300.00", True),  # exactly 3/4 of 400 households and of 400.00 m²: inclusive
        (299, "299.00", False),
    ],
)
def test_special_matter_needs_three_quarters_inclusive_of_both_shares_under_civil_code(
    yes_households, yes_area, passed
):
    no = 400 - yes_households
    papers = votes(yes_households, no, area="1.00")
    result = tally_motion(
        motion(special=True), papers, present(500, 400, "500.00", "400.00"), RuleProfile.civil_code(), 400
    )
    assert (result.min_votes, result.min_area) == (300, Decimal("300.00"))
    assert result.yes_area == Decimal(yes_area)
    assert result.passed is passed


def test_special_matter_fails_when_only_the_head_count_reaches_three_quarters():
    papers = votes(300, area="1.00") + votes(0, 100, area="5.00")
    result = tally_motion(
        motion(special=True), papers, present(400, 400, "800.00", "800.00"), RuleProfile.civil_code(), 400
    )
    assert result.yes == 300 and not result.passed
    assert "面积未达到参加投票面积 800.00㎡ 的四分之三（600.00㎡）" in result.explanation


def test_motion_explains_its_count():
    result = tally_motion(motion(), votes(300, 80, 20), present(600, 412), RuleProfile.charter(), 412)
    assert "同意 300 票，反对 80 票，弃权 20 票；同意票超过出席 412 户的半数（207 票），通过" in result.explanation


def test_motion_without_quorum_never_passes():
    result = tally_motion(motion(), votes(399), present(600, 399), RuleProfile.charter(), 399)
    assert result.verdict is MotionVerdict.NO_QUORUM and not result.passed


def test_motion_with_more_ballots_than_issued_is_void():
    result = tally_motion(motion(), votes(300, 10), present(600, 412), RuleProfile.charter(), 309)
    assert result.verdict is MotionVerdict.VOID and not result.passed
