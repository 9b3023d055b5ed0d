"""测算费用: costs − income − contributions = gap; break-even and each level's balance (§4.9)."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest

from voting.core import (
    CONTRIBUTION_ITEMS,
    COST_ITEMS,
    INCOME_ITEMS,
    FeeOption,
    FeeUnit,
    RuleViolation,
    calculate_fees,
    round_half_yuan,
)

COSTS = dict(zip(COST_ITEMS, map(D, ("6000", "3000", "1000", "2000", "1500", "500"))))
INCOME = dict(zip(INCOME_ITEMS, map(D, ("4000", "500", "300"))))
CONTRIBUTIONS = dict(zip(CONTRIBUTION_ITEMS, map(D, ("2000", "1200"))))
OPTIONS = [
    FeeOption(D("15"), FeeUnit.PER_HOUSEHOLD, "L15"),
    FeeOption(D("20"), FeeUnit.PER_HOUSEHOLD, "L20"),
    FeeOption(D("25"), FeeUnit.PER_HOUSEHOLD, "L25"),
    FeeOption(D("0.30"), FeeUnit.PER_M2, "M30"),
]


def budget(households: int = 300, area: str = "24000.00", options=OPTIONS, **changes):
    """Return the fee calculation of the sample 小区."""
    groups = {"costs": COSTS, "income": INCOME, "contributions": CONTRIBUTIONS} | changes
    return calculate_fees(groups["costs"], groups["income"], groups["contributions"], households, D(area), options)


def test_gap_is_costs_minus_public_income_minus_contributions():
    f = budget()
    assert (f.total_cost, f.total_income, f.total_contributions, f.gap) == (D(14000), D(4800), D(3200), D(6000))


def test_break_even_is_the_gap_per_household_and_per_square_metre():
    f = budget()
    assert f.break_even_per_household == Fraction(20)
    assert f.break_even_per_m2 == Fraction(1, 4)


@pytest.mark.parametrize(
    ("option", "revenue", "monthly", "annual"),
    [
        ("L15", "4500", "-1500", "-18000"),  # shortfall is negative
        ("L20", "6000", "0", "0"),
        ("L25", "7500", "1500", "18000"),  # surplus is positive
        ("M30", "7200.0000", "1200.0000", "14400.0000"),
    ],
)
def test_each_fee_level_shows_its_monthly_and_annual_balance(option, revenue, monthly, annual):
    balance = {b.option.option_id: b for b in budget().balances}[option]
    assert (balance.monthly_revenue, balance.monthly_balance, balance.annual_balance) == (
        D(revenue),
        D(monthly),
        D(annual),
    )


def test_break_even_stays_exact_when_it_does_not_divide_evenly():
    f = budget(households=350)
    assert f.break_even_per_household == Fraction(120, 7)
    assert "保本需每户每月 17.14 元（按五角向上取整为 17.50 元）" in f.explanation


@pytest.mark.parametrize(
    ("value", "up", "shown"),
    [
        (Fraction(120, 7), False, "17.00"),
        (D("17.25"), False, "17.50"),  # half up
        (D("17.24"), False, "17.00"),
        (D("17.76"), False, "18.00"),
        (D("17.01"), True, "17.50"),
        (D("17.50"), True, "17.50"),
        (D("17.00"), True, "17.00"),
    ],
)
def test_display_rounds_to_half_a_yuan(value, up, shown):
    assert str(round_half_yuan(value, up=up)) == shown


def test_no_gap_means_no_fee_is_needed():
    f = budget(income={"停车费": D("20000")})
    assert f.gap == D(-9200) and f.break_even_per_household == 0
    assert "收支已平衡，每月结余 9200.00 元" in f.explanation


def test_unknown_area_leaves_per_square_metre_break_even_empty():
    f = budget(area="0", options=OPTIONS[:3])
    assert f.break_even_per_m2 is None


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"costs": {"保洁": 3000.0}}, TypeError),  # floats are refused
        ({"costs": {"保洁": D("-1")}}, RuleViolation),
        ({"households": 0}, RuleViolation),
        ({"area": "0", "options": OPTIONS}, RuleViolation),  # per-m² level without an area
    ],
)
def test_fee_inputs_are_checked(changes, error):
    with pytest.raises(error):
        budget(**changes)


def test_fee_explanation_lists_items_and_balances():
    text = budget().explanation
    assert "每月支出合计 14000.00 元（治安防范/门卫 6000.00 元、保洁 3000.00 元" in text
    assert "收费标准 15 元/户·月：每月收入 4500.00 元，每月缺口 1500.00 元，每年缺口 18000.00 元" in text
