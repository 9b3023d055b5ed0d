"""Meeting day through the pages: check-in, proxies, quorum board, votes, follow-ups, sign-off, results."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from voting.core import Attendance, RuleProfile, check_quorum
from voting.extensions import db
from voting.models import ActionLog, Contest, Meeting, RollEntry

from ..helpers import login, make_staff, post_form
from ..voting_helpers import build_meeting, token_url

PROFILE = RuleProfile.charter()


def board(client, meeting_id: int) -> dict:
    return client.get(f"/m/{meeting_id}/board.json").get_json()


def assert_board_matches_core(client, meeting_id: int, present: int, eligible: int = 60) -> None:
    """The board shows exactly what the core's quorum check says for this attendance."""
    data = board(client, meeting_id)
    core = check_quorum(PROFILE, Attendance(eligible, present))
    assert (data["present"], data["eligible"], data["line"], data["met"]) == (
        core.present_households,
        core.eligible_households,
        core.min_households,
        core.met,
    )


def scan_in(client, meeting_id: int, app, entry_id: int):
    """Check a household in by 'scanning' its ballot URL into the check-in field."""
    url = "http://vote.test" + token_url(app, entry_id)
    return post_form(client, f"/admin/m/{meeting_id}/checkin", {"code": url})


def phone_vote(app, entry_id: int, selections: dict[int, list[str]]):
    url = token_url(app, entry_id)
    data = {"contest": list(selections)}
    data.update({f"c{cid}": marks for cid, marks in selections.items()})
    return app.test_client().post(url + "/cast", data=data)


def spread(counts: dict[str, int], ballots: int, per_ballot: int) -> list[list[str]]:
    """Build `ballots` ballots giving each key exactly its count, at most `per_ballot` marks each."""
    marks: list[list[str]] = [[] for _ in range(ballots)]
    slot = 0
    for key, n in counts.items():
        for _ in range(n):
            while len(marks[slot % ballots]) >= per_ballot or key in marks[slot % ballots]:
                slot += 1
            marks[slot % ballots].append(key)
            slot += 1
    assert all(len(m) <= per_ballot for m in marks)
    return marks


def single(counts: dict[str, int]) -> list[list[str]]:
    return [[key] for key, n in counts.items() for _ in range(n)]


def contest_keys(app, contest_id: int) -> dict[str, str]:
    with app.app_context():
        return {o.label: o.key for o in db.session.get(Contest, contest_id).options}


def close(client, meeting_id, contest_id):
    return post_form(
        client, f"/admin/m/{meeting_id}/contests/{contest_id}/close", {}, form_page=f"/admin/m/{meeting_id}/run"
    )


def open_(client, meeting_id, contest_id, **form):
    return post_form(
        client, f"/admin/m/{meeting_id}/contests/{contest_id}/open", form, form_page=f"/admin/m/{meeting_id}/run"
    )


def follow_up(client, app, meeting_id, contest_id) -> int:
    response = post_form(
        client, f"/admin/m/{meeting_id}/contests/{contest_id}/follow-up", {}, form_page=f"/admin/m/{meeting_id}/run"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return db.session.execute(select(Contest.id).where(Contest.parent_id == contest_id)).scalar_one()


def result_of(app, contest_id: int) -> dict:
    with app.app_context():
        return db.session.get(Contest, contest_id).result


def test_a_whole_meeting_of_sixty_households(app):
    ready = build_meeting(app, n_households=60, seats=5, candidates=7, motion=False, fee=True, present=0)
    with app.app_context():
        fee = db.session.execute(select(Contest.id).where(Contest.title == "收费标准")).scalar_one()
    m, entries = ready.meeting_id, ready.entry_ids
    admin = app.test_client()
    login(admin, "admin")
    committee, service = ready.committee_id, ready.choice_id

    # Check-in: 39 → no quorum, opening refused; 40 (exactly 2/3) → quorum; 41.
    for n, entry in enumerate(entries[:39], start=1):
        assert "签到成功" in scan_in(admin, m, app, entry).get_data(as_text=True)
        assert_board_matches_core(admin, m, present=n)
    refused = open_(admin, m, committee)
    assert (
        refused.status_code == 409
        and "尚未达到法定人数：出席 39 户 / 应到 60 户，未达到三分之二（40 户）" in refused.get_data(as_text=True)
    )
    scan_in(admin, m, app, entries[39])
    assert_board_matches_core(admin, m, present=40)
    assert board(admin, m)["met"] is True
    again = scan_in(admin, m, app, entries[39])
    assert (
        again.status_code == 409
        and "已于" in again.get_data(as_text=True)
        and "签到，无需重复签到" in again.get_data(as_text=True)
    )
    scan_in(admin, m, app, entries[40])
    assert_board_matches_core(admin, m, present=41)

    # Two proxies: households 50 and 51 are represented by present households 20 and 21.
    for principal, holder in ((50, 20), (51, 21)):
        response = post_form(
            admin,
            f"/admin/m/{m}/proxies",
            {
                "principal": _address_query(app, entries[principal]),
                "holder": _address_query(app, entries[holder]),
                "letter": "委托书原件已收",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    assert_board_matches_core(admin, m, present=43)
    assert board(admin, m)["proxies"] == 2

    # Officials who will sign off every count.
    make_staff(app, "jian", "staff", (ready.community_id,))
    make_staff(app, "ji", "observer", (ready.community_id,))
    for username, role in (("jian", "scrutineer"), ("ji", "teller")):
        assert (
            post_form(
                admin, f"/admin/m/{m}/officials", {"username": username, "role": role}, form_page=f"/admin/m/{m}/run"
            ).status_code
            == 302
        )

    # Regular round, 5 seats, 7 candidates; 42 households vote (40 marked, 1 blank, 1 over-vote).
    keys = contest_keys(app, committee)
    names = list(keys)  # ballot order (姓氏笔画)
    counts = dict(zip(names, [30, 28, 25, 20, 18, 18, 10]))
    marked = spread({keys[n]: c for n, c in counts.items()}, 40, 5)
    assert open_(admin, m, committee).status_code == 302
    for entry, marks in zip(entries[:40], marked):
        assert phone_vote(app, entry, {committee: marks}).status_code == 200
    assert phone_vote(app, entries[40], {committee: []}).status_code == 200  # blank
    over = post_form(
        admin,
        f"/admin/m/{m}/desk/{entries[50]}",
        {"channel": "paper", "contest": [committee], f"c{committee}": list(keys.values())[:6]},
        form_page=f"/admin/m/{m}/desk",
    )
    assert "废票" in over.get_data(as_text=True)
    assert close(admin, m, committee).status_code == 302
    regular = result_of(app, committee)
    assert (regular["cast"], regular["valid"], regular["blank"], regular["invalid"], regular["min_votes"]) == (
        42,
        41,
        1,
        1,
        22,
    )
    assert [keys_to_names(keys, regular["elected"])] == [names[:3]]
    assert (
        regular["verdict"] == "partial"
        and regular["follow_up"]["kind"] == "runoff"
        and regular["follow_up"]["seats"] == 2
    )
    assert keys_to_names(keys, regular["follow_up"]["ids"]) == names[3:6]
    again_close = close(admin, m, committee)
    assert again_close.status_code == 409 and "已经结束投票" in again_close.get_data(as_text=True)
    late = phone_vote(app, entries[41], {committee: [keys[names[0]]]})
    assert late.status_code == 409 and "已经结束投票" in late.get_data(as_text=True)

    # 另行选举 for the 2 unfilled seats: D 25, E 15, F 15 of 42 (≥ 1/3 = 14) → D elected, E/F tie.
    runoff = follow_up(admin, app, m, committee)
    runoff_votes = (
        [[keys[names[3]], keys[names[4]]]] * 15
        + [[keys[names[3]], keys[names[5]]]] * 10
        + [[keys[names[5]]]] * 5
        + [[]] * 12
    )
    assert open_(admin, m, runoff).status_code == 302
    for entry, marks in zip(entries[:42], runoff_votes):
        assert phone_vote(app, entry, {runoff: marks}).status_code == 200
    close(admin, m, runoff)
    second = result_of(app, runoff)
    assert second["round"] == "runoff" and second["min_votes"] == 14
    assert keys_to_names(keys, second["elected"]) == [names[3]]
    assert keys_to_names(keys, second["tied"]) == [names[4], names[5]]
    assert second["follow_up"]["kind"] == "tie_revote" and second["follow_up"]["seats"] == 1

    # 平票重选 between E and F for the last seat: E 24, F 18.
    revote = follow_up(admin, app, m, runoff)
    assert open_(admin, m, revote).status_code == 302
    for entry, marks in zip(entries[:42], single({keys[names[4]]: 24, keys[names[5]]: 18})):
        assert phone_vote(app, entry, {revote: marks}).status_code == 200
    close(admin, m, revote)
    third = result_of(app, revote)
    assert keys_to_names(keys, third["elected"]) == [names[4]] and third["verdict"] == "elected"

    # Service mode: household 41 never checked in but voted in the runoff, and casting a ballot
    # counts as presence (DESIGN §4.2): 44 present. Nobody passes half of 44 → top-two runoff.
    modes = contest_keys(app, service)
    assert open_(admin, m, service).status_code == 302
    for entry, marks in zip(
        entries[:42],
        single({modes["物业和准物业模式"]: 18, modes["社区居民自治管理模式"]: 15, modes["产权单位自管模式"]: 8}) + [[]],
    ):
        phone_vote(app, entry, {service: marks})
    close(admin, m, service)
    service_result = result_of(app, service)
    assert (service_result["verdict"], service_result["base_value"], service_result["min_votes"]) == ("runoff", 44, 23)
    assert_board_matches_core(admin, m, present=44)
    top_two = follow_up(admin, app, m, service)
    assert open_(admin, m, top_two).status_code == 302
    for entry, marks in zip(entries[:42], single({modes["物业和准物业模式"]: 23, modes["社区居民自治管理模式"]: 19})):
        phone_vote(app, entry, {top_two: marks})
    close(admin, m, top_two)
    assert result_of(app, top_two)["winner"] == modes["物业和准物业模式"]

    # Fee level by median: 10:8 15:12 20:14 25:6 → more than half of 40 accept 15 or more, not 20.
    levels = contest_keys(app, fee)
    assert open_(admin, m, fee).status_code == 302
    fee_votes = single(
        {
            levels["10.00 元/户·月"]: 8,
            levels["15.00 元/户·月"]: 12,
            levels["20.00 元/户·月"]: 14,
            levels["25.00 元/户·月"]: 6,
        }
    )
    for entry, marks in zip(entries[:40], fee_votes):
        phone_vote(app, entry, {fee: marks})
    close(admin, m, fee)
    fee_result = result_of(app, fee)
    assert fee_result["winner"] == levels["15.00 元/户·月"] and [c["votes"] for c in fee_result["cumulative"]] == [
        40,
        32,
        20,
        6,
    ]

    # Sign-off by both officials on every contest; publishing before that is refused.
    refused = post_form(admin, f"/admin/m/{m}/results/publish", {}, form_page=f"/admin/m/{m}/run")
    assert refused.status_code == 409 and "尚未全部签字确认" in refused.get_data(as_text=True)
    all_contests = [committee, runoff, revote, service, top_two, fee]
    for username in ("jian", "ji"):
        official = app.test_client()
        login(official, username)
        for contest_id in all_contests:
            assert post_form(official, f"/admin/m/{m}/contests/{contest_id}/count", {}).status_code == 302
    twice = post_form(official, f"/admin/m/{m}/contests/{committee}/count", {})
    assert twice.status_code == 409 and "不能重复签字" in twice.get_data(as_text=True)
    sheet = admin.get(f"/admin/m/{m}/contests/{committee}/count").get_data(as_text=True)
    assert '收回：手机</th><td class="num">41 张' in sheet and '收回：会场纸质选票</th><td class="num">1 张' in sheet
    assert "与已投票户数一致" in sheet and '结束投票时到会户数</th><td class="num">43 户' in sheet

    assert post_form(admin, f"/admin/m/{m}/results/publish", {}, form_page=f"/admin/m/{m}/run").status_code == 302
    page = app.test_client().get(f"/m/{m}/results").get_data(as_text=True)
    assert "初步结果" in page and "询异期至" in page
    for text in (
        f"{names[0]} 得 30 票，超过参加投票 42 票的半数（22 票），当选",
        "部分当选",
        f"{names[3]} 得 25 票",
        "全部当选",
        f"：{names[4]} 当选",
        "需决选",
        "已决定</strong>：物业和准物业模式",
        "已决定</strong>：15.00 元/户·月",
        "监票人 jian",
        "计票人 ji",
    ):
        assert text in page, text
    assert page.count('class="card result"') == 6

    # After the objection window the same page says the results are final.
    with app.app_context():
        meeting = db.session.get(Meeting, m)
        meeting.results_published_at -= timedelta(days=meeting.objection_days, minutes=1)
        db.session.commit()
    assert "最终结果" in app.test_client().get(f"/m/{m}/results").get_data(as_text=True)
    notice = app.test_client().get(f"/m/{m}/results/notice").get_data(as_text=True)
    assert "表决结果公告" in notice and "住户00" not in notice  # no household names

    # The committee's roles are recorded and published with contact numbers.
    with app.app_context():
        from voting.services import results

        elected = results.elected_registrations(db.session.get(Meeting, m))
        ids = [r.id for r in elected]
    assert len(ids) == 5
    roles = {
        f"role-{ids[0]}": "director",
        f"role-{ids[1]}": "deputy",
        **{f"role-{i}": "member" for i in ids[2:]},
        f"phone-{ids[0]}": "13811112222",
    }
    assert post_form(admin, f"/admin/m/{m}/committee", roles).status_code == 302
    members = app.test_client().get(f"/m/{m}/committee").get_data(as_text=True)
    assert (
        re.search(r"主任</td><td><strong>.+?</strong></td><td>13811112222", members) and members.count("委员</td>") == 3
    )


def keys_to_names(keys: dict[str, str], ids: list[str]) -> list[str]:
    names = {v: k for k, v in keys.items()}
    return [names[i] for i in ids]


def _address_query(app, entry_id: int) -> str:
    with app.app_context():
        household = db.session.get(RollEntry, entry_id).household
        return f"{household.building}-{household.unit}-{household.room}"


@pytest.fixture
def small(app):
    ready = build_meeting(app, n_households=9, seats=None, present=0, allow_override=True)
    client = app.test_client()
    login(client, "admin")
    return ready, client


def test_opening_without_quorum_needs_an_explicit_logged_override(app, small):
    ready, client = small
    plain = open_(client, ready.meeting_id, ready.motion_id)
    assert plain.status_code == 409 and "可以勾选“未达到法定人数仍开始”" in plain.get_data(as_text=True)
    forced = open_(client, ready.meeting_id, ready.motion_id, override="1")
    assert forced.status_code == 302
    with app.app_context():
        entry = db.session.execute(select(ActionLog).where(ActionLog.action == "contest.open")).scalar_one()
        assert entry.detail["override"] is True and entry.detail["quorum_met"] is False and entry.actor == "admin"


def test_override_is_refused_where_the_rules_do_not_allow_it(app):
    ready = build_meeting(app, n_households=9, seats=None, present=0, allow_override=False)
    client = app.test_client()
    login(client, "admin")
    response = open_(client, ready.meeting_id, ready.motion_id, override="1")
    assert response.status_code == 409 and "本次会议的规则不允许在未达到法定人数时开始投票" in response.get_data(
        as_text=True
    )


def test_result_without_quorum_at_close_is_shown_as_void(app, small):
    ready, client = small
    open_(client, ready.meeting_id, ready.motion_id, override="1")
    phone_vote(app, ready.entry_ids[0], {ready.motion_id: ["yes"]})
    close(client, ready.meeting_id, ready.motion_id)
    result = result_of(app, ready.motion_id)
    assert (
        result["verdict"] == "no_quorum" and result["passed"] is False and result["quorum"]["present_households"] == 1
    )


def test_undo_check_in_needs_a_reason_and_is_logged(app, small):
    ready, client = small
    scan_in(client, ready.meeting_id, app, ready.entry_ids[0])
    url = f"/admin/m/{ready.meeting_id}/checkin/{ready.entry_ids[0]}/undo"
    assert post_form(client, url, {"reason": " "}, form_page=f"/admin/m/{ready.meeting_id}/checkin").status_code == 400
    assert (
        post_form(client, url, {"reason": "扫错了选票"}, form_page=f"/admin/m/{ready.meeting_id}/checkin").status_code
        == 302
    )
    assert board(client, ready.meeting_id)["present"] == 0
    with app.app_context():
        entry = db.session.execute(select(ActionLog).where(ActionLog.action == "checkin.undo")).scalar_one()
        assert entry.detail["reason"] == "扫错了选票"


def test_check_in_by_address_search(app, small):
    ready, client = small
    page = client.get(f"/admin/m/{ready.meeting_id}/checkin", query_string={"q": "1-1-102"}).get_data(as_text=True)
    assert "1号楼1单元102室" in page and "未签到" in page
    response = post_form(client, f"/admin/m/{ready.meeting_id}/checkin", {"entry": ready.entry_ids[1]})
    assert "1号楼1单元102室 签到成功" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "principal, holder, message",
    [(3, 3, "不能委托自己"), (4, 0, "已接受 3 户委托，每户最多接受 3 户委托")],
)
def test_proxy_rules(app, small, principal, holder, message):
    ready, client = small
    for p in (1, 2, 5):
        post_form(
            client,
            f"/admin/m/{ready.meeting_id}/proxies",
            {
                "principal": _address_query(app, ready.entry_ids[p]),
                "holder": _address_query(app, ready.entry_ids[0]),
                "letter": "已收",
            },
        )
    response = post_form(
        client,
        f"/admin/m/{ready.meeting_id}/proxies",
        {
            "principal": _address_query(app, ready.entry_ids[principal]),
            "holder": _address_query(app, ready.entry_ids[holder]),
            "letter": "已收",
        },
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_a_candidate_cannot_hold_proxies_in_his_own_election(app):
    ready = build_meeting(app, n_households=12, seats=5, candidates=6, present=0)
    client = app.test_client()
    login(client, "admin")
    response = post_form(
        client,
        f"/admin/m/{ready.meeting_id}/proxies",
        {
            "principal": _address_query(app, ready.entry_ids[10]),
            "holder": _address_query(app, ready.entry_ids[0]),
            "letter": "已收",
        },
    )
    assert response.status_code == 422 and "有候选人参加本次选举，不能接受委托" in response.get_data(as_text=True)


def test_a_proxy_counts_only_while_its_holder_is_present(app, small):
    ready, client = small
    post_form(
        client,
        f"/admin/m/{ready.meeting_id}/proxies",
        {
            "principal": _address_query(app, ready.entry_ids[1]),
            "holder": _address_query(app, ready.entry_ids[0]),
            "letter": "已收",
        },
    )
    assert board(client, ready.meeting_id)["present"] == 0
    scan_in(client, ready.meeting_id, app, ready.entry_ids[0])
    assert board(client, ready.meeting_id)["present"] == 2


def test_proxy_letter_photo_is_kept_with_its_hash_in_the_log(app, small):
    import hashlib
    import io

    ready, client = small
    photo = b"\x89PNG fake letter photo"
    form = {
        "principal": _address_query(app, ready.entry_ids[1]),
        "holder": _address_query(app, ready.entry_ids[0]),
        "letter": "已收",
        "photo": (io.BytesIO(photo), "letter.png"),
    }
    assert (
        post_form(client, f"/admin/m/{ready.meeting_id}/proxies", form, content_type="multipart/form-data").status_code
        == 302
    )
    digest = hashlib.sha256(photo).hexdigest()
    with app.app_context():
        entry = db.session.execute(select(ActionLog).where(ActionLog.action == "proxy.record")).scalar_one()
    assert entry.detail["photo_sha256"] == digest
    with open(f"{app.instance_path}/proxy-letters/{digest}", "rb") as f:
        assert f.read() == photo


def test_public_board_shows_numbers_and_no_household(app, small):
    ready, client = small
    scan_in(client, ready.meeting_id, app, ready.entry_ids[0])
    html = app.test_client().get(f"/m/{ready.meeting_id}/board").get_data(as_text=True)
    assert '<span data-field="present">1</span> / <span data-field="eligible">9</span>' in html
    assert "号楼" not in html and "住户" not in html.replace("不显示住户信息", "")
    assert 'http-equiv="refresh"' in html  # refreshes without JavaScript too


def test_staff_cannot_open_contests_or_name_officials(app, small):
    ready, _ = small
    make_staff(app, "li", "staff", (ready.community_id,))
    staff_client = app.test_client()
    login(staff_client, "li")
    assert open_(staff_client, ready.meeting_id, ready.motion_id).status_code == 403
    assert (
        post_form(
            staff_client,
            f"/admin/m/{ready.meeting_id}/officials",
            {"username": "li", "role": "teller"},
            form_page=f"/admin/m/{ready.meeting_id}/run",
        ).status_code
        == 403
    )


def test_only_named_officials_sign_off(app, small):
    ready, client = small
    open_(client, ready.meeting_id, ready.motion_id, override="1")
    close(client, ready.meeting_id, ready.motion_id)
    response = post_form(client, f"/admin/m/{ready.meeting_id}/contests/{ready.motion_id}/count", {})
    assert response.status_code == 403 and "只有本次会议指定的监票人、计票人才能签字确认" in response.get_data(
        as_text=True
    )


def test_under_civil_code_the_quorum_is_the_households_that_took_part_in_the_vote(app):
    """民法典 278: 2/3 of households and area must 参与表决 — checking in is not taking part."""
    from voting.models import Channel
    from voting.services import casting, contests

    from ..voting_helpers import actor

    ready = build_meeting(app, n_households=60, seats=None, profile="civil_code", present=45)
    with app.app_context():
        motion = db.session.get(Contest, ready.motion_id)
        motion.settings = {**motion.settings, "special": True}
        db.session.commit()
        contests.open_contest(db.session.get(Contest, ready.motion_id), actor())
        for entry_id in ready.entry_ids[:4]:
            casting.cast_ballots(db.session.get(RollEntry, entry_id), {ready.motion_id: ["yes"]}, Channel.PHONE)
        result = contests.close_contest(db.session.get(Contest, ready.motion_id), actor())
        contest = db.session.get(Contest, ready.motion_id)
    assert result.verdict.value == "no_quorum" and not result.passed
    assert result.quorum.present_households == 4 and len(contest.present_at_close) == 4
    assert "参与表决 4 户 / 应到 60 户" in result.explanation


def test_no_vote_opens_after_the_results_are_published(app):
    """A contest opened after publication would go public unsigned under the old objection window."""
    from voting.models import OfficialRole
    from voting.services import contests, results
    from voting.services.errors import Conflict

    from ..voting_helpers import actor

    ready = build_meeting(app, n_households=9, seats=None)
    make_staff(app, "jian", "staff", (ready.community_id,))
    make_staff(app, "ji", "staff", (ready.community_id,))
    with app.app_context():
        from voting.models import StaffUser

        meeting = db.session.get(Meeting, ready.meeting_id)
        results.name_official(meeting, "jian", OfficialRole.SCRUTINEER, actor())
        results.name_official(meeting, "ji", OfficialRole.TELLER, actor())
        contests.open_contest(db.session.get(Contest, ready.motion_id), actor())
        contests.close_contest(db.session.get(Contest, ready.motion_id), actor())
        for name in ("jian", "ji"):
            signer = db.session.execute(select(StaffUser).where(StaffUser.username == name)).scalar_one()
            results.sign_off(db.session.get(Contest, ready.motion_id), signer)
        results.publish_results(db.session.get(Meeting, ready.meeting_id), actor())
        with pytest.raises(Conflict, match="结果已经公布，不能再开始新的投票"):
            contests.open_contest(db.session.get(Contest, ready.choice_id), actor())
        assert db.session.get(Contest, ready.choice_id).status.value == "draft"
