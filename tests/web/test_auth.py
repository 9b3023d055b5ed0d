"""Staff login, CSRF, roles and 小区 isolation."""

from __future__ import annotations

import pytest

from ..helpers import PASSWORD, csrf_token, login, make_community, make_staff, post_form


@pytest.fixture
def community(app):
    return make_community(app)


def test_login_with_right_password_shows_the_communities(app, client, community):
    make_staff(app, "wang", "admin", (community,))
    response = login(client, "wang")
    assert response.status_code == 302
    assert "测试小区" in client.get("/admin/").get_data(as_text=True)


def test_wrong_password_is_refused_in_chinese(app, client, community):
    make_staff(app, "wang", "admin", (community,))
    response = login(client, "wang", "wrong password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # still logged out


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(app, client):
    response = login(client, "nobody", "whatever")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_form_without_csrf_token_is_refused_with_400(app, client, community):
    make_staff(app, "wang", "admin", (community,))
    response = client.post("/login", data={"username": "wang", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_logged_in_post_without_csrf_token_changes_nothing(app, client, community):
    make_staff(app, "street", "admin", all_communities=True)
    login(client, "street")
    response = client.post("/admin/communities", data={"name": "偷偷新建"})
    assert response.status_code == 400
    assert "偷偷新建" not in client.get("/admin/").get_data(as_text=True)


def test_repeated_failures_are_rate_limited(app, client, community):
    make_staff(app, "wang", "admin", (community,))
    for _ in range(5):
        assert login(client, "wang", "bad").status_code == 401
    response = login(client, "wang")  # even the right password waits now
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)


def test_success_clears_the_failure_count(app, client, community):
    make_staff(app, "wang", "admin", (community,))
    for _ in range(4):
        login(client, "wang", "bad")
    assert login(client, "wang").status_code == 302
    post_form(client, "/logout", {}, form_page="/admin/")
    for _ in range(4):
        assert login(client, "wang", "bad").status_code == 401
    assert login(client, "wang").status_code == 302


def test_many_usernames_from_one_client_are_rate_limited(app, client, community):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    for name in ("a1", "a2", "a3"):
        login(client, name, "bad")
    assert login(client, "a4", "bad").status_code == 429


def test_session_cookie_is_httponly_and_samesite(app, client, community):
    make_staff(app, "wang", "admin", (community,))
    response = login(client, "wang")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_ends_the_session(app, client, community):
    make_staff(app, "wang", "admin", (community,))
    login(client, "wang")
    response = post_form(client, "/logout", {}, form_page="/admin/")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302


def test_after_login_redirect_stays_on_this_site(app, client, community):
    make_staff(app, "wang", "admin", (community,))
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"username": "wang", "password": PASSWORD, "next": "//evil.example/", "csrf_token": token}
    )
    assert response.headers["Location"] == "/admin/"


@pytest.mark.parametrize("role", ["observer", "staff"])
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/admin/c/{c}/households/import"),
        ("get", "/admin/c/{c}/households/export.csv"),
        ("get", "/admin/c/{c}/households/{h}"),
        ("post", "/admin/communities"),
    ],
)
def test_admin_pages_refuse_other_roles_with_403(app, client, community, role, method, path):
    from .test_register_web import import_rows

    household = import_rows(app, community, 1)[0]
    make_staff(app, "someone", role, (community,))
    login(client, "someone")
    url = path.format(c=community, h=household)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client, "/admin/"), "name": "x"})
    assert response.status_code == 403
    assert "权限" in response.get_data(as_text=True)


def test_observer_reads_the_register_with_masked_phones(app, client, community):
    from .test_register_web import import_rows

    import_rows(app, community, 3)
    make_staff(app, "watcher", "observer", (community,))
    login(client, "watcher")
    html = client.get(f"/admin/c/{community}/households").get_data(as_text=True)
    assert "住户00001" in html and "139****0001" in html and "13900000001" not in html


def test_staff_never_see_another_communitys_register(app, client, community):
    from .test_register_web import import_rows

    other = make_community(app, "别的小区")
    household = import_rows(app, other, 1)[0]
    make_staff(app, "wang", "admin", (community,))
    login(client, "wang")
    assert "别的小区" not in client.get("/admin/").get_data(as_text=True)
    for url in (
        f"/admin/c/{other}/households",
        f"/admin/c/{other}/households/{household}",
        f"/admin/c/{other}/households/export.xlsx",
    ):
        assert client.get(url).status_code == 403, url


def test_household_of_another_community_is_not_found_through_own_community(app, client, community):
    from .test_register_web import import_rows

    other = make_community(app, "别的小区")
    household = import_rows(app, other, 1)[0]
    make_staff(app, "wang", "admin", (community,))
    login(client, "wang")
    assert client.get(f"/admin/c/{community}/households/{household}").status_code == 404


def test_deployment_admin_sees_every_community_and_creates_new_ones(app, client, community):
    make_community(app, "别的小区")
    make_staff(app, "street", "admin", all_communities=True)
    login(client, "street")
    html = client.get("/admin/").get_data(as_text=True)
    assert "测试小区" in html and "别的小区" in html
    response = post_form(client, "/admin/communities", {"name": "新小区"}, form_page="/admin/")
    assert response.status_code == 302
    assert "新小区" in client.get("/admin/").get_data(as_text=True)


def test_community_admin_cannot_create_communities(app, client, community):
    make_staff(app, "wang", "admin", (community,))
    login(client, "wang")
    response = post_form(client, "/admin/communities", {"name": "新小区"}, form_page="/admin/")
    assert response.status_code == 403
