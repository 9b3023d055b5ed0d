"""API: check-in, proxies, attendance, running the votes, paper ballots, sign-off, publication."""

from __future__ import annotations

from flask import request

from ...models import Channel, OfficialRole, Role
from ...services import agenda, attendance, ballots, casting, checkin, contests, results
from ...services.errors import InvalidInput
from . import bp, current_staff, meeting_for, out, responses, spec
from . import schemas as s

TAGS = ["meeting day"]


def entry_of(meeting, ref: s.HouseholdRef):
    """Find the household a request names by its ballot (scan or short code) or roll entry id."""
    if (ref.code is None) == (ref.entry_id is None):
        raise InvalidInput("请给出 code（扫码内容或短码）或 entry_id 之一。")
    if ref.entry_id is not None:
        return ballots.roll_entry_of(meeting, ref.entry_id)
    return ballots.entry_for_scan(meeting, ref.code)


@bp.post("/meetings/<int:meeting_id>/checkins")
@spec.validate(json=s.HouseholdRef, resp=responses(HTTP_201=s.CheckInOut), tags=TAGS)
def check_in(meeting_id: int):
    """Check a household in at the door; a second check-in is a 409 already_present."""
    meeting = meeting_for(meeting_id, Role.STAFF)
    entry = entry_of(meeting, request.context.json)
    row = checkin.check_in(meeting, entry, current_staff())
    return s.CheckInOut(entry_id=entry.id, address=entry.address, at=out.iso(row.at)), 201


@bp.post("/meetings/<int:meeting_id>/checkins/undo")
@spec.validate(json=s.UndoIn, resp=responses(HTTP_200=s.AttendanceOut), tags=TAGS)
def undo_check_in(meeting_id: int):
    """Undo a check-in, with the reason for the log."""
    meeting = meeting_for(meeting_id, Role.STAFF)
    body = request.context.json
    checkin.undo_check_in(meeting, ballots.roll_entry_of(meeting, body.entry_id), body.reason, current_staff())
    return s.AttendanceOut(**attendance.board(meeting))


@bp.get("/meetings/<int:meeting_id>/attendance")
@spec.validate(resp=responses(HTTP_200=s.AttendanceOut), tags=TAGS)
def get_attendance(meeting_id: int):
    """The quorum board's numbers, exactly as the counting core computes the quorum."""
    return s.AttendanceOut(**attendance.board(meeting_for(meeting_id)))


def _proxy_out(proxy) -> s.ProxyOut:
    return s.ProxyOut(
        principal_id=proxy.principal_id,
        principal=proxy.principal.address,
        holder=proxy.holder.address,
        letter=proxy.letter,
        at=out.iso(proxy.at),
    )


@bp.get("/meetings/<int:meeting_id>/proxies")
@spec.validate(resp=responses(HTTP_200=s.ProxyList), tags=TAGS)
def list_proxies(meeting_id: int):
    """The recorded proxies (委托投票)."""
    return s.ProxyList(proxies=[_proxy_out(p) for p in checkin.proxies(meeting_for(meeting_id))])


def _one(meeting, text: str, who: str):
    found = ballots.find_entries(meeting, text)
    if len(found) != 1:
        raise InvalidInput(f"{who}：{'没有找到' if not found else '找到多户，请给出完整地址'}“{text}”。")
    return found[0]


@bp.post("/meetings/<int:meeting_id>/proxies")
@spec.validate(json=s.ProxyIn, resp=responses(HTTP_201=s.ProxyOut), tags=TAGS)
def record_proxy(meeting_id: int):
    """Record a written authorisation: the principal household is represented by the holder."""
    meeting = meeting_for(meeting_id, Role.STAFF)
    body = request.context.json
    proxy = checkin.record_proxy(
        meeting,
        _one(meeting, body.principal, "委托户"),
        _one(meeting, body.holder, "受托户"),
        body.letter,
        current_staff(),
    )
    return _proxy_out(proxy), 201


@bp.post("/meetings/<int:meeting_id>/proxies/<int:principal_id>/revoke")
@spec.validate(json=s.ReasonIn, resp=responses(HTTP_200=s.ProxyList), tags=TAGS)
def revoke_proxy(meeting_id: int, principal_id: int):
    """Remove a proxy with a reason."""
    meeting = meeting_for(meeting_id, Role.STAFF)
    checkin.revoke_proxy(
        meeting, ballots.roll_entry_of(meeting, principal_id), request.context.json.reason, current_staff()
    )
    return s.ProxyList(proxies=[_proxy_out(p) for p in checkin.proxies(meeting)])


@bp.post("/meetings/<int:meeting_id>/contests/<int:contest_id>/open")
@spec.validate(json=s.OpenIn, resp=responses(HTTP_200=s.ContestOut), tags=TAGS)
def open_contest(meeting_id: int, contest_id: int):
    """Open a contest; refused (409 quorum_not_met) without quorum unless overridden where allowed."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    contest = contests.open_contest(
        agenda.contest_of(meeting, contest_id), current_staff(), override=request.context.json.override
    )
    return out.contest(contest)


@bp.post("/meetings/<int:meeting_id>/contests/<int:contest_id>/close")
@spec.validate(resp=responses(HTTP_200=s.ResultOut), tags=TAGS)
def close_contest(meeting_id: int, contest_id: int):
    """Close a contest: the core tallies it on the presence at this moment and explains the result."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    contest = agenda.contest_of(meeting, contest_id)
    contests.close_contest(contest, current_staff())
    return s.ResultOut(contest=out.contest(contest), result=contest.result)


@bp.post("/meetings/<int:meeting_id>/contests/<int:contest_id>/follow-up")
@spec.validate(resp=responses(HTTP_201=s.ContestOut), tags=TAGS)
def follow_up(meeting_id: int, contest_id: int):
    """Create the round the result proposes (另行选举, 平票重选, 决选) with exactly its candidates."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    return out.contest(contests.create_follow_up(agenda.contest_of(meeting, contest_id), current_staff())), 201


def _reconciliation(contest) -> s.ReconciliationOut:
    sheet = results.reconcile(contest)
    signed = [{"role": x.role.value, "name": x.name, "at": out.iso(x.at)} for x in results.signoffs(contest)]
    return s.ReconciliationOut(
        issued=sheet.issued,
        received=sheet.received,
        cast=sheet.cast,
        valid=sheet.valid,
        blank=sheet.blank,
        invalid=sheet.invalid,
        present=sheet.present,
        void=sheet.void,
        consistent=sheet.consistent,
        signoffs=signed,
        missing_signoffs=results.missing_signoffs(contest),
    )


@bp.get("/meetings/<int:meeting_id>/contests/<int:contest_id>/reconciliation")
@spec.validate(resp=responses(HTTP_200=s.ReconciliationOut), tags=TAGS)
def reconciliation(meeting_id: int, contest_id: int):
    """The reconciliation sheet: issued, received by channel, valid, blank, invalid, sign-offs."""
    return _reconciliation(agenda.contest_of(meeting_for(meeting_id), contest_id))


@bp.post("/meetings/<int:meeting_id>/contests/<int:contest_id>/sign-off")
@spec.validate(resp=responses(HTTP_200=s.ReconciliationOut), tags=TAGS)
def sign_off(meeting_id: int, contest_id: int):
    """Sign a closed contest's count as a named 监票人 or 计票人 (once per person)."""
    contest = agenda.contest_of(meeting_for(meeting_id), contest_id)
    results.sign_off(contest, current_staff())
    return _reconciliation(contest)


@bp.post("/meetings/<int:meeting_id>/officials")
@spec.validate(json=s.OfficialIn, resp=responses(HTTP_201=s.OfficialIn), tags=TAGS)
def name_official(meeting_id: int):
    """Name a staff account of this 小区 as 监票人 (scrutineer) or 计票人 (teller)."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    body = request.context.json
    results.name_official(meeting, body.username, OfficialRole(body.role), current_staff())
    return body, 201


@bp.post("/meetings/<int:meeting_id>/paper-ballots")
@spec.validate(json=s.PaperIn, resp=responses(HTTP_200=s.PaperOut), tags=TAGS)
def paper_ballot(meeting_id: int):
    """Enter a paper (or mobile-box) ballot's marks exactly as on the paper; double entry if set."""
    meeting = meeting_for(meeting_id, Role.STAFF)
    body = request.context.json
    entry = entry_of(meeting, body)
    selections = {int(k): list(v) for k, v in body.selections.items()}
    entered = casting.enter_paper(entry, selections, Channel(body.channel), current_staff())
    return s.PaperOut(
        results=[
            s.PaperResultOut(
                contest_id=r.contest_id,
                title=r.contest_title,
                outcome=r.outcome.value,
                receipt=r.receipt.receipt if r.receipt else None,
                status=r.receipt.status.value if r.receipt else None,
            )
            for r in entered
        ]
    )


@bp.post("/meetings/<int:meeting_id>/results/publish")
@spec.validate(resp=responses(HTTP_200=s.PublishOut), tags=TAGS)
def publish_results(meeting_id: int):
    """Publish at once (当场公布); the results become final after the objection window."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    results.publish_results(meeting, current_staff())
    return s.PublishOut(
        results_published_at=out.iso(meeting.results_published_at), final_at=out.iso(results.final_at(meeting))
    )


@bp.put("/meetings/<int:meeting_id>/committee")
@spec.validate(json=s.CommitteeIn, resp=responses(HTTP_200=s.CommitteeOut), tags=TAGS)
def set_committee(meeting_id: int):
    """Record the elected members' roles (主任/副主任/委员) and the phone numbers to publish."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    roles = {m.registration_id: (m.role, m.phone) for m in request.context.json.members}
    results.set_committee_roles(meeting, roles, current_staff())
    return committee_out(meeting)


def committee_out(meeting) -> s.CommitteeOut:
    return s.CommitteeOut(
        members=[
            s.MemberOut(
                registration_id=m.registration_id,
                name=m.registration.name,
                role=m.role.value,
                role_label=m.role.label,
                phone=m.phone,
            )
            for m in results.committee_members(meeting)
        ]
    )
