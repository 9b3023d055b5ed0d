"""Plain-Chinese sentences for every verdict of the core.

Numbers are written as integers, shares as 半数 / 三分之二 / 四分之三 / 三分之一, areas with ㎡ and two
decimals. Functions read results by attribute, so this module imports nothing else of the core.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

_DIGITS = "零一二三四五六七八九"

BASE_LABELS = {  # keyed by Base.value
    "present": "出席",
    "cast": "参加投票",
    "valid": "有效票",
    "marked": "有效选择",
    "eligible": "应到",
}
BASE_UNITS = {"present": "户", "cast": "票", "valid": "票", "marked": "票", "eligible": "户"}
AREA_LABELS = {
    "present": "出席面积",
    "cast": "参加投票面积",
    "valid": "有效票面积",
    "marked": "有效选择面积",
    "eligible": "总面积",
}


def numeral(n: int) -> str:
    """Write 0–99 in Chinese numerals, larger numbers in digits."""
    if not 0 <= n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + ("" if ones == 0 else _DIGITS[ones])


def fraction_name(fraction: Fraction) -> str:
    """Name a share: 半数, 三分之二, 四分之三, 三分之一."""
    if fraction == Fraction(1, 2):
        return "半数"
    if fraction == 1:
        return "全部"
    if fraction == 0:
        return "零"
    return f"{numeral(fraction.denominator)}分之{numeral(fraction.numerator)}"


def threshold_phrase(fraction: Fraction, inclusive: bool) -> str:
    """Name a line: 过半数, 三分之二以上, 超过三分之二, 得票多者."""
    if fraction == 0:
        return "得票多者"
    name = fraction_name(fraction)
    if inclusive:
        return f"{name}以上"
    return "过半数" if fraction == Fraction(1, 2) else f"超过{name}"


def reach(threshold: Any, met: bool) -> str:
    """Say whether a line was reached: 达到三分之二 / 未超过半数."""
    verb = "达到" if threshold.inclusive else "超过"
    return ("" if met else "未") + verb + fraction_name(threshold.fraction)


def _verb(threshold: Any, met: bool) -> str:
    return ("" if met else "未") + ("达到" if threshold.inclusive else "超过")


def area(value: Decimal) -> str:
    """Write an area with two decimals (half up) and ㎡."""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}㎡"


def yuan(value: Decimal | Fraction, places: int = 2) -> str:
    """Write an amount of money with `places` decimals, rounded half up."""
    return f"{to_decimal(value, places)} 元"


def to_decimal(value: Decimal | Fraction | int, places: int = 2) -> Decimal:
    """Round an exact value half up (away from zero) to `places` decimals for display."""
    value = Fraction(value)
    scale = Fraction(Decimal(1).scaleb(places))  # 10 to the `places`, exactly
    sign = -1 if value < 0 else 1
    units = (abs(value) * scale * 2 + 1) // 2
    return Decimal(sign * units).scaleb(-places)


def round_half_yuan(value: Decimal | Fraction, *, up: bool = False) -> Decimal:
    """Round money to 0.5 元 for display, written with two decimals: nearest (half up) or `up`."""
    halves = Fraction(value) * 2
    steps = -(-halves // 1) if up else (halves + Fraction(1, 2)) // 1
    return (Decimal(steps) * Decimal("0.5")).quantize(Decimal("0.01"))


def names(ids: Iterable[str], labels: Mapping[str, str]) -> str:
    """Join display names with 、."""
    return "、".join(labels.get(i, i) for i in ids)


# --- quorum -------------------------------------------------------------------------------


def quorum(q: Any) -> str:
    """Explain whether the meeting was validly convened."""
    who = "参与表决" if q.counts_area else "出席"
    text = (
        f"{who} {q.present_households} 户 / 应到 {q.eligible_households} 户，"
        f"{reach(q.threshold, q.households_met)}（{q.min_households} 户）"
    )
    if q.counts_area:
        text += (
            f"；{who}面积 {area(q.present_area)} / 总面积 {area(q.eligible_area)}，"
            f"{reach(q.threshold, q.area_met)}（{area(q.min_area)}）"
        )
    return text + ("，会议有效" if q.met else "，会议未达法定人数，本项结果无效")


# --- shares -------------------------------------------------------------------------------


def share(r: Any, votes: int, votes_area: Decimal | None) -> str:
    """Explain how `votes` (and their area) stand against the line of result `r`."""
    base = r.base.value
    unit = "户" if votes_area is not None and base in ("cast", "valid", "marked") else BASE_UNITS[base]
    vote_unit = "户" if votes_area is not None else "票"
    met = r.threshold.passes(votes, r.base_value)
    text = (
        f"{_verb(r.threshold, met)}{BASE_LABELS[base]} {r.base_value} {unit}的"
        f"{fraction_name(r.threshold.fraction)}（{r.min_votes} {vote_unit}）"
    )
    if votes_area is None:
        return text
    area_met = r.threshold.passes(votes_area, r.base_area)
    return text + (
        f"，面积{_verb(r.threshold, area_met)}{AREA_LABELS[base]} {area(r.base_area)} 的"
        f"{fraction_name(r.threshold.fraction)}（{area(r.min_area)}）"
    )


def got(name: str, votes: int, votes_area: Decimal | None) -> str:
    """Say what a candidate or option got: 张三 得 300 票."""
    return f"{name} 得{_amount(votes, votes_area)}"


def _amount(votes: int, votes_area: Decimal | None) -> str:
    if votes_area is None:
        return f" {votes} 票"
    return f" {votes} 户（面积 {area(votes_area)}）"


def ballots(r: Any) -> str:
    """Explain the ballots cast, valid, blank and invalid."""
    text = f"收回选票 {r.cast} 张（发出 {r.ballots_issued} 张），有效 {r.valid} 张"
    if r.blank:
        text += f"（其中弃权 {r.blank} 张）"
    return text + f"，废票 {r.invalid} 张"


def void(r: Any) -> str:
    """Explain a void round."""
    return f"收回选票 {r.cast} 张，多于发出的 {r.ballots_issued} 张，本轮投票无效，须重新投票"


def join(sentences: Sequence[str]) -> str:
    """Join clauses into sentences ending with 。."""
    return "".join(s if s.endswith("。") else s + "。" for s in sentences if s)


# --- committee ----------------------------------------------------------------------------


def committee(r: Any, labels: Mapping[str, str]) -> str:
    """Explain a committee tally, candidate by candidate."""
    parts = [quorum(r.quorum)]
    if r.void:
        return join(parts + [void(r)])
    parts.append(ballots(r))
    rule = _committee_rule(r)
    parts.append(f"应选 {r.seats} 名，{rule}")
    if not r.quorum.met:
        return join(parts + [_record_only(r.counts, labels)])
    parts.append("；".join(_candidate_clause(r, c, labels) for c in _ranked(r.counts)))
    parts.append(_committee_summary(r))
    return join(parts)


def _committee_rule(r: Any) -> str:
    if r.threshold.is_plurality:
        return "得票多者当选（至少 1 票）"
    phrase = threshold_phrase(r.threshold.fraction, r.threshold.inclusive)
    label = BASE_LABELS[r.base.value]
    if r.base_area is None:
        line = f"须得{label}数的{phrase}（{r.min_votes} 票）"
    else:
        line = f"须得{label}户数和面积的{phrase}（{r.min_votes} 户，{area(r.min_area)}）"
    return ("得票多者当选，且" if r.round.value == "runoff" else "当选") + line


def _candidate_clause(r: Any, c: Any, labels: Mapping[str, str]) -> str:
    head = got(labels.get(c.id, c.id), c.votes, c.area)
    judged = "" if r.threshold.is_plurality else "，" + share(r, c.votes, c.area)
    if c.id in r.elected:
        return head + judged + "，当选"
    if c.id in r.tied:
        return head + judged + f"，与其他 {len(r.tied) - 1} 人同票并列最后名额，暂不当选"
    if c.id in r.passing:
        return head + judged + "，但名次在应选名额之外，未当选"
    return head + judged + "，未当选"


def _committee_summary(r: Any) -> str:
    text = f"当选 {len(r.elected)} 名"
    if r.follow_up is not None:
        text += "；" + r.follow_up.reason
    if r.vacancies:
        text += f"；缺额 {r.vacancies} 名"
    return text


def _record_only(counts: Sequence[Any], labels: Mapping[str, str]) -> str:
    listed = "、".join(f"{labels.get(c.id, c.id)}{_amount(c.votes, c.area)}" for c in counts)
    return f"各项得票仅作记录，不产生结果：{listed}"


def _ranked(counts: Sequence[Any]) -> list[Any]:
    return sorted(counts, key=lambda c: -c.votes)


# --- choice and motion --------------------------------------------------------------------


def choice(r: Any, labels: Mapping[str, str]) -> str:
    """Explain a choice tally (majority or median)."""
    parts = [quorum(r.quorum)]
    if r.void:
        return join(parts + [void(r)])
    parts.append(ballots(r))
    if not r.quorum.met:
        return join(parts + [_record_only(r.counts, labels)])
    if r.method.value == "median":
        parts.append(_median(r, labels))
    else:
        parts.append("；".join(_option_clause(r, c, labels) for c in _ranked(r.counts)))
    parts.append(_choice_summary(r, labels))
    return join(parts)


def _option_clause(r: Any, c: Any, labels: Mapping[str, str]) -> str:
    head = got(labels.get(c.id, c.id), c.votes, c.area)
    if r.threshold.is_plurality:
        return head
    return head + "，" + share(r, c.votes, c.area)


def _median(r: Any, labels: Mapping[str, str]) -> str:
    text = f"按中位数方法确定：有效选择 {r.base_value} 票"
    clauses = [
        f"选择 {labels.get(c.id, c.id)} 及以上的{_amount(c.votes, c.area)}，" + share(r, c.votes, c.area)
        for c in r.cumulative
    ]
    return text + "；" + "；".join(clauses)


def _choice_summary(r: Any, labels: Mapping[str, str]) -> str:
    verdict = r.verdict.value
    if verdict == "decided":
        return f"本项结果：{labels.get(r.winner, r.winner)}"
    if verdict == "runoff":
        return r.follow_up.reason
    return f"本项未决，记录在案：{r.undecided_reason}"


def motion(r: Any) -> str:
    """Explain a motion tally."""
    parts = [quorum(r.quorum)]
    if r.void:
        return join(parts + [void(r)])
    parts.append(ballots(r))
    if r.special:
        parts.append(f"本项为特别事项，须{r.threshold.phrase}同意")
    counted = f"同意 {r.yes} 票，反对 {r.no} 票，弃权 {r.abstain} 票"
    if r.yes_area is not None:
        counted += f"（同意面积 {area(r.yes_area)}，反对面积 {area(r.no_area)}）"
    if not r.quorum.met:
        return join(parts + [f"{counted}，仅作记录，不产生结果"])
    verdict = "，通过" if r.passed else "，未通过"
    return join(parts + [counted + "；同意票" + share(r, r.yes, r.yes_area) + verdict])


# --- fees ---------------------------------------------------------------------------------

FEE_UNITS = {"per_household": "元/户·月", "per_m2": "元/㎡·月"}


def fees(f: Any) -> str:
    """Explain the monthly budget and the balance of every fee level."""
    listed = "、".join(f"{i.name} {yuan(i.amount)}" for i in f.costs)
    parts = [
        f"每月支出合计 {yuan(f.total_cost)}（{listed}），公共收益 {yuan(f.total_income)}，"
        f"产权单位和政府补助 {yuan(f.total_contributions)}"
    ]
    if f.gap <= 0:
        parts.append(f"收支已平衡，每月结余 {yuan(-f.gap)}，无需向居民收费即可保本")
    else:
        per_household = f.break_even_per_household
        text = (
            f"每月缺口 {yuan(f.gap)}；按 {f.paying_households} 户计，保本需每户每月 {yuan(per_household)}"
            f"（按五角向上取整为 {round_half_yuan(per_household, up=True)} 元）"
        )
        if f.break_even_per_m2 is not None:
            text += f"；按总面积 {area(f.total_area)} 计，保本需每平方米每月 {yuan(f.break_even_per_m2)}"
        parts.append(text)
    for b in f.balances:
        word = "结余" if b.monthly_balance >= 0 else "缺口"
        parts.append(
            f"收费标准 {b.option.amount} {FEE_UNITS[b.option.unit.value]}：每月收入 {yuan(b.monthly_revenue)}，"
            f"每月{word} {yuan(abs(b.monthly_balance))}，每年{word} {yuan(abs(b.annual_balance))}"
        )
    return join(parts)
