"""Pages anyone can open without logging in: notice, registration, candidate list."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for

from ballots import tokens

from .. import keys
from ..core import age_on, result_from_dict
from ..services import agenda, attendance, ballots, meetings, ratelimit, registrations, results
from ..services import audit_record as audit_record_service
from ..services.errors import DomainError, NotFound, TooManyAttempts
from .common import client_id
from .forms import registration_form_page, registration_input

bp = Blueprint("public", __name__)

REGISTRATIONS_PER_HOUR = 30  # per client address: a notice-board QR, not a bulk API


@bp.get("/")
def index():
    """Show the landing page."""
    return render_template("public/index.html")


@bp.get("/healthz")
def healthz():
    """Answer a liveness probe without touching the database."""
    return {"status": "ok"}


@bp.get("/m/<int:meeting_id>")
def notice(meeting_id: int):
    """The meeting notice: time, venue, agenda, rules, fee calculation, how to register."""
    meeting = meetings.public_meeting(meeting_id)
    fee_calcs = {c.id: agenda.fee_calculation(c) for c in meeting.contests if c.purpose.value == "fee" and c.fee_inputs}
    return render_template(
        "public/notice.html",
        meeting=meeting,
        rules=meetings.describe_rules(meetings.profile_of(meeting)),
        committee=agenda.committee_contest(meeting),
        fee_calcs=fee_calcs,
        fee_units=agenda.FEE_UNITS,
        register_url=url_for("public.register", meeting_id=meeting.id, _external=True),
        fingerprint=keys.fingerprint(meeting.public_key) if meeting.public_key else "",
    )


@bp.route("/m/<int:meeting_id>/register", methods=["GET", "POST"])
def register(meeting_id: int):
    """The public 报名登记表 (自荐 or 推荐)."""
    meeting = meetings.public_meeting(meeting_id)
    form = request.form if request.method == "POST" else {"kind": request.args.get("kind", "self")}
    error = None
    if request.method == "POST":
        try:
            _limit_registrations()
            registration = registrations.submit_registration(
                meeting, registration_input(request.form), channel="online"
            )
            return redirect(
                url_for("public.registration_status", meeting_id=meeting.id, ref=registration.reference, new=1)
            )
        except DomainError as e:
            error = e
    return registration_form_page(meeting, form, error, staff=False), error.status if error else 200


def _limit_registrations() -> None:
    """Refuse a client that submits too many registrations in an hour."""
    if ratelimit.count_recent("registration", timedelta(hours=1), client=client_id()) >= current_app.config.get(
        "REGISTRATIONS_PER_HOUR", REGISTRATIONS_PER_HOUR
    ):
        raise TooManyAttempts("提交太频繁，请稍后再试，或到社区居委会现场报名。")
    _record_attempt()


def _record_attempt() -> None:
    from ..extensions import db

    ratelimit.record("registration", client_id())
    db.session.commit()


@bp.get("/m/<int:meeting_id>/registration")
def registration_status(meeting_id: int):
    """Let a registrant see the status of a registration by its reference number."""
    meeting = meetings.public_meeting(meeting_id)
    reference = request.args.get("ref", "").strip()
    registration, error = None, None
    if reference:
        try:
            registration = registrations.registration_by_reference(meeting, reference)
        except DomainError as e:
            error = e
    return render_template(
        "registration/status.html",
        meeting=meeting,
        reference=reference,
        r=registration,
        error=error,
        new=request.args.get("new"),
    ), (error.status if error else 200)


@bp.get("/m/<int:meeting_id>/candidates")
def candidates(meeting_id: int):
    """The published candidate list (公示), printable as an A4 notice."""
    meeting = meetings.public_meeting(meeting_id)
    contest = agenda.committee_contest(meeting)
    day = meetings.meeting_date(meeting)
    rows = []
    if contest is not None and meeting.candidates_published_at is not None:
        rows = [(o.registration, age_on(o.registration.birth_date, day)) for o in contest.options]
    return render_template(
        "public/candidates.html", meeting=meeting, contest=contest, rows=rows, ends=meetings.publicity_ends(meeting)
    )


@bp.get("/m/<int:meeting_id>/board")
def board(meeting_id: int):
    """The public quorum board for a projector: numbers only, no names; refreshes by itself."""
    meeting = meetings.public_meeting(meeting_id)
    return render_template("public/board.html", meeting=meeting, board=attendance.board(meeting))


@bp.get("/m/<int:meeting_id>/board.json")
def board_json(meeting_id: int):
    """The board's numbers for its polling script."""
    response = jsonify(attendance.board(meetings.public_meeting(meeting_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


def _result_view(meeting):
    """Pair each closed contest with its result and labels; follow-up rounds after their round."""
    rows = []
    for contest in agenda.in_round_order(meeting):
        if contest.status.value != "closed" or not contest.result:
            continue
        rows.append(
            (contest, result_from_dict(contest.result), ballots.option_labels(contest), results.signoffs(contest))
        )
    return rows


@bp.get("/m/<int:meeting_id>/results", endpoint="results")
def results_page(meeting_id: int):
    """The public results: every verdict, the counts with bars, the explanation, the sign-offs."""
    meeting = meetings.public_meeting(meeting_id)
    return render_template(
        "public/results.html",
        meeting=meeting,
        rows=_result_view(meeting) if meeting.results_published_at else [],
        final=results.is_final(meeting),
        final_at=results.final_at(meeting),
        fingerprint=keys.fingerprint(meeting.public_key) if meeting.public_key else "",
    )


@bp.get("/m/<int:meeting_id>/results/notice")
def results_notice(meeting_id: int):
    """The printable A4 公告 of the results (house numbers only)."""
    meeting = meetings.public_meeting(meeting_id)
    if not meeting.results_published_at:
        raise NotFound("结果尚未公布。")
    return render_template(
        "public/results_notice.html",
        meeting=meeting,
        rows=_result_view(meeting),
        final=results.is_final(meeting),
        final_at=results.final_at(meeting),
        fingerprint=keys.fingerprint(meeting.public_key),
    )


@bp.get("/m/<int:meeting_id>/committee")
def committee(meeting_id: int):
    """The elected committee: names, roles and contact numbers, as the charter asks."""
    meeting = meetings.public_meeting(meeting_id)
    return render_template("public/committee.html", meeting=meeting, members=results.committee_members(meeting))


@bp.get("/m/<int:meeting_id>/audit.json")
def audit_record(meeting_id: int):
    """Download the signed audit record (after the results are published)."""
    meeting = meetings.public_meeting(meeting_id)
    if meeting.results_published_at is None:
        raise NotFound("结果公布后才能下载计票记录。")
    return Response(
        audit_record_service.record_bytes(meeting),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=meeting-{meeting.id}-audit.json"},
    )


@bp.get("/m/<int:meeting_id>/receipt")
def receipt_lookup(meeting_id: int):
    """Let a voter check a receipt: 您的选票已计入 / 未找到 (the marks only after publication)."""
    meeting = meetings.public_meeting(meeting_id)
    code = request.args.get("code", "").strip()
    found = None
    if code:
        found = ballots.find_receipt(meeting, code)
    return render_template(
        "public/receipt.html",
        meeting=meeting,
        code=code,
        found=found,
        published=meeting.results_published_at is not None,
    ), (404 if code and not found else 200)


@bp.get("/m/<int:meeting_id>/roll")
def roll_lookup(meeting_id: int):
    """Let a household see what the roll records for its address (present, proxy, voted by channel)."""
    meeting = meetings.public_meeting(meeting_id)
    query = request.args.get("q", "").strip()
    rows = (
        [ballots.roll_view(meeting, e) for e in ballots.find_entries(meeting, query)]
        if query and not tokens.token_from_scan(query)
        else []
    )
    return render_template("public/roll.html", meeting=meeting, query=query, rows=rows), (
        404 if query and not rows else 200
    )


@bp.get("/m/<int:meeting_id>/verify")
def how_to_verify(meeting_id: int):
    """Explain, in Chinese, how anyone can check the record offline, with the exact command."""
    meeting = meetings.public_meeting(meeting_id)
    return render_template(
        "public/verify.html",
        meeting=meeting,
        fingerprint=keys.fingerprint(meeting.public_key) if meeting.public_key else "",
    )
