"""Seed a demo 小区 for `voting demo` and for trying the service out."""

from __future__ import annotations

import random
import secrets
from decimal import Decimal

from sqlalchemy import select

from .extensions import db
from .models import Community, Household, StaffUser
from .services import staff, use_case

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
