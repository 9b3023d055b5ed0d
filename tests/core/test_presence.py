"""Presence at the meeting and proxies (委托投票) — DESIGN §4.1, §4.2, §4.8."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from voting.core import Household, RuleProfile, RuleViolation, attendance_for, check_proxy, present_households

CHARTER = RuleProfile.charter()
ELIGIBLE = {"h1", "h2", "h3", "h4", "h5", "h6"}


def test_proxy_counts_only_while_its_holder_is_checked_in():
    proxies = {"h2": "h1", "h3": "h4"}
    presence = present_households(ELIGIBLE, {"h1"}, proxies, set(), CHARTER)
    assert presence.present == {"h1", "h2"}
    assert presence.by_proxy == {"h2"}


def test_casting_a_ballot_counts_as_presence_by_default():
    presence = present_households(ELIGIBLE, {"h1"}, {}, {"h5"}, CHARTER)
    assert presence.present == {"h1", "h5"}


def test_participation_does_not_count_when_the_profile_turns_it_off():
    rules = dataclasses.replace(CHARTER, participation_counts_as_presence=False)
    assert present_households(ELIGIBLE, {"h1"}, {}, {"h5"}, rules).present == {"h1"}


def test_households_without_a_vote_are_never_present():
    presence = present_households(ELIGIBLE, {"h1", "x9"}, {"x8": "h1"}, {"x7"}, CHARTER)
    assert presence.present == {"h1"}


def test_more_proxies_than_allowed_are_refused_not_counted():
    proxies = {"h2": "h1", "h3": "h1", "h4": "h1", "h5": "h1"}
    with pytest.raises(RuleViolation, match="超过每户最多 3 户"):
        present_households(ELIGIBLE, {"h1"}, proxies, set(), CHARTER)


def test_attendance_sums_head_counts_and_areas_of_the_electorate():
    households = [
        Household("h1", Decimal("60.50")),
        Household("h2", Decimal("80.25")),
        Household("h3", Decimal("45.00")),
        Household("h4", Decimal("99.99"), has_vote=False),
    ]
    attendance = attendance_for(households, {"h1", "h3", "h4"})
    assert (attendance.eligible_households, attendance.present_households) == (3, 2)
    assert (attendance.eligible_area, attendance.present_area) == (Decimal("185.75"), Decimal("105.50"))


@pytest.mark.parametrize(
    ("principal", "holder", "proxies", "candidates", "found"),
    [
        ("h2", "h1", {}, set(), []),
        ("h1", "h1", {}, set(), ["proxy_self"]),
        ("x9", "h1", {}, set(), ["principal_not_eligible"]),
        ("h2", "x9", {}, set(), ["holder_not_eligible"]),
        ("h2", "h1", {"h2": "h3"}, set(), ["principal_has_proxy"]),
        ("h2", "h1", {"h3": "h1", "h4": "h1", "h5": "h1"}, set(), ["holder_full"]),
        ("h2", "h1", {"h3": "h1", "h4": "h1"}, set(), []),  # the third proxy is still fine
        ("h2", "h1", {}, {"h1"}, ["holder_is_candidate"]),
    ],
)
def test_proxy_is_checked_with_a_specific_reason(principal, holder, proxies, candidates, found):
    findings = check_proxy(
        principal, holder, eligible=ELIGIBLE, proxies=proxies, candidate_households=candidates, profile=CHARTER
    )
    assert [f.code for f in findings] == found


def test_proxy_reason_names_the_household_by_its_address():
    (finding,) = check_proxy(
        "h2",
        "h1",
        eligible=ELIGIBLE,
        proxies={"h3": "h1", "h4": "h1", "h5": "h1"},
        candidate_households=set(),
        profile=CHARTER,
        labels={"h1": "3号楼2单元501"},
    )
    assert finding.message_zh == "受托户 3号楼2单元501 已接受 3 户委托，每户最多接受 3 户委托"
