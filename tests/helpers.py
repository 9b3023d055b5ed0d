"""Test helpers: backends, CSRF-aware form posts, staff and 小区 factories."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from voting.extensions import db
from voting.models import Community
from voting.services import staff

PASSWORD = "correct horse battery"


@dataclass
class Backend:
    name: str
    url: str
    engine_options: dict = field(default_factory=dict)
    schema: str | None = None


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    """GET a page and return the CSRF token from its first form."""
    response = client.get(url)
    match = CSRF.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {response.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict, *, form_page: str | None = None, **kwargs):
    """POST a form with the CSRF token taken from `form_page` (default: the same URL)."""
    token = csrf_token(client, form_page or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def login(client, username: str, password: str = PASSWORD):
    """Log in through the login form; return the response."""
    return post_form(client, "/login", {"username": username, "password": password})


def make_community(app, name: str = "测试小区") -> int:
    """Create a 小区 and return its id."""
    with app.app_context():
        return staff.create_community(name, "test").id


def make_staff(
    app, username: str, role: str = "admin", communities: tuple[int, ...] = (), all_communities: bool = False
) -> None:
    """Create a staff account with PASSWORD in the given 小区."""
    with app.app_context():
        members = [db.session.get(Community, cid) for cid in communities]
        staff.create_staff(username, PASSWORD, role, communities=members, all_communities=all_communities)
