"""Candidate eligibility: age, residence, consent, declarations, joint recommendation (§4.10)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from voting.core import (
    Declaration,
    Nomination,
    NominationKind,
    Recommender,
    RuleProfile,
    age_on,
    check_nomination,
)

MEETING = date(2024, 6, 15)
COMMUNITY = {f"h{i}" for i in range(20)}
ELIGIBLE = COMMUNITY - {"h19"}  # h19 is vacant: in the 小区 but without a vote


def nominee(**changes) -> Nomination:
    """Return a complete 自荐 registration, changed as told."""
    base = Nomination(
        kind=NominationKind.SELF,
        name="张三",
        birth_date=date(1970, 3, 1),
        household_id="h1",
        consent=True,
        declarations=frozenset(Declaration),
    )
    return dataclasses.replace(base, **changes)


def recommended(*households: str) -> Nomination:
    """Return a 推荐 registration co-signed by `households`."""
    signers = tuple(Recommender(h, f"户主{h}") for h in households)
    return nominee(kind=NominationKind.RECOMMENDED, recommenders=signers)


def codes(nomination: Nomination, **kw) -> list[str]:
    """Return the finding codes of `nomination`."""
    kw = {"seats": 9, "meeting_date": MEETING, "community_households": COMMUNITY, "eligible_households": ELIGIBLE} | kw
    return [f.code for f in check_nomination(nomination, **kw)]


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2006, 6, 15), MEETING, 18),  # the 18th birthday on the meeting day counts
        (date(2006, 6, 16), MEETING, 17),
        (date(2004, 2, 29), date(2022, 2, 28), 17),  # a 29 February birthday comes on 1 March
        (date(2004, 2, 29), date(2022, 3, 1), 18),
        (date(2004, 2, 29), date(2024, 2, 29), 20),
    ],
)
def test_age_is_counted_exactly_from_the_birth_date(birth, day, age):
    assert age_on(birth, day) == age


def test_complete_self_nomination_is_eligible():
    assert codes(nominee()) == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"birth_date": date(2006, 6, 16)}, "under_age"),
        ({"household_id": "x99"}, "not_resident"),
        ({"household_id": None}, "not_resident"),
        ({"consent": False}, "no_consent"),
        ({"declarations": frozenset(Declaration) - {Declaration.ENDORSES_CHARTER}}, "missing_endorses_charter"),
        ({"declarations": frozenset(Declaration) - {Declaration.FULL_CIVIL_CAPACITY}}, "missing_full_civil_capacity"),
        ({"declarations": frozenset(Declaration) - {Declaration.FIT_FOR_WORK}}, "missing_fit_for_work"),
        ({"name": "  "}, "missing_name"),
    ],
)
def test_each_failure_is_reported_with_its_own_reason(changes, code):
    assert codes(nominee(**changes)) == [code]


def test_eighteen_on_the_meeting_day_is_old_enough():
    assert codes(nominee(birth_date=date(2006, 6, 15))) == []


def test_under_age_message_states_the_age_in_chinese():
    (finding,) = check_nomination(
        nominee(birth_date=date(2006, 6, 16)),
        meeting_date=MEETING,
        community_households=COMMUNITY,
        eligible_households=ELIGIBLE,
        seats=9,
    )
    assert finding.message_zh == "会议当日（2024-06-15）年龄为 17 周岁，未满 18 周岁"


@pytest.mark.parametrize(
    ("households", "found"),
    [
        (("h2", "h3", "h4", "h5", "h6"), []),  # exactly 5 households
        (("h2", "h3", "h4", "h5"), ["too_few_recommenders"]),
        (("h2", "h3", "h4", "h5", "h5", "h5"), ["too_few_recommenders"]),  # one household counts once
        (("h2", "h3", "h4", "h5", "x9"), ["recommender_unknown", "too_few_recommenders"]),
        (("h2", "h3", "h4", "h5", "h19"), ["recommender_not_eligible", "too_few_recommenders"]),
        (("h2", "h3", "h4", "h5", "h6", "x9"), ["recommender_unknown"]),
    ],
)
def test_joint_recommendation_needs_five_distinct_eligible_households(households, found):
    assert codes(recommended(*households)) == found


def test_unknown_recommender_is_named():
    findings = check_nomination(
        recommended("h2", "h3", "h4", "h5", "h6", "x9"),
        meeting_date=MEETING,
        community_households=COMMUNITY,
        eligible_households=ELIGIBLE,
        seats=9,
        labels={"x9": "9号楼1单元101"},
    )
    assert [f.message_zh for f in findings] == ["推荐户 9号楼1单元101 不是本小区的住户"]


@pytest.mark.parametrize(("already", "found"), [(4, []), (5, ["recommender_over_limit", "too_few_recommenders"])])
def test_household_co_signs_at_most_seats_recommendations(already, found):
    signed = recommended("h2", "h3", "h4", "h5", "h6")
    assert codes(signed, seats=5, cosignatures={"h2": already}) == found


def test_duplicate_registration_of_the_same_person_is_refused():
    assert codes(nominee(), registered=[nominee(name="张 三")]) == ["duplicate_registration"]
    assert codes(nominee(), registered=[nominee(birth_date=date(1971, 3, 1))]) == []


def test_profile_sets_the_minimum_age_and_recommenders():
    strict = dataclasses.replace(RuleProfile.charter(), min_candidate_age=20, min_recommenders=6)
    young = recommended("h2", "h3", "h4", "h5", "h6")
    young = dataclasses.replace(young, birth_date=date(2005, 1, 1))
    assert codes(young, profile=strict) == ["under_age", "too_few_recommenders"]
