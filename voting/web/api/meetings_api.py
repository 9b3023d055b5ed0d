"""API: meetings, the agenda, the fee calculator, registrations, review and 公示."""

from __future__ import annotations

from flask import request

from ...core import age_on
from ...models import Role, format_address
from ...services import agenda, meetings, registrations
from ...services.agenda import ContestInput
from ...services.errors import InvalidInput
from ...services.meetings import MeetingInput
from ...services.registrations import RecommenderInput, RegistrationInput
from . import bp, community_for, current_staff, meeting_for, out, responses, spec
from . import schemas as s

TAGS = ["meetings"]


def meeting_input(body: s.MeetingIn) -> MeetingInput:
    """Map the API's typed body onto the same input the meeting form gives the service."""
    rules = body.rules.model_dump(exclude_none=True)
    overrides = {k: ("1" if v else "0") if isinstance(v, bool) else str(v) for k, v in rules.items()}
    return MeetingInput(
        title=body.title,
        date=body.date,
        time=body.time,
        venue=body.venue,
        profile=body.profile,
        public_base_url=body.public_base_url,
        objection_days=str(body.objection_days),
        publicity_days=str(body.publicity_days),
        allow_quorum_override=body.allow_quorum_override,
        double_entry=body.double_entry,
        overrides=overrides,
    )


@bp.get("/communities/<int:community_id>/meetings")
@spec.validate(resp=responses(HTTP_200=s.MeetingList), tags=TAGS)
def list_meetings(community_id: int):
    """List a 小区's meetings, newest first."""
    community = community_for(community_id)
    return s.MeetingList(meetings=[out.meeting(m) for m in meetings.list_meetings(community)])


@bp.post("/communities/<int:community_id>/meetings")
@spec.validate(json=s.MeetingIn, resp=responses(HTTP_201=s.MeetingOut), tags=TAGS)
def create_meeting(community_id: int):
    """Create a meeting with its rule profile (thresholds adjustable as the design allows)."""
    community = community_for(community_id, Role.ADMIN)
    meeting = meetings.create_meeting(community, meeting_input(request.context.json), current_staff())
    return out.meeting(meeting), 201


@bp.get("/meetings/<int:meeting_id>")
@spec.validate(resp=responses(HTTP_200=s.MeetingOut), tags=TAGS)
def get_meeting(meeting_id: int):
    """Show a meeting: rules (as data and in plain Chinese), agenda, state."""
    return out.meeting(meeting_for(meeting_id))


@bp.put("/meetings/<int:meeting_id>")
@spec.validate(json=s.MeetingIn, resp=responses(HTTP_200=s.MeetingOut), tags=TAGS)
def update_meeting(meeting_id: int):
    """Change a meeting's details; its rules are frozen once ballots are issued."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    return out.meeting(meetings.update_meeting(meeting, meeting_input(request.context.json), current_staff()))


def contest_input(body: s.ContestIn) -> ContestInput:
    return ContestInput(
        purpose=body.purpose,
        title=body.title,
        description=body.description,
        seats=str(body.seats),
        contested=body.contested,
        candidate_order=body.candidate_order,
        threshold=body.threshold or "",
        base=body.base or "",
        method=body.method,
        unit=body.unit,
        special=body.special,
        options=[(o.label, o.description) for o in body.options],
        amounts=list(body.amounts),
    )


@bp.post("/meetings/<int:meeting_id>/contests")
@spec.validate(json=s.ContestIn, resp=responses(HTTP_201=s.ContestOut), tags=TAGS)
def add_contest(meeting_id: int):
    """Add a contest: committee election, service mode, fee level, motion or other choice."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    return out.contest(agenda.add_contest(meeting, contest_input(request.context.json), current_staff())), 201


@bp.put("/meetings/<int:meeting_id>/contests/<int:contest_id>")
@spec.validate(json=s.ContestIn, resp=responses(HTTP_200=s.ContestOut), tags=TAGS)
def update_contest(meeting_id: int, contest_id: int):
    """Change a contest (not its kind); refused once ballots are issued."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    contest = agenda.contest_of(meeting, contest_id)
    return out.contest(agenda.update_contest(contest, contest_input(request.context.json), current_staff()))


@bp.delete("/meetings/<int:meeting_id>/contests/<int:contest_id>")
@spec.validate(resp=responses(HTTP_204=None), tags=TAGS)
def delete_contest(meeting_id: int, contest_id: int):
    """Remove a contest from the agenda; refused once ballots are issued."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    agenda.delete_contest(agenda.contest_of(meeting, contest_id), current_staff())
    return "", 204


def _fee_contest(meeting_id: int, contest_id: int, need: Role | None = None):
    contest = agenda.contest_of(meeting_for(meeting_id, need), contest_id)
    if contest.purpose.value != "fee":
        raise InvalidInput("只有收费标准事项有费用测算。")
    return contest


@bp.get("/meetings/<int:meeting_id>/contests/<int:contest_id>/fees")
@spec.validate(resp=responses(HTTP_200=s.FeesOut), tags=TAGS)
def get_fees(meeting_id: int, contest_id: int):
    """The fee calculator (测算费用) of a fee contest, on its saved inputs."""
    return out.fees(agenda.fee_calculation(_fee_contest(meeting_id, contest_id)))


@bp.put("/meetings/<int:meeting_id>/contests/<int:contest_id>/fees")
@spec.validate(json=s.FeesIn, resp=responses(HTTP_200=s.FeesOut), tags=TAGS)
def put_fees(meeting_id: int, contest_id: int):
    """Save the calculator inputs (monthly costs, income, contributions) and return the calculation."""
    contest = _fee_contest(meeting_id, contest_id, Role.ADMIN)
    body = request.context.json.model_dump()
    return out.fees(agenda.save_fee_inputs(contest, body, current_staff()))


@bp.put("/meetings/<int:meeting_id>/registration")
@spec.validate(json=s.OpenRegistrationIn, resp=responses(HTTP_200=s.MeetingOut), tags=TAGS)
def set_registration(meeting_id: int):
    """Open or close online registration."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    registrations.set_registration_open(meeting, request.context.json.open, current_staff())
    return out.meeting(meeting)


def registration_input(body: s.RegistrationIn) -> RegistrationInput:
    data = body.model_dump()
    data["recommenders"] = [RecommenderInput(**r) for r in data["recommenders"]]
    return RegistrationInput(**data)


@bp.post("/meetings/<int:meeting_id>/registrations")
@spec.validate(json=s.RegistrationIn, resp=responses(HTTP_201=s.RegistrationOut), tags=TAGS)
def enter_registration(meeting_id: int):
    """Enter a paper 报名登记表 (staff); the eligibility rules refuse it whole or store it."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    registration = registrations.submit_registration(
        meeting, registration_input(request.context.json), channel="paper", actor=current_staff()
    )
    return out.registration(registration), 201


@bp.get("/meetings/<int:meeting_id>/registrations")
@spec.validate(resp=responses(HTTP_200=s.RegistrationList), tags=TAGS)
def list_registrations(meeting_id: int):
    """The review queue: every registration, with the automatic findings of the pending ones."""
    meeting = meeting_for(meeting_id)
    return s.RegistrationList(registrations=[out.registration(r) for r in registrations.list_registrations(meeting)])


@bp.post("/meetings/<int:meeting_id>/registrations/<int:registration_id>/approve")
@spec.validate(json=s.ApproveIn, resp=responses(HTTP_200=s.RegistrationOut), tags=TAGS)
def approve(meeting_id: int, registration_id: int):
    """Approve, confirming the manual checks (identity, residence, consent, and signatures for 推荐)."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    registration = registrations.registration_of(meeting, registration_id)
    registrations.approve_registration(registration, list(request.context.json.checks), current_staff())
    return out.registration(registration)


@bp.post("/meetings/<int:meeting_id>/registrations/<int:registration_id>/reject")
@spec.validate(json=s.ReasonIn, resp=responses(HTTP_200=s.RegistrationOut), tags=TAGS)
def reject(meeting_id: int, registration_id: int):
    """Reject with a reason the registrant can read."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    registration = registrations.registration_of(meeting, registration_id)
    registrations.reject_registration(registration, request.context.json.reason, current_staff())
    return out.registration(registration)


@bp.post("/meetings/<int:meeting_id>/candidates/publish")
@spec.validate(resp=responses(HTTP_200=s.CandidateList), tags=TAGS)
def publish_candidates(meeting_id: int):
    """Publish the candidate list (公示) in ballot order; the publicity period starts."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    registrations.publish_candidates(meeting, current_staff())
    return candidate_list(meeting)


@bp.post("/meetings/<int:meeting_id>/candidates/withdraw")
@spec.validate(json=s.ReasonIn, resp=responses(HTTP_200=s.MeetingOut), tags=TAGS)
def withdraw_candidates(meeting_id: int):
    """Withdraw the published list before ballots are issued; publishing again restarts the period."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    registrations.withdraw_publication(meeting, request.context.json.reason, current_staff())
    return out.meeting(meeting)


def candidate_list(meeting) -> s.CandidateList:
    """Return the published candidates in ballot order (empty before 公示)."""
    contest = agenda.committee_contest(meeting)
    day = meetings.meeting_date(meeting)
    rows = []
    if contest is not None and meeting.candidates_published_at is not None:
        for option in contest.options:
            r = option.registration
            home = r.household
            rows.append(
                s.CandidateOut(
                    position=option.position,
                    key=option.key,
                    registration_id=r.id,
                    name=r.name,
                    gender=r.gender,
                    age=age_on(r.birth_date, day),
                    address=format_address(home.building, home.unit, ""),
                    kind=r.kind,
                    statement=r.statement,
                )
            )
    return s.CandidateList(
        published_at=out.iso(meeting.candidates_published_at),
        publicity_ends=out.iso(meetings.publicity_ends(meeting)),
        candidates=rows,
    )
