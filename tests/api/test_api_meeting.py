"""A whole meeting through the JSON API alone, its record verified by the offline verifier."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

from ..register_data import csv_bytes, rows

VERIFIER = Path(__file__).resolve().parents[2] / "scripts" / "verify_audit.py"
NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊"]


def registration(name: str, home: int, kind: str = "self", recommenders=()) -> dict:
    building, unit, room = rows(home + 1)[home][:3]
    body = {
        "kind": kind, "name": name, "gender": "男", "birth_date": "1961-04-02", "political_status": "群众",
        "education": "高中/中专", "building": building, "unit": unit, "room": room, "phone": "13912345678",
        "consent": True, "declarations": ["endorses_charter", "full_civil_capacity", "fit_for_work"],
    }  # fmt: skip
    if recommenders:
        body["recommenders"] = [
            dict(zip(("building", "unit", "room"), rows(h + 1)[h][:3]), signer=f"户主{h}") for h in recommenders
        ]
    return body


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def test_a_complete_meeting_through_the_api_alone(app, admin_api, anonymous_api, tmp_path):
    api = admin_api
    community = ok(api.post("/api/v1/communities", json={"name": "接口小区"}), 201)["id"]

    # Import the register (GBK CSV, base64) — re-importing changes nothing.
    content = base64.b64encode(csv_bytes(rows(40), "gbk")).decode()
    report = ok(
        api.post(
            f"/api/v1/communities/{community}/households/import",
            json={"filename": "名册.csv", "content_base64": content},
        )
    )
    assert report == {"created": 40, "updated": 0, "unchanged": 0}
    assert (
        ok(
            api.post(
                f"/api/v1/communities/{community}/households/import",
                json={"filename": "名册.csv", "content_base64": content},
            )
        )["unchanged"]
        == 40
    )

    # Meeting and agenda.
    meeting = ok(
        api.post(
            f"/api/v1/communities/{community}/meetings",
            json={
                "title": "接口会议",
                "date": "2026-12-20",
                "public_base_url": "http://vote.test",
                "publicity_days": 0,
            },
        ),
        201,
    )
    m = meeting["id"]
    assert "会议有效：到会户数达到应到户数的三分之二以上。" in meeting["rules_text"]
    committee = ok(api.post(f"/api/v1/meetings/{m}/contests", json={"purpose": "committee", "seats": 5}), 201)["id"]
    modes = [{"label": "物业和准物业模式"}, {"label": "社区居民自治管理模式"}, {"label": "产权单位自管模式"}]
    service = ok(api.post(f"/api/v1/meetings/{m}/contests", json={"purpose": "service_mode", "options": modes}), 201)[
        "id"
    ]
    fee = ok(
        api.post(
            f"/api/v1/meetings/{m}/contests", json={"purpose": "fee", "method": "median", "amounts": ["10", "15", "20"]}
        ),
        201,
    )["id"]
    fees = ok(
        api.put(
            f"/api/v1/meetings/{m}/contests/{fee}/fees",
            json={"costs": {"保洁": "3000", "门卫": "4000"}, "income": {"停车费": "1000"}},
        )
    )
    assert fees["gap"] == "6000.00" and fees["paying_households"] == 40 and fees["break_even_per_household"] == "150.00"

    # Registrations: 6 self, 1 joint (5 households), reviewed, one rejected; publish.
    ok(api.put(f"/api/v1/meetings/{m}/registration", json={"open": True}))
    ids = [
        ok(api.post(f"/api/v1/meetings/{m}/registrations", json=registration(n, i)), 201)["id"]
        for i, n in enumerate(NAMES[:6])
    ]
    joint = ok(
        anonymous_api.post(
            f"/api/v1/meetings/{m}/public-registrations",
            json=registration(NAMES[6], 6, "recommended", [20, 21, 22, 23, 24]),
        ),
        201,
    )
    status = ok(
        anonymous_api.get(f"/api/v1/meetings/{m}/registration-status", query_string={"reference": joint["reference"]})
    )
    assert status["status"] == "pending"
    queue = ok(api.get(f"/api/v1/meetings/{m}/registrations"))["registrations"]
    assert len(queue) == 7 and all(r["findings"] == [] for r in queue)
    for r in queue:
        checks = ["identity", "residence", "consent"] + (["signatures"] if r["kind"] == "recommended" else [])
        if r["id"] == ids[5]:
            ok(
                api.post(
                    f"/api/v1/meetings/{m}/registrations/{r['id']}/reject", json={"reason": "经核实不在本小区居住"}
                )
            )
        else:
            ok(api.post(f"/api/v1/meetings/{m}/registrations/{r['id']}/approve", json={"checks": checks}))
    candidates = ok(api.post(f"/api/v1/meetings/{m}/candidates/publish"))["candidates"]
    assert len(candidates) == 6 and NAMES[5] not in [c["name"] for c in candidates]
    keys = {c["name"]: c["key"] for c in candidates}

    # Ballots, check-in, proxies.
    issued = ok(api.post(f"/api/v1/meetings/{m}/ballots/issue"))
    assert issued["issued"] == 40 and len(issued["fingerprint"]) == 24
    roll = ok(api.get(f"/api/v1/meetings/{m}/ballots"))["entries"]
    for entry in roll[:30]:
        ok(api.post(f"/api/v1/meetings/{m}/checkins", json={"code": entry["url"]}), 201)
    again = api.post(f"/api/v1/meetings/{m}/checkins", json={"entry_id": roll[0]["id"]})
    assert again.status_code == 409 and again.get_json()["error"] == "already_present"
    ok(
        api.post(
            f"/api/v1/meetings/{m}/proxies",
            json={"principal": roll[35]["short_code"], "holder": roll[29]["short_code"], "letter": "委托书原件已收"},
        ),
        201,
    )
    attendance = ok(api.get(f"/api/v1/meetings/{m}/attendance"))
    assert (attendance["present"], attendance["eligible"], attendance["line"], attendance["met"]) == (31, 40, 27, True)

    # Vote: phones by token (API), one paper ballot, then close.
    for contest in (committee, service, fee):
        ok(api.post(f"/api/v1/meetings/{m}/contests/{contest}/open", json={}))
    tokens = [e["url"].split("/b/")[1] for e in roll]
    ballot = ok(anonymous_api.get(f"/api/v1/ballots/{tokens[0]}"))
    assert ballot["address"] == roll[0]["address"] and {c["state"] for c in ballot["contests"]} == {"open"}
    first_four = [keys[n] for n in NAMES[:4]]
    receipts = []
    for n, token in enumerate(tokens[:28]):
        chosen = first_four if n < 20 else [keys[NAMES[4]]]
        cast = ok(
            anonymous_api.post(
                f"/api/v1/ballots/{token}/cast",
                json={
                    "selections": {str(committee): chosen, str(service): ["o1" if n < 16 else "o2"], str(fee): ["o2"]}
                },
            ),
            201,
        )
        receipts += [r["receipt"] for r in cast["receipts"]]
    twice = anonymous_api.post(f"/api/v1/ballots/{tokens[0]}/cast", json={"selections": {str(committee): []}})
    assert twice.status_code == 409 and twice.get_json()["error"] == "already_voted"
    paper = ok(
        api.post(
            f"/api/v1/meetings/{m}/paper-ballots",
            json={
                "code": roll[28]["short_code"],
                "channel": "paper",
                "selections": {str(committee): list(keys.values())},
            },
        )
    )
    assert (
        paper["results"][0]["outcome"] == "counted" and paper["results"][0]["status"] == "invalid"
    )  # 6 marks for 5 seats
    result = ok(api.post(f"/api/v1/meetings/{m}/contests/{committee}/close"))["result"]
    assert (
        sorted(result["elected"]) == sorted(first_four)
        and result["follow_up"]["kind"] == "runoff"
        and result["follow_up"]["seats"] == 1
    )
    for contest in (service, fee):
        ok(api.post(f"/api/v1/meetings/{m}/contests/{contest}/close"))

    # The 另行选举 the count proposed, voted with the same tokens.
    runoff = ok(api.post(f"/api/v1/meetings/{m}/contests/{committee}/follow-up"), 201)
    assert (
        runoff["parent_id"] == committee
        and runoff["settings"]["round"] == "runoff"
        and runoff["settings"]["seats"] == 1
    )
    ok(api.post(f"/api/v1/meetings/{m}/contests/{runoff['id']}/open", json={}))
    runoff_key = runoff["options"][0]["key"]
    for token in tokens[:20]:
        ok(
            anonymous_api.post(f"/api/v1/ballots/{token}/cast", json={"selections": {str(runoff["id"]): [runoff_key]}}),
            201,
        )
    second = ok(api.post(f"/api/v1/meetings/{m}/contests/{runoff['id']}/close"))["result"]
    assert second["verdict"] == "elected" and second["elected"] == [runoff_key]

    # Officials sign off, publish, read the results and the record.
    from .conftest import ApiClient, make_key

    for username, role in (("jian", "scrutineer"), ("ji", "teller")):
        key = make_key(app, username, "staff", (community,))
        ok(api.post(f"/api/v1/meetings/{m}/officials", json={"username": username, "role": role}), 201)
        signer = ApiClient(app.test_client(), key)
        for contest in (committee, service, fee, runoff["id"]):
            ok(signer.post(f"/api/v1/meetings/{m}/contests/{contest}/sign-off"))
    sheet = ok(api.get(f"/api/v1/meetings/{m}/contests/{committee}/reconciliation"))
    assert (
        sheet["received"] == {"phone": 28, "paper": 1, "mobile": 0}
        and sheet["consistent"]
        and sheet["missing_signoffs"] == []
    )
    published = ok(api.post(f"/api/v1/meetings/{m}/results/publish"))
    assert published["final_at"] > published["results_published_at"]
    public_results = ok(anonymous_api.get(f"/api/v1/meetings/{m}/results"))
    assert [c["id"] for c in public_results["contests"]] == [committee, runoff["id"], service, fee]
    found = ok(anonymous_api.get(f"/api/v1/meetings/{m}/receipts/{receipts[0]}"))
    assert found["status"] == "valid" and found["marks"]

    record = anonymous_api.get(f"/api/v1/meetings/{m}/audit-record")
    assert record.status_code == 200
    path = tmp_path / "record.json"
    path.write_bytes(record.data)
    meeting = ok(api.get(f"/api/v1/meetings/{m}"))
    run = subprocess.run(
        [sys.executable, str(VERIFIER), str(path), "--public-key", meeting["public_key"]],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "校验通过 / VERIFIED" in run.stdout
    assert json.loads(record.data)["meeting"]["id"] == m
