"""The API's request and response models; the OpenAPI document is generated from them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(max_length=200)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
Mark = Annotated[str, StringConstraints(max_length=20)]
Money = Annotated[str, StringConstraints(max_length=20, pattern=r"^\s*\d{0,9}(\.\d{0,2})?\s*$")]


class Strict(BaseModel):
    """Refuse unknown fields: a typo in a field name is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Error(BaseModel):
    error: str = Field(description="machine-readable code, e.g. already_voted")
    message: str = Field(description="what went wrong, in Chinese, safe to show")
    problems: list[str] = Field(default=[], description="each problem with its place (line, column, field)")


# --- communities and households -------------------------------------------------------------


class CommunityIn(Strict):
    name: Name


class CommunityOut(BaseModel):
    id: int
    name: str


class CommunityList(BaseModel):
    communities: list[CommunityOut]


class HouseholdOut(BaseModel):
    id: int
    building: str
    unit: str
    room: str
    address: str
    head_name: str
    phone: str
    area: str = Field(description="m², two decimals")
    property_unit: str
    has_vote: bool


class HouseholdQuery(Strict):
    q: Annotated[str, StringConstraints(max_length=50)] = ""
    page: int = Field(default=1, ge=1, le=100_000)


class HouseholdPage(BaseModel):
    total: int
    page: int
    households: list[HouseholdOut]


class HouseholdIn(Strict):
    building: Annotated[str, StringConstraints(max_length=20)]
    unit: Annotated[str, StringConstraints(max_length=20)] = ""
    room: Annotated[str, StringConstraints(max_length=20)]
    head_name: Annotated[str, StringConstraints(max_length=50)]
    phone: Annotated[str, StringConstraints(max_length=30)] = ""
    area: Annotated[str, StringConstraints(max_length=20)]
    property_unit: Annotated[str, StringConstraints(max_length=100)] = ""
    has_vote: bool = True


class ImportIn(Strict):
    filename: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(description="名册.xlsx or .csv")
    content_base64: Annotated[str, StringConstraints(min_length=1, max_length=28_000_000)]
    update: bool = Field(default=False, description="overwrite registered households whose details differ")


class ImportOut(BaseModel):
    created: int
    updated: int
    unchanged: int


class ExportQuery(Strict):
    format: Literal["csv", "xlsx"] = "xlsx"


# --- meetings and agenda -------------------------------------------------------------------


Threshold = Literal["majority", "two_thirds", "three_quarters"]
BaseName = Literal["present", "cast", "valid", "marked", "eligible"]


class RulesIn(Strict):
    quorum_threshold: Threshold | None = None
    passing_threshold: Threshold | None = None
    election_threshold: Threshold | None = None
    passing_base: BaseName | None = None
    election_base: BaseName | None = None
    participation_counts_as_presence: bool | None = None
    max_proxies_per_holder: int | None = Field(default=None, ge=0, le=10)
    min_recommenders: int | None = Field(default=None, ge=1, le=50)
    min_candidate_age: int | None = Field(default=None, ge=18, le=100)


class MeetingIn(Strict):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    date: Annotated[str, StringConstraints(max_length=10)] = Field(description="YYYY-MM-DD, Beijing time")
    time: Annotated[str, StringConstraints(max_length=5)] = Field(default="09:00", description="HH:MM")
    venue: Text = ""
    profile: Literal["charter", "statute", "civil_code"] = "charter"
    public_base_url: Text = Field(default="", description="ballot QR codes point to <this>/b/<token>")
    objection_days: int = Field(default=3, ge=0, le=30)
    publicity_days: int = Field(default=5, ge=0, le=30)
    allow_quorum_override: bool = False
    double_entry: bool = False
    rules: RulesIn = RulesIn()


class OptionOut(BaseModel):
    key: str
    label: str
    description: str
    amount: str | None


class ContestOut(BaseModel):
    id: int
    position: int
    kind: Literal["committee", "choice", "motion"]
    purpose: str
    title: str
    description: str
    status: Literal["draft", "open", "closed"]
    settings: dict[str, Any]
    parent_id: int | None
    options: list[OptionOut]
    opened_at: str | None
    closed_at: str | None
    result: dict[str, Any] | None


class MeetingOut(BaseModel):
    id: int
    community_id: int
    title: str
    starts_at: str
    venue: str
    public_base_url: str
    objection_days: int
    publicity_days: int
    allow_quorum_override: bool
    double_entry: bool
    rules: dict[str, Any]
    rules_text: list[str] = Field(description="every threshold in plain Chinese")
    registration_open: bool
    candidates_published_at: str | None
    publicity_ends: str | None
    ballots_issued_at: str | None
    results_published_at: str | None
    public_key: str | None
    fingerprint: str | None
    contests: list[ContestOut]


class MeetingList(BaseModel):
    meetings: list[MeetingOut]


class OptionIn(Strict):
    label: Annotated[str, StringConstraints(max_length=200)]
    description: Annotated[str, StringConstraints(max_length=500)] = ""


class ContestIn(Strict):
    purpose: Literal["committee", "service_mode", "fee", "motion", "other"]
    title: Text = ""
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    seats: int = Field(default=9, ge=0, le=99)
    contested: bool = True
    candidate_order: Literal["strokes", "pinyin", "registration"] = "strokes"
    threshold: Threshold | None = None
    base: BaseName | None = None
    method: Literal["majority", "median"] = "majority"
    unit: Literal["per_household", "per_m2"] = "per_household"
    special: bool = False
    options: list[OptionIn] = Field(default=[], max_length=20)
    amounts: list[Money] = Field(default=[], max_length=20, description="fee levels in 元, lowest first")


class FeesIn(Strict):
    costs: dict[Annotated[str, StringConstraints(max_length=50)], Money] = Field(default={}, max_length=20)
    income: dict[Annotated[str, StringConstraints(max_length=50)], Money] = Field(default={}, max_length=20)
    contributions: dict[Annotated[str, StringConstraints(max_length=50)], Money] = Field(default={}, max_length=20)
    paying_households: Annotated[str, StringConstraints(max_length=9)] = ""


class FeeBalanceOut(BaseModel):
    amount: str
    unit: str
    monthly_revenue: str
    monthly_balance: str
    annual_balance: str


class FeesOut(BaseModel):
    total_cost: str
    total_income: str
    total_contributions: str
    gap: str
    paying_households: int
    total_area: str
    break_even_per_household: str
    break_even_per_m2: str | None
    balances: list[FeeBalanceOut]
    explanation: str


# --- registrations ---------------------------------------------------------------------------


class RecommenderIn(Strict):
    building: Annotated[str, StringConstraints(max_length=20)]
    unit: Annotated[str, StringConstraints(max_length=20)] = ""
    room: Annotated[str, StringConstraints(max_length=20)]
    signer: Annotated[str, StringConstraints(max_length=50)]


class RegistrationIn(Strict):
    kind: Literal["self", "recommended"] = "self"
    name: Annotated[str, StringConstraints(max_length=50)]
    gender: Annotated[str, StringConstraints(max_length=4)]
    birth_date: Annotated[str, StringConstraints(max_length=20)] = Field(description="1960-01-02")
    political_status: Annotated[str, StringConstraints(max_length=20)]
    education: Annotated[str, StringConstraints(max_length=20)]
    occupation: Annotated[str, StringConstraints(max_length=100)] = ""
    building: Annotated[str, StringConstraints(max_length=20)]
    unit: Annotated[str, StringConstraints(max_length=20)] = ""
    room: Annotated[str, StringConstraints(max_length=20)]
    phone: Annotated[str, StringConstraints(max_length=30)]
    statement: Annotated[str, StringConstraints(max_length=2000)] = ""
    consent: bool
    declarations: list[Literal["endorses_charter", "full_civil_capacity", "fit_for_work"]] = Field(
        default=[], max_length=3
    )
    recommenders: list[RecommenderIn] = Field(default=[], max_length=50)


class FindingOut(BaseModel):
    code: str
    message: str


class RegistrationOut(BaseModel):
    id: int
    reference: str
    kind: str
    name: str
    gender: str
    birth_date: str
    address: str
    status: Literal["pending", "approved", "rejected"]
    reject_reason: str
    channel: str
    submitted_at: str
    reviewed_by: str
    reviewed_at: str | None
    findings: list[FindingOut] = Field(description="automatic eligibility findings (empty: eligible)")


class RegistrationList(BaseModel):
    registrations: list[RegistrationOut]


class RegistrationStatusOut(BaseModel):
    reference: str
    name: str
    status: Literal["pending", "approved", "rejected"]
    reject_reason: str


class ReferenceQuery(Strict):
    reference: Annotated[str, StringConstraints(min_length=1, max_length=20)]


class ApproveIn(Strict):
    checks: list[Literal["identity", "residence", "consent", "signatures"]] = Field(max_length=4)


class ReasonIn(Strict):
    reason: Reason


class OpenRegistrationIn(Strict):
    open: bool


class CandidateOut(BaseModel):
    position: int
    key: str
    registration_id: int
    name: str
    gender: str
    age: int
    address: str = Field(description="building and unit only")
    kind: str
    statement: str


class CandidateList(BaseModel):
    published_at: str | None
    publicity_ends: str | None
    candidates: list[CandidateOut]


# --- ballots, meeting day --------------------------------------------------------------------


class IssueOut(BaseModel):
    issued: int
    roll_size: int
    fingerprint: str


class RollEntryOut(BaseModel):
    id: int
    address: str
    area: str
    short_code: str
    serial: int
    url: str = Field(description="what the ballot's QR encodes")


class RollList(BaseModel):
    entries: list[RollEntryOut]


class PrintQuery(Strict):
    per_page: Literal[1, 2] = 1


class HouseholdRef(Strict):
    """A household of the meeting: its ballot (scanned URL or short code) or its roll entry id."""

    code: Annotated[str, StringConstraints(max_length=300)] | None = None
    entry_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class CheckInOut(BaseModel):
    entry_id: int
    address: str
    at: str


class UndoIn(Strict):
    entry_id: int = Field(ge=1, le=2**31 - 1)
    reason: Reason


class ProxyIn(Strict):
    principal: Annotated[str, StringConstraints(min_length=1, max_length=300)] = Field(
        description="scan, short code or 3-2-301"
    )
    holder: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    letter: Reason = Field(description="how the written authorisation was checked")


class ProxyOut(BaseModel):
    principal_id: int
    principal: str
    holder: str
    letter: str
    at: str


class ProxyList(BaseModel):
    proxies: list[ProxyOut]


class AttendanceOut(BaseModel):
    eligible: int
    present: int
    line: int = Field(description="the fewest present households that meet the quorum")
    threshold: str
    met: bool
    checked_in: int
    by_proxy: int
    proxies: int
    counts_area: bool
    eligible_area: str
    present_area: str
    area_line: str | None
    area_met: bool | None
    explanation: str
    turnout: list[dict[str, Any]]


class OpenIn(Strict):
    override: bool = Field(default=False, description="open without quorum, where the meeting allows it (logged)")


class ResultOut(BaseModel):
    contest: ContestOut
    result: dict[str, Any] = Field(description="what the counting core returned (docs/audit-format.md)")


class ReconciliationOut(BaseModel):
    issued: int
    received: dict[str, int]
    cast: int
    valid: int
    blank: int
    invalid: int
    present: int | None
    void: bool
    consistent: bool
    signoffs: list[dict[str, str]]
    missing_signoffs: list[str]


class OfficialIn(Strict):
    username: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    role: Literal["scrutineer", "teller"]


Selections = dict[Annotated[str, StringConstraints(pattern=r"^\d{1,9}$")], Annotated[list[Mark], Field(max_length=60)]]


class PaperIn(HouseholdRef):
    channel: Literal["paper", "mobile"] = "paper"
    selections: Selections = Field(max_length=20, description="contest id → marks as on the paper")


class PaperResultOut(BaseModel):
    contest_id: int
    title: str
    outcome: Literal["counted", "first_entry", "mismatch"]
    receipt: str | None
    status: str | None


class PaperOut(BaseModel):
    results: list[PaperResultOut]


# --- casting with a token -------------------------------------------------------------------


class BallotContestOut(BaseModel):
    id: int
    title: str
    kind: str
    rule: str
    state: Literal["open", "voted", "draft", "closed"]
    voted_channel: str | None
    voted_at: str | None
    max_marks: int
    options: list[OptionOut]


class BallotOut(BaseModel):
    meeting_id: int
    meeting: str
    community: str
    address: str
    contests: list[BallotContestOut]


class CastIn(Strict):
    selections: Selections = Field(min_length=1, max_length=20, description="contest id → chosen keys")


class ReceiptOut(BaseModel):
    contest_id: int
    title: str
    receipt: str
    status: Literal["valid", "blank", "invalid"]


class CastOut(BaseModel):
    receipts: list[ReceiptOut]


# --- results --------------------------------------------------------------------------------


class PublishOut(BaseModel):
    results_published_at: str
    final_at: str


class ContestResultOut(BaseModel):
    id: int
    title: str
    parent_id: int | None
    result: dict[str, Any]
    signoffs: list[dict[str, str]]


class ResultsOut(BaseModel):
    meeting_id: int
    published_at: str | None
    final: bool
    final_at: str | None
    contests: list[ContestResultOut]


class ReceiptLookupOut(BaseModel):
    receipt: str
    contest: str
    status: Literal["valid", "blank", "invalid"]
    marks: list[str] | None = Field(description="the recorded choices, after publication only")


class MemberIn(Strict):
    registration_id: int = Field(ge=1, le=2**31 - 1)
    role: Literal["director", "deputy", "member"]
    phone: Annotated[str, StringConstraints(max_length=30)] = ""


class CommitteeIn(Strict):
    members: list[MemberIn] = Field(max_length=20)


class MemberOut(BaseModel):
    registration_id: int
    name: str
    role: str
    role_label: str
    phone: str


class CommitteeOut(BaseModel):
    members: list[MemberOut]


class AuditRecordOut(BaseModel):
    """The signed record; its format is documented in docs/audit-format.md."""

    model_config = ConfigDict(extra="allow")
    format: str
    signature: str
