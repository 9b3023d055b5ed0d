"""Turn rows into the API's response models."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ... import keys
from ...core.explain import to_decimal
from ...models import Contest, Household, Meeting, Registration, RollEntry
from ...services import ballots, meetings, registrations
from ..common import mask_phone
from . import schemas as s


def iso(value: datetime | None) -> str | None:
    """Write a stored time as ISO 8601 in UTC."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(to_decimal(value))


def household(h: Household, masked: bool = False) -> s.HouseholdOut:
    return s.HouseholdOut(
        id=h.id,
        building=h.building,
        unit=h.unit,
        room=h.room,
        address=h.address,
        head_name=h.head_name,
        phone=mask_phone(h.phone) if masked else h.phone,
        area=str(to_decimal(h.area)),
        property_unit=h.property_unit,
        has_vote=h.has_vote,
    )


def option(o) -> s.OptionOut:
    return s.OptionOut(key=o.key, label=o.label, description=o.description, amount=money(o.amount))


def contest(c: Contest) -> s.ContestOut:
    return s.ContestOut(
        id=c.id,
        position=c.position,
        kind=c.kind.value,
        purpose=c.purpose.value,
        title=c.title,
        description=c.description,
        status=c.status.value,
        settings=c.settings,
        parent_id=c.parent_id,
        options=[option(o) for o in c.options],
        opened_at=iso(c.opened_at),
        closed_at=iso(c.closed_at),
        result=c.result,
    )


def meeting(m: Meeting) -> s.MeetingOut:
    return s.MeetingOut(
        id=m.id,
        community_id=m.community_id,
        title=m.title,
        starts_at=iso(m.starts_at),
        venue=m.venue,
        public_base_url=m.public_base_url,
        objection_days=m.objection_days,
        publicity_days=m.publicity_days,
        allow_quorum_override=m.allow_quorum_override,
        double_entry=m.double_entry,
        rules=m.rules,
        rules_text=meetings.describe_rules(meetings.profile_of(m)),
        registration_open=m.registration_open,
        candidates_published_at=iso(m.candidates_published_at),
        publicity_ends=iso(meetings.publicity_ends(m)),
        ballots_issued_at=iso(m.ballots_issued_at),
        results_published_at=iso(m.results_published_at),
        public_key=m.public_key,
        fingerprint=keys.fingerprint(m.public_key) if m.public_key else None,
        contests=[contest(c) for c in m.contests],
    )


def registration(r: Registration, with_findings: bool = True) -> s.RegistrationOut:
    pending = r.status.value == "pending"
    findings = registrations.current_findings(r) if with_findings and pending else ()
    return s.RegistrationOut(
        id=r.id,
        reference=r.reference,
        kind=r.kind,
        name=r.name,
        gender=r.gender,
        birth_date=r.birth_date.isoformat(),
        address=r.household.address,
        status=r.status.value,
        reject_reason=r.reject_reason,
        channel=r.channel,
        submitted_at=iso(r.submitted_at),
        reviewed_by=r.reviewed_by,
        reviewed_at=iso(r.reviewed_at),
        findings=[s.FindingOut(code=f.code, message=f.message_zh) for f in findings],
    )


def roll_entry(m: Meeting, e: RollEntry) -> s.RollEntryOut:
    return s.RollEntryOut(
        id=e.id,
        address=e.address,
        area=str(to_decimal(e.area)),
        short_code=e.short_code,
        serial=e.serial,
        url=ballots.ballot_url(m, e),
    )


def fees(calc) -> s.FeesOut:
    return s.FeesOut(
        total_cost=money(calc.total_cost),
        total_income=money(calc.total_income),
        total_contributions=money(calc.total_contributions),
        gap=money(calc.gap),
        paying_households=calc.paying_households,
        total_area=money(calc.total_area),
        break_even_per_household=money(calc.break_even_per_household),
        break_even_per_m2=money(calc.break_even_per_m2),
        balances=[
            s.FeeBalanceOut(
                amount=money(b.option.amount),
                unit=b.option.unit.value,
                monthly_revenue=money(b.monthly_revenue),
                monthly_balance=money(b.monthly_balance),
                annual_balance=money(b.annual_balance),
            )
            for b in calc.balances
        ],
        explanation=calc.explanation,
    )
