"""Meeting quorum by head count, and by area as well under civil_code (DESIGN §4.2, §4.7)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from voting.core import Attendance, RuleProfile, RuleViolation, check_quorum

from .builders import present


@pytest.mark.parametrize(("present_households", "met"), [(400, True), (399, False), (600, True), (0, False)])
def test_exactly_two_thirds_present_meets_charter_quorum(present_households, met):
    result = check_quorum(RuleProfile.charter(), present(600, present_households))
    assert result.met is met
    assert result.min_households == 400


@pytest.mark.parametrize(("present_households", "met"), [(300, False), (301, True)])
def test_exactly_half_present_does_not_meet_statute_quorum(present_households, met):
    assert check_quorum(RuleProfile.statute(), present(600, present_households)).met is met


@pytest.mark.parametrize(
    ("households", "area", "met", "households_met", "area_met"),
    [
        (400, "30000.00", True, True, True),  # both exactly 2/3: 以上 includes it
        (400, "29999.99", False, True, False),  # heads enough, area short
        (399, "45000.00", False, False, True),  # area enough, heads short
        (399, "29999.99", False, False, False),
    ],
)
def test_area_and_head_count_must_both_reach_two_thirds_under_civil_code(
    households, area, met, households_met, area_met
):
    result = check_quorum(RuleProfile.civil_code(), present(600, households, "45000.00", area))
    assert (result.met, result.households_met, result.area_met) == (met, households_met, area_met)
    assert result.min_area == Decimal("30000.00")


def test_area_is_not_counted_outside_civil_code():
    result = check_quorum(RuleProfile.charter(), present(600, 400, "45000.00", "1.00"))
    assert result.met and result.area_met is None and result.min_area is None


def test_empty_electorate_never_meets_quorum():
    assert not check_quorum(RuleProfile.charter(), present(0, 0)).met


@pytest.mark.parametrize(
    ("profile", "attendance", "text"),
    [
        ("charter", present(600, 412), "出席 412 户 / 应到 600 户，达到三分之二（400 户），会议有效"),
        (
            "charter",
            present(600, 399),
            "出席 399 户 / 应到 600 户，未达到三分之二（400 户），会议未达法定人数，本项结果无效",
        ),
        ("statute", present(600, 301), "出席 301 户 / 应到 600 户，超过半数（301 户），会议有效"),
        (
            "civil_code",
            present(600, 412, "45000.00", "29000.50"),
            "参与表决 412 户 / 应到 600 户，达到三分之二（400 户）；参与表决面积 29000.50㎡ / "
            "总面积 45000.00㎡，未达到三分之二（30000.00㎡），会议未达法定人数，本项结果无效",
        ),
    ],
)
def test_quorum_explains_itself_with_its_numbers(profile, attendance, text):
    assert check_quorum(getattr(RuleProfile, profile)(), attendance).explanation == text


@pytest.mark.parametrize(
    "kwargs",
    [
        {"eligible_households": 10, "present_households": 11},
        {"eligible_households": 10, "present_households": -1},
        {
            "eligible_households": 10,
            "present_households": 5,
            "eligible_area": Decimal("1"),
            "present_area": Decimal("2"),
        },
    ],
)
def test_attendance_refuses_impossible_numbers(kwargs):
    with pytest.raises(RuleViolation):
        Attendance(**kwargs)


def test_attendance_refuses_a_float_area():
    with pytest.raises(TypeError):
        Attendance(10, 5, 100.0, Decimal("50"))
