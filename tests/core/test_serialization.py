"""Rules, contests, ballots and results round-trip through plain JSON (the audit record embeds them)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from voting.core import (
    TWO_THIRDS,
    Ballot,
    Candidate,
    CommitteeContest,
    Declaration,
    FeeCalculation,
    FeeOption,
    FeeUnit,
    Nomination,
    NominationKind,
    Recommender,
    RoundKind,
    RuleProfile,
    Threshold,
    calculate_fees,
    contest_from_dict,
    result_from_dict,
    tally,
)

from .builders import ballots, choice, committee, fee_levels, motion, present, spread


def through_json(data):
    """Return `data` after a trip through JSON text."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def test_threshold_is_written_with_a_fraction_string():
    assert TWO_THIRDS.to_dict() == {"fraction": "2/3", "comparison": "ge"}
    assert Threshold.from_dict({"fraction": "1/2", "comparison": "gt"}).phrase == "过半数"


@pytest.mark.parametrize("name", ["charter", "statute", "civil_code"])
def test_rule_profile_round_trips(name):
    profile = getattr(RuleProfile, name)()
    assert RuleProfile.from_dict(through_json(profile.to_dict())) == profile


@pytest.mark.parametrize(
    "contest",
    [
        committee(7, 9),
        CommitteeContest("k2", 2, (Candidate("a", "甲"), Candidate("b", "乙")), round=RoundKind.RUNOFF, parent_id="k"),
        CommitteeContest("k3", 5, committee(5, 6).candidates, threshold=TWO_THIRDS),
        choice(3),
        fee_levels(),
        motion(special=True),
    ],
)
def test_contest_definitions_round_trip(contest):
    data = through_json(contest.to_dict())
    assert contest_from_dict(data) == contest
    assert data["kind"] in ("committee", "choice", "motion")


def test_ballot_round_trips_with_its_area_as_a_string():
    ballot = Ballot("k", ("c0", "c0", "x"), Decimal("88.25"))
    data = ballot.to_dict()
    assert data == {"contest_id": "k", "marks": ["c0", "c0", "x"], "area": "88.25"}
    assert Ballot.from_dict(through_json(data)) == ballot


def _results():
    att = present(20, 15, "1500.00", "1200.00")
    for profile in (RuleProfile.charter(), RuleProfile.civil_code()):
        yield tally(committee(5), spread("k", {"c0": 12, "c1": 9, "c2": 9}, 14, area="80.00"), att, profile, 14)
        yield tally(choice(3), ballots("m", (7, ("o0",)), (7, ("o1",)), area="80.00"), att, profile, 14)
        yield tally(fee_levels(), ballots("fee", (9, ("L30",)), (5, ()), area="80.00"), att, profile, 14)
        yield tally(motion(), ballots("q", (9, ("yes",)), (5, ("no",)), area="80.00"), att, profile, 14)


@pytest.mark.parametrize("result", list(_results()), ids=lambda r: f"{r.KIND}-{r.profile}-{r.contest_id}")
def test_every_kind_of_result_round_trips(result):
    data = through_json(result.to_dict())
    assert result_from_dict(data) == result
    assert isinstance(data["threshold"]["fraction"], str) and "/" in data["threshold"]["fraction"]


def test_fee_calculation_round_trips_with_fractions_as_strings():
    fees = calculate_fees(
        {"保洁": Decimal("6000")}, {}, {}, 350, Decimal("24000.00"), [FeeOption(Decimal("20"), FeeUnit.PER_HOUSEHOLD)]
    )
    data = through_json(fees.to_dict())
    assert data["break_even_per_household"] == "120/7"
    assert FeeCalculation.from_dict(data) == fees
    assert fees.break_even_per_household == Fraction(120, 7)


def test_nomination_round_trips():
    nomination = Nomination(
        kind=NominationKind.RECOMMENDED,
        name="李四",
        birth_date=date(1980, 1, 31),
        household_id="h1",
        consent=True,
        declarations=frozenset(Declaration),
        recommenders=(Recommender("h2", "王五"),),
    )
    assert Nomination.from_dict(through_json(nomination.to_dict())) == nomination


def test_floats_are_refused_when_serialising():
    from voting.core.serial import to_data

    with pytest.raises(TypeError):
        to_data({"share": 0.5})


def test_unknown_kind_is_refused():
    from voting.core import RuleViolation

    with pytest.raises(RuleViolation):
        contest_from_dict({"kind": "lottery"})
    with pytest.raises(RuleViolation):
        result_from_dict({"kind": "lottery"})
