"""The 管委会 election: majority of ballots cast, ties at the last seat, 另行选举, 缺额 (§4.4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from voting.core import (
    Ballot,
    CommitteeContest,
    CommitteeVerdict,
    ProposalKind,
    RoundKind,
    RuleProfile,
    RuleViolation,
    committee_follow_up,
    tally_committee,
)

from .builders import ballots, candidates, committee, present, spread

CHARTER = RuleProfile.charter()
K5 = committee(5, 7)


def votes_of(*numbers: int) -> dict[str, int]:
    """Return c0…cn → the given vote counts."""
    return {f"c{i}": n for i, n in enumerate(numbers)}


def run(contest, ballot_list, *, attendance=None, profile=CHARTER, issued=None):
    """Tally with a comfortable quorum unless told otherwise."""
    cast = len(ballot_list)
    attendance = attendance or present(cast + 10, cast + 5)
    return tally_committee(contest, ballot_list, attendance, profile, cast if issued is None else issued)


def test_candidates_past_majority_of_cast_are_elected_in_order_of_votes():
    result = run(K5, spread("k", votes_of(220, 300, 250, 280, 206, 205, 10), 410))
    assert result.elected == ("c1", "c3", "c2", "c0", "c4")
    assert result.verdict is CommitteeVerdict.ELECTED
    assert (result.base_value, result.min_votes, result.follow_up) == (410, 206, None)


def test_exactly_half_of_ballots_cast_does_not_elect():
    result = run(K5, spread("k", votes_of(300, 280, 250, 220, 205, 205, 10), 410))
    assert "c4" not in result.passing and "c5" not in result.passing
    assert result.elected == ("c0", "c1", "c2", "c3")


def test_result_explains_each_candidate_with_the_numbers():
    contest = CommitteeContest("k", 5, candidates(7))
    result = tally_committee(
        contest, spread("k", votes_of(300, 280, 250, 220, 206, 205, 10), 410), present(600, 412), CHARTER, 412
    )
    text = result.explanation
    assert text.startswith("出席 412 户 / 应到 600 户，达到三分之二（400 户），会议有效。")
    assert "张三 得 300 票，超过参加投票 410 票的半数（206 票），当选" in text
    assert "孙八 得 205 票，未超过参加投票 410 票的半数（206 票），未当选" in text
    assert "收回选票 410 张（发出 412 张），有效 410 张，废票 0 张" in text


def test_more_passing_than_seats_elects_the_highest():
    result = run(K5, spread("k", votes_of(100, 90, 80, 70, 60, 55, 10), 100))
    assert result.elected == ("c0", "c1", "c2", "c3", "c4")
    assert "c5" in result.passing and result.follow_up is None


def test_tie_at_last_seat_triggers_revote_of_exactly_the_tied():
    result = run(K5, spread("k", votes_of(100, 90, 80, 70, 60, 60, 10), 100))
    assert result.elected == ("c0", "c1", "c2", "c3")
    assert result.tied == ("c4", "c5")
    assert result.verdict is CommitteeVerdict.PARTIAL
    assert (result.follow_up.kind, result.follow_up.ids, result.follow_up.seats) == (
        ProposalKind.TIE_REVOTE,
        ("c4", "c5"),
        1,
    )


def test_three_tied_for_the_last_two_seats_elect_none_of_them():
    result = run(K5, spread("k", votes_of(100, 90, 80, 60, 60, 60, 10), 100))
    assert result.elected == ("c0", "c1", "c2")
    assert (result.follow_up.ids, result.follow_up.seats) == (("c3", "c4", "c5"), 2)


def test_tie_above_the_last_seat_elects_all_the_tied():
    result = run(K5, spread("k", votes_of(100, 90, 90, 70, 60, 55, 10), 100))
    assert set(result.elected) == {"c0", "c1", "c2", "c3", "c4"}
    assert result.tied == () and result.follow_up is None


def test_unfilled_seats_propose_runoff_of_the_highest_unelected_remaining_plus_one():
    result = run(K5, spread("k", votes_of(80, 70, 60, 40, 30, 20, 10), 100))
    assert result.elected == ("c0", "c1", "c2")
    assert result.unfilled == 2 and result.vacancies == 0
    assert (result.follow_up.kind, result.follow_up.ids, result.follow_up.seats) == (
        ProposalKind.RUNOFF,
        ("c3", "c4", "c5"),
        2,
    )


def test_runoff_proposal_includes_everyone_tied_at_the_cut():
    result = run(K5, spread("k", votes_of(80, 70, 60, 40, 20, 20, 20), 100))
    assert result.follow_up.ids == ("c3", "c4", "c5", "c6")
    assert result.follow_up.seats == 2


def runoff(seats: int = 1, n: int = 3) -> CommitteeContest:
    """Return a 另行选举 round `k` for `seats` remaining seats."""
    return CommitteeContest("k", seats, candidates(n), round=RoundKind.RUNOFF, parent_id="k0")


@pytest.mark.parametrize(
    ("votes", "elected", "vacancies"),
    [
        ((40, 35, 30), ("c0",), 0),  # exactly 1/3 of 120 ballots cast: 以上 includes it
        ((39, 35, 30), (), 1),  # one short: seat stays unfilled → 缺额
    ],
)
def test_runoff_elects_most_votes_with_at_least_one_third_of_its_ballots(votes, elected, vacancies):
    result = run(runoff(), spread("k", votes_of(*votes), 120))
    assert (result.min_votes, result.elected, result.vacancies) == (40, elected, vacancies)
    assert result.follow_up is None


def test_runoff_elects_plurality_not_majority():
    result = run(runoff(2), spread("k", votes_of(50, 45, 41), 120))
    assert result.elected == ("c0", "c1")
    assert result.verdict is CommitteeVerdict.ELECTED


def test_two_way_tie_in_a_runoff_proposes_a_tie_revote():
    result = run(runoff(), spread("k", votes_of(45, 45, 30), 120))
    assert result.elected == () and result.vacancies == 0
    assert (result.follow_up.kind, result.follow_up.ids, result.follow_up.seats) == (
        ProposalKind.TIE_REVOTE,
        ("c0", "c1"),
        1,
    )


def test_tie_revote_elects_the_most_votes_without_a_majority():
    revote = CommitteeContest("k", 1, candidates(2), round=RoundKind.TIE_REVOTE)
    result = run(revote, ballots("k", (25, ("c0",)), (20, ("c1",)), (15, ())))
    assert result.elected == ("c0",)


def test_tie_revote_tied_again_proposes_another_revote():
    revote = CommitteeContest("k", 1, candidates(2), round=RoundKind.TIE_REVOTE)
    result = run(revote, ballots("k", (20, ("c0",)), (20, ("c1",))))
    assert result.elected == () and result.follow_up.kind is ProposalKind.TIE_REVOTE


@pytest.mark.parametrize(("issued", "void"), [(409, True), (410, False)])
def test_round_is_void_when_ballots_cast_exceed_ballots_issued(issued, void):
    result = run(K5, spread("k", votes_of(300, 280, 250, 220, 206, 0, 0), 410), issued=issued)
    assert result.void is void
    assert (result.verdict is CommitteeVerdict.VOID) is void
    assert (result.elected == ()) is void
    if void:
        assert "收回选票 410 张，多于发出的 409 张，本轮投票无效" in result.explanation


def test_no_quorum_stores_the_count_but_elects_nobody():
    result = run(K5, spread("k", votes_of(300, 280, 250, 220, 206, 0, 0), 399), attendance=present(600, 399))
    assert result.verdict is CommitteeVerdict.NO_QUORUM
    assert result.elected == () and result.follow_up is None
    assert result.counts[0].votes == 300
    assert "会议未达法定人数，本项结果无效" in result.explanation


def test_civil_code_election_needs_both_household_and_area_majorities():
    rules = RuleProfile.civil_code()
    # c0: 6 of 10 households but 300 of 700 m²; c1: 4 households with 400 m².
    papers = ballots("k", (6, ("c0", "c2")), area="50.00") + ballots("k", (4, ("c1", "c2")), area="100.00")
    result = run(K5, papers, attendance=present(10, 10, "700.00", "700.00"), profile=rules)
    assert result.passing == ("c2",)
    assert result.counts[0].area == Decimal("300.00") and result.base_area == Decimal("700.00")
    assert "c0" not in result.elected and result.elected == ("c2",)
    assert "面积未超过参加投票面积 700.00㎡ 的半数（350.01㎡）" in result.explanation


def test_civil_code_ballot_without_area_is_refused():
    with pytest.raises(RuleViolation):
        run(K5, [Ballot("k", ("c0",))], profile=RuleProfile.civil_code(), attendance=present(1, 1, "1", "1"))


@pytest.mark.parametrize(
    ("seats", "n", "contested", "message"),
    [
        (4, 6, True, "单数"),
        (6, 8, True, "单数"),
        (11, 12, True, "单数"),
        (5, 5, True, "至少 6 人"),  # 差额 needs seats + 1
        (5, 6, False, "等额选举的候选人数须等于应选名额"),
    ],
)
def test_regular_round_needs_odd_seats_five_to_nine_and_enough_candidates(seats, n, contested, message):
    with pytest.raises(RuleViolation, match=message):
        CommitteeContest("k", seats, candidates(n), contested=contested)


@pytest.mark.parametrize(("seats", "n", "contested"), [(5, 6, True), (9, 10, True), (7, 7, False)])
def test_regular_round_accepts_valid_seat_and_candidate_counts(seats, n, contested):
    assert CommitteeContest("k", seats, candidates(n), contested=contested).seats == seats


@pytest.mark.parametrize(
    ("round_kind", "seats", "n", "ok"),
    [
        (RoundKind.RUNOFF, 2, 3, True),  # even seat counts are fine in follow-up rounds
        (RoundKind.RUNOFF, 2, 2, True),
        (RoundKind.RUNOFF, 3, 2, False),
        (RoundKind.TIE_REVOTE, 1, 2, True),
        (RoundKind.TIE_REVOTE, 2, 2, False),
        (RoundKind.RUNOFF, 0, 2, False),
    ],
)
def test_follow_up_rounds_validate_their_own_seat_counts(round_kind, seats, n, ok):
    def build():
        return CommitteeContest("k", seats, candidates(n), round=round_kind)

    if ok:
        assert build().seats == seats
    else:
        with pytest.raises(RuleViolation):
            build()


def test_duplicate_candidate_ids_are_refused():
    twice = candidates(6) + candidates(1)
    with pytest.raises(RuleViolation, match="候选人编号重复"):
        CommitteeContest("k", 5, twice)


def test_follow_up_contest_keeps_ballot_order_and_records_its_parent():
    result = run(K5, spread("k", votes_of(80, 70, 60, 20, 30, 40, 10), 100))
    follow = committee_follow_up(K5, result.follow_up, "k-runoff")
    assert [c.id for c in follow.candidates] == ["c3", "c4", "c5"]
    assert (follow.seats, follow.round, follow.parent_id) == (2, RoundKind.RUNOFF, "k")
