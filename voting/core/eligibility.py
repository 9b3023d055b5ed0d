"""Candidate registration (自荐 / 推荐) and eligibility — DESIGN §4.10, [000 第九条].

`check_nomination` returns every reason a registration fails, each a `Finding` the registrant
can read; an empty tuple means eligible. Staff still review and approve.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

from .rules import Finding, RuleProfile
from .serial import Serializable


class NominationKind(Enum):
    """How a candidate was put forward."""

    SELF = "self"  # 自荐
    RECOMMENDED = "recommended"  # 推荐 / 联名推荐


class Declaration(Enum):
    """The declarations on the 自荐、推荐报名登记表 ([000 第九条])."""

    ENDORSES_CHARTER = "endorses_charter"  # 认同小区管委会的章程 (第九条二)
    FULL_CIVIL_CAPACITY = "full_civil_capacity"  # 具有完全民事行为能力 (第九条四)
    FIT_FOR_WORK = "fit_for_work"  # 身体健康，能坚持正常工作 (第九条三)


DECLARATION_TEXT = {
    Declaration.ENDORSES_CHARTER: "认同小区管委会章程",
    Declaration.FULL_CIVIL_CAPACITY: "具有完全民事行为能力",
    Declaration.FIT_FOR_WORK: "身体健康、能坚持正常工作",
}


@dataclass(frozen=True, slots=True)
class Recommender(Serializable):
    """A household co-signing a recommendation, with who signed for it."""

    household_id: str
    signer: str


@dataclass(frozen=True, slots=True)
class Nomination(Serializable):
    """One 报名登记表; `household_id` is the 住址 resolved to a household of this 小区, if any."""

    kind: NominationKind
    name: str
    birth_date: date
    household_id: str | None
    consent: bool  # 本人同意参选
    declarations: frozenset[Declaration]
    recommenders: tuple[Recommender, ...] = ()
    gender: str = ""
    political_status: str = ""
    education: str = ""
    occupation: str = ""
    phone: str = ""
    statement: str = ""  # 个人简历 / 自荐理由


def age_on(birth_date: date, day: date) -> int:
    """Return the age in whole years on `day`; the birthday itself counts (29 Feb → 1 Mar)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def same_person(a: Nomination, b: Nomination) -> bool:
    """Tell whether two registrations are of the same person (name, birth date, household)."""
    return (_normal(a.name), a.birth_date, a.household_id) == (
        _normal(b.name),
        b.birth_date,
        b.household_id,
    )


def check_nomination(
    nomination: Nomination,
    *,
    meeting_date: date,
    community_households: Collection[str],
    eligible_households: Collection[str],
    seats: int,
    cosignatures: Mapping[str, int] | None = None,
    registered: Collection[Nomination] = (),
    profile: RuleProfile | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[Finding, ...]:
    """Return every reason `nomination` cannot stand (empty = eligible).

    `cosignatures` counts the recommendations each household has already co-signed;
    `registered` holds the registrations already accepted for this election.
    """
    profile = profile or RuleProfile.charter()
    labels = labels or {}
    findings = list(_check_person(nomination, meeting_date, community_households, profile))
    if any(same_person(nomination, other) for other in registered):
        findings.append(Finding("duplicate_registration", f"{nomination.name} 已经报名，不能重复登记"))
    if nomination.kind is NominationKind.RECOMMENDED:
        findings += _check_recommenders(
            nomination,
            (community_households, eligible_households),
            seats,
            cosignatures or {},
            profile,
            labels,
        )
    return tuple(findings)


def _check_person(
    nomination: Nomination, meeting_date: date, community: Collection[str], profile: RuleProfile
) -> list[Finding]:
    findings = []
    if not _normal(nomination.name):
        findings.append(Finding("missing_name", "未填写姓名"))
    age = age_on(nomination.birth_date, meeting_date)
    if age < profile.min_candidate_age:  # DESIGN §4.10: 年满十八周岁 on the meeting date
        findings.append(
            Finding(
                "under_age",
                f"会议当日（{meeting_date.isoformat()}）年龄为 {age} 周岁，未满 {profile.min_candidate_age} 周岁",
            )
        )
    if nomination.household_id is None or nomination.household_id not in community:
        findings.append(Finding("not_resident", "住址与本小区的住户不符"))
    if not nomination.consent:
        findings.append(Finding("no_consent", "缺少本人同意参选的确认"))
    for declaration in Declaration:  # [000 第九条]
        if declaration not in nomination.declarations:
            findings.append(Finding(f"missing_{declaration.value}", f"缺少声明：{DECLARATION_TEXT[declaration]}"))
    return findings


def _check_recommenders(
    nomination: Nomination,
    roll: tuple[Collection[str], Collection[str]],
    seats: int,
    cosignatures: Mapping[str, int],
    profile: RuleProfile,
    labels: Mapping[str, str],
) -> list[Finding]:
    community, eligible = roll
    findings = []
    counted = []
    for household in dict.fromkeys(r.household_id for r in nomination.recommenders):  # once each
        label = labels.get(household, household)
        if household not in community:
            findings.append(Finding("recommender_unknown", f"推荐户 {label} 不是本小区的住户"))
        elif household not in eligible:
            findings.append(Finding("recommender_not_eligible", f"推荐户 {label} 没有表决权"))
        elif cosignatures.get(household, 0) >= seats:  # DESIGN §4.10: at most `seats` recommendations
            findings.append(
                Finding(
                    "recommender_over_limit",
                    f"推荐户 {label} 已联名推荐 {cosignatures[household]} 人，每户最多推荐 {seats} 人",
                )
            )
        else:
            counted.append(household)
    if len(counted) < profile.min_recommenders:  # DESIGN §4.10: ≥ 5 household representatives
        findings.append(
            Finding(
                "too_few_recommenders",
                f"联名推荐须有至少 {profile.min_recommenders} 户有表决权的住户，有效推荐户为 {len(counted)} 户",
            )
        )
    return findings


def _normal(name: str) -> str:
    return "".join(name.split())
