"""The resident's ballot page: scan → choose → confirm → receipt. No login, no JavaScript needed.

The ballot token in the URL is the only credential, so these forms need no CSRF cookie (an
attacker cannot forge a request without the token), which keeps WeChat's browser and phones with
cookies off working.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from ..extensions import csrf, db
from ..models import Channel, Contest, ContestKind, ContestStatus, Meeting, RollEntry
from ..numbers import ids
from ..services import ballots, casting
from ..services.errors import DomainError, InvalidInput
from .common import ballot_entry, ballot_token

bp = Blueprint("vote", __name__)
csrf.exempt(bp)


@bp.after_request
def _private(response):
    """Never cache a ballot page; never send its URL (the token) anywhere."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _contests(entry: RollEntry) -> list[Contest]:
    return list(
        db.session.execute(
            select(Contest).where(Contest.meeting_id == entry.meeting_id).order_by(Contest.position)
        ).scalars()
    )


def _votable(entry: RollEntry) -> tuple[list[Contest], dict]:
    voted = casting.voted_marks(entry)
    contests = _contests(entry)
    return [c for c in contests if c.status is ContestStatus.OPEN and c.id not in voted], voted


def _selections(form, contests: list[Contest]) -> dict[int, list[str]]:
    return {c.id: [m for m in form.getlist(f"c{c.id}") if m] for c in contests}


def _render(entry: RollEntry, template: str, status: int = 200, **context):
    meeting = db.session.get(Meeting, entry.meeting_id)
    votable, voted = _votable(entry)
    return (
        render_template(
            template,
            entry=entry,
            meeting=meeting,
            contests=_contests(entry),
            votable=votable,
            voted=voted,
            ContestStatus=ContestStatus,
            ContestKind=ContestKind,
            rule=ballots.contest_rule,
            labels_of=ballots.option_labels,
            **context,
        ),
        status,
    )


@bp.get("/b/<token>")
def ballot(token: str):
    """Show the household's address and every open contest it has not voted in."""
    entry = ballot_entry(token)
    return _render(entry, "vote/ballot.html", token=token, chosen={})


@bp.post("/b/<token>")
def review(token: str):
    """Check the choices and show them back for confirmation (the server refuses over-votes)."""
    entry = ballot_entry(token)
    votable, _ = _votable(entry)
    chosen = _selections(request.form, votable)
    errors = _check(votable, chosen)
    if request.form.get("edit"):
        return _render(entry, "vote/ballot.html", token=token, chosen=chosen)
    if not votable:
        return _render(
            entry,
            "vote/ballot.html",
            409,
            token=token,
            chosen={},
            error="没有可以投票的事项：可能已经结束或您已投过票。",
        )
    if errors:
        return _render(
            entry, "vote/ballot.html", 422, token=token, chosen=chosen, error="请修改后再提交：", problems=errors
        )
    return _render(entry, "vote/confirm.html", token=token, chosen=chosen)


def _check(contests: list[Contest], chosen: dict[int, list[str]]) -> list[str]:
    """Say what would spoil each contest's ballot (over-votes, unknown options), as the core classifies."""
    return [problem for c in contests if (problem := casting.phone_problem(c, chosen.get(c.id, []))[1])]


@bp.post("/b/<token>/cast")
def cast(token: str):
    """Cast the confirmed choices; show the receipt codes."""
    ballot = ballot_token(token)
    contest_ids = ids(request.form.getlist("contest"))
    if not contest_ids:
        raise InvalidInput("提交的内容不完整，请重新扫码投票。")
    selections = {cid: [m for m in request.form.getlist(f"c{cid}") if m] for cid in contest_ids}
    try:
        cast = casting.cast_ballots(ballot, selections, Channel.PHONE, strict=True)
    except DomainError as error:
        entry = ballot_entry(token)  # a revoked or unknown ballot raises here: its own error page
        return _render(entry, "vote/ballot.html", error.status, token=token, chosen={}, error=error.message)
    # The receipt page is drawn from the values the cast returned: no second round of queries.
    return render_template("vote/receipt.html", cast=cast)
