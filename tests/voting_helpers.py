"""Build a meeting ready for voting through the services (fast), for ballot and meeting-day tests."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from voting.extensions import db
from voting.models import Community, Contest, Meeting, Registration, RollEntry, StaffUser
from voting.services import agenda, ballots, checkin, households, meetings, registrations, staff
from voting.services.agenda import ContestInput
from voting.services.meetings import MeetingInput
from voting.services.registrations import RegistrationInput
from voting.timeutil import utcnow

from .helpers import PASSWORD
from .register_data import csv_bytes, rows

NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴芳", "徐强"]


@dataclass
class Ready:
    meeting_id: int
    community_id: int
    committee_id: int | None
    choice_id: int | None
    motion_id: int | None
    entry_ids: list[int] = field(default_factory=list)


def admin_account(app) -> None:
    with app.app_context():
        if db.session.execute(select(StaffUser).where(StaffUser.username == "admin")).scalar_one_or_none() is None:
            staff.create_staff("admin", PASSWORD, "admin", all_communities=True)


def actor() -> StaffUser:
    return db.session.execute(select(StaffUser).where(StaffUser.username == "admin")).scalar_one()


def build_meeting(
    app,
    *,
    name: str = "测试小区",
    n_households: int = 60,
    seats: int | None = 5,
    candidates: int = 7,
    profile: str = "charter",
    choice: bool = True,
    motion: bool = True,
    fee: bool = False,
    publicity_days: int = 0,
    double_entry: bool = False,
    allow_override: bool = False,
    issue: bool = True,
    present: int | None = None,
) -> Ready:
    """Create a 小区, a meeting with its agenda and candidates, and (by default) issue ballots."""
    admin_account(app)
    with app.app_context():
        community = staff.create_community(name, "test")
        households.import_households(
            db.session.get(Community, community.id), "r.csv", csv_bytes(rows(n_households)), "test"
        )
        day = (utcnow() + timedelta(days=30)).date().isoformat()
        meeting = meetings.create_meeting(
            db.session.get(Community, community.id),
            MeetingInput(
                title=f"{name}居民会议",
                date=day,
                time="09:00",
                venue="活动室",
                profile=profile,
                public_base_url="http://vote.test",
                publicity_days=str(publicity_days),
                allow_quorum_override=allow_override,
            ),
            actor(),
        )
        meeting_id = meeting.id
        committee_id = choice_id = motion_id = None
        if seats:
            committee_id = agenda.add_contest(
                db.session.get(Meeting, meeting_id), ContestInput(purpose="committee", seats=str(seats)), actor()
            ).id
        if choice:
            options = [("物业和准物业模式", ""), ("社区居民自治管理模式", ""), ("产权单位自管模式", "")]
            choice_id = agenda.add_contest(
                db.session.get(Meeting, meeting_id), ContestInput(purpose="service_mode", options=options), actor()
            ).id
        if fee:
            fee_input = ContestInput(purpose="fee", amounts=["10", "15", "20", "25"], method="median")
            agenda.add_contest(db.session.get(Meeting, meeting_id), fee_input, actor())
        if motion:
            motion_id = agenda.add_contest(
                db.session.get(Meeting, meeting_id), ContestInput(purpose="motion", title="同意安装充电桩"), actor()
            ).id
        if seats:
            register_candidates(meeting_id, candidates)
        if double_entry:
            db.session.get(Meeting, meeting_id).double_entry = True
            db.session.commit()
        if issue:
            ballots.issue_ballots(db.session.get(Meeting, meeting_id), actor())
        entry_ids = [e.id for e in ballots.roll(db.session.get(Meeting, meeting_id))] if issue else []
        if issue:
            count = math.ceil(len(entry_ids) * 2 / 3) if present is None else present
            for entry_id in entry_ids[:count]:
                checkin.check_in(db.session.get(Meeting, meeting_id), db.session.get(RollEntry, entry_id), actor())
        return Ready(meeting_id, community.id, committee_id, choice_id, motion_id, entry_ids)


def register_candidates(meeting_id: int, n: int) -> None:
    meeting = db.session.get(Meeting, meeting_id)
    registrations.set_registration_open(meeting, True, actor())
    for i in range(n):
        building, unit, room = rows(i + 1)[i][:3]
        form = RegistrationInput(
            kind="self",
            name=NAMES[i],
            gender="男",
            birth_date="1960-05-01",
            political_status="群众",
            education="高中/中专",
            building=building,
            unit=unit,
            room=room,
            phone="13900000000",
            consent=True,
            declarations=["endorses_charter", "full_civil_capacity", "fit_for_work"],
        )
        registrations.submit_registration(db.session.get(Meeting, meeting_id), form)
    for registration in (
        db.session.execute(select(Registration).where(Registration.meeting_id == meeting_id)).scalars().all()
    ):
        registrations.approve_registration(registration, ["identity", "residence", "consent"], actor())
    registrations.publish_candidates(db.session.get(Meeting, meeting_id), actor())


def token_url(app, entry_id: int) -> str:
    """Return the ballot URL path (/b/<token>) of a roll entry."""
    with app.app_context():
        entry = db.session.get(RollEntry, entry_id)
        url = ballots.ballot_url(db.session.get(Meeting, entry.meeting_id), entry)
    return url.removeprefix("http://vote.test")


def open_contests(app, ready: Ready, *ids: int) -> None:
    from voting.services import contests

    with app.app_context():
        for contest_id in ids:
            contests.open_contest(db.session.get(Contest, contest_id), actor())


def candidate_keys(app, contest_id: int) -> list[str]:
    with app.app_context():
        return [o.key for o in db.session.get(Contest, contest_id).options]


def run_full_meeting(app, *, n_households: int = 60, profile: str = "charter", seed: int = 7) -> Ready:
    """Run a whole meeting through the services: votes on every channel, follow-ups, sign-off, publication."""
    import random

    from voting.models import Channel, ContestStatus, OfficialRole
    from voting.services import casting, contests, results

    rng = random.Random(seed)
    ready = build_meeting(
        app, n_households=n_households, profile=profile, fee=True, present=math.ceil(n_households * 0.75)
    )
    with app.app_context():
        staff.create_staff("jian", PASSWORD, "staff", all_communities=True)
        staff.create_staff("ji", PASSWORD, "observer", all_communities=True)
        meeting = db.session.get(Meeting, ready.meeting_id)
        results.name_official(meeting, "jian", OfficialRole.SCRUTINEER, actor())
        results.name_official(meeting, "ji", OfficialRole.TELLER, actor())
        pending = [c.id for c in db.session.get(Meeting, ready.meeting_id).contests]
        while pending:
            contest_id = pending.pop(0)
            contest = db.session.get(Contest, contest_id)
            contests.open_contest(contest, actor())
            keys = list(casting_keys(contest))
            limit = contest.settings.get("seats", 1)
            for n, entry_id in enumerate(ready.entry_ids[: int(n_households * 0.8)]):
                roll = rng.random()
                marks = (
                    []
                    if roll < 0.05
                    else rng.sample(keys, min(len(keys), limit + 1))
                    if roll < 0.09
                    else rng.sample(keys, rng.randint(1, min(limit, len(keys))))
                )
                channel = [Channel.PHONE, Channel.PAPER, Channel.MOBILE][n % 3]
                casting.cast_ballots(db.session.get(RollEntry, entry_id), {contest_id: marks}, channel, strict=False)
            contests.close_contest(db.session.get(Contest, contest_id), actor())
            if db.session.get(Contest, contest_id).result.get("follow_up"):
                pending.append(contests.create_follow_up(db.session.get(Contest, contest_id), actor()).id)
        for username in ("jian", "ji"):
            signer = db.session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one()
            for contest in db.session.get(Meeting, ready.meeting_id).contests:
                if contest.status is ContestStatus.CLOSED:
                    results.sign_off(contest, signer)
        results.publish_results(db.session.get(Meeting, ready.meeting_id), actor())
    return ready


def casting_keys(contest: Contest) -> list[str]:
    if contest.kind.value == "motion":
        return ["yes", "no", "abstain"]
    return [o.key for o in contest.options]
