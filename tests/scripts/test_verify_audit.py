"""scripts/verify_audit.py accepts hand-counted records and names every tampering it rejects."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from .records import (
    OTHER_KEY,
    SERVER_KEY,
    charter_meeting,
    civil_code_meeting,
    load_verifier,
    public_hex,
    sign,
)

verify_audit = load_verifier()
MEETINGS = {"charter": charter_meeting(), "civil_code": civil_code_meeting()}


def meeting(name: str) -> dict:
    """Return a fresh copy of a hand-counted, signed record."""
    return copy.deepcopy(MEETINGS[name])


def ballot_of(record: dict, contest: str, marks: list[str]) -> dict:
    """Return the (first) ballot of `contest` marked exactly `marks`."""
    return next(b for b in record["ballots"] if b["contest"] == contest and b["marks"] == marks)


def voted(record: dict, address: str) -> dict:
    """Return the `voted` object of the roll entry at `address`."""
    return next(e for e in record["roll"] if e["address"] == address)["voted"]


def rejection(record: dict, pinned: str | None = None) -> verify_audit.VerificationError:
    """Verify a record that must fail and return the error."""
    with pytest.raises(verify_audit.VerificationError) as caught:
        verify_audit.verify(record, pinned)
    return caught.value


# --- valid records -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MEETINGS))
def test_hand_counted_record_is_accepted(name):
    summary = verify_audit.verify(meeting(name), public_hex(SERVER_KEY))
    assert summary.households == len(MEETINGS[name]["roll"])
    assert summary.ballots == len(MEETINGS[name]["ballots"])


def test_summary_names_the_elected_and_the_winners_in_chinese_and_english():
    text = verify_audit.verify(meeting("charter")).render()
    assert "校验通过 / VERIFIED" in text
    assert "名册户数 / households on the roll: 10" in text
    assert "[1] 选举第一届小区管理委员会: 部分当选 / partial — 张伟、王秀英" in text
    assert "[3] 确定收费标准: 已决 / decided — 15 元/户·月" in text
    assert "[4] 通过《小区管理委员会章程》: 通过 / passed" in text
    assert "[8] 业主监督小组平票重选: 全部当选 / elected — 冯雪" in text
    assert "签名有效 / signature OK" in text
    assert f"公钥指纹 / key fingerprint: {verify_audit.fingerprint(public_hex(SERVER_KEY))}" in text


def test_fingerprint_is_the_first_20_hex_of_sha256_in_groups_of_four():
    # SHA-256 of 32 zero bytes is 66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925
    assert verify_audit.fingerprint("00" * 32) == "6668 7AAD F862 BD77 6C8F"


def test_the_fingerprint_printed_on_ballots_pins_the_key_as_well_as_the_raw_key():
    fingerprint = verify_audit.fingerprint(public_hex(SERVER_KEY))
    verify_audit.verify(meeting("charter"), fingerprint)
    assert rejection(sign(meeting("charter"), OTHER_KEY), fingerprint).check == 7


@pytest.mark.parametrize(
    ("fraction", "comparison", "x", "base", "passes", "minimum"),
    [
        ("2/3", "ge", 4, 6, True, 4),  # 三分之二以上: the line itself passes
        ("2/3", "ge", 6, 10, False, 7),  # ⌈20/3⌉ = 7
        ("1/2", "gt", 3, 6, False, 4),  # 过半数: the line itself does not pass
        ("1/2", "gt", 4, 7, True, 4),
        ("3/4", "ge", 3, 4, True, 3),
        ("1/3", "ge", 2, 6, True, 2),
        ("0/1", "gt", 1, 9, True, 1),  # 得票多者: at least one vote
        ("0/1", "gt", 0, 9, False, 1),
        ("1/2", "gt", 0, 0, False, 1),  # nothing passes with no votes
        ("2/3", "ge", 26_667, 40_000, True, 26_667),  # areas in 0.01 m²: 266.67 of 400.00
        ("1/2", "gt", 20_005, 40_010, False, 20_006),  # 200.05 of 400.10 is the line: 200.06 is needed
    ],
)
def test_threshold_line_follows_civil_code_1259(fraction, comparison, x, base, passes, minimum):
    line = verify_audit.Line.parse({"fraction": fraction, "comparison": comparison})
    assert (line.passes(x, base), line.minimum(base)) == (passes, minimum)
    assert all(line.passes(v, base) == (v >= minimum) for v in range(2 * minimum + 2))


# --- tampering -----------------------------------------------------------------------------------


def change_a_choice(r: dict) -> None:
    ballot_of(r, "2", ["o2"])["marks"] = ["o3"]  # still one known option: a valid ballot, another vote


def change_a_choice_into_a_spoilt_ballot(r: dict) -> None:
    ballot_of(r, "2", ["o2"])["marks"] = ["o2", "o3"]  # status left `valid`: two marks make it 废票


def remove_a_ballot(r: dict) -> None:
    r["ballots"].remove(ballot_of(r, "4", ["no"]))


def add_a_ballot(r: dict) -> None:
    r["ballots"].append({"receipt": "ZZZZZZZZZZ", "contest": "4", "marks": ["yes"], "status": "valid", "area": None})


def duplicate_a_receipt(r: dict) -> None:
    r["ballots"][1]["receipt"] = r["ballots"][0]["receipt"]


def change_a_count(r: dict) -> None:
    r["results"]["1"]["cast"] += 1


def change_a_vote_count(r: dict) -> None:
    r["results"]["1"]["counts"][6]["votes"] += 1


def change_the_elected(r: dict) -> None:
    r["results"]["1"]["elected"] = ["c1", "c3"]


def change_a_verdict(r: dict) -> None:
    r["results"]["4"]["verdict"] = "rejected"


def elect_a_tied_candidate(r: dict) -> None:
    result = r["results"]["7"]
    result |= {"elected": result["elected"] + ["d5"], "tied": [], "unfilled": 0, "follow_up": None}


def flip_a_roll_entry_to_voted(r: dict) -> None:
    address = r["roll"][7]["address"]  # present, but did not vote on the service mode
    assert "2" not in voted(r, address)
    voted(r, address)["2"] = "paper"


def remove_a_log_entry(r: dict) -> None:
    del r["log"][2]


def edit_a_log_entry(r: dict) -> None:
    r["log"][3]["detail"]["present"] = 10


def drop_a_present_household(r: dict) -> None:
    r["contests"][1]["present_at_close"].remove(r["roll"][7]["address"])  # present at 2, did not vote


def drop_a_voter_from_the_present(r: dict) -> None:
    r["contests"][1]["present_at_close"].remove(r["roll"][0]["address"])  # voted in 2


def move_a_proxy_off_the_roll(r: dict) -> None:
    r["roll"][9]["proxy_holder"] = "9号楼9单元999室"


def vote_in_a_draft_contest(r: dict) -> None:
    ballot = ballot_of(r, "4", ["yes"])
    ballot["contest"] = "6"


def attach_a_runoff_to_a_decided_choice(r: dict) -> None:
    r["contests"][4]["follows"] = "2"


def write_a_float(r: dict) -> None:
    r["results"]["2"]["cast"] = 7.0


def change_the_format(r: dict) -> None:
    r["format"] = "xiaoqu-voting-audit/2"


def swap_a_ballot_area(r: dict) -> None:
    ballot_of(r, "11", ["no"])["area"] = "139.90"  # a real area, but not the voter's


def change_an_area_count(r: dict) -> None:
    r["results"]["11"]["yes_area"] = "289.90"


def change_the_quorum(r: dict) -> None:
    r["results"]["12"]["quorum"] |= {"met": True, "area_met": True}


Tamper = Callable[[dict], None]
TAMPERINGS: list[tuple[str, str, Tamper, int, str]] = [
    # (meeting, id, tampering, check, what the message must say)
    ("charter", "changed choice", change_a_choice, 5, "contest 2, result field 'counts[o2].votes'"),
    ("charter", "changed choice, status kept", change_a_choice_into_a_spoilt_ballot, 3, "classify as 'invalid'"),
    ("charter", "removed ballot", remove_a_ballot, 4, "contest 4: 7 ballots, but 8 roll entries voted in it"),
    ("charter", "added ballot", add_a_ballot, 4, "contest 4: 9 ballots, but 8 roll entries voted in it"),
    ("charter", "duplicated receipt", duplicate_a_receipt, 3, "appears twice"),
    ("charter", "changed count", change_a_count, 5, "contest 1, result field 'cast': expected 8, found 9"),
    ("charter", "changed vote count", change_a_vote_count, 5, "contest 1, result field 'counts[c7].votes'"),
    ("charter", "changed elected", change_the_elected, 5, "contest 1, result field 'elected'"),
    ("charter", "changed verdict", change_a_verdict, 5, "contest 4, result field 'verdict': expected \"passed\""),
    ("charter", "tie broken", elect_a_tied_candidate, 5, "contest 7, result field 'elected'"),
    ("charter", "roll flipped to voted", flip_a_roll_entry_to_voted, 4, "contest 2: 7 ballots, but 8 roll entries"),
    ("charter", "removed log entry", remove_a_log_entry, 2, "log entry 3: expected seq 3, found 4"),
    ("charter", "edited log entry", edit_a_log_entry, 2, "log seq 4: hash is"),
    (
        "charter",
        "attendance changed",
        drop_a_present_household,
        4,  # the log's check-ins say who was there: caught before the recount
        "contest 2: present_at_close disagrees with the log at its close (seq 14): extra [], missing ['1号楼2单元202室']",
    ),
    ("charter", "voter not present", drop_a_voter_from_the_present, 4, "voted but is not in present_at_close"),
    ("charter", "proxy off the roll", move_a_proxy_off_the_roll, 4, "proxy holder 9号楼9单元999室 is not on the roll"),
    ("charter", "ballot in a draft contest", vote_in_a_draft_contest, 3, "contest 6 is draft, not closed"),
    (
        "charter",
        "runoff of a decided choice",
        attach_a_runoff_to_a_decided_choice,
        6,
        "contest 5 follows 2, whose result proposes no follow-up round",
    ),
    ("charter", "float count", write_a_float, 1, "results[2], key 'cast': expected int, found 7.0"),
    ("charter", "unknown format", change_the_format, 1, "format: expected 'xiaoqu-voting-audit/1'"),
    (
        "civil_code",
        "swapped ballot area",
        swap_a_ballot_area,
        4,
        "0 ballot(s) of 70.10 m², but 1 voting household(s) of that area",
    ),
    (
        "civil_code",
        "changed area count",
        change_an_area_count,
        5,
        'contest 11, result field \'yes_area\': expected "189.90", found "289.90"',
    ),
    ("civil_code", "quorum by area claimed", change_the_quorum, 5, "contest 12, result field 'quorum.met'"),
]


@pytest.mark.parametrize("resigned", [True, False], ids=["re-signed with the server key", "not re-signed"])
@pytest.mark.parametrize(("name", "case", "tamper", "check", "message"), TAMPERINGS, ids=[t[1] for t in TAMPERINGS])
def test_tampered_record_is_rejected_naming_the_tampering(name, case, tamper, check, message, resigned):
    record = meeting(name)
    tamper(record)
    error = rejection(sign(record, SERVER_KEY) if resigned else record)
    assert (error.check, message in str(error)) == (check, True), str(error)
    assert str(error).startswith("校验失败 / FAILED")


def test_record_re_signed_under_another_key_is_rejected_when_the_key_is_pinned():
    forged = sign(meeting("charter"), OTHER_KEY)
    verify_audit.verify(forged)  # self-consistent: only the pinned key tells it from the real one
    error = rejection(forged, public_hex(SERVER_KEY))
    assert error.check == 7 and f"is not the pinned key {public_hex(SERVER_KEY)}" in str(error)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: r["meeting"].update(title="改过的会议"),
        lambda r: r["contests"][0]["signoffs"][0].update(name="冒名"),
        lambda r: r["results"]["1"].update(explanation="（改过）"),
        lambda r: r["log"].pop(),  # the chain alone cannot see its tail cut: the signature does
        lambda r: r.update(signature=r["signature"][:-2] + "00"),
    ],
    ids=["meeting title", "signoff name", "explanation", "last log entry removed", "signature bytes"],
)
def test_change_that_no_recount_sees_is_caught_by_the_signature(tamper):
    record = meeting("charter")
    tamper(record)
    error = rejection(record)
    assert error.check == 8 and "the signature does not verify" in str(error)


def test_duplicate_key_in_the_file_is_unreadable(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{"format": "xiaoqu-voting-audit/1", "format": "x"}', encoding="utf-8")
    with pytest.raises(verify_audit.UnreadableRecord, match="duplicate key 'format'"):
        verify_audit.load_record(path)
