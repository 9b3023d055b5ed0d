"""Issue and reissue ballots, find a household's ballot from a scan or a short code, build sheets."""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import func, select

from ballots import tokens
from ballots.sheets import BallotSheet, SheetContest, SheetOption
from ballots.tokens import BadToken, BallotToken

from .. import keys
from ..core import RuleViolation
from ..core.explain import round_half_yuan, to_decimal
from ..extensions import db
from ..models import (
    Ballot,
    CheckIn,
    Contest,
    ContestKind,
    ContestStatus,
    Household,
    Meeting,
    Proxy,
    RollEntry,
    StaffUser,
    VoteMark,
)
from ..timeutil import format_local, utcnow
from . import log, use_case
from .agenda import core_contest, fee_calculation
from .errors import Conflict, DomainError, InvalidInput, NotFound
from .meetings import meeting_chain
from .registrations import ensure_ballots_may_be_issued


class BallotNotFound(DomainError):
    status = 404
    code = "ballot_not_found"


UNKNOWN_BALLOT = "无法识别此选票。请核对二维码或短码，或向工作人员求助。"


class BallotRevoked(DomainError):
    status = 410
    code = "ballot_revoked"


class WrongMeeting(DomainError):
    status = 409
    code = "wrong_meeting"


def secret() -> str:
    return current_app.config["BALLOT_SECRET"]


def ballot_url(meeting: Meeting, entry: RollEntry) -> str:
    """Return exactly what the QR encodes: <public base URL>/b/<token>."""
    token = tokens.make_token(secret(), BallotToken(meeting.id, entry.household_id, entry.serial))
    return f"{meeting.public_base_url}/b/{token}"


def _new_codes(meeting_id: int, count: int) -> list[str]:
    taken = set(db.session.execute(select(RollEntry.short_code).where(RollEntry.meeting_id == meeting_id)).scalars())
    codes: list[str] = []
    while len(codes) < count:
        code = tokens.short_code()
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


@use_case
def issue_ballots(meeting: Meeting, actor: StaffUser | str) -> int:
    """Put every household with a vote on the meeting's roll with a ballot; freeze the agenda.

    Issuing again later adds households that joined the register since, until a vote opens.
    """
    meeting = db.session.execute(
        select(Meeting).where(Meeting.id == meeting.id).with_for_update(of=Meeting)
    ).scalar_one()
    ensure_ballots_may_be_issued(meeting)
    if not meeting.public_base_url:
        raise InvalidInput("请先在会议信息中填写选票网址（居民手机扫码打开的地址），再发放选票。")
    if not meeting.contests:
        raise InvalidInput("议程中还没有表决事项，不能发放选票。")
    for contest in meeting.contests:
        try:
            core_contest(contest)
        except RuleViolation as error:
            raise InvalidInput(f"表决事项“{contest.title}”有误：{error}") from None
    if any(c.status is not ContestStatus.DRAFT for c in meeting.contests):
        raise Conflict("投票已经开始，不能再增发选票；遗失的选票请用“补发”。")
    on_roll = set(
        db.session.execute(select(RollEntry.household_id).where(RollEntry.meeting_id == meeting.id)).scalars()
    )
    new = [
        h
        for h in db.session.execute(
            select(Household)
            .where(Household.community_id == meeting.community_id, Household.has_vote.is_(True))
            .order_by(Household.building, Household.unit, Household.room)
        ).scalars()
        if h.id not in on_roll
    ]
    if not meeting.public_key:
        meeting.public_key = keys.ensure_key(current_app.instance_path, meeting.id)
    for household, code in zip(new, _new_codes(meeting.id, len(new))):
        db.session.add(
            RollEntry(
                meeting_id=meeting.id,
                household_id=household.id,
                address=household.address,
                area=household.area,
                short_code=code,
            )
        )
    first = meeting.ballots_issued_at is None
    meeting.ballots_issued_at = meeting.ballots_issued_at or utcnow()
    log.append(
        meeting_chain(meeting.id),
        actor,
        "ballots.issue",
        community_id=meeting.community_id,
        households=len(new),
        public_key=meeting.public_key,
        agenda_frozen=first,
    )
    return len(new)


@use_case
def reissue_ballot(meeting: Meeting, entry: RollEntry, reason: str, actor: StaffUser) -> RollEntry:
    """Replace a lost ballot: a new serial voids the old token and code (DESIGN §5)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写补发原因。")
    voted_open = db.session.execute(
        select(func.count())
        .select_from(VoteMark)
        .join(Contest)
        .where(VoteMark.roll_entry_id == entry.id, Contest.status == ContestStatus.OPEN)
    ).scalar_one()
    if voted_open:
        raise Conflict("该户已在正在进行的表决中投票，不能补发选票。")
    entry.serial += 1
    entry.short_code = _new_codes(meeting.id, 1)[0]
    entry.issued_at = utcnow()
    log.append(
        meeting_chain(meeting.id),
        actor,
        "ballot.reissue",
        community_id=meeting.community_id,
        household=entry.address,
        serial=entry.serial,
        reason=reason[:500],
    )
    return entry


def read_ballot_token(text: str) -> tokens.BallotToken:
    """Verify a ballot token's signature; refuse a forged or mangled one (no database read)."""
    try:
        return tokens.read_token(secret(), text)
    except BadToken:
        raise BallotNotFound(UNKNOWN_BALLOT) from None


def roll_entry_of_ballot(ballot: tokens.BallotToken) -> RollEntry | None:
    """Return the roll entry a ballot (token) was issued to, whatever its serial."""
    return db.session.execute(
        select(RollEntry).where(
            RollEntry.meeting_id == ballot.meeting_id, RollEntry.household_id == ballot.household_id
        )
    ).scalar_one_or_none()


def entry_for_token(text: str, meeting: Meeting | None = None) -> RollEntry:
    """Return the roll entry a token belongs to; refuse forged, revoked and other-meeting tokens."""
    token = read_ballot_token(text)
    entry = roll_entry_of_ballot(token)
    if entry is None:
        raise BallotNotFound(UNKNOWN_BALLOT)
    if meeting is not None and entry.meeting_id != meeting.id:
        raise WrongMeeting("这张选票不属于本次会议。")
    if token.serial != entry.serial:
        raise BallotRevoked("此选票已作废：该户已补发新选票，请使用新选票。")
    return entry


def entry_for_scan(meeting: Meeting, text: str) -> RollEntry:
    """Find a ballot from what a USB scanner typed (the ballot URL) or a typed short code."""
    token = tokens.token_from_scan(text)
    if token:
        return entry_for_token(token, meeting)
    code = tokens.normalize_code(text)
    entry = db.session.execute(
        select(RollEntry).where(RollEntry.meeting_id == meeting.id, RollEntry.short_code == code)
    ).scalar_one_or_none()
    if entry is None:
        raise BallotNotFound(f"没有找到短码为“{text.strip()}”的选票。请核对后重新输入，或按地址查找。")
    return entry


def roll_entry_of(meeting: Meeting, entry_id: int) -> RollEntry:
    entry = db.session.get(RollEntry, entry_id)
    if entry is None or entry.meeting_id != meeting.id:
        raise NotFound("找不到该户的选票。")
    return entry


def roll(meeting: Meeting) -> list[RollEntry]:
    """Return the meeting's roll in address order."""
    return list(
        db.session.execute(
            select(RollEntry)
            .join(Household)
            .where(RollEntry.meeting_id == meeting.id)
            .order_by(Household.building, Household.unit, Household.room)
        ).scalars()
    )


# --- printed sheets -------------------------------------------------------------------------

INSTRUCTIONS = (
    "手机投票：用手机相机或微信扫描二维码，按页面提示选择并确认，记下回执码。",
    "纸质投票：在选中项后的方框内打“√”，投入票箱。一户一票，手机和纸质只有先投的一份有效。",
    "超过应选人数或选项数的，该事项作废；不选的，视为弃权。",
    "会后可在公示页面用回执码查询您的选票是否已计入。",
)


def contest_rule(contest: Contest) -> str:
    """Say how to mark a contest, in one sentence."""
    if contest.kind is ContestKind.COMMITTEE:
        return f"最多选 {contest.settings['seats']} 人，多选作废；不选视为弃权"
    if contest.kind is ContestKind.CHOICE:
        return "只能选 1 项，多选作废；不选视为弃权"
    return "同意、反对、弃权只能选 1 项"


def option_labels(contest: Contest) -> dict[str, str]:
    """Return what each mark of a contest means: candidate names, option labels, 同意/反对/弃权."""
    if contest.kind is ContestKind.MOTION:
        return {"yes": "同意", "no": "反对", "abstain": "弃权"}
    return {o.key: o.label for o in contest.options}


def sheet_contests(meeting: Meeting) -> tuple[SheetContest, ...]:
    """Build the printed form of the meeting's regular agenda."""
    result = []
    for contest in meeting.contests:
        if contest.parent_id is not None:
            continue
        if contest.kind is ContestKind.MOTION:
            options = (SheetOption("同意"), SheetOption("反对"), SheetOption("弃权"))
        else:
            options = tuple(SheetOption(o.label, o.description) for o in contest.options)
        note = ""
        if contest.fee_inputs:
            calc = fee_calculation(contest)
            note = f"测算：每月缺口 {calc.gap} 元，保本约 {to_decimal(round_half_yuan(calc.break_even_per_household, up=True))} 元/户·月。"
        result.append(SheetContest(contest.title, contest_rule(contest), options, note))
    return tuple(result)


def sheets(meeting: Meeting, entries: list[RollEntry] | None = None) -> list[BallotSheet]:
    """Build one BallotSheet per household on the roll (no names: the address only)."""
    contests = sheet_contests(meeting)
    when = f"{format_local(meeting.starts_at, '%Y年%m月%d日 %H:%M')} {meeting.venue}".strip()
    fingerprint = keys.fingerprint(meeting.public_key)
    community = meeting.community.name
    return [
        BallotSheet(
            community,
            meeting.title,
            when,
            entry.address,
            ballot_url(meeting, entry),
            tokens.group(entry.short_code),
            contests,
            fingerprint,
            INSTRUCTIONS,
        )
        for entry in (roll(meeting) if entries is None else entries)
    ]


def find_entries(meeting: Meeting, text: str) -> list[RollEntry]:
    """Find households on the roll from a scan, a short code, or an address such as 3-2-301."""
    text = text.strip()
    if not text:
        return []
    if (
        tokens.token_from_scan(text)
        or len(tokens.normalize_code(text)) == tokens.SHORT_CODE_LENGTH
        and not text.isdigit()
    ):
        try:
            return [entry_for_scan(meeting, text)]
        except BallotNotFound:
            pass
    numbers = re.findall(r"\d+", text)
    if not numbers or len(numbers) > 3:
        return []
    query = select(RollEntry).join(Household).where(RollEntry.meeting_id == meeting.id)
    fields = [Household.building, Household.unit, Household.room]
    if len(numbers) == 1:
        query = query.where((Household.room == numbers[0]) | (Household.building == numbers[0]))
    elif len(numbers) == 2:
        query = query.where(
            Household.building == numbers[0], (Household.unit == numbers[1]) | (Household.room == numbers[1])
        )
    else:
        query = query.where(*(f == n for f, n in zip(fields, numbers)))
    return list(
        db.session.execute(query.order_by(Household.building, Household.unit, Household.room).limit(50)).scalars()
    )


def find_receipt(meeting: Meeting, text: str) -> dict | None:
    """Find a cast ballot by its receipt: the contest it counts in, its status and (labelled) marks."""
    code = tokens.normalize_code(text)
    row = db.session.execute(
        select(Ballot, Contest).join(Contest).where(Ballot.receipt == code, Contest.meeting_id == meeting.id)
    ).first()
    if row is None:
        return None
    ballot, contest = row
    labels = option_labels(contest)
    return {
        "contest": contest.title,
        "status": ballot.status.value,
        "marks": [labels.get(m, m) for m in ballot.marks],
        "receipt": tokens.group(ballot.receipt),
    }


def roll_view(meeting: Meeting, entry: RollEntry) -> dict:
    """What the public roll says about one household: present, proxy, voted per contest."""
    marks = db.session.execute(
        select(VoteMark, Contest).join(Contest).where(VoteMark.roll_entry_id == entry.id).order_by(Contest.position)
    ).all()
    proxy = db.session.get(Proxy, entry.id)
    return {
        "address": entry.address,
        "checked_in": db.session.get(CheckIn, entry.id) is not None,
        "proxy_holder": proxy.holder.address if proxy else None,
        "voted": [(c.title, m.channel.label) for m, c in marks],
    }
