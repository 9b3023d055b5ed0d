"""API: issue, list, reissue and print ballots."""

from __future__ import annotations

import io

from flask import Response, request
from spectree import Response as Doc

from ... import keys
from ...models import Role
from ...services import ballots
from ...services.errors import Conflict
from . import bp, current_staff, meeting_for, out, responses, spec
from . import schemas as s

TAGS = ["ballots"]


@bp.post("/meetings/<int:meeting_id>/ballots/issue")
@spec.validate(resp=responses(HTTP_200=s.IssueOut), tags=TAGS)
def issue(meeting_id: int):
    """Issue one signed ballot per household with a vote (after the 公示 period); the agenda freezes."""
    meeting = meeting_for(meeting_id, Role.ADMIN)
    issued = ballots.issue_ballots(meeting, current_staff())
    return s.IssueOut(
        issued=issued, roll_size=len(ballots.roll(meeting)), fingerprint=keys.fingerprint(meeting.public_key)
    )


@bp.get("/meetings/<int:meeting_id>/ballots")
@spec.validate(resp=responses(HTTP_200=s.RollList), tags=TAGS)
def roll(meeting_id: int):
    """List the roll: each household's address, short code and ballot URL (what its QR encodes)."""
    meeting = meeting_for(meeting_id, Role.STAFF)
    return s.RollList(entries=[out.roll_entry(meeting, e) for e in ballots.roll(meeting)])


@bp.post("/meetings/<int:meeting_id>/ballots/<int:entry_id>/reissue")
@spec.validate(json=s.ReasonIn, resp=responses(HTTP_200=s.RollEntryOut), tags=TAGS)
def reissue(meeting_id: int, entry_id: int):
    """Replace a lost ballot: the old QR and short code stop working (logged with the reason)."""
    meeting = meeting_for(meeting_id, Role.STAFF)
    entry = ballots.roll_entry_of(meeting, entry_id)
    ballots.reissue_ballot(meeting, entry, request.context.json.reason, current_staff())
    return out.roll_entry(meeting, entry)


@bp.get("/meetings/<int:meeting_id>/ballots.pdf")
@spec.validate(
    query=s.PrintQuery,
    resp=Doc(**{f"HTTP_{c}": s.Error for c in (400, 401, 403, 404, 409, 413, 429)}, HTTP_200=None),
    tags=TAGS,
)
def print_pdf(meeting_id: int):
    """The ballots as a PDF for printing (1 or 2 per A4 page)."""
    from ballots.pdf import render_pdf

    meeting = meeting_for(meeting_id, Role.STAFF)
    if meeting.ballots_issued_at is None:
        raise Conflict("选票尚未发放。")
    data = io.BytesIO()
    render_pdf(ballots.sheets(meeting), data, per_page=request.context.query.per_page)
    return Response(data.getvalue(), mimetype="application/pdf")
