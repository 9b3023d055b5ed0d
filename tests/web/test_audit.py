"""The signed audit record of a real meeting, the public audit pages, and the offline verifier."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from voting import create_app, keys
from voting.audit import canonical_json
from voting.cli import main
from voting.extensions import db
from voting.models import Household, Meeting
from voting.services import audit_record

from ..voting_helpers import run_full_meeting

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "scripts" / "verify_audit.py"


def load_verifier():
    spec = importlib.util.spec_from_file_location("verify_audit", VERIFIER)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("verify_audit", module)  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return sys.modules["verify_audit"]


verify_audit = load_verifier()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Run one whole meeting on SQLite and export its record (shared by the tampering tests)."""
    folder = tmp_path_factory.mktemp("audit")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/t.db",
        }
    )
    with app.app_context():
        db.create_all()
    ready = run_full_meeting(app)
    with app.app_context():
        data = audit_record.record_bytes(db.session.get(Meeting, ready.meeting_id))
        names = [h.head_name for h in db.session.execute(select(Household)).scalars()]
        phones = [h.phone for h in db.session.execute(select(Household)).scalars() if h.phone]
    private = keys.load_key(app.instance_path, ready.meeting_id)
    return {
        "app": app,
        "meeting": ready.meeting_id,
        "data": data,
        "private": private,
        "names": names,
        "phones": phones,
        "folder": folder,
    }


def record(exported) -> dict:
    return json.loads(exported["data"])


def sign(rec: dict, private) -> dict:
    rec = {k: v for k, v in rec.items() if k != "signature"}
    rec["signature"] = private.sign(canonical_json(rec)).hex()
    return rec


def test_the_verifier_accepts_the_record_of_a_whole_meeting(exported, tmp_path):
    path = tmp_path / "record.json"
    path.write_bytes(exported["data"])
    rec = record(exported)
    run = subprocess.run(
        [sys.executable, str(VERIFIER), str(path), "--public-key", rec["public_key"]], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "校验通过 / VERIFIED" in run.stdout and "签名有效 / signature OK" in run.stdout
    assert f"选票 / ballots: {len(rec['ballots'])}" in run.stdout
    assert len(rec["contests"]) >= 6 and any(c["follows"] for c in rec["contests"])  # follow-up rounds included


def test_the_record_is_rebuilt_identically_and_matches_the_download_and_cli(exported, tmp_path):
    app, meeting_id = exported["app"], exported["meeting"]
    with app.app_context():
        again = audit_record.record_bytes(db.session.get(Meeting, meeting_id))
    assert again == exported["data"]
    download = app.test_client().get(f"/m/{meeting_id}/audit.json")
    assert download.status_code == 200 and download.data == exported["data"]
    out = tmp_path / "cli.json"
    result = CliRunner().invoke(
        main,
        ["--instance", app.instance_path, "audit", "export", str(meeting_id), "--out", str(out)],
        env={"VOTING_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]},
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == exported["data"]
    assert "verify_audit.py" in result.output


def test_the_downloaded_bytes_are_the_canonical_form_of_the_signed_record(exported):
    app = exported["app"]
    with app.app_context():
        signed = audit_record.build_record(db.session.get(Meeting, exported["meeting"]))
    assert canonical_json(signed) == exported["data"]


def test_the_record_names_no_one_and_links_no_ballot_to_a_household(exported):
    text = exported["data"].decode("utf-8")
    assert not [n for n in exported["names"] if n in text]
    assert not [p for p in exported["phones"] if p in text]
    rec = record(exported)
    assert all(set(b) == {"receipt", "contest", "marks", "status", "area"} for b in rec["ballots"])
    assert [b["receipt"] for b in rec["ballots"]] == sorted(b["receipt"] for b in rec["ballots"])
    assert set(rec["roll"][0]) == {"address", "area", "eligible", "checked_in", "proxy_holder", "voted"}


def _first_valid(rec, kind="committee"):
    contest = next(c for c in rec["contests"] if c["definition"]["kind"] == kind and rec["results"].get(c["id"]))
    return contest, next(b for b in rec["ballots"] if b["contest"] == contest["id"] and b["status"] == "valid")


def change_choice(rec):
    contest, ballot = _first_valid(rec, "choice")
    options = [o["id"] for o in contest["definition"]["options"]]
    ballot["marks"] = [next(o for o in options if o not in ballot["marks"])]


def remove_ballot(rec):
    rec["ballots"].pop(0)


def add_ballot(rec):
    contest, ballot = _first_valid(rec)
    rec["ballots"].append({**ballot, "receipt": "ZZZZZZZZZZ"})


def duplicate_receipt(rec):
    rec["ballots"].insert(1, dict(rec["ballots"][0]))


def change_count(rec):
    contest, _ = _first_valid(rec)
    rec["results"][contest["id"]]["counts"][0]["votes"] += 1


def change_elected(rec):
    result = next(r for r in rec["results"].values() if r["kind"] == "committee" and r["elected"])
    result["elected"] = result["elected"][:-1]


def change_verdict(rec):
    result = next(r for r in rec["results"].values() if r["kind"] == "motion")
    result["verdict"] = "passed" if result["verdict"] != "passed" else "rejected"


def flip_roll_to_voted(rec):
    contest, _ = _first_valid(rec)
    entry = next(e for e in rec["roll"] if contest["id"] not in e["voted"])
    entry["voted"][contest["id"]] = "phone"


def remove_log_entry(rec):
    rec["log"].pop(len(rec["log"]) // 2)


TAMPERINGS = {
    "a changed choice": (change_choice, 5, "计票结果"),
    "a removed ballot": (remove_ballot, 4, "名册"),
    "an added ballot": (add_ballot, 4, "名册"),
    "a duplicated receipt": (duplicate_receipt, 3, "选票"),
    "a changed count": (change_count, 5, "计票结果"),
    "a changed elected list": (change_elected, 5, "计票结果"),
    "a changed verdict": (change_verdict, 5, "计票结果"),
    "a roll entry flipped to voted": (flip_roll_to_voted, 4, "名册"),
    "a removed log entry": (remove_log_entry, 2, "日志哈希链"),
}


@pytest.mark.parametrize("resign", [True, False], ids=["re-signed with the meeting key", "not re-signed"])
@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_every_tampering_is_rejected_and_named(exported, name, resign):
    tamper, check, label = TAMPERINGS[name]
    rec = record(exported)
    tamper(rec)
    if resign:
        rec = sign(rec, exported["private"])
    with pytest.raises(verify_audit.VerificationError) as caught:
        verify_audit.verify(rec, record(exported)["public_key"])
    assert caught.value.check == check, str(caught.value)
    assert label in str(caught.value)


def test_a_record_re_signed_under_another_key_fails_against_the_pinned_key(exported, tmp_path):
    original = record(exported)
    other = Ed25519PrivateKey.generate()
    rec = record(exported)
    rec["public_key"] = keys.public_hex(other.public_key())
    rec = sign(rec, other)
    verify_audit.verify(rec)  # consistent on its own…
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(VERIFIER), str(path), "--public-key", original["public_key"]],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 3 and "公钥" in run.stdout + run.stderr  # …but not under the pinned key


@pytest.mark.parametrize(
    "content",
    [lambda data: data[: len(data) // 2], lambda data: b"not json at all"],
    ids=["truncated file", "non-JSON file"],
)
def test_unreadable_files_are_refused(exported, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_bytes(content(exported["data"]))
    run = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True)
    assert run.returncode == 2
    assert "JSON" in run.stdout + run.stderr


def test_receipt_lookup_finds_a_cast_ballot_and_says_when_not(exported):
    client = exported["app"].test_client()
    rec = record(exported)
    receipt = rec["ballots"][0]["receipt"]
    found = client.get(
        f"/m/{exported['meeting']}/receipt", query_string={"code": receipt[:5].lower() + "-" + receipt[5:]}
    )
    assert found.status_code == 200 and "您的选票已计入" in found.get_data(as_text=True)
    missing = client.get(f"/m/{exported['meeting']}/receipt", query_string={"code": "AAAAA-AAAAA"})
    assert missing.status_code == 404 and "未找到" in missing.get_data(as_text=True)


def test_roll_lookup_shows_a_households_record_without_choices(exported):
    client = exported["app"].test_client()
    page = client.get(f"/m/{exported['meeting']}/roll", query_string={"q": "1-1-101"}).get_data(as_text=True)
    assert "1号楼1单元101室" in page and "已投票（" in page and "已签到" in page


def test_how_to_verify_page_gives_the_exact_command_and_fingerprint(exported):
    rec = record(exported)
    page = exported["app"].test_client().get(f"/m/{exported['meeting']}/verify").get_data(as_text=True)
    assert f"python verify_audit.py meeting-{exported['meeting']}-audit.json --public-key {rec['public_key']}" in page
    assert verify_audit.fingerprint(rec["public_key"]) in page


def test_the_fingerprint_printed_before_voting_matches_the_record(exported):
    rec = record(exported)
    notice = exported["app"].test_client().get(f"/m/{exported['meeting']}").get_data(as_text=True)
    assert keys.fingerprint(rec["public_key"]) in notice


def test_the_record_cannot_be_downloaded_before_publication(app):
    from ..voting_helpers import build_meeting

    ready = build_meeting(app)
    assert app.test_client().get(f"/m/{ready.meeting_id}/audit.json").status_code == 404


def test_a_meeting_with_an_open_contest_is_not_exported(app):
    from voting.services.errors import Conflict

    from ..voting_helpers import build_meeting, open_contests

    ready = build_meeting(app)
    open_contests(app, ready, ready.motion_id)
    with app.app_context(), pytest.raises(Conflict, match="正在投票"):
        audit_record.build_record(db.session.get(Meeting, ready.meeting_id))


@pytest.mark.parametrize("profile", ["statute", "civil_code"])
def test_the_verifier_accepts_records_of_every_profile(app, profile):
    ready = run_full_meeting(app, profile=profile, n_households=30, seed=11)
    with app.app_context():
        rec = json.loads(audit_record.record_bytes(db.session.get(Meeting, ready.meeting_id)))
    summary = verify_audit.verify(rec, rec["public_key"])
    assert rec["rules"]["name"] == profile and summary is not None


def test_presence_inserted_behind_the_logs_back_is_caught_by_the_verifier(app):
    """An operator adds check-ins straight into the database to reach the quorum: the log says otherwise."""
    from voting.models import CheckIn, Contest, OfficialRole, StaffUser
    from voting.services import contests, results

    from ..voting_helpers import actor, build_meeting, open_contests

    ready = build_meeting(app, n_households=30, seats=None, present=10)  # 10 of 30: no quorum
    with app.app_context():
        for entry_id in ready.entry_ids[10:25]:  # 15 "check-ins" no staff member made
            db.session.add(CheckIn(roll_entry_id=entry_id, meeting_id=ready.meeting_id, by="admin"))
        db.session.commit()
    open_contests(app, ready, ready.motion_id)
    with app.app_context():
        result = contests.close_contest(db.session.get(Contest, ready.motion_id), actor())
        assert result.quorum.met  # the server was fooled ...
        for name, role in (("jian", OfficialRole.SCRUTINEER), ("ji", OfficialRole.TELLER)):
            from voting.services import staff

            staff.create_staff(name, "correct horse battery", "staff", all_communities=True)
            results.name_official(db.session.get(Meeting, ready.meeting_id), name, role, actor())
            signer = db.session.execute(select(StaffUser).where(StaffUser.username == name)).scalar_one()
            results.sign_off(db.session.get(Contest, ready.motion_id), signer)
        results.publish_results(db.session.get(Meeting, ready.meeting_id), actor())
        rec = json.loads(audit_record.record_bytes(db.session.get(Meeting, ready.meeting_id)))
    with pytest.raises(verify_audit.VerificationError) as caught:  # ... the signed log is not
        verify_audit.verify(rec, rec["public_key"])
    assert caught.value.check == 4 and "present_at_close disagrees with the log" in str(caught.value)
