"""The pure rules core: quorum, passing, committee election with runoffs, choices, fees.

Standard library only; no Flask, no SQLAlchemy, no database, no floats. DESIGN.md §4.
"""

from .choice import ChoiceResult, ChoiceVerdict, choice_follow_up, choice_line, median_level, tally_choice
from .committee import (
    CommitteeResult,
    CommitteeVerdict,
    committee_follow_up,
    committee_line,
    fill_seats,
    tally_committee,
)
from .contests import (
    ABSTAIN,
    NO,
    YES,
    Candidate,
    ChoiceContest,
    ChoiceMethod,
    CommitteeContest,
    Contest,
    MotionContest,
    Option,
    RoundKind,
    contest_from_dict,
)
from .dispatch import Result, result_from_dict, tally
from .eligibility import (
    Declaration,
    Nomination,
    NominationKind,
    Recommender,
    age_on,
    check_nomination,
    same_person,
)
from .explain import round_half_yuan
from .fees import (
    CONTRIBUTION_ITEMS,
    COST_ITEMS,
    INCOME_ITEMS,
    FeeBalance,
    FeeCalculation,
    FeeOption,
    FeeUnit,
    LineItem,
    calculate_fees,
)
from .marks import Ballot, BallotStatus, Classified, classify
from .motion import MotionResult, MotionVerdict, tally_motion
from .outcome import Count, Proposal, ProposalKind
from .presence import Household, Presence, attendance_for, check_proxy, present_households
from .quorum import Attendance, QuorumResult, check_quorum
from .rules import (
    MAJORITY,
    NAMED_THRESHOLDS,
    ONE_THIRD,
    PLURALITY,
    THREE_QUARTERS,
    TWO_THIRDS,
    Base,
    Comparison,
    Finding,
    RuleProfile,
    RuleViolation,
    Threshold,
    profile_by_name,
)

__all__ = [
    "ABSTAIN", "MAJORITY", "NAMED_THRESHOLDS", "NO", "ONE_THIRD", "PLURALITY", "THREE_QUARTERS", "TWO_THIRDS", "YES",
    "CONTRIBUTION_ITEMS", "COST_ITEMS", "INCOME_ITEMS",
    "Attendance", "Ballot", "BallotStatus", "Base", "Candidate", "ChoiceContest", "ChoiceMethod",
    "ChoiceResult", "ChoiceVerdict", "Classified", "CommitteeContest", "CommitteeResult",
    "CommitteeVerdict", "Comparison", "Contest", "Count", "Declaration", "FeeBalance",
    "FeeCalculation", "FeeOption", "FeeUnit", "Finding", "Household", "LineItem", "MotionContest",
    "MotionResult", "MotionVerdict", "Nomination", "NominationKind", "Option", "Presence",
    "Proposal", "ProposalKind", "QuorumResult", "Recommender", "Result", "RoundKind",
    "RuleProfile", "RuleViolation", "Threshold",
    "age_on", "attendance_for", "calculate_fees", "check_nomination", "check_proxy",
    "check_quorum", "choice_follow_up", "choice_line", "classify", "committee_follow_up",
    "committee_line", "contest_from_dict", "fill_seats", "median_level", "present_households",
    "profile_by_name", "result_from_dict", "round_half_yuan", "same_person", "tally",
    "tally_choice", "tally_committee", "tally_motion",
]
