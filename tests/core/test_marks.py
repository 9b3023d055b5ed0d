"""Ballot validity per contest: 废票, 弃权, duplicates, unknown ids (DESIGN §4.4, §4.5)."""

from __future__ import annotations

import pytest

from voting.core import Ballot, BallotStatus, RuleProfile, RuleViolation, classify, tally

from .builders import choice, committee, motion, present

VALID, BLANK, INVALID = BallotStatus.VALID, BallotStatus.BLANK, BallotStatus.INVALID
K5 = committee(5, 7)


@pytest.mark.parametrize(
    ("contest", "marks", "status", "choices"),
    [
        (K5, ("c0", "c1", "c2", "c3", "c4"), VALID, {"c0", "c1", "c2", "c3", "c4"}),  # exactly seats
        (K5, ("c0", "c1", "c2", "c3", "c4", "c5"), INVALID, set()),  # over-vote → 废票
        (K5, ("c0", "c0", "c1"), VALID, {"c0", "c1"}),  # the same candidate twice counts once
        (K5, ("c0", "c0", "c1", "c1", "c2", "c2", "c3", "c4"), VALID, {"c0", "c1", "c2", "c3", "c4"}),
        (K5, (), BLANK, set()),  # no mark → 弃权, a valid ballot
        (K5, ("c0", "x9"), INVALID, set()),  # unknown candidate → 废票
        (choice(3), ("o1",), VALID, {"o1"}),
        (choice(3), ("o1", "o2"), INVALID, set()),  # one option per ballot
        (choice(3), ("o1", "o1"), VALID, {"o1"}),
        (choice(3), ("o9",), INVALID, set()),
        (motion(), ("yes",), VALID, {"yes"}),
        (motion(), ("abstain",), BLANK, set()),  # 弃权 explicitly
        (motion(), ("yes", "no"), INVALID, set()),
        (motion(), ("yes", "abstain"), INVALID, set()),
    ],
)
def test_ballot_classification_follows_the_marking_rules(contest, marks, status, choices):
    result = classify(contest, Ballot(contest.id, marks))
    assert (result.status, result.choices) == (status, frozenset(choices))


@pytest.mark.parametrize(
    ("marks", "reason"),
    [
        (("c0", "c1", "c2", "c3", "c4", "c5"), "标记了 6 个候选人，超过本项最多可选的 5 个，本项为废票"),
        (("c0", "x9"), "标记了不在名单上的候选人：x9，本项为废票"),
        ((), "未作任何标记，视为弃权（有效票）"),
        (("c0", "c0"), "同一标记重复出现，按一次计"),
    ],
)
def test_classification_gives_the_reason_in_chinese(marks, reason):
    assert classify(K5, Ballot("k", marks)).reason == reason


def test_over_vote_invalidates_only_that_contest_of_the_paper():
    paper = {"k": ("c0", "c1", "c2", "c3", "c4", "c5"), "m": ("o1",)}
    att, rules = present(10, 10), RuleProfile.charter()
    k = tally(K5, [Ballot("k", paper["k"])], att, rules, 1)
    m = tally(choice(3), [Ballot("m", paper["m"])], att, rules, 1)
    assert (k.invalid, k.valid) == (1, 0)
    assert (m.invalid, m.valid, dict((c.id, c.votes) for c in m.counts)["o1"]) == (0, 1, 1)


def test_ballot_of_another_contest_is_refused():
    with pytest.raises(RuleViolation):
        classify(K5, Ballot("m", ("o1",)))
    with pytest.raises(RuleViolation):
        tally(K5, [Ballot("m", ("o1",))], present(10, 10), RuleProfile.charter(), 1)


def test_ballot_marks_given_as_a_list_are_kept_as_a_tuple():
    assert Ballot("k", ["c0", "c1"]).marks == ("c0", "c1")
