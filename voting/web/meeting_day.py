"""Meeting day for staff: check-in, proxies, the board, running the votes, counts and sign-off."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import Contest, OfficialRole, Role
from ..numbers import whole
from ..services import agenda, attendance, ballots, checkin, contests, meetings, results
from ..services.errors import DomainError, InvalidInput

bp = Blueprint("meeting_day", __name__, url_prefix="/admin/m/<int:meeting_id>")


@bp.before_request
@login_required
def _require_login():
    """Every staff page needs a login."""


def _meeting(meeting_id: int, need: Role | None = None):
    return meetings.meeting_for(current_user, meeting_id, need)


# --- check-in -----------------------------------------------------------------------------------


@bp.route("/checkin", methods=["GET", "POST"])
def check_in(meeting_id: int):
    """Scan a ballot QR (USB scanner or camera), type a short code, or search an address; check in."""
    meeting = _meeting(meeting_id, Role.STAFF)
    message, error, found = None, None, []
    status = 200
    if request.method == "POST":
        try:
            if entry_id := whole(request.form.get("entry", ""), low=1):
                entry = ballots.roll_entry_of(meeting, entry_id)
            else:
                entry = ballots.entry_for_scan(meeting, request.form.get("code", ""))
            checkin.check_in(meeting, entry, current_user)
            message = f"{entry.address} 签到成功。"
        except DomainError as e:
            error, status = e, e.status
    elif query := request.args.get("q", "").strip():
        found = ballots.find_entries(meeting, query)
        if not found:
            error = InvalidInput(f"没有找到“{query}”。可输入 3-2-301 或 3号楼2单元301。")
    return render_template(
        "meeting_day/checkin.html",
        meeting=meeting,
        board=attendance.board(meeting),
        message=message,
        error=error,
        found=[(e, checkin.checked_in(e)) for e in found],
        query=request.args.get("q", ""),
    ), status


@bp.post("/checkin/<int:entry_id>/undo")
def undo_check_in(meeting_id: int, entry_id: int):
    """Undo a check-in, with a reason for the log."""
    meeting = _meeting(meeting_id, Role.STAFF)
    entry = ballots.roll_entry_of(meeting, entry_id)
    checkin.undo_check_in(meeting, entry, request.form.get("reason", ""), current_user)
    flash(f"已撤销 {entry.address} 的签到。", "success")
    return redirect(url_for("meeting_day.check_in", meeting_id=meeting.id, q=request.form.get("q", "")))


# --- proxies -------------------------------------------------------------------------------------


def _one_entry(meeting, text: str, who: str):
    found = ballots.find_entries(meeting, text)
    if len(found) != 1:
        raise InvalidInput(
            f"{who}：{'没有找到' if not found else '找到多户，请输入完整地址'}“{text}”（可扫码、输入短码或 3-2-301）。"
        )
    return found[0]


@bp.route("/proxies", methods=["GET", "POST"])
def proxies(meeting_id: int):
    """Record 委托投票 with the written authorisation (and optionally its photo)."""
    meeting = _meeting(meeting_id, Role.STAFF)
    error, status = None, 200
    if request.method == "POST":
        try:
            principal = _one_entry(meeting, request.form.get("principal", ""), "委托户")
            holder = _one_entry(meeting, request.form.get("holder", ""), "受托户")
            upload = request.files.get("photo")
            photo = upload.read() if upload and upload.filename else None
            checkin.record_proxy(meeting, principal, holder, request.form.get("letter", ""), current_user, photo)
            flash(f"已登记：{principal.address} 委托 {holder.address}。", "success")
            return redirect(url_for("meeting_day.proxies", meeting_id=meeting.id))
        except DomainError as e:
            error, status = e, e.status
    profile = meetings.profile_of(meeting)
    return render_template(
        "meeting_day/proxies.html",
        meeting=meeting,
        proxies=checkin.proxies(meeting),
        error=error,
        form=request.form,
        limit=profile.max_proxies_per_holder,
    ), status


@bp.post("/proxies/<int:principal_id>/revoke")
def revoke_proxy(meeting_id: int, principal_id: int):
    """Remove a proxy with a reason."""
    meeting = _meeting(meeting_id, Role.STAFF)
    principal = ballots.roll_entry_of(meeting, principal_id)
    checkin.revoke_proxy(meeting, principal, request.form.get("reason", ""), current_user)
    flash(f"已撤销 {principal.address} 的委托。", "success")
    return redirect(url_for("meeting_day.proxies", meeting_id=meeting.id))


# --- running the votes -----------------------------------------------------------------------------


@bp.get("/run")
def run(meeting_id: int):
    """Open and close each contest, see its result, create the proposed follow-up round."""
    meeting = _meeting(meeting_id)
    children = {c.parent_id for c in meeting.contests if c.parent_id}
    return render_template(
        "meeting_day/run.html",
        meeting=meeting,
        contests=agenda.in_round_order(meeting),
        board=attendance.board(meeting),
        has_follow_up=children,
        can_run=current_user.role is Role.ADMIN,
        officials=results.officials(meeting),
        missing={c.id: results.missing_signoffs(c) for c in meeting.contests if c.status.value == "closed"},
        final_at=results.final_at(meeting),
    )


@bp.post("/contests/<int:contest_id>/open")
def open_contest(meeting_id: int, contest_id: int):
    """Open a contest (refused without quorum unless overridden where the meeting allows it)."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    contest = agenda.contest_of(meeting, contest_id)
    contests.open_contest(contest, current_user, override=bool(request.form.get("override")))
    flash(f"“{contest.title}”开始投票。", "success")
    return redirect(url_for("meeting_day.run", meeting_id=meeting.id))


@bp.post("/contests/<int:contest_id>/close")
def close_contest(meeting_id: int, contest_id: int):
    """Close a contest; the core tallies it on the attendance at this moment."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    contest = agenda.contest_of(meeting, contest_id)
    contests.close_contest(contest, current_user)
    flash(f"“{contest.title}”投票结束，已计票。", "success")
    return redirect(url_for("meeting_day.run", meeting_id=meeting.id))


@bp.post("/contests/<int:contest_id>/follow-up")
def follow_up(meeting_id: int, contest_id: int):
    """Create the follow-up round the result proposes (另行选举, 平票重选, 决选)."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    created = contests.create_follow_up(agenda.contest_of(meeting, contest_id), current_user)
    flash(f"已生成“{created.title}”，原选票（二维码）可直接用于这一轮。", "success")
    return redirect(url_for("meeting_day.run", meeting_id=meeting.id))


@bp.route("/contests/<int:contest_id>/count", methods=["GET", "POST"])
def count(meeting_id: int, contest_id: int):
    """The reconciliation sheet of a contest and the officials' sign-off."""
    meeting = _meeting(meeting_id)
    contest: Contest = agenda.contest_of(meeting, contest_id)
    error, status = None, 200
    if request.method == "POST":
        try:
            results.sign_off(contest, current_user)
            flash("已签字确认。", "success")
            return redirect(url_for("meeting_day.count", meeting_id=meeting.id, contest_id=contest.id))
        except DomainError as e:
            error, status = e, e.status
    return render_template(
        "meeting_day/count.html",
        meeting=meeting,
        contest=contest,
        sheet=results.reconcile(contest),
        signoffs=results.signoffs(contest),
        missing=results.missing_signoffs(contest),
        is_official=any(o.staff_id == current_user.id for o in results.officials(meeting)),
        error=error,
    ), status


@bp.post("/officials")
def name_official(meeting_id: int):
    """Name a 监票人 or 计票人 (a staff account of this 小区)."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    role = request.form.get("role", "")
    if role not in {r.value for r in OfficialRole}:
        raise InvalidInput("请选择监票人或计票人。")
    results.name_official(meeting, request.form.get("username", ""), OfficialRole(role), current_user)
    flash("已指定。", "success")
    return redirect(url_for("meeting_day.run", meeting_id=meeting.id))


@bp.post("/results/publish")
def publish_results(meeting_id: int):
    """Publish the results at once (preliminary until the objection window ends)."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    results.publish_results(meeting, current_user)
    flash("结果已公布（询异期内为初步结果）。", "success")
    return redirect(url_for("public.results", meeting_id=meeting.id))


@bp.route("/committee", methods=["GET", "POST"])
def committee(meeting_id: int):
    """Record the committee members' roles (主任/副主任/委员) and contact numbers to publish."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    elected = results.elected_registrations(meeting)
    error, status = None, 200
    if request.method == "POST":
        roles = {r.id: (request.form.get(f"role-{r.id}", ""), request.form.get(f"phone-{r.id}", "")) for r in elected}
        try:
            results.set_committee_roles(meeting, roles, current_user)
            flash("管委会分工已保存并公示。", "success")
            return redirect(url_for("public.committee", meeting_id=meeting.id))
        except DomainError as e:
            error, status = e, e.status
    current = {m.registration_id: m for m in results.committee_members(meeting)}
    return render_template(
        "meeting_day/committee.html", meeting=meeting, elected=elected, current=current, error=error
    ), status
