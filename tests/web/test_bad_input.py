"""Input that once caused a 500 gets a clear refusal instead (found by review and fuzzing)."""

from __future__ import annotations

import pytest

from ..helpers import login, post_form
from ..voting_helpers import build_meeting, open_contests, token_url


@pytest.fixture
def ready(app):
    ready = build_meeting(app, n_households=9, seats=None)
    open_contests(app, ready, ready.motion_id)
    return ready


@pytest.fixture
def admin(app, ready):
    client = app.test_client()
    login(client, "admin")
    return client


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "-1", "abc"])
def test_odd_numbers_in_forms_are_refused_not_crashed(app, ready, admin, value):
    m = ready.meeting_id
    checks = [
        post_form(admin, f"/admin/m/{m}/checkin", {"entry": value}),
        post_form(
            admin,
            f"/admin/m/{m}/desk/{ready.entry_ids[0]}",
            {"channel": "paper", "contest": value},
            form_page=f"/admin/m/{m}/desk",
        ),
        admin.get(f"/admin/m/{m}/ballots/print", query_string={"entry": value}),
        admin.get(f"/admin/c/{ready.community_id}/households", query_string={"page": value}),
        app.test_client().post(token_url(app, ready.entry_ids[1]) + "/cast", data={"contest": value}),
    ]
    assert all(r.status_code < 500 for r in checks), [r.status_code for r in checks]


@pytest.mark.parametrize("field", ["publicity_days", "objection_days", "max_proxies_per_holder"])
def test_superscript_digits_in_the_meeting_form_are_refused(app, ready, admin, field):
    from ..meeting_helpers import meeting_form

    response = post_form(admin, f"/admin/c/{ready.community_id}/meetings/new", meeting_form(**{field: "³"}))
    assert response.status_code == 400


def test_an_unknown_official_role_is_refused(app, ready, admin):
    response = post_form(
        admin,
        f"/admin/m/{ready.meeting_id}/officials",
        {"username": "admin", "role": "king"},
        form_page=f"/admin/m/{ready.meeting_id}/run",
    )
    assert response.status_code == 400 and "请选择监票人或计票人" in response.get_data(as_text=True)
