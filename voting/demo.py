"""Seed a demo 小区 for `voting demo` and for trying the service out."""

from __future__ import annotations

import math
import random
import secrets
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from .extensions import db
from .models import Community, Household, Meeting, Registration, RollEntry, StaffUser
from .services import agenda, ballots, checkin, contests, meetings, registrations, staff, use_case
from .services.agenda import ContestInput
from .services.meetings import MeetingInput
from .services.registrations import RegistrationInput
from .timeutil import utcnow

DEMO_COMMUNITY = "幸福里小区（演示）"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国建华秀英桂英玉兰淑珍丽华志强国庆红梅海燕秀兰凤英德明文华永胜春生金凤宝山振华玉珍素芬"


def demo_households(rng: random.Random) -> list[dict]:
    """Make 120 households: 5 buildings × 3 units × 8 rooms, two of them without a vote."""
    rows = []
    for building in range(1, 6):
        for unit in range(1, 4):
            for floor in range(1, 5):
                for door in (1, 2):
                    given = GIVEN[rng.randrange(len(GIVEN) // 2) * 2 :][:2]
                    rows.append(
                        {
                            "building": str(building),
                            "unit": str(unit),
                            "room": f"{floor}0{door}",
                            "head_name": rng.choice(SURNAMES) + given,
                            "phone": "13" + "".join(rng.choice("0123456789") for _ in range(9)),
                            "area": Decimal(rng.randrange(4500, 9500)) / 100,
                            "property_unit": rng.choice(["", "", "北京市第二机床厂", "朝阳区房管局"]),
                            "has_vote": True,
                        }
                    )
    rows[7]["has_vote"] = False  # vacant
    rows[50]["has_vote"] = False  # disputed
    return rows


@use_case
def seed_demo() -> dict:
    """Create (or refresh) the demo 小区 and an admin account; return what to print."""
    community = db.session.execute(select(Community).where(Community.name == DEMO_COMMUNITY)).scalar_one_or_none()
    if community is None:
        community = staff.create_community(DEMO_COMMUNITY, "demo")
        for row in demo_households(random.Random(20261122)):
            db.session.add(Household(community_id=community.id, **row))
    password = secrets.token_urlsafe(9)
    user = db.session.execute(select(StaffUser).where(StaffUser.username == "admin")).scalar_one_or_none()
    if user is None:
        staff.create_staff("admin", password, "admin", display_name="演示管理员", all_communities=True)
    else:
        staff.set_password(user, password)
    db.session.flush()
    count = len(db.session.execute(select(Household.id).where(Household.community_id == community.id)).all())
    return {"community": DEMO_COMMUNITY, "households": count, "username": "admin", "password": password}


DEMO_CANDIDATES = [
    "王建国",
    "李秀英",
    "张志强",
    "刘桂英",
    "陈德明",
    "杨玉兰",
    "赵永胜",
    "黄淑珍",
    "周振华",
    "吴丽华",
    "徐宝山",
]
DEMO_FEES = {
    "costs": {
        "治安防范/门卫": "6000",
        "保洁": "3000",
        "绿化": "800",
        "维修维护": "1200",
        "停车管理": "1500",
        "其他": "300",
    },
    "income": {"停车费": "5200", "广告位": "400", "场地": "0"},
    "contributions": {"产权单位": "1000", "政府奖补": "500"},
    "paying_households": "",
}


def seed_demo_meeting(base_url: str) -> int:
    """Create a demo meeting ready for meeting day: candidates published, ballots issued, doors open."""
    admin = db.session.execute(select(StaffUser).where(StaffUser.username == "admin")).scalar_one()
    community = db.session.execute(select(Community).where(Community.name == DEMO_COMMUNITY)).scalar_one()
    existing = db.session.execute(select(Meeting).where(Meeting.community_id == community.id)).scalars().first()
    if existing is not None:
        return existing.id
    day = (utcnow() + timedelta(days=1)).date().isoformat()
    meeting = meetings.create_meeting(
        community,
        MeetingInput(
            title="2026年幸福里小区居民会议（演示）",
            date=day,
            time="09:00",
            venue="社区活动室",
            public_base_url=base_url,
            publicity_days="0",
        ),
        admin,
    )
    meeting_id = meeting.id

    def current() -> Meeting:
        return db.session.get(Meeting, meeting_id)

    agenda.add_contest(current(), ContestInput(purpose="committee", title="选举小区管理委员会", seats="9"), admin)
    agenda.add_contest(
        current(),
        ContestInput(
            purpose="service_mode",
            title="服务模式",
            options=[(label, text) for label, text in agenda.DEFAULT_SERVICE_MODES[:3]],
        ),
        admin,
    )
    fee = agenda.add_contest(
        current(),
        ContestInput(purpose="fee", title="收费标准", amounts=["10", "15", "20", "25"], method="median"),
        admin,
    )
    agenda.save_fee_inputs(fee, DEMO_FEES, admin)
    agenda.add_contest(current(), ContestInput(purpose="motion", title="同意在小区内安装电动自行车充电桩"), admin)
    registrations.set_registration_open(current(), True, admin)
    homes = list(
        db.session.execute(
            select(Household)
            .where(Household.community_id == community.id, Household.has_vote.is_(True))
            .order_by(Household.id)
        ).scalars()
    )
    for name, home in zip(DEMO_CANDIDATES, homes[::10]):
        form = RegistrationInput(
            kind="self",
            name=name,
            gender="女" if name[-1] in "英兰珍华" else "男",
            birth_date="1962-03-15",
            political_status="群众",
            education="高中/中专",
            occupation="退休",
            building=home.building,
            unit=home.unit,
            room=home.room,
            phone=home.phone or "13900000000",
            statement=f"{name}，在本小区居住二十余年，热心公益，愿为邻里服务。",
            consent=True,
            declarations=["endorses_charter", "full_civil_capacity", "fit_for_work"],
        )
        registrations.submit_registration(current(), form, channel="paper", actor=admin)
    for registration in (
        db.session.execute(select(Registration).where(Registration.meeting_id == meeting_id)).scalars().all()
    ):
        registrations.approve_registration(registration, ["identity", "residence", "consent"], admin)
    registrations.publish_candidates(current(), admin)
    ballots.issue_ballots(current(), admin)
    entries = ballots.roll(current())
    for entry in entries[: math.ceil(len(entries) * 0.7)]:
        checkin.check_in(current(), db.session.get(RollEntry, entry.id), admin)
    contests.open_contest(agenda.committee_contest(current()), admin)
    return meeting_id
