"""Staff pages for meetings: setup, agenda, fee calculator, registration review, publication."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core import Declaration
from ..core.eligibility import DECLARATION_TEXT
from ..models import ContestPurpose, Role
from ..services import agenda, meetings, registrations
from ..services.candidate_order import CandidateOrder
from ..services.errors import DomainError
from ..timeutil import to_local
from .common import community_or_403
from .forms import contest_input, fee_inputs_from_form, meeting_input, registration_form_page, registration_input

bp = Blueprint("meetings", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _require_login():
    """Every staff page needs a login."""


def _meeting(meeting_id: int, need: Role | None = None):
    return meetings.meeting_for(current_user, meeting_id, need)


def _back(meeting_id: int, anchor: str = ""):
    return redirect(url_for("meetings.dashboard", meeting_id=meeting_id) + anchor)


@bp.get("/c/<int:community_id>/")
def community_home(community_id: int):
    """Show a 小区's meetings and the way to its register."""
    community = community_or_403(community_id)
    return render_template("meetings/community.html", community=community, meetings=meetings.list_meetings(community))


@bp.route("/c/<int:community_id>/meetings/new", methods=["GET", "POST"])
def create(community_id: int):
    """Create a meeting."""
    community = community_or_403(community_id, need=Role.ADMIN)
    form = (
        request.form
        if request.method == "POST"
        else {
            "profile": "charter",
            "objection_days": "3",
            "publicity_days": "5",
            "time": "09:00",
            "public_base_url": request.host_url.rstrip("/"),
        }
    )
    if request.method == "POST":
        try:
            meeting = meetings.create_meeting(community, meeting_input(request.form), current_user)
        except DomainError as error:
            return _meeting_form(community, form, error=error), error.status
        flash("会议已创建。请添加表决事项。", "success")
        return _back(meeting.id)
    return _meeting_form(community, form)


@bp.route("/m/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id: int):
    """Change a meeting's details and rules."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    if request.method == "POST":
        try:
            meetings.update_meeting(meeting, meeting_input(request.form), current_user)
        except DomainError as error:
            return _meeting_form(meeting.community, request.form, meeting=meeting, error=error), error.status
        flash("已保存。", "success")
        return _back(meeting.id)
    return _meeting_form(meeting.community, meeting_form_values(meeting), meeting=meeting)


def meeting_form_values(meeting) -> dict:
    """Return the meeting's current values as the form shows them."""
    local = to_local(meeting.starts_at)
    rules = meetings.profile_of(meeting)
    from ..core.rules import NAMED_THRESHOLDS

    by_value = {v: k for k, v in NAMED_THRESHOLDS.items()}
    return {
        "title": meeting.title,
        "date": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M"),
        "venue": meeting.venue,
        "profile": rules.name,
        "public_base_url": meeting.public_base_url,
        "objection_days": meeting.objection_days,
        "publicity_days": meeting.publicity_days,
        "allow_quorum_override": meeting.allow_quorum_override,
        "double_entry": meeting.double_entry,
        "quorum_threshold": by_value.get(rules.quorum_threshold, ""),
        "passing_threshold": by_value.get(rules.passing_threshold, ""),
        "election_threshold": by_value.get(rules.election_threshold, ""),
        "passing_base": rules.passing_base.value,
        "election_base": rules.election_base.value,
        "participation_counts_as_presence": rules.participation_counts_as_presence,
        "max_proxies_per_holder": rules.max_proxies_per_holder,
        "min_recommenders": rules.min_recommenders,
        "min_candidate_age": rules.min_candidate_age,
    }


def _meeting_form(community, form, meeting=None, error=None):
    return render_template(
        "meetings/form.html",
        community=community,
        meeting=meeting,
        form=form,
        profiles=meetings.PROFILE_LABELS,
        bases=meetings.BASE_LABELS,
        error=error,
    )


@bp.get("/m/<int:meeting_id>")
def dashboard(meeting_id: int):
    """Show a meeting: rules in plain Chinese, the agenda, registration and publication."""
    meeting = _meeting(meeting_id)
    regs = registrations.list_registrations(meeting)
    counts = {status: sum(r.status is status for r in regs) for status in registrations.RegistrationStatus}
    return render_template(
        "meetings/dashboard.html",
        meeting=meeting,
        rules=meetings.describe_rules(meetings.profile_of(meeting)),
        profile_label=meetings.PROFILE_LABELS.get(meeting.rules["name"], meeting.rules["name"]),
        committee=agenda.committee_contest(meeting),
        counts=counts,
        publicity_ends=meetings.publicity_ends(meeting),
        purposes=agenda.PURPOSE_LABELS,
        fee_units=agenda.FEE_UNITS,
        can_edit=current_user.role is Role.ADMIN,
    )


@bp.route("/m/<int:meeting_id>/contests/new", methods=["GET", "POST"])
def add_contest(meeting_id: int):
    """Add a contest: committee election, service mode, fee level or motion."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    purpose = request.values.get("purpose", "motion")
    if request.method == "POST":
        try:
            contest = agenda.add_contest(meeting, contest_input(request.form), current_user)
        except DomainError as error:
            return _contest_form(meeting, purpose, request.form, error=error), error.status
        flash(f"已添加：{contest.title}", "success")
        return _back(meeting.id, "#agenda")
    return _contest_form(meeting, purpose, default_contest_form(purpose))


def default_contest_form(purpose: str) -> dict:
    """Pre-fill a new contest form (the service modes come from DESIGN §4.5)."""
    form: dict = {
        "purpose": purpose,
        "seats": "9",
        "contested": "1",
        "candidate_order": "strokes",
        "method": "median",
        "unit": "per_household",
    }
    if purpose == ContestPurpose.SERVICE_MODE.value:
        for i, (label, description) in enumerate(agenda.DEFAULT_SERVICE_MODES):
            form[f"option-{i}-label"], form[f"option-{i}-description"] = label, description
    return form


@bp.route("/m/<int:meeting_id>/contests/<int:contest_id>", methods=["GET", "POST"])
def edit_contest(meeting_id: int, contest_id: int):
    """Change a contest."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    contest = agenda.contest_of(meeting, contest_id)
    if request.method == "POST":
        try:
            agenda.update_contest(contest, contest_input(request.form), current_user)
        except DomainError as error:
            return _contest_form(
                meeting, contest.purpose.value, request.form, contest=contest, error=error
            ), error.status
        flash("已保存。", "success")
        return _back(meeting.id, "#agenda")
    form = {
        "purpose": contest.purpose.value,
        "title": contest.title,
        "description": contest.description,
        **{k: v for k, v in contest.settings.items()},
    }
    form["contested"] = "1" if contest.settings.get("contested") else ""
    for i, option in enumerate(contest.options):
        form[f"option-{i}-label"], form[f"option-{i}-description"] = option.label, option.description
        form[f"amount-{i}"] = option.amount if option.amount is not None else ""
    return _contest_form(meeting, contest.purpose.value, form, contest=contest)


def _contest_form(meeting, purpose, form, contest=None, error=None):
    return render_template(
        "meetings/contest_form.html",
        meeting=meeting,
        purpose=purpose,
        form=form,
        contest=contest,
        purposes=agenda.PURPOSE_LABELS,
        orders=CandidateOrder,
        bases=meetings.BASE_LABELS,
        fee_units=agenda.FEE_UNITS,
        error=error,
    )


@bp.post("/m/<int:meeting_id>/contests/<int:contest_id>/delete")
def delete_contest(meeting_id: int, contest_id: int):
    """Remove a contest from the agenda."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    agenda.delete_contest(agenda.contest_of(meeting, contest_id), current_user)
    flash("已删除。", "success")
    return _back(meeting.id, "#agenda")


@bp.post("/m/<int:meeting_id>/contests/<int:contest_id>/move")
def move_contest(meeting_id: int, contest_id: int):
    """Move a contest up or down the agenda."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    agenda.move_contest(
        agenda.contest_of(meeting, contest_id), -1 if request.form.get("direction") == "up" else 1, current_user
    )
    return _back(meeting.id, "#agenda")


@bp.route("/m/<int:meeting_id>/contests/<int:contest_id>/fees", methods=["GET", "POST"])
def fees(meeting_id: int, contest_id: int):
    """The fee calculator (测算费用): inputs, break-even and the balance of every fee level."""
    meeting = _meeting(meeting_id)
    contest = agenda.contest_of(meeting, contest_id)
    if contest.purpose is not ContestPurpose.FEE:
        raise DomainError("只有收费标准事项有费用测算。")
    inputs = contest.fee_inputs or agenda.empty_fee_inputs()
    error = None
    if request.method == "POST":
        meetings.staff.require_role(current_user, Role.ADMIN)
        inputs = fee_inputs_from_form(request.form)
        try:
            agenda.save_fee_inputs(contest, inputs, current_user)
            flash("测算数据已保存，将印在选票说明上。", "success")
            return redirect(url_for("meetings.fees", meeting_id=meeting.id, contest_id=contest.id))
        except DomainError as e:
            error = e
    calculation = None if error else agenda.fee_calculation(contest, inputs)
    return render_template(
        "meetings/fees.html",
        meeting=meeting,
        contest=contest,
        inputs=inputs,
        calc=calculation,
        error=error,
        fee_units=agenda.FEE_UNITS,
    ), (error.status if error else 200)


@bp.post("/m/<int:meeting_id>/registration")
def toggle_registration(meeting_id: int):
    """Open or close online registration."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    open_ = request.form.get("open") == "1"
    registrations.set_registration_open(meeting, open_, current_user)
    flash("网上报名已开放。" if open_ else "网上报名已关闭。", "success")
    return _back(meeting.id, "#registration")


@bp.get("/m/<int:meeting_id>/registrations")
def review_queue(meeting_id: int):
    """List registrations with the automatic findings, pending first."""
    meeting = _meeting(meeting_id)
    rows = [
        (r, registrations.current_findings(r) if r.status is registrations.RegistrationStatus.PENDING else ())
        for r in registrations.list_registrations(meeting)
    ]
    rows.sort(key=lambda row: row[0].status is not registrations.RegistrationStatus.PENDING)
    return render_template(
        "meetings/registrations.html", meeting=meeting, rows=rows, can_edit=current_user.role is Role.ADMIN
    )


@bp.route("/m/<int:meeting_id>/registrations/new", methods=["GET", "POST"])
def paper_registration(meeting_id: int):
    """Enter a paper 报名登记表."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    if request.method == "POST":
        try:
            registration = registrations.submit_registration(
                meeting, registration_input(request.form), channel="paper", actor=current_user
            )
        except DomainError as error:
            return registration_form_page(meeting, request.form, error, staff=True), error.status
        flash(f"已录入 {registration.name} 的报名，编号 {registration.reference}（请告知报名人）。", "success")
        return redirect(url_for("meetings.review_queue", meeting_id=meeting.id))
    return registration_form_page(meeting, {"kind": request.args.get("kind", "self")}, None, staff=True)


@bp.get("/m/<int:meeting_id>/registrations/<int:registration_id>")
def review(meeting_id: int, registration_id: int, error=None):
    """Show one registration with its findings and the decision form."""
    meeting = _meeting(meeting_id)
    registration = registrations.registration_of(meeting, registration_id)
    return render_template(
        "meetings/review.html",
        meeting=meeting,
        r=registration,
        findings=registrations.current_findings(registration),
        checks=registrations.MANUAL_CHECKS,
        required=registrations.required_checks(registration),
        declarations=DECLARATION_TEXT,
        Declaration=Declaration,
        error=error,
        can_edit=current_user.role is Role.ADMIN and meeting.candidates_published_at is None,
    )


@bp.post("/m/<int:meeting_id>/registrations/<int:registration_id>/decide")
def decide(meeting_id: int, registration_id: int):
    """Approve or reject a registration."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    registration = registrations.registration_of(meeting, registration_id)
    try:
        if request.form.get("decision") == "approve":
            registrations.approve_registration(registration, request.form.getlist("checks"), current_user)
            flash(f"{registration.name}：已通过审核。", "success")
        else:
            registrations.reject_registration(registration, request.form.get("reason", ""), current_user)
            flash(f"{registration.name}：未通过，理由已记录，报名人可查看。", "success")
    except DomainError as error:
        return review(meeting_id, registration_id, error=error), error.status
    return redirect(url_for("meetings.review_queue", meeting_id=meeting.id))


@bp.post("/m/<int:meeting_id>/publish")
def publish(meeting_id: int):
    """Publish the candidate list (公示)."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    registrations.publish_candidates(meeting, current_user)
    flash("候选人名单已公示。", "success")
    return _back(meeting.id, "#registration")


@bp.post("/m/<int:meeting_id>/withdraw")
def withdraw(meeting_id: int):
    """Withdraw the published candidate list."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    registrations.withdraw_publication(meeting, request.form.get("reason", ""), current_user)
    flash("已撤回候选人公示。", "success")
    return _back(meeting.id, "#registration")
