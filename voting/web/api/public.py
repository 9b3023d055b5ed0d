"""API without a staff key: the ballot by its token, casting, results, the record, receipts, 报名."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app, g, request

from ...extensions import db
from ...models import Channel, ContestKind, ContestStatus
from ...services import agenda, audit_record, ballots, casting, meetings, ratelimit, registrations, results, staff
from ...services.errors import NotFound, TooManyAttempts
from ..common import ballot_entry, ballot_token, client_id
from ..public import REGISTRATIONS_PER_HOUR
from . import bp, out, responses, spec
from . import schemas as s
from .meeting_day import committee_out
from .meetings_api import candidate_list, registration_input

TAGS = ["public"]


def _ballot(entry) -> s.BallotOut:
    meeting = meetings.public_meeting(entry.meeting_id)
    voted = casting.voted_marks(entry)
    contests = []
    for contest in meeting.contests:
        mark = voted.get(contest.id)
        state = "voted" if mark else contest.status.value
        most = contest.settings.get("seats", 1) if contest.kind is ContestKind.COMMITTEE else 1
        options = [
            s.OptionOut(key=k, label=v, description="", amount=None) for k, v in ballots.option_labels(contest).items()
        ]
        contests.append(
            s.BallotContestOut(
                id=contest.id,
                title=contest.title,
                kind=contest.kind.value,
                rule=ballots.contest_rule(contest),
                state=state,
                voted_channel=mark.channel.value if mark else None,
                voted_at=out.iso(mark.at) if mark else None,
                max_marks=most,
                options=options,
            )
        )
    return s.BallotOut(
        meeting_id=meeting.id,
        meeting=meeting.title,
        community=meeting.community.name,
        address=entry.address,
        contests=contests,
    )


@bp.get("/ballots/<token>")
@spec.validate(resp=responses(anonymous=True, HTTP_200=s.BallotOut, HTTP_410=s.Error), tags=TAGS, security={})
def ballot(token: str):
    """What a ballot shows: the household's address and every contest with its state (never choices)."""
    return _ballot(ballot_entry(token))


@bp.post("/ballots/<token>/cast")
@spec.validate(
    json=s.CastIn, resp=responses(anonymous=True, HTTP_201=s.CastOut, HTTP_410=s.Error), tags=TAGS, security={}
)
def cast(token: str):
    """Cast the household's choices in one or more open contests, all or nothing (the phone page's use case).

    409 already_voted / contest_not_open; 422 over_vote (a phone ballot may not be spoilt).
    """
    ballot = ballot_token(token)
    selections = {int(k): list(v) for k, v in request.context.json.selections.items()}
    receipts = casting.cast_ballots(ballot, selections, Channel.PHONE, strict=True).receipts
    return s.CastOut(
        receipts=[
            s.ReceiptOut(contest_id=r.contest_id, title=r.contest_title, receipt=r.receipt, status=r.status.value)
            for r in receipts
        ]
    ), 201


def _published_or_staff(meeting_id: int):
    """Return a meeting whose results the caller may read: published, or a staff key of its 小区."""
    meeting = meetings.public_meeting(meeting_id)
    if meeting.results_published_at is None:
        user = g.get("api_user")
        if user is None or not staff.can_see(user, meeting.community):
            raise NotFound("结果尚未公布。")
    return meeting


@bp.get("/meetings/<int:meeting_id>/results")
@spec.validate(resp=responses(anonymous=True, HTTP_200=s.ResultsOut), tags=TAGS, security={})
def get_results(meeting_id: int):
    """Every closed contest's result (public once published; staff of the 小区 before)."""
    meeting = _published_or_staff(meeting_id)
    rows = []
    for contest in agenda.in_round_order(meeting):
        if contest.status is ContestStatus.CLOSED and contest.result:
            signed = [{"role": x.role.value, "name": x.name, "at": out.iso(x.at)} for x in results.signoffs(contest)]
            rows.append(
                s.ContestResultOut(
                    id=contest.id,
                    title=contest.title,
                    parent_id=contest.parent_id,
                    result=contest.result,
                    signoffs=signed,
                )
            )
    return s.ResultsOut(
        meeting_id=meeting.id,
        published_at=out.iso(meeting.results_published_at),
        final=results.is_final(meeting),
        final_at=out.iso(results.final_at(meeting)),
        contests=rows,
    )


@bp.get("/meetings/<int:meeting_id>/audit-record")
@spec.validate(resp=responses(anonymous=True, HTTP_200=s.AuditRecordOut), tags=TAGS, security={})
def get_audit_record(meeting_id: int):
    """The signed audit record (docs/audit-format.md), byte for byte the public download."""
    meeting = _published_or_staff(meeting_id)
    return Response(audit_record.record_bytes(meeting), mimetype="application/json")


@bp.get("/meetings/<int:meeting_id>/receipts/<receipt>")
@spec.validate(resp=responses(anonymous=True, HTTP_200=s.ReceiptLookupOut), tags=TAGS, security={})
def lookup_receipt(meeting_id: int, receipt: str):
    """Check that a ballot was counted (您的选票已计入); its choices only once results are published."""
    meeting = meetings.public_meeting(meeting_id)
    found = ballots.find_receipt(meeting, receipt[:20])
    if found is None:
        raise NotFound("未找到该回执码。")
    published = meeting.results_published_at is not None
    return s.ReceiptLookupOut(
        receipt=found["receipt"],
        contest=found["contest"],
        status=found["status"],
        marks=found["marks"] if published else None,
    )


@bp.get("/meetings/<int:meeting_id>/candidates")
@spec.validate(resp=responses(anonymous=True, HTTP_200=s.CandidateList), tags=TAGS, security={})
def get_candidates(meeting_id: int):
    """The published candidate list (公示), in ballot order."""
    return candidate_list(meetings.public_meeting(meeting_id))


@bp.get("/meetings/<int:meeting_id>/committee")
@spec.validate(resp=responses(anonymous=True, HTTP_200=s.CommitteeOut), tags=TAGS, security={})
def get_committee(meeting_id: int):
    """The elected committee with roles and contact numbers."""
    return committee_out(meetings.public_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/public-registrations")
@spec.validate(
    json=s.RegistrationIn, resp=responses(anonymous=True, HTTP_201=s.RegistrationStatusOut), tags=TAGS, security={}
)
def public_registration(meeting_id: int):
    """Register a candidate online (自荐 or 推荐) while registration is open; rate limited per client."""
    meeting = meetings.public_meeting(meeting_id)
    limit = current_app.config.get("REGISTRATIONS_PER_HOUR", REGISTRATIONS_PER_HOUR)
    if ratelimit.count_recent("registration", timedelta(hours=1), client=client_id()) >= limit:
        raise TooManyAttempts("提交太频繁，请稍后再试。")
    ratelimit.record("registration", client_id())
    db.session.commit()
    r = registrations.submit_registration(meeting, registration_input(request.context.json), channel="online")
    return s.RegistrationStatusOut(
        reference=r.reference, name=r.name, status=r.status.value, reject_reason=r.reject_reason
    ), 201


@bp.get("/meetings/<int:meeting_id>/registration-status")
@spec.validate(
    query=s.ReferenceQuery, resp=responses(anonymous=True, HTTP_200=s.RegistrationStatusOut), tags=TAGS, security={}
)
def registration_status(meeting_id: int):
    """A registrant's status by the reference number (and the reason, if not approved)."""
    meeting = meetings.public_meeting(meeting_id)
    r = registrations.registration_by_reference(meeting, request.context.query.reference)
    return s.RegistrationStatusOut(
        reference=r.reference, name=r.name, status=r.status.value, reject_reason=r.reject_reason
    )
