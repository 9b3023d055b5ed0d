"""API keys, roles, and one error shape with the right status for every kind of refusal."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from voting.cli import main
from voting.extensions import db
from voting.models import ApiKey
from voting.services import api_keys

from ..voting_helpers import build_meeting, candidate_keys, open_contests, token_url
from .conftest import ApiClient, make_key


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error", "message", "problems"} and body["message"]
    return body


@pytest.mark.parametrize("header", [None, "Bearer vk_not-a-key", "Basic dXNlcjpwYXNz"])
def test_staff_endpoints_need_a_valid_key(app, header):
    headers = {"Authorization": header} if header else {}
    body = error_of(app.test_client().get("/api/v1/communities", headers=headers), 401)
    assert body["error"] == "unauthenticated"


def test_keys_are_stored_hashed_and_revocable(app, admin_api):
    assert admin_api.get("/api/v1/communities").status_code == 200
    with app.app_context():
        record = db.session.query(ApiKey).one()
        assert admin_api.key not in (record.key_hash, record.prefix) and record.prefix == admin_api.key[:12]
        api_keys.revoke_key(record.prefix)
    error_of(admin_api.get("/api/v1/communities"), 401)


def test_api_key_cli_shows_the_key_once_and_revokes_it(app, backend, monkeypatch):
    import json

    monkeypatch.setenv("VOTING_DATABASE_URL", backend.url)
    monkeypatch.setenv("VOTING_SQLALCHEMY_ENGINE_OPTIONS", json.dumps(backend.engine_options))
    make_key(app, "wang", "admin", all_communities=True)
    runner = CliRunner()
    created = runner.invoke(main, ["--instance", app.instance_path, "api-key", "create", "wang", "--label", "街道平台"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    assert key.startswith("vk_") and ApiClient(app.test_client(), key).get("/api/v1/communities").status_code == 200
    listed = runner.invoke(main, ["--instance", app.instance_path, "api-key", "list", "wang"]).output
    assert key[:12] in listed and key not in listed and "街道平台" in listed
    assert runner.invoke(main, ["--instance", app.instance_path, "api-key", "revoke", key[:12]]).exit_code == 0
    assert ApiClient(app.test_client(), key).get("/api/v1/communities").status_code == 401


def test_bad_keys_are_rate_limited(app):
    client = app.test_client()
    for _ in range(20):
        client.get("/api/v1/communities", headers={"Authorization": "Bearer wrong"})
    body = error_of(client.get("/api/v1/communities", headers={"Authorization": "Bearer wrong"}), 429)
    assert body["error"] == "too_many_attempts"


def test_roles_and_communities_hold_on_the_api(app):
    ready = build_meeting(app, n_households=9, seats=None)
    observer = ApiClient(app.test_client(), make_key(app, "watcher", "observer", (ready.community_id,)))
    assert observer.get(f"/api/v1/meetings/{ready.meeting_id}").status_code == 200
    assert (
        error_of(observer.post(f"/api/v1/meetings/{ready.meeting_id}/contests/{ready.motion_id}/open", json={}), 403)[
            "error"
        ]
        == "forbidden"
    )
    outsider = ApiClient(app.test_client(), make_key(app, "outsider", "admin", ()))
    assert error_of(outsider.get(f"/api/v1/meetings/{ready.meeting_id}"), 403)["error"] == "forbidden"


@pytest.mark.parametrize(
    "body, problem",
    [
        ({"title": "x", "date": "2026-12-20", "profile": "nonsense"}, "profile"),
        ({"title": "x", "date": "2026-12-20", "surprise": 1}, "surprise"),
        ({"date": "2026-12-20"}, "title"),
        ({"title": "x", "date": "2026-12-20", "publicity_days": 99}, "publicity_days"),
    ],
)
def test_malformed_bodies_are_400_naming_the_field(app, admin_api, body, problem):
    community = admin_api.post("/api/v1/communities", json={"name": "小区"}).get_json()["id"]
    error = error_of(admin_api.post(f"/api/v1/communities/{community}/meetings", json=body), 400)
    assert error["error"] == "invalid_input" and any(problem in p for p in error["problems"])


def test_a_body_that_is_not_json_is_400(app, admin_api):
    response = admin_api.client.post(
        "/api/v1/communities",
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {admin_api.key}"},
    )
    assert error_of(response, 400)["error"] == "invalid_input"


def test_oversized_bodies_are_413(app, admin_api):
    response = admin_api.post("/api/v1/communities", json={"name": "x" * (1024 * 1024 + 10)})
    assert error_of(response, 413)["error"] == "too_large"


def test_unknown_paths_and_methods_answer_in_the_same_shape(app, admin_api):
    assert error_of(admin_api.get("/api/v1/nothing-here"), 404)["error"] == "not_found"
    response = admin_api.delete("/api/v1/communities")
    assert error_of(response, 405)["error"] == "method_not_allowed" and "GET" in response.headers["Allow"]


def test_rule_violations_are_422_and_conflicts_409(app, admin_api):
    ready = build_meeting(app)
    open_contests(app, ready, ready.committee_id)
    keys = candidate_keys(app, ready.committee_id)
    token = token_url(app, ready.entry_ids[0]).removeprefix("/b/")
    anonymous = ApiClient(app.test_client(), None)
    over = error_of(
        anonymous.post(f"/api/v1/ballots/{token}/cast", json={"selections": {str(ready.committee_id): keys[:6]}}), 422
    )
    assert over["error"] == "over_vote" and "超过本项最多可选的 5 个" in over["message"]
    assert (
        anonymous.post(
            f"/api/v1/ballots/{token}/cast", json={"selections": {str(ready.committee_id): keys[:5]}}
        ).status_code
        == 201
    )
    again = error_of(
        anonymous.post(f"/api/v1/ballots/{token}/cast", json={"selections": {str(ready.committee_id): keys[:1]}}), 409
    )
    assert again["error"] == "already_voted" and "每户只能投一次" in again["message"]
    closed = error_of(
        anonymous.post(f"/api/v1/ballots/{token}/cast", json={"selections": {str(ready.motion_id): ["yes"]}}), 409
    )
    assert closed["error"] == "contest_not_open"


def test_a_reissued_ballots_old_token_is_410_and_a_forged_one_404(app, admin_api):
    ready = build_meeting(app, seats=None, n_households=9)
    old = token_url(app, ready.entry_ids[0]).removeprefix("/b/")
    admin_api.post(f"/api/v1/meetings/{ready.meeting_id}/ballots/{ready.entry_ids[0]}/reissue", json={"reason": "遗失"})
    anonymous = ApiClient(app.test_client(), None)
    assert error_of(anonymous.get(f"/api/v1/ballots/{old}"), 410)["error"] == "ballot_revoked"
    assert error_of(anonymous.get(f"/api/v1/ballots/{old[:-2]}xx"), 404)["error"] == "ballot_not_found"
    # Casting checks the serial inside its own transaction: the old token casts nothing.
    open_contests(app, ready, ready.motion_id)
    cast = anonymous.post(f"/api/v1/ballots/{old}/cast", json={"selections": {str(ready.motion_id): ["yes"]}})
    assert error_of(cast, 410)["error"] == "ballot_revoked"


def test_results_and_record_are_not_public_before_publication(app, anonymous_api, admin_api):
    ready = build_meeting(app, seats=None, n_households=9)
    assert error_of(anonymous_api.get(f"/api/v1/meetings/{ready.meeting_id}/results"), 404)["error"] == "not_found"
    assert error_of(anonymous_api.get(f"/api/v1/meetings/{ready.meeting_id}/audit-record"), 404)["error"] == "not_found"
    assert admin_api.get(f"/api/v1/meetings/{ready.meeting_id}/results").status_code == 200


def test_the_api_casts_with_the_same_use_case_as_the_phone_page(app):
    """A household that voted through the API is refused on the phone page, and the reverse."""
    ready = build_meeting(app, seats=None, n_households=9)
    open_contests(app, ready, ready.motion_id)
    anonymous = ApiClient(app.test_client(), None)
    api_token = token_url(app, ready.entry_ids[0]).removeprefix("/b/")
    anonymous.post(f"/api/v1/ballots/{api_token}/cast", json={"selections": {str(ready.motion_id): ["yes"]}})
    page = app.test_client().post(
        f"/b/{api_token}/cast", data={"contest": [ready.motion_id], f"c{ready.motion_id}": "no"}
    )
    assert page.status_code == 409
    with app.app_context():
        from voting.models import VoteMark

        assert db.session.get(VoteMark, (ready.entry_ids[0], ready.motion_id)).channel.value == "phone"


def test_observers_get_masked_phone_numbers_on_the_api_as_on_the_page(app):
    ready = build_meeting(app, n_households=3, seats=None)
    observer = ApiClient(app.test_client(), make_key(app, "watcher", "observer", (ready.community_id,)))
    phones = [
        h["phone"]
        for h in observer.get(f"/api/v1/communities/{ready.community_id}/households").get_json()["households"]
    ]
    assert phones == ["139****0000", "139****0001", "139****0002"]
