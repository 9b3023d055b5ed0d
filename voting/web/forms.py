"""Turn submitted HTML forms into the services' input values (no validation here), and show them."""

from __future__ import annotations

from flask import render_template

from ..core import Declaration
from ..core.eligibility import DECLARATION_TEXT
from ..services import agenda, meetings, registrations
from ..services.agenda import ContestInput
from ..services.meetings import EDITABLE_BASES, EDITABLE_NUMBERS, EDITABLE_THRESHOLDS, MeetingInput
from ..services.registrations import RecommenderInput, RegistrationInput

OPTION_ROWS = 8
AMOUNT_ROWS = 6
RECOMMENDER_ROWS = 10


def meeting_input(form) -> MeetingInput:
    """Read the meeting form."""
    overrides = {key: form.get(key, "") for key in (*EDITABLE_THRESHOLDS, *EDITABLE_BASES, *EDITABLE_NUMBERS)}
    overrides["participation_counts_as_presence"] = "1" if form.get("participation_counts_as_presence") else "0"
    return MeetingInput(
        title=form.get("title", ""),
        date=form.get("date", ""),
        time=form.get("time", ""),
        venue=form.get("venue", ""),
        profile=form.get("profile", "charter"),
        public_base_url=form.get("public_base_url", ""),
        objection_days=form.get("objection_days", "3"),
        publicity_days=form.get("publicity_days", "5"),
        allow_quorum_override=bool(form.get("allow_quorum_override")),
        double_entry=bool(form.get("double_entry")),
        overrides=overrides,
    )


def contest_input(form) -> ContestInput:
    """Read the contest form (options and amounts come as numbered rows)."""
    return ContestInput(
        purpose=form.get("purpose", ""),
        title=form.get("title", ""),
        description=form.get("description", ""),
        seats=form.get("seats", "9"),
        contested=bool(form.get("contested")),
        candidate_order=form.get("candidate_order", "strokes"),
        threshold=form.get("threshold", ""),
        base=form.get("base", ""),
        method=form.get("method", "majority"),
        unit=form.get("unit", "per_household"),
        special=bool(form.get("special")),
        options=[
            (form.get(f"option-{i}-label", ""), form.get(f"option-{i}-description", "")) for i in range(OPTION_ROWS)
        ],
        amounts=[form.get(f"amount-{i}", "") for i in range(AMOUNT_ROWS)],
    )


def fee_inputs_from_form(form) -> dict:
    """Read the fee calculator form: amounts per named item, item names editable."""
    inputs: dict = {"paying_households": form.get("paying_households", "")}
    for group in ("costs", "income", "contributions"):
        items = {}
        for i in range(10):
            name = form.get(f"{group}-{i}-name", "").strip()
            if name:
                items[name] = form.get(f"{group}-{i}-amount", "0")
        inputs[group] = items
    return inputs


def registration_input(form) -> RegistrationInput:
    """Read the 报名登记表."""
    return RegistrationInput(
        kind=form.get("kind", "self"),
        name=form.get("name", ""),
        gender=form.get("gender", ""),
        birth_date=form.get("birth_date", ""),
        political_status=form.get("political_status", ""),
        education=form.get("education", ""),
        occupation=form.get("occupation", ""),
        building=form.get("building", ""),
        unit=form.get("unit", ""),
        room=form.get("room", ""),
        phone=form.get("phone", ""),
        statement=form.get("statement", ""),
        consent=bool(form.get("consent")),
        declarations=form.getlist("declarations") if hasattr(form, "getlist") else list(form.get("declarations", [])),
        recommenders=[
            RecommenderInput(
                form.get(f"rec-{i}-building", ""),
                form.get(f"rec-{i}-unit", ""),
                form.get(f"rec-{i}-room", ""),
                form.get(f"rec-{i}-signer", ""),
            )
            for i in range(RECOMMENDER_ROWS)
        ],
    )


def registration_form_page(meeting, form, error, staff: bool) -> str:
    """Render the 报名登记表, filled with `form`, for a registrant online or for staff entering paper."""
    return render_template(
        "registration/form.html",
        meeting=meeting,
        form=form,
        error=error,
        staff=staff,
        genders=registrations.GENDERS,
        political=registrations.POLITICAL_STATUSES,
        education=registrations.EDUCATION_LEVELS,
        declarations=[(d.value, DECLARATION_TEXT[d]) for d in Declaration],
        committee=agenda.committee_contest(meeting),
        rules=meetings.profile_of(meeting),
    )
