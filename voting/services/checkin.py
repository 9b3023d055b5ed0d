"""Meeting day at the door: check households in (and undo with a reason), record proxies."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core import check_proxy
from ..extensions import db
from ..models import CheckIn, Meeting, Proxy, RegistrationStatus, RollEntry, StaffUser
from ..timeutil import format_local
from . import log, use_case
from .agenda import committee_contest
from .errors import Conflict, InvalidInput, RuleRefused
from .meetings import meeting_chain, profile_of

MAX_PHOTO_BYTES = 8 * 1024 * 1024


class AlreadyPresent(Conflict):
    code = "already_present"


def checked_in(entry: RollEntry) -> CheckIn | None:
    return db.session.get(CheckIn, entry.id)


@use_case
def check_in(meeting: Meeting, entry: RollEntry, actor: StaffUser) -> CheckIn:
    """Mark a household present at the venue; a second scan says it already is."""
    if entry.meeting_id != meeting.id:
        raise InvalidInput("这张选票不属于本次会议。")
    if (existing := checked_in(entry)) is not None:
        raise AlreadyPresent(f"{entry.address} 已于 {format_local(existing.at, '%H:%M')} 签到，无需重复签到。")
    row = CheckIn(roll_entry_id=entry.id, meeting_id=meeting.id, by=actor.username)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # a second scanner checked the same household in at the same moment
        raise AlreadyPresent(f"{entry.address} 刚刚已签到，无需重复签到。") from None
    log.append(meeting_chain(meeting.id), actor, "checkin", community_id=meeting.community_id, household=entry.address)
    return row


@use_case
def undo_check_in(meeting: Meeting, entry: RollEntry, reason: str, actor: StaffUser) -> None:
    """Undo a check-in (scanned the wrong ballot, left early) with a reason in the log."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写撤销签到的原因。")
    row = checked_in(entry)
    if row is None:
        raise Conflict(f"{entry.address} 没有签到记录。")
    db.session.delete(row)
    log.append(
        meeting_chain(meeting.id),
        actor,
        "checkin.undo",
        community_id=meeting.community_id,
        household=entry.address,
        reason=reason[:500],
    )


def _candidate_entries(meeting: Meeting) -> set[str]:
    """Roll entries of households with a candidate in this meeting's election (DESIGN §4.8)."""
    contest = committee_contest(meeting)
    if contest is None:
        return set()
    households = {
        o.registration.household_id
        for o in contest.options
        if o.registration and o.registration.status is RegistrationStatus.APPROVED
    }
    return {
        str(e.id)
        for e in db.session.execute(
            select(RollEntry).where(RollEntry.meeting_id == meeting.id, RollEntry.household_id.in_(households))
        ).scalars()
    }


def _store_photo(data: bytes) -> str:
    """Keep the authorisation letter's photo in the instance folder under its SHA-256."""
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput("委托书照片太大（最大 8 MB）。")
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(current_app.instance_path) / "proxy-letters"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / digest
    if not path.exists():
        path.write_bytes(data)
    return digest


@use_case
def record_proxy(
    meeting: Meeting, principal: RollEntry, holder: RollEntry, letter: str, actor: StaffUser, photo: bytes | None = None
) -> Proxy:
    """Record a written authorisation: principal household → holder household (DESIGN §4.8)."""
    letter = letter.strip()
    if not letter:
        raise InvalidInput("请注明委托书的核验情况（如：委托书原件已收，签名与户主一致）。")
    # Serialise proxy changes of a meeting so the per-holder limit holds under concurrency.
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    proxies = {
        str(p): str(h)
        for p, h in db.session.execute(
            select(Proxy.principal_id, Proxy.holder_id).where(Proxy.meeting_id == meeting.id)
        ).all()
    }
    eligible = {
        str(i) for i in db.session.execute(select(RollEntry.id).where(RollEntry.meeting_id == meeting.id)).scalars()
    }
    findings = check_proxy(
        str(principal.id),
        str(holder.id),
        eligible=eligible,
        proxies=proxies,
        candidate_households=_candidate_entries(meeting),
        profile=profile_of(meeting),
        labels={str(principal.id): principal.address, str(holder.id): holder.address},
    )
    if findings:
        raise RuleRefused("不能登记此委托：", [f.message_zh for f in findings])
    digest = _store_photo(photo) if photo else ""
    proxy = Proxy(
        principal_id=principal.id,
        holder_id=holder.id,
        meeting_id=meeting.id,
        letter=letter[:200],
        photo_sha256=digest,
        by=actor.username,
    )
    db.session.add(proxy)
    log.append(
        meeting_chain(meeting.id),
        actor,
        "proxy.record",
        community_id=meeting.community_id,
        principal=principal.address,
        holder=holder.address,
        letter=letter[:200],
        photo_sha256=digest,
    )
    return proxy


@use_case
def revoke_proxy(meeting: Meeting, principal: RollEntry, reason: str, actor: StaffUser) -> None:
    """Remove a proxy (entered in error, principal came in person) with a reason in the log."""
    proxy = db.session.get(Proxy, principal.id)
    if proxy is None or proxy.meeting_id != meeting.id:
        raise Conflict(f"{principal.address} 没有委托记录。")
    if not reason.strip():
        raise InvalidInput("请填写撤销委托的原因。")
    log.append(
        meeting_chain(meeting.id),
        actor,
        "proxy.revoke",
        community_id=meeting.community_id,
        principal=principal.address,
        reason=reason.strip()[:500],
    )
    db.session.delete(proxy)


def proxies(meeting: Meeting) -> list[Proxy]:
    return list(db.session.execute(select(Proxy).where(Proxy.meeting_id == meeting.id).order_by(Proxy.at)).scalars())
