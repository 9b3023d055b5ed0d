"""测算费用: costs minus public income minus contributions = the gap the fee must cover (§4.9).

[000 测算费用] 根据小区拟开展的服务项目测算总体运行费用，减去利用小区公共资源所能收取的费用 …
能否达到收支平衡，缺口资金多少; [002 问9] 居民出一点、产权单位担一点、公共收益收一点、政府资金奖一点.
All amounts are per month and exact; rounding to 0.5 元 is for display only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, Inexact, localcontext
from enum import Enum
from fractions import Fraction

from . import explain
from .explain import round_half_yuan  # noqa: F401  (the display helper lives with the sentences)
from .rules import RuleViolation
from .serial import Serializable

COST_ITEMS = ("治安防范/门卫", "保洁", "绿化", "维修维护", "停车管理", "其他")  # [000 四有], [002 问3]
INCOME_ITEMS = ("停车费", "广告位", "场地")  # 公共收益收一点 [002 问9–11]
CONTRIBUTION_ITEMS = ("产权单位", "政府奖补")  # 产权单位担一点、政府资金奖一点 [002 问9]
MONTHS = 12


class FeeUnit(Enum):
    """What a fee level is charged per."""

    PER_HOUSEHOLD = "per_household"  # 元/户·月
    PER_M2 = "per_m2"  # 元/㎡·月


@dataclass(frozen=True, slots=True)
class FeeOption(Serializable):
    """A fee level on the ballot; `option_id` links it to the choice contest's option."""

    amount: Decimal
    unit: FeeUnit
    option_id: str | None = None


@dataclass(frozen=True, slots=True)
class LineItem(Serializable):
    """One named monthly amount."""

    name: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FeeBalance(Serializable):
    """What one fee level brings in and leaves over (positive) or short (negative)."""

    option: FeeOption
    monthly_revenue: Decimal
    monthly_balance: Decimal
    annual_balance: Decimal


@dataclass(frozen=True, slots=True)
class FeeCalculation(Serializable):
    """The monthly budget, the break-even fee and the balance of every fee level."""

    costs: tuple[LineItem, ...]
    income: tuple[LineItem, ...]
    contributions: tuple[LineItem, ...]
    total_cost: Decimal
    total_income: Decimal
    total_contributions: Decimal
    gap: Decimal  # cost − income − contributions; ≤ 0 means covered without fees
    paying_households: int
    total_area: Decimal
    break_even_per_household: Fraction  # 0 when there is no gap
    break_even_per_m2: Fraction | None  # None when the area is unknown (0)
    balances: tuple[FeeBalance, ...]
    explanation: str


def calculate_fees(
    costs: Mapping[str, Decimal],
    income: Mapping[str, Decimal],
    contributions: Mapping[str, Decimal],
    paying_households: int,
    total_area: Decimal,
    options: Sequence[FeeOption],
) -> FeeCalculation:
    """Compute the gap, the break-even fee and each fee level's monthly and annual balance."""
    if paying_households <= 0:
        raise RuleViolation("缴费户数须大于 0")
    _require_amount("总面积", total_area)
    with localcontext() as ctx:
        ctx.prec, ctx.traps[Inexact] = 60, True  # money stays exact
        groups = [_items(costs), _items(income), _items(contributions)]
        cost, inc, contrib = (sum((i.amount for i in g), Decimal("0.00")) for g in groups)
        gap = cost - inc - contrib
        need = Fraction(max(gap, Decimal(0)))
        per_m2 = None if total_area == 0 else need / Fraction(total_area)
        balances = tuple(_balance(o, gap, paying_households, total_area) for o in options)
    result = FeeCalculation(
        costs=groups[0],
        income=groups[1],
        contributions=groups[2],
        total_cost=cost,
        total_income=inc,
        total_contributions=contrib,
        gap=gap,
        paying_households=paying_households,
        total_area=total_area,
        break_even_per_household=need / Fraction(paying_households),
        break_even_per_m2=per_m2,
        balances=balances,
        explanation="",
    )
    return replace(result, explanation=explain.fees(result))


def _balance(option: FeeOption, gap: Decimal, households: int, area: Decimal) -> FeeBalance:
    _require_amount("收费标准", option.amount)
    if option.unit is FeeUnit.PER_M2:
        if area == 0:
            raise RuleViolation("按面积收费须先提供总面积")
        revenue = option.amount * area
    else:
        revenue = option.amount * households
    monthly = revenue - gap
    return FeeBalance(option, revenue, monthly, monthly * MONTHS)


def _items(amounts: Mapping[str, Decimal]) -> tuple[LineItem, ...]:
    for name, amount in amounts.items():
        _require_amount(name, amount)
    return tuple(LineItem(name, amount) for name, amount in amounts.items())


def _require_amount(name: str, amount: Decimal) -> None:
    if not isinstance(amount, Decimal):
        raise TypeError(f"{name} must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite() or amount < 0:
        raise RuleViolation(f"{name} 的金额须为不小于 0 的数")
