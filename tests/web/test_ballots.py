"""Ballots: issue, phone voting, paper entry, one household one vote, secrecy."""

from __future__ import annotations

import os
import re
import stat

import pytest
from sqlalchemy import func, inspect, select

from voting.extensions import db
from voting.models import ActionLog, Ballot, Channel, Contest, Meeting, RollEntry, VoteMark
from voting.services import ballots, casting
from voting.services.casting import AlreadyVoted

from ..helpers import login, post_form
from ..voting_helpers import Ready, actor, build_meeting, candidate_keys, open_contests, token_url


@pytest.fixture
def ready(app):
    ready = build_meeting(app)
    open_contests(app, ready, ready.committee_id, ready.choice_id, ready.motion_id)
    return ready


@pytest.fixture
def staff_client(app, ready):
    client = app.test_client()
    login(client, "admin")
    return client


def ballot_count(app, contest_id: int | None = None) -> int:
    with app.app_context():
        query = select(func.count()).select_from(Ballot)
        if contest_id:
            query = query.where(Ballot.contest_id == contest_id)
        return db.session.execute(query).scalar_one()


def vote_form(ready: Ready, keys: list[str]) -> dict:
    return {f"c{ready.committee_id}": keys[:3], f"c{ready.choice_id}": "o2", f"c{ready.motion_id}": "yes"}


def test_issuing_puts_every_household_with_a_vote_on_the_roll_and_creates_the_key(app, ready):
    with app.app_context():
        meeting = db.session.get(Meeting, ready.meeting_id)
        assert len(ready.entry_ids) == 60 and meeting.ballots_issued_at is not None
        assert re.fullmatch(r"[0-9a-f]{64}", meeting.public_key)
        codes = [e.short_code for e in ballots.roll(meeting)]
        assert len(set(codes)) == 60 and all(re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", c) for c in codes)
    key_file = app.instance_path + f"/keys/meeting-{ready.meeting_id}.ed25519.pem"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_phone_vote_scan_choose_confirm_receipt(app, ready):
    phone = app.test_client()
    url = token_url(app, ready.entry_ids[0])
    page = phone.get(url).get_data(as_text=True)
    assert "1号楼1单元101室" in page and "最多选 5 人" in page and "王建国" in page
    keys = candidate_keys(app, ready.committee_id)
    confirm = phone.post(url, data=vote_form(ready, keys))
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "请核对您的选择" in html and "确认投票" in html
    names = re.findall(r"<li>(.+?)</li>", html.split("请核对您的选择")[1])
    with app.app_context():
        labels = [o.label for o in db.session.get(Contest, ready.committee_id).options]
    assert labels[:3] == ["王建国", "刘洋", "杨帆"]  # 姓氏笔画: 王4 刘6 杨7 (李7 张7 陈7 赵9 follow)
    assert names[:3] == labels[:3] and "社区居民自治管理模式" in names and "同意" in names
    receipt_page = phone.post(
        url + "/cast",
        data={"contest": [ready.committee_id, ready.choice_id, ready.motion_id], **vote_form(ready, keys)},
    )
    text = receipt_page.get_data(as_text=True)
    receipts = re.findall(r'<strong class="code receipt-code">([2-9A-Z]{5}-[2-9A-Z]{5})</strong>', text)
    assert receipt_page.status_code == 200 and "投票成功" in text and len(receipts) == 3
    with app.app_context():
        stored = {b.receipt for b in db.session.execute(select(Ballot)).scalars()}
    assert {r.replace("-", "") for r in receipts} == stored
    again = phone.get(url).get_data(as_text=True)
    assert again.count("已投票（手机") == 3
    assert "王建国" not in again  # the choices are never shown again, only that it voted


def test_the_page_works_without_cookies(app, ready):
    """WeChat's browser or a phone with cookies off: the token alone authorises the vote."""
    phone = app.test_client(use_cookies=False)
    url = token_url(app, ready.entry_ids[1])
    keys = candidate_keys(app, ready.committee_id)
    response = phone.post(url + "/cast", data={"contest": [ready.committee_id], f"c{ready.committee_id}": keys[:2]})
    assert response.status_code == 200 and "投票成功" in response.get_data(as_text=True)


def test_blank_phone_ballot_is_an_abstention(app, ready):
    url = token_url(app, ready.entry_ids[2])
    app.test_client().post(url + "/cast", data={"contest": [ready.choice_id]})
    with app.app_context():
        ballot = db.session.execute(select(Ballot).where(Ballot.contest_id == ready.choice_id)).scalar_one()
        assert (ballot.status.value, ballot.marks) == ("blank", [])


@pytest.mark.parametrize("step", ["review", "cast"])
def test_server_refuses_an_over_vote_even_when_the_page_is_bypassed(app, ready, step):
    url = token_url(app, ready.entry_ids[0]) + ("/cast" if step == "cast" else "")
    keys = candidate_keys(app, ready.committee_id)
    response = app.test_client().post(url, data={"contest": [ready.committee_id], f"c{ready.committee_id}": keys[:6]})
    assert response.status_code == 422
    assert "标记了 6 个候选人，超过本项最多可选的 5 个。手机投票不接受废票" in response.get_data(as_text=True)
    assert ballot_count(app) == 0


def test_unknown_option_is_refused_on_the_phone(app, ready):
    url = token_url(app, ready.entry_ids[0])
    response = app.test_client().post(url + "/cast", data={"contest": [ready.choice_id], f"c{ready.choice_id}": "o9"})
    assert response.status_code == 422 and "不在名单上的选项" in response.get_data(as_text=True)


def test_all_or_nothing_across_contests(app, ready):
    """If one contest of a submission is refused, none of it is cast."""
    entry = ready.entry_ids[0]
    with app.app_context():
        casting.cast_ballots(db.session.get(RollEntry, entry), {ready.motion_id: ["no"]}, Channel.PHONE)
    url = token_url(app, entry)
    response = app.test_client().post(
        url + "/cast",
        data={"contest": [ready.choice_id, ready.motion_id], f"c{ready.choice_id}": "o1", f"c{ready.motion_id}": "yes"},
    )
    assert response.status_code == 409 and "该户已在“同意安装充电桩”投票（手机" in response.get_data(as_text=True)
    assert ballot_count(app, ready.choice_id) == 0 and ballot_count(app, ready.motion_id) == 1


def test_forged_token_is_refused_without_detail(app, ready):
    url = token_url(app, ready.entry_ids[0])
    forged = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    response = app.test_client().get(forged)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "无法识别此选票" in html and "signature" not in html.lower()


def test_token_for_a_household_not_on_the_roll_is_refused(app, ready):
    from ballots import tokens

    with app.app_context():
        token = tokens.make_token(app.config["BALLOT_SECRET"], tokens.BallotToken(ready.meeting_id, 999_999, 1))
    assert app.test_client().get(f"/b/{token}").status_code == 404
    # The cast reads the roll entry only inside its transaction: a signed token without one casts nothing.
    cast = app.test_client().post(f"/b/{token}/cast", data={"contest": [ready.motion_id], f"c{ready.motion_id}": "yes"})
    assert cast.status_code == 404 and "无法识别此选票" in cast.get_data(as_text=True)
    assert ballot_count(app, ready.motion_id) == 0


def test_token_from_another_meeting_is_refused_at_the_desk(app, ready, staff_client):
    other = build_meeting(app, name="别的小区", seats=None, n_households=5, present=5)
    foreign = "http://vote.test" + token_url(app, other.entry_ids[0])
    response = staff_client.get(f"/admin/m/{ready.meeting_id}/desk", query_string={"code": foreign})
    assert response.status_code == 409 and "这张选票不属于本次会议" in response.get_data(as_text=True)


def test_reissued_ballots_old_token_and_code_are_refused(app, ready, staff_client):
    entry_id = ready.entry_ids[5]
    old_url = token_url(app, entry_id)
    with app.app_context():
        old_code = db.session.get(RollEntry, entry_id).short_code
    response = post_form(
        staff_client,
        f"/admin/m/{ready.meeting_id}/ballots/{entry_id}/reissue",
        {"reason": "选票遗失"},
        form_page=f"/admin/m/{ready.meeting_id}/ballots",
    )
    assert response.status_code == 302
    refused = app.test_client().get(old_url)
    assert refused.status_code == 410 and "此选票已作废" in refused.get_data(as_text=True)
    assert app.test_client().get(token_url(app, entry_id)).status_code == 200
    desk = staff_client.get(f"/admin/m/{ready.meeting_id}/desk", query_string={"code": old_code})
    assert desk.status_code == 404
    with app.app_context():
        entry = db.session.execute(select(ActionLog).where(ActionLog.action == "ballot.reissue")).scalar_one()
        assert entry.detail["reason"] == "选票遗失" and entry.actor == "admin"


def test_reissue_is_refused_after_voting_in_an_open_contest(app, ready, staff_client):
    entry_id = ready.entry_ids[0]
    with app.app_context():
        casting.cast_ballots(db.session.get(RollEntry, entry_id), {ready.motion_id: ["yes"]}, Channel.PHONE)
    response = post_form(
        staff_client,
        f"/admin/m/{ready.meeting_id}/ballots/{entry_id}/reissue",
        {"reason": "遗失"},
        form_page=f"/admin/m/{ready.meeting_id}/ballots",
    )
    assert response.status_code == 409 and "不能补发" in response.get_data(as_text=True)


def test_phone_after_paper_and_paper_after_phone_are_refused(app, ready, staff_client):
    first, second = ready.entry_ids[:2]
    # paper first, then phone
    response = post_form(
        staff_client,
        f"/admin/m/{ready.meeting_id}/desk/{first}",
        {"channel": "paper", "contest": [ready.motion_id], f"c{ready.motion_id}": "yes"},
        form_page=f"/admin/m/{ready.meeting_id}/desk",
    )
    assert response.status_code == 200 and "已计入" in response.get_data(as_text=True)
    phone = app.test_client().post(
        token_url(app, first) + "/cast", data={"contest": [ready.motion_id], f"c{ready.motion_id}": "no"}
    )
    assert phone.status_code == 409 and "已在“同意安装充电桩”投票（纸质选票" in phone.get_data(as_text=True)
    # phone first, then paper
    app.test_client().post(
        token_url(app, second) + "/cast", data={"contest": [ready.motion_id], f"c{ready.motion_id}": "no"}
    )
    paper = post_form(
        staff_client,
        f"/admin/m/{ready.meeting_id}/desk/{second}",
        {"channel": "paper", "contest": [ready.motion_id], f"c{ready.motion_id}": "yes"},
        form_page=f"/admin/m/{ready.meeting_id}/desk",
    )
    assert paper.status_code == 409 and "已在“同意安装充电桩”投票（手机" in paper.get_data(as_text=True)
    assert ballot_count(app, ready.motion_id) == 2


def test_paper_over_vote_is_recorded_as_invalid_for_that_contest_only(app, ready, staff_client):
    keys = candidate_keys(app, ready.committee_id)
    entry_id = ready.entry_ids[3]
    scan = staff_client.get(
        f"/admin/m/{ready.meeting_id}/desk", query_string={"code": "http://vote.test" + token_url(app, entry_id)}
    )
    assert "1号楼1单元202室" in scan.get_data(as_text=True)
    form = {
        "channel": "paper",
        "contest": [ready.committee_id, ready.choice_id],
        f"c{ready.committee_id}": keys[:6],
        f"c{ready.choice_id}": "o1",
    }
    response = post_form(
        staff_client,
        f"/admin/m/{ready.meeting_id}/desk/{entry_id}",
        form,
        form_page=f"/admin/m/{ready.meeting_id}/desk",
    )
    html = response.get_data(as_text=True)
    assert "废票" in html and "有效票" in html
    with app.app_context():
        statuses = {b.contest_id: b.status.value for b in db.session.execute(select(Ballot)).scalars()}
    assert statuses == {ready.committee_id: "invalid", ready.choice_id: "valid"}


def test_short_code_typed_at_the_desk_finds_the_ballot(app, ready, staff_client):
    with app.app_context():
        code = db.session.get(RollEntry, ready.entry_ids[4]).short_code
    typed = f"{code[:4].lower()}-{code[4:].lower()}"
    response = staff_client.get(f"/admin/m/{ready.meeting_id}/desk", query_string={"code": typed})
    assert response.status_code == 200 and "1号楼1单元301室" in response.get_data(as_text=True)


def test_mobile_box_ballots_are_recorded_with_their_channel(app, ready, staff_client):
    entry_id = ready.entry_ids[7]
    post_form(
        staff_client,
        f"/admin/m/{ready.meeting_id}/desk/{entry_id}",
        {"channel": "mobile", "contest": [ready.motion_id], f"c{ready.motion_id}": "abstain"},
        form_page=f"/admin/m/{ready.meeting_id}/desk",
    )
    with app.app_context():
        assert db.session.get(VoteMark, (entry_id, ready.motion_id)).channel is Channel.MOBILE


def test_double_entry_counts_only_matching_blind_entries(app):
    ready = build_meeting(app, double_entry=True)
    open_contests(app, ready, ready.motion_id, ready.choice_id)
    from ..helpers import make_staff

    make_staff(app, "li", "staff", (ready.community_id,))
    wang, li = app.test_client(), app.test_client()
    login(wang, "admin")
    login(li, "li")
    desk = f"/admin/m/{ready.meeting_id}/desk"
    a, b = ready.entry_ids[:2]

    def enter(client, entry, **marks):
        form = {"channel": "paper", "contest": [int(k[1:]) for k in marks], **marks}
        return post_form(client, f"{desk}/{a if entry == 'a' else b}", form, form_page=desk)

    first = enter(wang, "a", **{f"c{ready.motion_id}": "yes"})
    assert "第一次录入已保存" in first.get_data(as_text=True) and ballot_count(app) == 0
    same_person = enter(wang, "a", **{f"c{ready.motion_id}": "yes"})
    assert same_person.status_code == 409 and "另一位工作人员" in same_person.get_data(as_text=True)
    second = enter(li, "a", **{f"c{ready.motion_id}": "yes"})
    assert "已计入" in second.get_data(as_text=True) and ballot_count(app) == 1

    enter(wang, "b", **{f"c{ready.choice_id}": "o1"})
    mismatch = enter(li, "b", **{f"c{ready.choice_id}": "o2"})
    assert "两次录入不一致，暂不计入" in mismatch.get_data(as_text=True) and ballot_count(app, ready.choice_id) == 0
    page = wang.get(desk).get_data(as_text=True)
    assert "两次录入不一致" in page and "待完成的纸质选票录入" in page
    with app.app_context():
        pending_id = casting.pending_entries(ready.meeting_id)[0].id
        log_entry = db.session.execute(select(ActionLog).where(ActionLog.action == "paper.mismatch")).scalar_one()
        assert "o1" not in str(log_entry.detail) and "o2" not in str(log_entry.detail)  # no marks next to a household
    resolved = post_form(wang, f"{desk}/pending/{pending_id}", {"marks": "o2"}, form_page=desk)
    assert resolved.status_code == 302 and ballot_count(app, ready.choice_id) == 1
    with app.app_context():
        assert casting.pending_entries(ready.meeting_id) == []


def test_votes_in_a_contest_not_open_or_closed_are_refused(app):
    ready = build_meeting(app)
    url = token_url(app, ready.entry_ids[0])
    draft = app.test_client().post(url + "/cast", data={"contest": [ready.motion_id], f"c{ready.motion_id}": "yes"})
    assert draft.status_code == 409 and "尚未开始投票" in draft.get_data(as_text=True)
    open_contests(app, ready, ready.motion_id)
    from voting.services import contests

    with app.app_context():
        contests.close_contest(db.session.get(Contest, ready.motion_id), actor())
    closed = app.test_client().post(url + "/cast", data={"contest": [ready.motion_id], f"c{ready.motion_id}": "yes"})
    assert closed.status_code == 409 and "已经结束投票" in closed.get_data(as_text=True)
    assert "投票已结束" in app.test_client().get(url).get_data(as_text=True)


def test_invalid_token_requests_are_rate_limited_per_client_but_valid_ballots_never(app, ready):
    app.config["BAD_TOKENS_PER_10_MIN"] = 3
    client = app.test_client()
    for i in range(3):
        assert client.get(f"/b/forged{i}.token").status_code == 404
    response = client.get("/b/forged9.token")
    assert response.status_code == 429 and "尝试次数过多" in response.get_data(as_text=True)
    # Voters sharing that address (venue Wi-Fi, carrier NAT) still vote with their real ballots.
    assert client.get(token_url(app, ready.entry_ids[0])).status_code == 200


def test_ballot_table_has_no_column_that_identifies_a_household(app):
    with app.app_context():
        columns = {c["name"]: c for c in inspect(db.engine).get_columns("ballot")}
        foreign = inspect(db.engine).get_foreign_keys("ballot")
        vote_mark = {c["name"] for c in inspect(db.engine).get_columns("vote_mark")}
    assert set(columns) == {"receipt", "contest_id", "marks", "status", "area"}
    assert [fk["referred_table"] for fk in foreign] == ["contest"]
    assert not any("time" in str(c["type"]).lower() or "date" in str(c["type"]).lower() for c in columns.values())
    assert vote_mark == {"roll_entry_id", "contest_id", "channel", "at"}  # channel and time, no receipt


def test_ballots_are_not_stored_in_insertion_order_on_sqlite(app, ready, backend):
    if backend.name != "sqlite":
        pytest.skip("rowid is SQLite's")
    from sqlalchemy import text

    with app.app_context():
        with pytest.raises(Exception, match="rowid"):
            db.session.execute(text("select rowid from ballot")).all()


def test_ballot_page_is_not_cached_and_sends_no_referrer(app, ready):
    response = app.test_client().get(token_url(app, ready.entry_ids[0]))
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"


def test_area_is_kept_on_ballots_only_where_area_counts(app):
    ready = build_meeting(app, profile="civil_code", seats=None)
    open_contests(app, ready, ready.motion_id)
    with app.app_context():
        entry = db.session.get(RollEntry, ready.entry_ids[0])
        casting.cast_ballots(entry, {ready.motion_id: ["yes"]}, Channel.PHONE)
        assert db.session.execute(select(Ballot.area)).scalar_one() == entry.area


def test_already_voted_is_raised_by_the_service(app, ready):
    with app.app_context():
        entry = db.session.get(RollEntry, ready.entry_ids[0])
        casting.cast_ballots(entry, {ready.motion_id: ["yes"]}, Channel.PHONE)
        with pytest.raises(AlreadyVoted):
            casting.cast_ballots(entry, {ready.motion_id: ["no"]}, Channel.PAPER, strict=False)


def test_the_desk_never_casts_in_a_follow_up_round_the_paper_does_not_cover(app):
    """A paper ballot lists the regular agenda; a 另行选举 opened later is entered only when ticked."""
    from voting.services import contests

    ready = build_meeting(app, n_households=30)
    open_contests(app, ready, ready.committee_id)
    keys = candidate_keys(app, ready.committee_id)
    with app.app_context():
        for entry_id in ready.entry_ids[:20]:  # nobody passes half → 另行选举
            casting.cast_ballots(
                db.session.get(RollEntry, entry_id),
                {ready.committee_id: keys[entry_id % 2 : entry_id % 2 + 1]},
                Channel.PHONE,
            )
        contests.close_contest(db.session.get(Contest, ready.committee_id), actor())
        runoff = contests.create_follow_up(db.session.get(Contest, ready.committee_id), actor()).id
    open_contests(app, ready, runoff, ready.motion_id)
    client = app.test_client()
    login(client, "admin")
    entry = ready.entry_ids[25]
    with app.app_context():
        code = db.session.get(RollEntry, entry).short_code
    page = client.get(f"/admin/m/{ready.meeting_id}/desk", query_string={"code": code}).get_data(as_text=True)
    assert f'type="hidden" name="contest" value="{ready.motion_id}"' in page
    assert (
        f'type="hidden" name="contest" value="{runoff}"' not in page
        and f'type="checkbox" name="contest" value="{runoff}"' in page
    )
    # The paper marks the motion only; the runoff box is not ticked.
    form = {"channel": "paper", "contest": [ready.motion_id], f"c{ready.motion_id}": "yes"}
    assert (
        post_form(
            client, f"/admin/m/{ready.meeting_id}/desk/{entry}", form, form_page=f"/admin/m/{ready.meeting_id}/desk"
        ).status_code
        == 200
    )
    runoff_keys = candidate_keys(app, runoff)
    phone = app.test_client().post(
        token_url(app, entry) + "/cast", data={"contest": [runoff], f"c{runoff}": runoff_keys[:1]}
    )
    assert phone.status_code == 200 and "投票成功" in phone.get_data(as_text=True)


def test_closing_is_refused_while_paper_entries_wait_and_an_admin_can_complete_them(app):
    """A first entry without its second is never dropped at close (nor left linking marks to a household)."""
    from voting.services import contests
    from voting.services.errors import Conflict

    ready = build_meeting(app, double_entry=True)
    open_contests(app, ready, ready.motion_id)
    client = app.test_client()
    login(client, "admin")
    desk = f"/admin/m/{ready.meeting_id}/desk"
    entry = ready.entry_ids[0]
    post_form(
        client,
        f"{desk}/{entry}",
        {"channel": "paper", "contest": [ready.motion_id], f"c{ready.motion_id}": "no"},
        form_page=desk,
    )
    with app.app_context(), pytest.raises(Conflict, match="还有 1 张纸质选票的录入未完成"):
        contests.close_contest(db.session.get(Contest, ready.motion_id), actor())
    with app.app_context():
        pending_id = casting.pending_entries(ready.meeting_id)[0].id
    assert post_form(client, f"{desk}/pending/{pending_id}", {"marks": "no"}, form_page=desk).status_code == 302
    with app.app_context():
        contests.close_contest(db.session.get(Contest, ready.motion_id), actor())
        assert casting.pending_entries(ready.meeting_id) == []
        assert db.session.get(Contest, ready.motion_id).result["no"] == 1


def test_a_ballot_reissued_while_its_holder_is_voting_cannot_vote(app, ready):
    """The serial is checked again under a row lock inside the cast: the voided ballot cannot vote."""
    from voting.services import ballots as ballot_service
    from voting.services.ballots import BallotRevoked

    with app.app_context():
        entry = db.session.get(RollEntry, ready.entry_ids[0])
        presented = entry.serial  # the old ballot was scanned and resolved ...
        ballot_service.reissue_ballot(
            db.session.get(Meeting, ready.meeting_id), entry, "遗失", actor()
        )  # ... then reissued
        stale = db.session.get(RollEntry, ready.entry_ids[0])
        db.session.expunge(stale)
        stale.serial = presented
        with pytest.raises(BallotRevoked):
            casting.cast_ballots(stale, {ready.motion_id: ["yes"]}, Channel.PHONE)
        assert db.session.get(VoteMark, (ready.entry_ids[0], ready.motion_id)) is None


def test_on_postgresql_closing_erases_the_transaction_ids_that_tie_ballots_to_voters(app, backend):
    if backend.name != "postgresql":
        pytest.skip("xmin and ctid are PostgreSQL's")
    from sqlalchemy import text

    from voting.services import contests

    ready = build_meeting(app)
    open_contests(app, ready, ready.motion_id)
    with app.app_context():
        for n, entry_id in enumerate(ready.entry_ids[:12]):
            casting.cast_ballots(
                db.session.get(RollEntry, entry_id), {ready.motion_id: ["yes" if n % 2 else "no"]}, Channel.PHONE
            )
        linked = db.session.execute(text("select count(*) from ballot b join vote_mark v on b.xmin = v.xmin")).scalar()
        assert linked == 12  # before the close, one join links every ballot to its household
        contests.close_contest(db.session.get(Contest, ready.motion_id), actor())
        linked = db.session.execute(text("select count(*) from ballot b join vote_mark v on b.xmin = v.xmin")).scalar()
        order = db.session.execute(text("select receipt from ballot order by ctid")).scalars().all()
        assert linked == 0 and order == sorted(order)
        assert db.session.get(Contest, ready.motion_id).result["cast"] == 12
