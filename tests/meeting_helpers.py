"""Build meetings, agendas and registrations through the staff and public pages."""

from __future__ import annotations

from datetime import date, timedelta

from voting.extensions import db
from voting.models import Community, Meeting
from voting.services import households
from voting.timeutil import utcnow

from .helpers import login, make_community, make_staff, post_form
from .register_data import csv_bytes, rows

MEETING_DAY = (utcnow() + timedelta(days=60)).date()


def setup_community(app, client, n_households: int = 120) -> int:
    """Create a 小区 with n households and log an admin in; return the 小区 id."""
    community = make_community(app)
    with app.app_context():
        households.import_households(
            db.session.get(Community, community), "seed.csv", csv_bytes(rows(n_households)), "test"
        )
    make_staff(app, "wang", "admin", (community,))
    login(client, "wang")
    return community


def meeting_form(**overrides) -> dict:
    form = {
        "title": "2026年测试小区居民会议",
        "date": MEETING_DAY.isoformat(),
        "time": "09:00",
        "venue": "社区活动室",
        "profile": "charter",
        "public_base_url": "http://192.168.1.10:8000",
        "publicity_days": "5",
        "objection_days": "3",
        "participation_counts_as_presence": "1",
    }
    form.update(overrides)
    return form


def create_meeting(client, community: int, **overrides) -> int:
    """Create a meeting through the form; return its id."""
    url = f"/admin/c/{community}/meetings/new"
    response = post_form(client, url, meeting_form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def add_contest(client, meeting: int, purpose: str, **fields):
    url = f"/admin/m/{meeting}/contests/new?purpose={purpose}"
    return post_form(client, url, {"purpose": purpose, **fields})


def add_committee(client, meeting: int, seats: int = 9, contested: bool = True, order: str = "strokes"):
    return add_contest(
        client, meeting, "committee", seats=str(seats), contested="1" if contested else "", candidate_order=order
    )


def open_registration(client, meeting: int) -> None:
    response = post_form(client, f"/admin/m/{meeting}/registration", {"open": "1"}, form_page=f"/admin/m/{meeting}")
    assert response.status_code == 302


def address(i: int) -> tuple[str, str, str]:
    """Return the address of household i of tests.register_data.rows."""
    row = rows(i + 1)[i]
    return row[0], row[1], row[2]


def registration_form(
    name: str, home: int, *, kind: str = "self", birth: date = date(1965, 3, 8), recommenders=(), **overrides
) -> dict:
    building, unit, room = address(home)
    form = {
        "kind": kind,
        "name": name,
        "gender": "女",
        "birth_date": birth.isoformat(),
        "political_status": "群众",
        "education": "高中/中专",
        "occupation": "退休",
        "building": building,
        "unit": unit,
        "room": room,
        "phone": "13912345678",
        "statement": f"{name}，热心公益，愿为小区服务。",
        "consent": "1",
        "declarations": ["endorses_charter", "full_civil_capacity", "fit_for_work"],
    }
    for n, household in enumerate(recommenders):
        b, u, r = address(household)
        form.update(
            {f"rec-{n}-building": b, f"rec-{n}-unit": u, f"rec-{n}-room": r, f"rec-{n}-signer": f"签名人{household}"}
        )
    form.update(overrides)
    return form


def register(client, meeting: int, form: dict):
    """Submit the public registration form."""
    return post_form(client, f"/m/{meeting}/register", form, form_page="/login")


def reference_of(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].split("ref=")[1].split("&")[0]


def meeting_row(app, meeting: int) -> Meeting:
    with app.app_context():
        row = db.session.get(Meeting, meeting)
        db.session.expunge(row)
        return row
