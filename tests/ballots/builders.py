"""Realistic ballot sheets: a compound's households with a committee, a service mode, fees and a motion."""

from __future__ import annotations

import random
import string

from ballots.sheets import BallotSheet, SheetContest, SheetOption

BASE_URL = "http://192.168.1.10:8000"
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "建国秀英志强丽华桂兰明辉晓燕海涛玉梅春生淑珍伟东凤英德胜红霞"

INSTRUCTIONS = (
    "1. 手机扫描二维码，按页面提示投票；一户一票，每项表决以先收到的一张为准。",
    "2. 不用手机的，在方框内打“√”，会议当天投入票箱，或交楼长代收。",
    "3. 扫码失败时，工作人员可输入二维码下方的核对码为您办理。",
)


def committee(seats: int = 9, candidates: int = 12, *, described: bool = False, title: str = "") -> SheetContest:
    """Return a committee election: `candidates` names, vote for at most `seats`."""
    rnd = random.Random(candidates)
    names = [rnd.choice(SURNAMES) + rnd.choice(GIVEN[::2]) + rnd.choice(GIVEN[1::2]) for _ in range(candidates)]
    about = "男，1968年生，退休教师，现任 3 号楼楼长，热心公益" if described else ""
    return SheetContest(
        title or f"选举第三届业主委员会委员（应选 {seats} 名）",
        f"最多选 {seats} 人，多选作废；不选视为弃权",
        tuple(SheetOption(name, about) for name in names),
    )


SERVICE_MODE = SheetContest(
    "小区管理模式",
    "单选，多选作废",
    tuple(
        SheetOption(label, description)
        for label, description in (
            ("聘请物业服务企业", "公开招标选聘，签订物业服务合同"),
            ("业主自行管理", "业委会组织，聘请保洁、保安人员"),
            ("社区托管", "由街道社区服务中心托管，过渡一年"),
            ("国有物业兜底", "区属国企提供基本服务"),
            ("维持现状", "继续由原物业公司临时服务"),
            ("其他", ""),
        )
    ),
)

FEES = SheetContest(
    "物业费标准（元/平方米·月）",
    "单选；按中位数确定",
    tuple(SheetOption(f"{fee} 元") for fee in ("0.50", "0.80", "1.00", "1.20")),
    note="按建筑面积计：80 平方米的住户每月 40–96 元；详见公示的测算表。",
)

MOTION = SheetContest(
    "同意使用专项维修资金更换 3 号楼电梯",
    "单选：同意、反对或弃权",
    (SheetOption("同意"), SheetOption("反对"), SheetOption("弃权")),
)


def address(index: int) -> str:
    """Return an address like 12号楼3单元502室."""
    building, rest = divmod(index, 36)
    unit, flat = divmod(rest, 12)
    floor, door = divmod(flat, 2)
    return f"{building + 1}号楼{unit + 1}单元{floor + 1}0{door + 1}室"


def household_sheets(count: int, seed: int = 2026, contests: tuple[SheetContest, ...] | None = None):
    """Return `count` sheets with random-looking 39-character tokens and distinct short codes."""
    rnd = random.Random(seed)
    contests = contests if contests is not None else (committee(), SERVICE_MODE, FEES, MOTION)
    sheets = []
    for index in range(count):
        token = "".join(rnd.choice(TOKEN_ALPHABET) for _ in range(39))
        code = "".join(rnd.choice(CODE_ALPHABET) for _ in range(8))
        sheets.append(
            BallotSheet(
                community="幸福里小区",
                meeting="2026年第一次业主大会",
                when="2026年12月20日（星期日）09:00 社区活动室",
                address=address(index),
                url=f"{BASE_URL}/b/{token}",
                short_code=f"{code[:4]}-{code[4:]}",
                contests=contests,
                fingerprint="3F9A 1C07 B2E4 5D68 90AB CDEF 1234 5678",
                instructions=INSTRUCTIONS,
            )
        )
    return sheets
