"""The household register through the staff pages: import, search, export, edit."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from voting.extensions import db
from voting.models import ActionLog, Community, Household
from voting.services import households
from voting.services.register_file import parse_register

from ..helpers import login, make_community, make_staff, post_form
from ..register_data import csv_bytes, rows, xlsx_bytes


def import_rows(app, community_id: int, n: int) -> list[int]:
    """Import n generated households through the service; return their ids."""
    with app.app_context():
        community = db.session.get(Community, community_id)
        households.import_households(community, "seed.csv", csv_bytes(rows(n)), "test")
        return [h.id for h in households.list_households(community)]


def count(app, community_id: int) -> int:
    with app.app_context():
        return db.session.execute(
            select(func.count()).select_from(Household).where(Household.community_id == community_id)
        ).scalar_one()


@pytest.fixture
def community(app):
    return make_community(app)


@pytest.fixture
def admin(app, client, community):
    make_staff(app, "wang", "admin", (community,))
    login(client, "wang")
    return client


def upload(client, community: int, filename: str, data: bytes, **extra):
    url = f"/admin/c/{community}/households/import"
    return post_form(client, url, {"file": (io.BytesIO(data), filename), **extra}, content_type="multipart/form-data")


@pytest.mark.parametrize(
    "filename, data",
    [
        ("gbk.csv", csv_bytes(rows(20) + [["9", "1", "101", "张建国", "", "88.5", "北京市第二机床厂", "是"]], "gbk")),
        (
            "bom.csv",
            csv_bytes(rows(20) + [["9", "1", "101", "张建国", "", "88.5", "北京市第二机床厂", "是"]], "utf-8-sig"),
        ),
        ("book.xlsx", xlsx_bytes(rows(20) + [[9, 1, 101, "张建国", None, 88.5, "北京市第二机床厂", "是"]])),
    ],
)
def test_import_gbk_bom_and_xlsx_files_through_the_page(app, admin, community, filename, data):
    response = upload(admin, community, filename, data)
    assert response.status_code == 302
    page = admin.get(f"/admin/c/{community}/households?q=张建国").get_data(as_text=True)
    assert "导入完成" in page and "新增 21 户" in page
    assert "9号楼1单元101室" in page and "北京市第二机床厂" in page and "88.50" in page
    assert count(app, community) == 21


def test_file_with_three_bad_rows_reports_all_three_and_stores_nothing(app, admin, community):
    body = rows(10)
    body[2][5] = "0"
    body[5][3] = ""
    body[8][4] = "1234"
    response = upload(admin, community, "bad.csv", csv_bytes(body, "gbk"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "文件有 3 处错误，全部未导入" in html
    for expected in (
        "第 4 行，第 6 列「建筑面积」",
        "第 7 行，第 4 列「户主姓名」：必填",
        "第 10 行，第 5 列「联系电话」",
    ):
        assert expected in html
    assert count(app, community) == 0


def test_duplicate_addresses_in_the_file_are_refused(app, admin, community):
    body = rows(4) + [rows(1)[0]]
    response = upload(admin, community, "dup.csv", csv_bytes(body))
    assert response.status_code == 400
    assert "第 6 行：地址与第 2 行重复" in response.get_data(as_text=True)
    assert count(app, community) == 0


def test_address_registered_with_other_details_is_refused_without_update(app, admin, community):
    import_rows(app, community, 5)
    body = rows(6)
    body[0][3] = "改了名字"
    response = upload(admin, community, "again.csv", csv_bytes(body))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第 2 行：1号楼1单元101室 已在名册中，但户主姓名不同" in html
    assert count(app, community) == 5  # the sixth, new row was not stored either


def test_update_mode_overwrites_changed_households(app, admin, community):
    import_rows(app, community, 5)
    body = rows(5)
    body[0][3] = "改了名字"
    response = upload(admin, community, "again.csv", csv_bytes(body), update="1")
    assert response.status_code == 302
    assert "更新 1 户，未变化 4 户" in admin.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        names = {h.head_name for h in db.session.execute(select(Household)).scalars()}
    assert "改了名字" in names


def test_reimporting_the_same_file_changes_nothing(app, admin, community):
    data = xlsx_bytes(rows(30))
    upload(admin, community, "r.xlsx", data)
    with app.app_context():
        before = [(h.id, h.updated_at) for h in db.session.execute(select(Household).order_by(Household.id)).scalars()]
        log_before = db.session.execute(select(func.count()).select_from(ActionLog)).scalar_one()
    response = upload(admin, community, "r.xlsx", data)
    assert "新增 0 户，更新 0 户，未变化 30 户" in admin.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        after = [(h.id, h.updated_at) for h in db.session.execute(select(Household).order_by(Household.id)).scalars()]
        log_after = db.session.execute(select(func.count()).select_from(ActionLog)).scalar_one()
    assert after == before and log_after == log_before


@pytest.mark.slow
def test_ten_thousand_households_import_in_one_file(app, community):
    with app.app_context():
        target = db.session.get(Community, community)
        report = households.import_households(target, "big.csv", csv_bytes(rows(10_000), "gbk"), "test")
        assert report.created == 10_000
        again = households.import_households(target, "big.csv", csv_bytes(rows(10_000), "gbk"), "test")
        assert (again.created, again.unchanged) == (0, 10_000)
    assert count(app, community) == 10_000


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_round_trips_through_import(app, admin, community, fmt):
    import_rows(app, community, 25)
    response = admin.get(f"/admin/c/{community}/households/export.{fmt}")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    parsed = parse_register(f"export.{fmt}", response.data)
    assert [r.key for r in parsed] == [r.key for r in parse_register("r.csv", csv_bytes(rows(25)))]
    assert upload(admin, community, f"export.{fmt}", response.data).status_code == 302
    assert count(app, community) == 25


@pytest.mark.parametrize(
    "query, expected",
    [
        ("3-2-301", ["3号楼2单元301室"]),
        ("3号楼2单元301", ["3号楼2单元301室"]),
        ("住户00050", ["3号楼1单元201室"]),
        ("不存在", []),
    ],
)
def test_register_search_by_address_or_name(app, admin, community, query, expected):
    import_rows(app, community, 72)
    html = admin.get(f"/admin/c/{community}/households", query_string={"q": query}).get_data(as_text=True)
    found = [a for a in ("3号楼2单元301室", "3号楼1单元201室", "1号楼1单元101室") if a in html]
    assert found == expected


def test_register_is_paginated(app, admin, community):
    import_rows(app, community, 120)
    html = admin.get(f"/admin/c/{community}/households?page=3").get_data(as_text=True)
    assert "第 3 / 3 页" in html and "共 120 户" in html


def test_edit_one_household_and_log_it_without_personal_values(app, admin, community):
    household = import_rows(app, community, 3)[0]
    url = f"/admin/c/{community}/households/{household}"
    form = {
        "building": "1",
        "unit": "1",
        "room": "101",
        "head_name": "李秀英",
        "phone": "13900000000",
        "area": "66.60",
        "property_unit": "",
        "has_vote": "",
    }
    assert post_form(admin, url, form).status_code == 302
    with app.app_context():
        row = db.session.get(Household, household)
        assert (row.head_name, row.area, row.has_vote) == ("李秀英", Decimal("66.60"), False)
        entry = db.session.execute(select(ActionLog).where(ActionLog.action == "household.update")).scalar_one()
        assert entry.actor == "wang" and entry.detail["household"] == "1号楼1单元101室"
        assert "李秀英" not in str(entry.detail) and "户主姓名" in entry.detail["fields"]


def test_edit_with_bad_area_names_the_field_and_changes_nothing(app, admin, community):
    household = import_rows(app, community, 1)[0]
    url = f"/admin/c/{community}/households/{household}"
    form = {
        "building": "1",
        "unit": "1",
        "room": "101",
        "head_name": "李秀英",
        "phone": "",
        "area": "-5",
        "has_vote": "1",
    }
    response = post_form(admin, url, form)
    assert response.status_code == 400
    assert "「建筑面积」：必须大于 0" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Household, household).head_name == "住户00000"


def test_edit_onto_another_households_address_is_refused(app, admin, community):
    first, second = import_rows(app, community, 2)[:2]
    form = {"building": "1", "unit": "1", "room": "102", "head_name": "x", "area": "50", "has_vote": "1"}
    response = post_form(admin, f"/admin/c/{community}/households/{first}", form)
    assert response.status_code == 409
    assert "该地址已有住户登记" in response.get_data(as_text=True)


def test_import_is_logged_in_the_hash_chain(app, admin, community):
    from voting.services import log

    upload(admin, community, "r.csv", csv_bytes(rows(3)))
    with app.app_context():
        assert log.verify_chain(log.community_chain(community)) == 2  # community.create, households.import
