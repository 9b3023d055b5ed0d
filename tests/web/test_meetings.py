"""Meetings, agenda, candidate registration, review and 公示 through the pages."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from voting.core import FeeOption, FeeUnit, calculate_fees
from voting.core.explain import to_decimal
from voting.extensions import db
from voting.models import ActionLog, Contest, Meeting, Registration, RegistrationStatus
from voting.services import log
from voting.services.meetings import meeting_chain

from ..helpers import post_form
from ..meeting_helpers import (
    MEETING_DAY,
    add_committee,
    add_contest,
    create_meeting,
    meeting_row,
    open_registration,
    reference_of,
    register,
    registration_form,
    setup_community,
)

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"]


@pytest.fixture
def community(app, client):
    return setup_community(app, client)


@pytest.fixture
def meeting(client, community):
    meeting = create_meeting(client, community)
    assert add_committee(client, meeting, seats=9).status_code == 302
    open_registration(client, meeting)
    return meeting


def registrations_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Registration)).scalar_one()


def test_meeting_dashboard_shows_every_threshold_in_plain_chinese(app, client, community):
    meeting = create_meeting(client, community, profile="civil_code")
    html = client.get(f"/admin/m/{meeting}").get_data(as_text=True)
    assert "会议有效：到会户数达到应到户数的三分之二以上（户数和建筑面积都须达到）" in html
    assert "表决事项通过：同意票超过参加投票的票数（含空白票、废票）的半数" in html
    assert "2026" in html or str(MEETING_DAY.year) in html


def test_rule_overrides_are_stored_in_the_profile_and_logged(app, client, community):
    meeting = create_meeting(
        client, community, quorum_threshold="majority", max_proxies_per_holder="2", min_recommenders="10"
    )
    row = meeting_row(app, meeting)
    assert row.rules["quorum_threshold"] == {"fraction": "1/2", "comparison": "gt"}
    assert (row.rules["max_proxies_per_holder"], row.rules["min_recommenders"]) == (2, 10)
    with app.app_context():
        entry = db.session.execute(select(ActionLog).where(ActionLog.action == "meeting.create")).scalar_one()
        assert entry.detail["rules"]["min_recommenders"] == 10


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("date", "2026-13-01", "会议时间"),
        ("public_base_url", "192.168.1.10", "选票网址：应以 http:// 或 https:// 开头"),
        ("publicity_days", "-1", "候选人公示天数"),
        ("min_candidate_age", "16", "min_candidate_age"),
        ("title", "", "会议名称"),
    ],
)
def test_bad_meeting_form_names_the_field_and_stores_nothing(app, client, community, field, value, message):
    response = post_form(client, f"/admin/c/{community}/meetings/new", {**_meeting_form(), field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Meeting)).scalar_one() == 0


def _meeting_form():
    from ..meeting_helpers import meeting_form

    return meeting_form()


@pytest.mark.parametrize("seats", ["6", "11", "3", "8"])
def test_committee_seats_must_be_odd_five_to_nine(app, client, community, seats):
    meeting = create_meeting(client, community)
    response = add_committee(client, meeting, seats=int(seats))
    assert response.status_code == 400
    assert "应选名额：须为 5 至 9 名的单数" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Contest)).scalar_one() == 0


def test_service_mode_form_is_prefilled_with_the_design_lists(client, community):
    meeting = create_meeting(client, community)
    html = client.get(f"/admin/m/{meeting}/contests/new?purpose=service_mode").get_data(as_text=True)
    for mode in (
        "物业和准物业模式",
        "社区居民自治管理模式",
        "产权单位自管模式",
        "居民自管与市场机制相结合",
        "居民自管与政府扶持相结合",
        "居民监督与市场机制相结合",
    ):
        assert mode in html


def test_agenda_holds_all_four_kinds_in_order(app, client, community):
    meeting = create_meeting(client, community)
    assert add_committee(client, meeting, seats=7).status_code == 302
    assert (
        add_contest(
            client,
            meeting,
            "service_mode",
            **{"option-0-label": "物业和准物业模式", "option-1-label": "社区居民自治管理模式"},
        ).status_code
        == 302
    )
    assert (
        add_contest(
            client,
            meeting,
            "fee",
            unit="per_household",
            method="median",
            **{"amount-0": "10", "amount-1": "15", "amount-2": "20"},
        ).status_code
        == 302
    )
    assert add_contest(client, meeting, "motion", title="同意安装电动车充电桩").status_code == 302
    with app.app_context():
        contests = db.session.execute(select(Contest).order_by(Contest.position)).scalars().all()
        assert [c.purpose.value for c in contests] == ["committee", "service_mode", "fee", "motion"]
        assert [o.amount for o in contests[2].options] == [Decimal("10.00"), Decimal("15.00"), Decimal("20.00")]
        assert [o.label for o in contests[2].options][0] == "10.00 元/户·月"
    page = client.get(f"/m/{meeting}").get_data(as_text=True)
    assert "同意安装电动车充电桩" in page and "应选 7 名，差额选举" in page


@pytest.mark.parametrize(
    "amounts, message",
    [
        (["20", "15"], "须从低到高排列"),
        (["10"], "至少要有 2 档"),
        (["10", "abc"], "不是数字"),
        (["10", "10.555"], "最多两位小数"),
    ],
)
def test_fee_levels_must_be_ascending_amounts(app, client, community, amounts, message):
    meeting = create_meeting(client, community)
    response = add_contest(
        client,
        meeting,
        "fee",
        unit="per_household",
        method="median",
        **{f"amount-{i}": a for i, a in enumerate(amounts)},
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_only_one_committee_election_per_meeting(client, meeting):
    response = add_committee(client, meeting, seats=5)
    assert response.status_code == 409
    assert "已有管委会选举事项" in response.get_data(as_text=True)


FEE_INPUTS = {
    "costs-0-name": "治安防范/门卫",
    "costs-0-amount": "6000",
    "costs-1-name": "保洁",
    "costs-1-amount": "3000",
    "costs-2-name": "绿化",
    "costs-2-amount": "800.50",
    "income-0-name": "停车费",
    "income-0-amount": "4200",
    "contributions-0-name": "产权单位",
    "contributions-0-amount": "1000",
    "contributions-1-name": "政府奖补",
    "contributions-1-amount": "500",
    "paying_households": "",
}


def test_fee_calculator_page_equals_the_core_on_the_same_inputs(app, client, community):
    meeting = create_meeting(client, community)
    add_contest(
        client,
        meeting,
        "fee",
        unit="per_household",
        method="median",
        **{"amount-0": "20", "amount-1": "25", "amount-2": "30"},
    )
    with app.app_context():
        contest = db.session.execute(select(Contest)).scalar_one()
        url = f"/admin/m/{meeting}/contests/{contest.id}/fees"
    response = post_form(client, url, FEE_INPUTS)
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    households = 120  # the test register: 120 households, all with a vote
    area = sum((Decimal(f"{60 + i % 40}.{i % 100:02d}") for i in range(120)), Decimal("0"))
    expected = calculate_fees(
        {"治安防范/门卫": Decimal("6000"), "保洁": Decimal("3000"), "绿化": Decimal("800.50")},
        {"停车费": Decimal("4200")},
        {"产权单位": Decimal("1000"), "政府奖补": Decimal("500")},
        households,
        area,
        [FeeOption(Decimal(a), FeeUnit.PER_HOUSEHOLD) for a in ("20", "25", "30")],
    )
    assert expected.gap == Decimal("4100.50")
    assert f"{expected.gap} 元" in html
    assert f"{to_decimal(expected.break_even_per_household)} 元/户·月" in html
    for balance in expected.balances:
        assert f"{to_decimal(balance.monthly_balance)} 元" in html
        assert f"{to_decimal(balance.annual_balance)} 元" in html
    # Money is shown with two decimals everywhere on the page.
    for amount in re.findall(r"(-?\d+(?:\.\d+)?) 元", html):
        assert re.fullmatch(r"-?\d+\.\d{2}", amount), amount
    # The public notice prints the same calculation.
    notice = client.get(f"/m/{meeting}").get_data(as_text=True)
    assert f"缺口 {expected.gap} 元" in notice


def test_fee_calculator_rejects_negative_amounts_naming_the_item(client, community, app):
    meeting = create_meeting(client, community)
    add_contest(client, meeting, "fee", unit="per_household", method="median", **{"amount-0": "20", "amount-1": "25"})
    with app.app_context():
        contest_id = db.session.execute(select(Contest.id)).scalar_one()
    response = post_form(
        client, f"/admin/m/{meeting}/contests/{contest_id}/fees", {**FEE_INPUTS, "costs-1-amount": "-5"}
    )
    assert response.status_code == 400
    assert "支出「保洁」：须为不小于 0、最多两位小数的金额" in response.get_data(as_text=True)


def test_full_registration_review_and_publication(app, client, meeting):
    public = app.test_client()
    references = {}
    # 8 self-nominations and 4 joint recommendations, each by 5 distinct households.
    for i in range(8):
        name = SURNAMES[i] + "自荐"
        references[name] = reference_of(register(public, meeting, registration_form(name, home=i)))
    for i in range(8, 12):
        name = SURNAMES[i] + "推荐"
        recommenders = [20 + 5 * (i - 8) + k for k in range(5)]
        references[name] = reference_of(
            register(public, meeting, registration_form(name, home=i, kind="recommended", recommenders=recommenders))
        )
    assert registrations_count(app) == 12

    status = public.get(f"/m/{meeting}/registration?ref={references['王自荐']}").get_data(as_text=True)
    assert "待审核" in status and "王自荐" in status

    queue = client.get(f"/admin/m/{meeting}/registrations").get_data(as_text=True)
    assert queue.count("符合条件") == 12

    with app.app_context():
        ids = {r.name: r.id for r in db.session.execute(select(Registration)).scalars()}
    for name, reason in (("李自荐", "经核实不在本小区居住"), ("孙推荐", "推荐人签名经核实非本人所签")):
        response = post_form(
            client,
            f"/admin/m/{meeting}/registrations/{ids[name]}/decide",
            {"decision": "reject", "reason": reason},
            form_page=f"/admin/m/{meeting}/registrations/{ids[name]}",
        )
        assert response.status_code == 302
    for name, rid in ids.items():
        if name in ("李自荐", "孙推荐"):
            continue
        checks = ["identity", "residence", "consent"] + (["signatures"] if "推荐" in name else [])
        response = post_form(
            client,
            f"/admin/m/{meeting}/registrations/{rid}/decide",
            {"decision": "approve", "checks": checks},
            form_page=f"/admin/m/{meeting}/registrations/{rid}",
        )
        assert response.status_code == 302, response.get_data(as_text=True)

    rejected = public.get(f"/m/{meeting}/registration?ref={references['李自荐']}").get_data(as_text=True)
    assert "未通过" in rejected and "经核实不在本小区居住" in rejected

    assert post_form(client, f"/admin/m/{meeting}/publish", {}, form_page=f"/admin/m/{meeting}").status_code == 302
    board = public.get(f"/m/{meeting}/candidates").get_data(as_text=True)
    listed = re.findall(r"<td><strong>(.+?)</strong></td>", board)
    # 姓氏笔画: 王4 刘6 陈7 杨7 张7 吴7 周8 赵9 徐10 黄11; equal surnames go by the given name's
    # strokes (自6 before 推11), then by pinyin (chen, yang, zhang)
    assert listed == [
        "王自荐",
        "刘自荐",
        "陈自荐",
        "杨自荐",
        "张自荐",
        "吴推荐",
        "周推荐",
        "赵自荐",
        "徐推荐",
        "黄自荐",
    ]
    assert "李自荐" not in board and "孙推荐" not in board
    assert "1号楼1单元" in board and "101" not in board  # building and unit only
    age = MEETING_DAY.year - 1965 - ((MEETING_DAY.month, MEETING_DAY.day) < (3, 8))
    assert f"<td>{age}</td>" in board
    assert "公示期" in board

    with app.app_context():
        decisions = (
            db.session.execute(
                select(ActionLog).where(ActionLog.action.in_(["registration.approve", "registration.reject"]))
            )
            .scalars()
            .all()
        )
        assert len(decisions) == 12 and {d.actor for d in decisions} == {"wang"}
        assert all(d.at is not None for d in decisions)
        assert log.verify_chain(meeting_chain(meeting)) >= 27


def _approve_all(app, client, meeting):
    with app.app_context():
        rows = db.session.execute(select(Registration)).scalars().all()
        ids = [(r.id, r.kind) for r in rows]
    for rid, kind in ids:
        checks = ["identity", "residence", "consent"] + (["signatures"] if kind == "recommended" else [])
        response = post_form(
            client,
            f"/admin/m/{meeting}/registrations/{rid}/decide",
            {"decision": "approve", "checks": checks},
            form_page=f"/admin/m/{meeting}/registrations/{rid}",
        )
        assert response.status_code == 302


def test_publishing_fewer_candidates_than_seats_plus_one_is_refused(app, client, meeting):
    public = app.test_client()
    for i in range(9):
        reference_of(register(public, meeting, registration_form(SURNAMES[i] + "某", home=i)))
    _approve_all(app, client, meeting)
    response = post_form(client, f"/admin/m/{meeting}/publish", {}, form_page=f"/admin/m/{meeting}")
    assert response.status_code == 422
    assert "差额选举的候选人须多于应选名额，至少 10 人，现有 9 人" in response.get_data(as_text=True)
    assert meeting_row(app, meeting).candidates_published_at is None


def test_publishing_with_pending_registrations_is_refused(app, client, meeting):
    reference_of(register(app.test_client(), meeting, registration_form("王某", home=1)))
    response = post_form(client, f"/admin/m/{meeting}/publish", {}, form_page=f"/admin/m/{meeting}")
    assert response.status_code == 409 and "还有 1 份报名待审核" in response.get_data(as_text=True)


def test_approval_needs_the_manual_checks(app, client, meeting):
    reference_of(register(app.test_client(), meeting, registration_form("王某", home=1)))
    with app.app_context():
        rid = db.session.execute(select(Registration.id)).scalar_one()
    response = post_form(
        client,
        f"/admin/m/{meeting}/registrations/{rid}/decide",
        {"decision": "approve", "checks": ["identity"]},
        form_page=f"/admin/m/{meeting}/registrations/{rid}",
    )
    assert response.status_code == 422
    assert "尚未确认：已核实在本小区居住" in response.get_data(as_text=True)


def test_rejection_needs_a_reason(app, client, meeting):
    reference_of(register(app.test_client(), meeting, registration_form("王某", home=1)))
    with app.app_context():
        rid = db.session.execute(select(Registration.id)).scalar_one()
    response = post_form(
        client,
        f"/admin/m/{meeting}/registrations/{rid}/decide",
        {"decision": "reject", "reason": " "},
        form_page=f"/admin/m/{meeting}/registrations/{rid}",
    )
    assert response.status_code == 400 and "请填写不通过的理由" in response.get_data(as_text=True)


def test_paper_registration_entered_by_staff(app, client, meeting):
    response = post_form(
        client, f"/admin/m/{meeting}/registrations/new", registration_form("赵纸质", home=3, birth_date="1958年7月1日")
    )
    assert response.status_code == 302
    with app.app_context():
        registration = db.session.execute(select(Registration)).scalar_one()
        assert (registration.channel, registration.entered_by, registration.birth_date) == (
            "paper",
            "wang",
            date(1958, 7, 1),
        )


def under_age_birth() -> str:
    return (MEETING_DAY - timedelta(days=365 * 17)).isoformat()


BAD_REGISTRATIONS = {
    "minor nominee": (
        lambda: registration_form(
            "小明", home=1, birth=MEETING_DAY.replace(year=MEETING_DAY.year - 18) + timedelta(days=1)
        ),
        "未满 18 周岁",
    ),
    "address not in register": (lambda: registration_form("王某", home=1, building="99"), "住址与本小区的住户不符"),
    "four recommenders": (
        lambda: registration_form("王某", home=1, kind="recommended", recommenders=[10, 11, 12, 13]),
        "联名推荐须有至少 5 户有表决权的住户，有效推荐户为 4 户",
    ),
    "recommender not in register": (
        lambda: registration_form(
            "王某", home=1, kind="recommended", recommenders=[10, 11, 12, 13, 14], **{"rec-4-building": "99"}
        ),
        "不是本小区的住户",
    ),
    "missing declaration": (
        lambda: registration_form("王某", home=1, declarations=["endorses_charter"]),
        "缺少声明：具有完全民事行为能力",
    ),
    "no consent": (lambda: registration_form("王某", home=1, consent=""), "缺少本人同意参选的确认"),
    "bad birth date": (
        lambda: registration_form("王某", home=1, birth_date="六十年代"),
        "出生日期：应为 1960-01-02 这样的日期",
    ),
    "bad phone": (lambda: registration_form("王某", home=1, phone="12345"), "联系电话：应为 11 位手机号或座机号"),
}


@pytest.mark.parametrize("case", BAD_REGISTRATIONS, ids=list(BAD_REGISTRATIONS))
def test_bad_registration_is_refused_with_a_clear_message_and_nothing_stored(app, client, meeting, case):
    make_form, message = BAD_REGISTRATIONS[case]
    response = register(app.test_client(), meeting, make_form())
    assert response.status_code == (400 if case.startswith("bad ") else 422)
    html = response.get_data(as_text=True)
    assert "报名未成功" in html and message in html
    assert registrations_count(app) == 0


def test_duplicate_registration_is_refused(app, client, meeting):
    public = app.test_client()
    reference_of(register(public, meeting, registration_form("王某", home=1)))
    response = register(public, meeting, registration_form("王 某", home=1))
    assert response.status_code == 422
    assert "王某 已经报名，不能重复登记" in response.get_data(as_text=True)
    assert registrations_count(app) == 1


def test_a_household_cosigns_at_most_seats_recommendations(app, client, community):
    meeting = create_meeting(client, community)
    add_committee(client, meeting, seats=5)
    open_registration(client, meeting)
    public = app.test_client()
    for i in range(5):  # household 50 co-signs five recommendations: the limit for 5 seats
        reference_of(
            register(
                public,
                meeting,
                registration_form(
                    f"候选{i}", home=i, kind="recommended", recommenders=[50, 60 + i, 70 + i, 80 + i, 90 + i]
                ),
            )
        )
    response = register(
        public, meeting, registration_form("候选五", home=5, kind="recommended", recommenders=[50, 61, 71, 81, 91])
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "推荐户 3号楼1单元201室 已联名推荐 5 人，每户最多推荐 5 人" in html
    assert "有效推荐户为 4 户" in html
    assert registrations_count(app) == 5


def test_online_registration_is_refused_while_closed(app, client, community):
    meeting = create_meeting(client, community)
    add_committee(client, meeting)
    response = register(app.test_client(), meeting, registration_form("王某", home=1))
    assert response.status_code == 409 and "网上报名尚未开放或已经截止" in response.get_data(as_text=True)


def test_registrations_are_rate_limited_per_client(app, client, meeting):
    app.config["REGISTRATIONS_PER_HOUR"] = 2
    public = app.test_client()
    for _i in range(2):
        register(public, meeting, registration_form("王某", home=1, phone="bad"))
    response = register(public, meeting, registration_form("李某", home=2))
    assert response.status_code == 429 and "提交太频繁" in response.get_data(as_text=True)


def test_unknown_reference_says_not_found(app, meeting):
    response = app.test_client().get(f"/m/{meeting}/registration?ref=BMXXXXXX")
    assert response.status_code == 404 and "没有找到这个报名编号" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/admin/m/{m}/contests/new?purpose=motion", "/admin/m/{m}/registrations/new", "/admin/m/{m}/edit"]
)
def test_observers_cannot_change_meetings(app, client, meeting, path):
    from ..helpers import login, make_staff

    with app.app_context():
        community_id = db.session.get(Meeting, meeting).community_id
    make_staff(app, "watcher", "observer", (community_id,))
    observer = app.test_client()
    login(observer, "watcher")
    assert observer.get(path.format(m=meeting)).status_code == 403
    assert observer.get(f"/admin/m/{meeting}").status_code == 200


def test_staff_of_another_community_cannot_see_the_meeting(app, client, meeting):
    from ..helpers import login, make_community, make_staff

    other = make_community(app, "别的小区")
    make_staff(app, "outsider", "admin", (other,))
    outsider = app.test_client()
    login(outsider, "outsider")
    assert outsider.get(f"/admin/m/{meeting}").status_code == 403
    assert outsider.get(f"/admin/m/{meeting}/registrations").status_code == 403


def test_withdrawing_publication_reopens_review(app, client, meeting):
    public = app.test_client()
    for i in range(10):
        reference_of(register(public, meeting, registration_form(SURNAMES[i] + "某", home=i)))
    _approve_all(app, client, meeting)
    post_form(client, f"/admin/m/{meeting}/publish", {}, form_page=f"/admin/m/{meeting}")
    with app.app_context():
        rid = db.session.execute(select(Registration.id)).scalars().first()
    refused = post_form(
        client,
        f"/admin/m/{meeting}/registrations/{rid}/decide",
        {"decision": "reject", "reason": "x"},
        form_page=f"/admin/m/{meeting}",
    )
    assert refused.status_code == 409 and "候选人名单已公示" in refused.get_data(as_text=True)
    assert (
        post_form(
            client,
            f"/admin/m/{meeting}/withdraw",
            {"reason": "发现一名候选人不符合条件"},
            form_page=f"/admin/m/{meeting}",
        ).status_code
        == 302
    )
    assert (
        post_form(
            client,
            f"/admin/m/{meeting}/registrations/{rid}/decide",
            {"decision": "reject", "reason": "x"},
            form_page=f"/admin/m/{meeting}",
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(Registration, rid).status is RegistrationStatus.REJECTED


def test_issuing_ballots_before_the_publicity_period_ends_is_refused(app):
    from ..helpers import login
    from ..voting_helpers import build_meeting

    ready = build_meeting(app, publicity_days=5, issue=False)
    client = app.test_client()
    login(client, "admin")
    response = post_form(
        client, f"/admin/m/{ready.meeting_id}/ballots/issue", {}, form_page=f"/admin/m/{ready.meeting_id}/ballots"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "公示期 5 天，到" in html and "结束；公示期满后才能发放选票" in html
    assert meeting_row(app, ready.meeting_id).ballots_issued_at is None


def test_issuing_needs_published_candidates(app):
    from ..helpers import login
    from ..voting_helpers import build_meeting

    ready = build_meeting(app, candidates=0, issue=False, seats=None)
    client = app.test_client()
    login(client, "admin")
    with app.app_context():
        from voting.services import agenda
        from voting.services.agenda import ContestInput

        from ..voting_helpers import actor

        agenda.add_contest(
            db.session.get(Meeting, ready.meeting_id), ContestInput(purpose="committee", seats="5"), actor()
        )
    response = post_form(
        client, f"/admin/m/{ready.meeting_id}/ballots/issue", {}, form_page=f"/admin/m/{ready.meeting_id}/ballots"
    )
    assert response.status_code == 409 and "候选人名单尚未公示" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path, form",
    [
        ("/admin/m/{m}/contests/new?purpose=motion", {"purpose": "motion", "title": "新议案"}),
        ("/admin/m/{m}/contests/{c}", {"title": "改个标题", "option-0-label": "甲", "option-1-label": "乙"}),
        ("/admin/m/{m}/contests/{c}/delete", {}),
        ("/admin/m/{m}/contests/{c}/move", {"direction": "up"}),
    ],
)
def test_editing_the_agenda_after_ballots_are_issued_is_refused(app, path, form):
    from ..helpers import login
    from ..voting_helpers import build_meeting

    ready = build_meeting(app)
    client = app.test_client()
    login(client, "admin")
    url = path.format(m=ready.meeting_id, c=ready.choice_id)
    response = post_form(client, url, form, form_page=f"/admin/m/{ready.meeting_id}")
    assert response.status_code == 409
    assert "选票已发放，议程已冻结" in response.get_data(as_text=True)
    with app.app_context():
        contest = db.session.get(Contest, ready.choice_id)
        assert contest.title == "服务模式" and len(contest.options) == 3


def test_changing_the_rules_after_ballots_are_issued_is_refused(app):
    from ..helpers import login
    from ..meeting_helpers import meeting_form
    from ..voting_helpers import build_meeting

    ready = build_meeting(app)
    client = app.test_client()
    login(client, "admin")
    response = post_form(client, f"/admin/m/{ready.meeting_id}/edit", meeting_form(profile="statute"))
    assert response.status_code == 409 and "会议规则已冻结" in response.get_data(as_text=True)
