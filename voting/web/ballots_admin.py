"""Staff pages for ballots: issue, reissue, print (HTML and PDF), and the counting desk."""

from __future__ import annotations

import io

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import keys
from ..models import Channel, ContestKind, ContestStatus, Role
from ..numbers import ids, whole
from ..services import ballots, casting, meetings
from ..services.casting import PaperOutcome
from ..services.errors import DomainError, InvalidInput
from ..services.staff import require_role

bp = Blueprint("ballots_admin", __name__, url_prefix="/admin/m/<int:meeting_id>")


@bp.before_request
@login_required
def _require_login():
    """Every staff page needs a login."""


def _meeting(meeting_id: int, need: Role | None = None):
    return meetings.meeting_for(current_user, meeting_id, need)


@bp.get("/ballots")
def overview(meeting_id: int):
    """Show the roll: who has a ballot, the key fingerprint, print and reissue."""
    meeting = _meeting(meeting_id)
    query = request.args.get("q", "").strip()
    entries = ballots.roll(meeting)
    if query:
        entries = [e for e in entries if query in e.address]
    return render_template(
        "ballots/overview.html",
        meeting=meeting,
        entries=entries[:200],
        total=len(entries),
        query=query,
        fingerprint=keys.fingerprint(meeting.public_key) if meeting.public_key else "",
        can_issue=current_user.role is Role.ADMIN,
        can_reissue=current_user.role in (Role.ADMIN, Role.STAFF),
    )


@bp.post("/ballots/issue")
def issue(meeting_id: int):
    """Issue ballots to every household with a vote."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    count = ballots.issue_ballots(meeting, current_user)
    flash(f"已为 {count} 户发放选票，议程已冻结。请打印选票。" if count else "没有需要新发放选票的住户。", "success")
    return redirect(url_for("ballots_admin.overview", meeting_id=meeting.id))


@bp.post("/ballots/<int:entry_id>/reissue")
def reissue(meeting_id: int, entry_id: int):
    """Reissue a lost ballot: the old QR and short code stop working."""
    meeting = _meeting(meeting_id, Role.STAFF)
    entry = ballots.roll_entry_of(meeting, entry_id)
    ballots.reissue_ballot(meeting, entry, request.form.get("reason", ""), current_user)
    flash(f"已为 {entry.address} 补发选票，旧选票作废。请打印新选票。", "success")
    return redirect(url_for("ballots_admin.print_view", meeting_id=meeting.id, entry=entry.id))


def _selected_entries(meeting):
    entry_id = whole(request.args.get("entry", ""), low=1)
    return [ballots.roll_entry_of(meeting, entry_id)] if entry_id else None


def _per_page() -> int:
    per_page = whole(request.args.get("per_page", "1"))
    if per_page not in (1, 2):
        raise InvalidInput("每页选票数只能是 1 或 2。")
    return per_page


@bp.get("/ballots/print")
def print_view(meeting_id: int):
    """The HTML print view: A4, one or two ballots per page."""
    meeting = _meeting(meeting_id, Role.STAFF)
    if not meeting.ballots_issued_at:
        raise InvalidInput("选票尚未发放。")
    return render_template(
        "ballots/print.html",
        meeting=meeting,
        sheets=ballots.sheets(meeting, _selected_entries(meeting)),
        per_page=_per_page(),
    )


@bp.get("/ballots.pdf")
def pdf(meeting_id: int):
    """The ballots as a PDF for a print shop (Chinese text embedded as a CID font)."""
    from ballots.pdf import render_pdf

    meeting = _meeting(meeting_id, Role.STAFF)
    if not meeting.ballots_issued_at:
        raise InvalidInput("选票尚未发放。")
    out = io.BytesIO()
    render_pdf(ballots.sheets(meeting, _selected_entries(meeting)), out, per_page=_per_page())
    return Response(
        out.getvalue(),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename=ballots-meeting-{meeting.id}.pdf"},
    )


# --- counting desk ---------------------------------------------------------------------------


@bp.get("/desk")
def desk(meeting_id: int):
    """The counting desk: scan a paper ballot's QR (or type its short code), then enter its marks."""
    meeting = _meeting(meeting_id, Role.STAFF)
    code = request.args.get("code", "").strip()
    entry, error = None, None
    if code:
        try:
            entry = ballots.entry_for_scan(meeting, code)
        except DomainError as e:
            error = e
    return _desk_page(meeting, entry, error=error, status=error.status if error else 200)


def _desk_page(meeting, entry, *, error=None, results=None, status=200):
    open_contests = [c for c in meeting.contests if c.status is ContestStatus.OPEN]
    voted = casting.voted_marks(entry) if entry else {}
    pending = {(p.roll_entry_id, p.contest_id): p for p in casting.pending_entries(meeting.id)}
    return (
        render_template(
            "ballots/desk.html",
            meeting=meeting,
            entry=entry,
            contests=open_contests,
            voted=voted,
            pending=pending,
            error=error,
            results=results,
            labels_of=ballots.option_labels,
            ContestKind=ContestKind,
            Channel=Channel,
            PaperOutcome=PaperOutcome,
        ),
        status,
    )


@bp.post("/desk/<int:entry_id>")
def enter(meeting_id: int, entry_id: int):
    """Save a paper ballot's marks exactly as on the paper (over-votes and blanks included)."""
    meeting = _meeting(meeting_id, Role.STAFF)
    entry = ballots.roll_entry_of(meeting, entry_id)
    try:
        channel = Channel(request.form.get("channel", "paper"))
        contest_ids = ids(request.form.getlist("contest"))
        selections = {cid: request.form.getlist(f"c{cid}") for cid in contest_ids}
        results = casting.enter_paper(entry, selections, channel, current_user)
    except ValueError:
        return _desk_page(meeting, entry, error=InvalidInput("渠道不正确。"), status=400)
    except DomainError as error:
        return _desk_page(meeting, entry, error=error, status=error.status)
    return _desk_page(meeting, None, results=results)


@bp.post("/desk/pending/<int:pending_id>")
def resolve(meeting_id: int, pending_id: int):
    """Count a pending paper ballot from the paper itself (admins): a mismatch or a lone first entry."""
    meeting = _meeting(meeting_id, Role.ADMIN)
    require_role(current_user, Role.ADMIN)
    pending = next((p for p in casting.pending_entries(meeting.id) if p.id == pending_id), None)
    if pending is None:
        raise InvalidInput("找不到该待处理的录入。")
    receipt = casting.resolve_pending(pending, request.form.getlist("marks"), current_user)
    flash(f"已按纸质选票计入（回执 {receipt.shown}）。", "success")
    return redirect(url_for("ballots_admin.desk", meeting_id=meeting.id))
