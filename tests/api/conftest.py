"""API fixtures: a staff account with a key, and a client that sends it."""

from __future__ import annotations

import pytest

from voting.extensions import db
from voting.models import Community
from voting.services import api_keys, staff

from ..helpers import PASSWORD


class ApiClient:
    """A test client that sends `Authorization: Bearer <key>` with every request."""

    def __init__(self, client, key: str | None):
        self.client, self.key = client, key

    def _headers(self, headers):
        headers = dict(headers or {})
        if self.key:
            headers.setdefault("Authorization", f"Bearer {self.key}")
        return headers

    def get(self, url, **kw):
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url, json=None, **kw):
        return self.client.post(
            url, json=json if json is not None else {}, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def put(self, url, json=None, **kw):
        return self.client.put(
            url, json=json if json is not None else {}, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)


def make_key(
    app, username: str, role: str = "admin", communities: tuple[int, ...] = (), all_communities: bool = False
) -> str:
    with app.app_context():
        members = [db.session.get(Community, c) for c in communities]
        staff.create_staff(username, PASSWORD, role, communities=members, all_communities=all_communities)
        key, _ = api_keys.create_key(username)
    return key


@pytest.fixture
def admin_api(app):
    """An API client for a deployment-wide admin."""
    return ApiClient(app.test_client(), make_key(app, "street", "admin", all_communities=True))


@pytest.fixture
def anonymous_api(app):
    return ApiClient(app.test_client(), None)
