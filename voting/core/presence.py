"""Who is present (出席) and who may hold proxies (委托投票) — DESIGN §4.1, §4.2, §4.8."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .quorum import Attendance
from .rules import Finding, RuleProfile, RuleViolation
from .serial import Serializable


@dataclass(frozen=True, slots=True)
class Household(Serializable):
    """A household: head-count weight 1 and its area; `has_vote` False keeps it off the roll."""

    id: str
    area: Decimal
    has_vote: bool = True  # DESIGN §4.1: vacant or disputed households are not in the electorate

    def __post_init__(self) -> None:
        if not isinstance(self.area, Decimal):
            raise TypeError("household area must be a Decimal")
        if self.area < 0:
            raise RuleViolation(f"住户 {self.id} 的建筑面积不能为负数")


@dataclass(frozen=True, slots=True)
class Presence(Serializable):
    """The present households and how each became present (the sets may overlap)."""

    present: frozenset[str]
    checked_in: frozenset[str]
    by_proxy: frozenset[str]  # principals whose holder is checked in
    by_participation: frozenset[str]  # households that cast a ballot in this meeting


def present_households(
    eligible: Collection[str],
    checked_in: Iterable[str],
    proxies: Mapping[str, str],
    voted: Iterable[str],
    profile: RuleProfile,
) -> Presence:
    """Compute the present set of eligible households (DESIGN §4.2)."""
    roll = frozenset(eligible)
    at_venue = frozenset(checked_in) & roll
    _refuse_overloaded_holders(proxies, profile)
    # DESIGN §4.8: a proxy counts toward presence only while its holder is at the venue
    by_proxy = frozenset(p for p, holder in proxies.items() if p in roll and holder in at_venue)
    # DESIGN §4.2: casting a ballot by any channel is taking part (configurable)
    by_voting = frozenset(voted) & roll if profile.participation_counts_as_presence else frozenset()
    return Presence(at_venue | by_proxy | by_voting, at_venue, by_proxy, by_voting)


def attendance_for(households: Iterable[Household], present: Collection[str]) -> Attendance:
    """Sum head counts and areas of the electorate and of its present part."""
    eligible = present_count = 0
    eligible_area = present_area = Decimal("0.00")
    for household in households:
        if not household.has_vote:
            continue
        eligible += 1
        eligible_area += household.area
        if household.id in present:
            present_count += 1
            present_area += household.area
    return Attendance(eligible, present_count, eligible_area, present_area)


def check_proxy(
    principal: str,
    holder: str,
    *,
    eligible: Collection[str],
    proxies: Mapping[str, str],
    candidate_households: Collection[str],
    profile: RuleProfile,
    labels: Mapping[str, str] | None = None,
) -> tuple[Finding, ...]:
    """Return why a proxy from `principal` to `holder` cannot be recorded (empty = it can)."""
    labels = labels or {}
    who, by = labels.get(principal, principal), labels.get(holder, holder)
    findings = []
    if principal == holder:
        findings.append(Finding("proxy_self", "委托人与受托人是同一户，不能委托自己"))
    if principal not in eligible:
        findings.append(Finding("principal_not_eligible", f"委托户 {who} 不在本次会议的有表决权住户名单中"))
    if holder not in eligible:
        findings.append(Finding("holder_not_eligible", f"受托户 {by} 不在本次会议的有表决权住户名单中"))
    if principal in proxies:
        current = labels.get(proxies[principal], proxies[principal])
        findings.append(Finding("principal_has_proxy", f"委托户 {who} 已委托 {current} 代为投票，不能重复委托"))
    held = sum(1 for h in proxies.values() if h == holder)
    if held >= profile.max_proxies_per_holder:  # DESIGN §4.8: at most 3 by default
        findings.append(
            Finding(
                "holder_full",
                f"受托户 {by} 已接受 {held} 户委托，每户最多接受 {profile.max_proxies_per_holder} 户委托",
            )
        )
    if holder in candidate_households:  # DESIGN §4.8: a candidate holds no proxies in his election
        findings.append(Finding("holder_is_candidate", f"受托户 {by} 有候选人参加本次选举，不能接受委托"))
    return tuple(findings)


def _refuse_overloaded_holders(proxies: Mapping[str, str], profile: RuleProfile) -> None:
    """Refuse proxy data that breaks the limit instead of counting it silently."""
    for holder, held in Counter(proxies.values()).items():
        if held > profile.max_proxies_per_holder:
            raise RuleViolation(
                f"受托户 {holder} 记录了 {held} 户委托，超过每户最多 {profile.max_proxies_per_holder} 户的规定"
            )
