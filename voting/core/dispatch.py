"""One entry point for any contest, and reading any result back from its dict."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .choice import ChoiceResult, tally_choice
from .committee import CommitteeResult, tally_committee
from .contests import ChoiceContest, CommitteeContest, Contest, MotionContest
from .marks import Ballot
from .motion import MotionResult, tally_motion
from .quorum import Attendance
from .rules import RuleProfile, RuleViolation

Result = CommitteeResult | ChoiceResult | MotionResult
RESULT_TYPES = {cls.KIND: cls for cls in (CommitteeResult, ChoiceResult, MotionResult)}


def tally(
    contest: Contest,
    ballots: Iterable[Ballot],
    attendance: Attendance,
    profile: RuleProfile,
    ballots_issued: int,
) -> Result:
    """Count any contest with the tally of its kind."""
    if isinstance(contest, CommitteeContest):
        return tally_committee(contest, ballots, attendance, profile, ballots_issued)
    if isinstance(contest, ChoiceContest):
        return tally_choice(contest, ballots, attendance, profile, ballots_issued)
    if isinstance(contest, MotionContest):
        return tally_motion(contest, ballots, attendance, profile, ballots_issued)
    raise TypeError(f"not a contest: {contest!r}")


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """Read any result written by `to_dict()`."""
    try:
        cls = RESULT_TYPES[data["kind"]]
    except KeyError:
        raise RuleViolation(f"未知的结果类型：{data.get('kind')!r}") from None
    return cls.from_dict(data)
