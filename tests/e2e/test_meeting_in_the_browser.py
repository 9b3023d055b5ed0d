"""A whole residents' meeting in a real browser, against a real server, with a phone and a print-out.

Staff log in, create the 小区, upload the register, set up the meeting, approve the candidates,
publish them, issue ballots and download the printed PDF. The ballot URLs are read back out of
that PDF the way a phone camera would (rasterised at 150 dpi, QR decoded with ZXing). A phone-sized
touch browser (390×844) opens one of them and votes; the counting desk enters a paper ballot by a
typed scan; the projector board updates by itself; staff close the votes, run the 另行选举 the
count proposes, the officials sign off, the results are published, and the phone finds its
receipt on the public page. Every step leaves a numbered screenshot in e2e-screenshots/.
"""

from __future__ import annotations

import re
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import select

from voting.extensions import db
from voting.models import Contest, Meeting
from voting.services import registrations
from voting.services.registrations import RegistrationInput
from voting.timeutil import utcnow

from ..helpers import PASSWORD
from ..register_data import csv_bytes, rows
from ..system.servers import FORM, cast_form
from ..voting_helpers import NAMES

HOUSEHOLDS = 9  # quorum line: 6 (三分之二以上)
CANDIDATES = 6  # 5 seats, 差额: at least one more candidate than seats
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

pytestmark = pytest.mark.slow


def context(browser, **options):
    created = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    created.set_default_timeout(15_000)
    return created


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(re.compile(r"/admin/"))


def submit_self_nominations(app, meeting_id: int) -> None:
    """Residents register online (the public form is covered elsewhere); staff review them here."""
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        for i, (building, unit, room, *_) in enumerate(rows(CANDIDATES)):
            form = RegistrationInput(
                kind="self",
                name=NAMES[i],
                gender="男" if i % 2 else "女",
                birth_date="1965-03-01",
                political_status="群众",
                education="高中/中专",
                building=building,
                unit=unit,
                room=room,
                phone="13900000000",
                consent=True,
                declarations=["endorses_charter", "full_civil_capacity", "fit_for_work"],
            )
            registrations.submit_registration(meeting, form)


def ballot_urls_from_pdf(pdf: bytes, save_first_page) -> list[str]:
    """Rasterise every page as a 150 dpi scan and decode its QR codes, top to bottom."""
    import pypdfium2 as pdfium
    import zxingcpp

    urls = []
    document = pdfium.PdfDocument(pdf)
    for n in range(len(document)):
        bitmap = document[n].render(scale=150 / 72)
        if n == 0:
            bitmap.to_pil().save(save_first_page)
        codes = zxingcpp.read_barcodes(bitmap.to_numpy(), formats=zxingcpp.BarcodeFormat.QRCode)
        urls += [c.text for c in sorted(codes, key=lambda c: c.position.top_left.y)]
    return urls


def phone_cast(url: str, selections: dict[int, list[str]]) -> int:
    """A resident's phone posting its confirmed choices (no browser needed for the other voters)."""
    request = urllib.request.Request(url + "/cast", data=cast_form(selections), headers=FORM, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def contest_ids(app, meeting_id: int) -> list[int]:
    with app.app_context():
        db.session.remove()
        return list(
            db.session.execute(
                select(Contest.id).where(Contest.meeting_id == meeting_id).order_by(Contest.id)
            ).scalars()
        )


def option_keys(app, contest_id: int) -> dict[str, str]:
    with app.app_context():
        return {o.label: o.key for o in db.session.get(Contest, contest_id).options}


def wait_text(page, selector: str, text: str) -> None:
    page.locator(selector, has_text=text).first.wait_for()


def test_a_meeting_from_register_to_published_result_in_the_browser(browser, live, shots):
    app, server = live
    base = server.url
    desk = context(browser, **DESKTOP)
    phone = context(browser, **PHONE)
    projector = context(browser, viewport={"width": 1280, "height": 720})
    staff = desk.new_page()

    # 1. Staff log in and create the 小区.
    staff.goto(f"{base}/login")
    shots(staff, "login")
    log_in(staff, base, "admin")
    staff.fill("input[name=name]", "幸福里小区")
    staff.click("button:has-text('新建')")
    wait_text(staff, ".flash", "已新建小区")
    shots(staff, "community-created")

    # 2. Upload the register (CSV as Excel writes it, UTF-8 with BOM).
    staff.click("a:has-text('导入名册')")
    staff.set_input_files(
        "input[name=file]",
        files=[{"name": "名册.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows(HOUSEHOLDS), "utf-8-sig")}],
    )
    staff.click("button:has-text('导入')")
    wait_text(staff, ".flash", "导入完成")
    shots(staff, "register-imported")

    # 3. The meeting: ballots point at this server; no 公示 wait so ballots can be issued today.
    staff.goto(f"{base}/admin/")
    staff.click("a:has-text('幸福里小区')")
    staff.click("a:has-text('新建居民会议')")
    staff.fill("input[name=title]", "2026年幸福里小区居民会议")
    staff.fill("input[name=date]", (utcnow() + timedelta(days=14)).date().isoformat())
    staff.fill("input[name=time]", "09:00")
    staff.fill("input[name=venue]", "社区活动室")
    staff.fill("input[name=public_base_url]", base)
    staff.fill("input[name=publicity_days]", "0")
    shots(staff, "meeting-form")
    staff.click("button:has-text('保存')")
    wait_text(staff, ".flash", "会议已创建")
    meeting_id = int(re.search(r"/admin/m/(\d+)", staff.url).group(1))

    # 4. Agenda: a 5-seat committee election and a motion.
    staff.click("a:has-text('＋ 管委会选举')")
    staff.select_option("select[name=seats]", "5")
    staff.click("button:has-text('保存')")
    staff.click("a:has-text('＋ 表决议案')")
    staff.fill("input[name=title]", "同意安装电动自行车充电桩")
    staff.click("button:has-text('保存')")
    staff.click("button:has-text('开放网上报名')")
    shots(staff, "agenda")

    # 5. Residents register; staff review and approve each one, then publish the list (公示).
    submit_self_nominations(app, meeting_id)
    staff.goto(f"{base}/admin/m/{meeting_id}/registrations")
    shots(staff, "review-queue")
    for _ in range(CANDIDATES):
        staff.goto(f"{base}/admin/m/{meeting_id}/registrations")
        staff.locator("a", has_text=re.compile("^审核$")).first.click()
        for box in staff.locator("input[name=checks]").all():
            box.check()
        staff.click("button:has-text('通过')")
        wait_text(staff, ".flash", "已通过审核")
    staff.goto(f"{base}/admin/m/{meeting_id}")
    staff.click("button:has-text('公示候选人名单')")
    wait_text(staff, ".flash", "候选人名单已于")
    shots(staff, "candidates-published")

    # 6. Issue the ballots and print them: the PDF the print shop gets.
    staff.goto(f"{base}/admin/m/{meeting_id}/ballots")
    staff.click("button:has-text('发放选票')")
    wait_text(staff, "p", "本次会议签名公钥指纹")
    shots(staff, "ballots-issued")
    pdf = staff.request.get(f"{base}/admin/m/{meeting_id}/ballots.pdf?per_page=2")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    urls = ballot_urls_from_pdf(pdf.body(), shots.path("printed-ballots-page-1-at-150dpi"))
    assert len(urls) == HOUSEHOLDS and len(set(urls)) == HOUSEHOLDS
    assert all(re.fullmatch(re.escape(base) + r"/b/[\w.-]+", url) for url in urls)

    # 7. Meeting day: the projector shows the board; six households scan in at the door.
    board = projector.new_page()
    board.goto(f"{base}/m/{meeting_id}/board")
    assert board.locator("[data-field=present]").inner_text() == "0"
    staff.goto(f"{base}/admin/m/{meeting_id}/checkin")
    for url in urls[:6]:
        staff.fill("#scan-field", url)  # a USB scanner types the QR's text and presses Enter
        staff.press("#scan-field", "Enter")
        wait_text(staff, ".flash", "签到成功")
    shots(staff, "check-in")
    wait_text(board, "[data-field=status]", "已达到，会议有效")  # polled by board.js, no reload
    assert board.locator("[data-field=present]").inner_text() == "6"
    shots(board, "board-quorum-met")

    # 8. Officials for the sign-off, then open both votes.
    staff.goto(f"{base}/admin/m/{meeting_id}/run")
    for username, role in (("jian", "scrutineer"), ("ji", "teller")):
        staff.fill("input[name=username]", username)
        staff.select_option("select[name=role]", role)
        staff.click("button:has-text('指定')")
    committee, motion = contest_ids(app, meeting_id)
    for contest_id in (committee, motion):
        staff.locator(f"#contest-{contest_id}").get_by_role("button", name="开始投票").click()
    shots(staff, "votes-open")
    names = list(option_keys(app, committee))  # ballot order (姓氏笔画)
    keys = option_keys(app, committee)

    # 9. A phone opens the ballot URL from the printed QR, chooses, confirms, gets its receipts.
    resident = phone.new_page()
    resident.goto(urls[0])
    fieldsets = resident.locator("fieldset.contest")
    for name in names[:3]:
        fieldsets.nth(0).locator("label.choice", has_text=name).tap()
    fieldsets.nth(1).locator("label.choice", has_text="同意").tap()
    shots(resident, "phone-ballot")
    resident.get_by_role("button", name="下一步：核对选择").tap()
    wait_text(resident, "h2", "请核对您的选择")
    shots(resident, "phone-confirm")
    resident.get_by_role("button", name="确认投票").tap()
    wait_text(resident, "h2", "投票成功")
    receipts = resident.locator("strong.receipt-code").all_inner_texts()
    assert len(receipts) == 2 and all(re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", r) for r in receipts)
    shots(resident, "phone-receipt")

    # 10. The counting desk enters a paper ballot: the scanner types the QR, staff tick its marks.
    staff.goto(f"{base}/admin/m/{meeting_id}/desk")
    staff.fill("input[name=code]", urls[1])
    staff.press("input[name=code]", "Enter")
    paper = staff.locator("form.card fieldset.contest")
    for name in (names[0], names[1], names[3]):
        paper.nth(0).get_by_label(name).check()
    paper.nth(1).get_by_label("同意").check()
    shots(staff, "desk-paper-ballot")
    staff.click("button:has-text('保存本张选票')")
    wait_text(staff, ".flash", "已计入")
    shots(staff, "desk-counted")

    # 11. Three more households vote on their phones; the board's turnout follows.
    others = [
        ([names[0], names[1], names[2]], "yes"),
        ([names[0], names[3], names[4]], "no"),
        ([names[1], names[4], names[5]], "yes"),
    ]
    for url, (chosen, vote) in zip(urls[2:5], others):
        assert phone_cast(url, {committee: [keys[n] for n in chosen], motion: [vote]}) == 200
    wait_text(board, "[data-field=turnout] li", "已投 5 / 9 户")
    shots(board, "board-turnout")

    # 12. Close: 2 elected (4 votes each of 5), 3 seats left → the count proposes a 另行选举.
    staff.goto(f"{base}/admin/m/{meeting_id}/run")
    for contest_id in (committee, motion):
        staff.locator(f"#contest-{contest_id}").get_by_role("button", name="结束投票并计票").click()
    shots(staff, "closed-runoff-proposed")
    staff.locator(f"#contest-{committee}").get_by_role("button", name="生成另行选举").click()
    wait_text(staff, ".flash", "已生成")
    runoff = contest_ids(app, meeting_id)[-1]
    staff.locator(f"#contest-{runoff}").get_by_role("button", name="开始投票").click()

    # 13. The 另行选举 among the four highest unelected, with the same ballots.
    resident.goto(urls[0])
    for name in names[2:5]:
        resident.locator("label.choice", has_text=name).tap()
    resident.get_by_role("button", name="下一步：核对选择").tap()
    resident.get_by_role("button", name="确认投票").tap()
    wait_text(resident, "h2", "投票成功")
    for url, chosen in zip(urls[2:5], ([names[2], names[3], names[4]], [names[2], names[3]], [names[4], names[5]])):
        assert phone_cast(url, {runoff: [keys[n] for n in chosen]}) == 200
    staff.goto(f"{base}/admin/m/{meeting_id}/run")
    staff.locator(f"#contest-{runoff}").get_by_role("button", name="结束投票并计票").click()
    shots(staff, "runoff-closed")

    # 14. The scrutineer and the teller check each count sheet and sign.
    for username in ("jian", "ji"):
        official = desk.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **DESKTOP)
        page = official.new_page()
        log_in(page, base, username)
        for contest_id in (committee, runoff, motion):
            page.goto(f"{base}/admin/m/{meeting_id}/contests/{contest_id}/count")
            page.click("button:has-text('我已核对，签字确认')")
        page.goto(f"{base}/admin/m/{meeting_id}/contests/{committee}/count")
        if username == "ji":
            shots(page, "count-sheet-signed")
        official.close()

    # 15. Publish at once (当场公布); the public page shows every verdict.
    staff.goto(f"{base}/admin/m/{meeting_id}/run")
    staff.click("button:has-text('当场公布结果')")
    wait_text(staff, ".flash", "结果已公布")
    shots(staff, "results-published")
    public = projector.new_page()
    public.goto(f"{base}/m/{meeting_id}/results")
    text = public.locator("main").inner_text() if public.locator("main").count() else public.inner_text("body")
    assert "初步结果" in text and "部分当选" in text and "全部当选" in text
    assert all(name in text for name in names[:5])
    shots(public, "public-results")

    # 16. The phone voter looks its committee receipt up on the public page.
    resident.goto(f"{base}/m/{meeting_id}/receipt")
    resident.fill("input[name=code]", receipts[0])
    resident.get_by_role("button", name="查询").tap()
    wait_text(resident, "h2", "您的选票已计入")
    found = resident.inner_text("body")
    assert "管委会选举" in found and all(name in found for name in names[:3])
    shots(resident, "receipt-found")
    for created in (desk, phone, projector):
        created.close()
