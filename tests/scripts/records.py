"""Build signed audit records (`xiaoqu-voting-audit/1`) per docs/audit-format.md, for the verifier's tests.

Two small meetings are written out by hand, results included, so that a reader can check every
figure against the counting rules of the specification: `charter_meeting()` (heads only) and
`civil_code_meeting()` (heads and areas, 民法典 278). `assemble()` and `sign()` build any other
record, e.g. the random meetings of the property test, whose results come from `voting.core`.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "scripts" / "verify_audit.py"
FORMAT = "xiaoqu-voting-audit/1"
ZERO_HASH = "0" * 64

# Fixed keys, so that records (and their fingerprints) are the same on every run.
SERVER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))

CHARTER = {
    "name": "charter",
    "quorum_threshold": {"fraction": "2/3", "comparison": "ge"},
    "passing_threshold": {"fraction": "1/2", "comparison": "gt"},
    "passing_base": "present",
    "election_threshold": {"fraction": "1/2", "comparison": "gt"},
    "election_base": "cast",
    "runoff_threshold": {"fraction": "1/3", "comparison": "ge"},
    "revote_threshold": {"fraction": "0/1", "comparison": "gt"},
    "special_threshold": {"fraction": "3/4", "comparison": "ge"},
    "counts_area": False,
    "participation_counts_as_presence": True,
    "max_proxies_per_holder": 3,
    "min_recommenders": 5,
    "min_candidate_age": 18,
}
CIVIL_CODE = CHARTER | {
    "name": "civil_code",
    "passing_base": "cast",
    "runoff_threshold": {"fraction": "1/2", "comparison": "gt"},
    "revote_threshold": {"fraction": "1/2", "comparison": "gt"},
    "counts_area": True,
}


def load_verifier():
    """Import scripts/verify_audit.py as the module `verify_audit` (scripts/ is not a package)."""
    if "verify_audit" not in sys.modules:
        spec = importlib.util.spec_from_file_location("verify_audit", VERIFIER)
        module = importlib.util.module_from_spec(spec)
        sys.modules["verify_audit"] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    return sys.modules["verify_audit"]


def canonical(value: Any) -> bytes:
    """Return the canonical form the spec hashes and signs."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def public_hex(key: Ed25519PrivateKey) -> str:
    """Return the raw public key as 64 lower-case hex characters."""
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def sign(record: dict, key: Ed25519PrivateKey = SERVER_KEY) -> dict:
    """Return a copy of `record` carrying `key`'s public key and its signature over everything else."""
    signed = {k: v for k, v in record.items() if k != "signature"} | {"public_key": public_hex(key)}
    return signed | {"signature": key.sign(canonical(signed)).hex()}


def receipt(n: int) -> str:
    """Return a 10-character receipt code, distinct for each n."""
    return hashlib.sha256(f"receipt {n}".encode()).hexdigest()[:10].upper()


def classify(definition: dict, marks: list[str]) -> str:
    """Classify one ballot as the spec says (the test side's own reading, used to write `status`)."""
    distinct = set(marks)
    if definition["kind"] == "committee":
        known, most = {c["id"] for c in definition["candidates"]}, definition["seats"]
    elif definition["kind"] == "choice":
        known, most = {o["id"] for o in definition["options"]}, 1
    else:
        known, most = {"yes", "no", "abstain"}, 1
    if not distinct:
        return "blank"
    if not distinct <= known or len(distinct) > most:
        return "invalid"
    return "blank" if definition["kind"] == "motion" and distinct == {"abstain"} else "valid"


def log_chain(meeting_id: int, actions: list[tuple[str, dict]]) -> list[dict]:
    """Return the hash-chained log of the given (action, detail) pairs."""
    log, prev = [], ZERO_HASH
    for seq, (action, detail) in enumerate(actions, start=1):
        entry = {
            "chain": f"meeting:{meeting_id}",
            "seq": seq,
            "at": f"2026-12-20T01:{seq % 60:02d}:00Z",
            "actor": "staff:王芳",
            "action": action,
            "detail": detail,
            "prev": prev,
        }
        prev = hashlib.sha256(canonical(entry)).hexdigest()
        log.append(entry | {"hash": prev})
    return log


def contest_entry(
    definition: dict,
    title: str,
    purpose: str,
    present: list[str] | None,
    status: str = "closed",
    follows: str | None = None,
    position: int = 1,
) -> dict:
    """Return one `contests[]` entry around a definition."""
    closed = status == "closed"
    return {
        "id": definition["id"],
        "position": position,
        "title": title,
        "purpose": purpose,
        "status": status,
        "opened_at": None if status == "draft" else "2026-12-20T01:30:00Z",
        "closed_at": "2026-12-20T02:00:00Z" if closed else None,
        "follows": follows,
        "definition": definition,
        "present_at_close": sorted(present) if closed else None,
        "signoffs": [
            {"role": "scrutineer", "name": "李监票", "at": "2026-12-20T02:05:00Z"},
            {"role": "teller", "name": "赵计票", "at": "2026-12-20T02:05:00Z"},
        ]
        if closed
        else [],
    }


def assemble(
    meeting_id: int,
    rules: dict,
    roll: list[dict],
    contests: list[dict],
    votes: dict[str, list[tuple[str, list[str]]]],
    results: dict[str, dict],
) -> dict:
    """Assemble an unsigned record.

    `votes` maps a contest id to (address, marks) pairs: who voted and how. The ballots are made
    from them (no household link, statuses classified per the spec, sorted by receipt) and each
    voter's roll entry is marked as having voted.
    """
    roll = copy.deepcopy(sorted(roll, key=lambda e: e["address"]))
    by_address = {e["address"]: e for e in roll}
    definitions = {c["id"]: c["definition"] for c in contests}
    ballots, n = [], 0
    for cid, cast in votes.items():
        for address, marks in cast:
            n += 1
            by_address[address]["voted"][cid] = ("phone", "paper", "mobile")[n % 3]
            ballots.append(
                {
                    "receipt": receipt(n),
                    "contest": cid,
                    "marks": sorted(marks),
                    "status": classify(definitions[cid], marks),
                    "area": by_address[address]["area"] if rules["counts_area"] else None,
                }
            )
    ballots.sort(key=lambda b: b["receipt"])
    actions = [("meeting.create", {"title": "2026年度居民会议"}), ("ballots.issue", {"households": len(roll)})]
    venue: set[str] = set()
    for c in contests:
        if c["status"] != "draft":
            actions.append(("contest.open", {"contest": c["id"], "present": len(c["present_at_close"] or [])}))
        if c["status"] == "closed":
            if not rules["counts_area"]:
                # Check-ins and undos before the close make the venue what present_at_close says.
                wanted = set(c["present_at_close"])
                actions += [("checkin", {"household": a}) for a in sorted(wanted - venue)]
                actions += [("checkin.undo", {"household": a, "reason": "离场"}) for a in sorted(venue - wanted)]
                venue = wanted
            actions.append(("contest.close", {"contest": c["id"], "cast": len(votes.get(c["id"], []))}))
    actions.append(("results.publish", {"contests": sorted(results)}))
    return {
        "format": FORMAT,
        "meeting": {
            "id": meeting_id,
            "community": "光明里小区",
            "title": "2026年度居民会议",
            "venue": "社区活动室",
            "starts_at": "2026-12-20T01:00:00Z",
            "public_base_url": "https://vote.example.cn",
            "ballots_issued_at": "2026-12-15T02:00:00Z",
            "results_published_at": "2026-12-20T03:00:00Z",
            "objection_days": 3,
            "final_at": "2026-12-23T03:00:00Z",
        },
        "rules": rules,
        "contests": contests,
        "roll": roll,
        "ballots": ballots,
        "results": results,
        "log": log_chain(meeting_id, actions),
        "public_key": public_hex(SERVER_KEY),
        "signature": "",
    }


def household(address: str, area: str, checked_in: bool = True, proxy_holder: str | None = None) -> dict:
    """Return one roll entry that has not voted yet."""
    return {
        "address": address,
        "area": area,
        "eligible": True,
        "checked_in": checked_in,
        "proxy_holder": proxy_holder,
        "voted": {},
    }


def quorum(
    threshold: dict,
    eligible: int,
    present: int,
    minimum: int,
    met: bool,
    eligible_area: str,
    present_area: str,
    min_area: str | None = None,
    area_met: bool | None = None,
) -> dict:
    """Return a `quorum` object; every figure is given by the caller (hand-computed)."""
    counts_area = min_area is not None
    households_met = present >= minimum
    return {
        "met": met,
        "threshold": threshold,
        "eligible_households": eligible,
        "present_households": present,
        "min_households": minimum,
        "households_met": households_met,
        "counts_area": counts_area,
        "eligible_area": eligible_area,
        "present_area": present_area,
        "min_area": min_area,
        "area_met": area_met,
        "explanation": "（手算）",
    }


def result(
    kind: str,
    cid: str,
    profile: str,
    quorum: dict,
    issued: int,
    cast: int,
    blank: int,
    invalid: int,
    base: str,
    base_value: int,
    threshold: dict,
    min_votes: int,
    verdict: str,
    base_area: str | None = None,
    min_area: str | None = None,
    **fields: Any,
) -> dict:
    """Return a result object from hand-computed figures (`valid` = cast − invalid, `void` false)."""
    return {
        "kind": kind,
        "contest_id": cid,
        "profile": profile,
        "quorum": quorum,
        "ballots_issued": issued,
        "cast": cast,
        "valid": cast - invalid,
        "blank": blank,
        "invalid": invalid,
        "void": False,
        "base": base,
        "base_value": base_value,
        "base_area": base_area,
        "threshold": threshold,
        "min_votes": min_votes,
        "min_area": min_area,
        "verdict": verdict,
        "explanation": "（手算）",
        **fields,
    }


def counts(pairs: list[tuple[str, int]] | list[tuple[str, int, str]]) -> list[dict]:
    """Return `counts` entries from (id, votes) or (id, votes, area)."""
    return [{"id": p[0], "votes": p[1], "area": p[2] if len(p) > 2 else None} for p in pairs]


GT_HALF = {"fraction": "1/2", "comparison": "gt"}
GE_THIRD = {"fraction": "1/3", "comparison": "ge"}
GE_TWO_THIRDS = {"fraction": "2/3", "comparison": "ge"}
GE_THREE_QUARTERS = {"fraction": "3/4", "comparison": "ge"}


def charter_meeting() -> dict:
    """A signed record of a 10-household meeting under the charter (heads only), hand-counted.

    Quorum: 2/3 以上 of 10 households → at least 7 present (⌈20/3⌉ = 7).
    """
    roll = [
        household(f"1号楼{u}单元{r}室", area, checked_in=i < 8)
        for i, (u, r, area) in enumerate(
            [
                (1, 101, "72.35"),
                (1, 102, "65.00"),
                (1, 201, "72.35"),
                (1, 202, "65.00"),
                (2, 101, "88.10"),
                (2, 102, "54.90"),
                (2, 201, "88.10"),
                (2, 202, "54.90"),
                (3, 101, "101.00"),
                (3, 102, "43.25"),
            ]
        )
    ]
    roll[9]["proxy_holder"] = roll[0]["address"]  # 3单元102室 gave its proxy to 1单元101室
    a = sorted(e["address"] for e in roll)
    present, present7 = a[:8], a[:7]
    names = ["张伟", "王秀英", "李娜", "刘洋", "陈静", "杨磊", "赵敏"]
    committee = {
        "kind": "committee",
        "id": "1",
        "seats": 5,
        "candidates": [{"id": f"c{i}", "name": n} for i, n in enumerate(names, start=1)],
        "contested": True,
        "threshold": None,
        "base": None,
        "round": "regular",
        "parent_id": None,
    }
    modes = {
        "kind": "choice",
        "id": "2",
        "options": [
            {"id": "o1", "label": "物业和准物业模式"},
            {"id": "o2", "label": "社区居民自治管理模式"},
            {"id": "o3", "label": "产权单位自管模式"},
        ],
        "ordered": False,
        "method": "majority",
        "threshold": None,
        "base": None,
        "is_runoff": False,
        "parent_id": None,
    }
    fees = {
        "kind": "choice",
        "id": "3",
        "options": [{"id": f"f{x}", "label": f"{x} 元/户·月"} for x in (10, 15, 20, 25)],
        "ordered": True,
        "method": "median",
        "threshold": None,
        "base": None,
        "is_runoff": False,
        "parent_id": None,
    }
    motion = {"kind": "motion", "id": "4", "threshold": None, "base": None, "special": False}
    runoff = committee | {
        "id": "5",
        "seats": 3,
        "candidates": committee["candidates"][2:6],
        "round": "runoff",
        "parent_id": "1",
    }
    later = {"kind": "motion", "id": "6", "threshold": None, "base": None, "special": True}
    board = committee | {
        "id": "7",
        "candidates": [
            {"id": f"d{i}", "name": n} for i, n in enumerate(["孙丽", "周强", "吴芳", "郑军", "冯雪", "陈刚"], start=1)
        ],
    }
    revote = board | {
        "id": "8",
        "seats": 1,
        "candidates": board["candidates"][4:],
        "round": "tie_revote",
        "parent_id": "7",
    }
    contests = [
        contest_entry(committee, "选举第一届小区管理委员会", "committee", present, position=1),
        contest_entry(modes, "选择服务模式", "service_mode", present, position=2),
        contest_entry(fees, "确定收费标准", "fee", present, position=3),
        contest_entry(motion, "通过《小区管理委员会章程》", "motion", present, position=4),
        contest_entry(runoff, "管委会另行选举", "committee", present7, follows="1", position=5),
        contest_entry(later, "使用公共收益改造车棚", "motion", None, status="draft", position=6),
        contest_entry(board, "选举业主监督小组", "committee", present, position=7),
        contest_entry(revote, "业主监督小组平票重选", "committee", present, follows="7", position=8),
    ]
    votes = {
        "1": [
            (a[0], ["c1", "c2", "c3", "c4", "c5"]),
            (a[1], ["c1", "c2", "c3", "c4", "c6"]),
            (a[2], ["c1", "c2", "c3", "c5", "c6"]),
            (a[3], ["c1", "c2", "c4", "c5", "c7"]),
            (a[4], ["c1", "c3"]),
            (a[5], []),
            (a[6], ["c1", "c2", "c3", "c4", "c5", "c6"]),  # 6 marks: 废票
            (a[7], ["c2", "c2", "c5"]),
        ],  # c2 twice counts once
        "2": [(a[i], ["o1"]) for i in range(5)] + [(a[5], ["o2"]), (a[6], [])],
        "3": [
            (a[0], ["f10"]),
            (a[1], ["f15"]),
            (a[2], ["f15"]),
            (a[3], ["f20"]),
            (a[4], ["f20"]),
            (a[5], ["f25"]),
            (a[6], ["f10", "f25"]),
            (a[7], []),
        ],
        "4": [(a[i], ["yes"]) for i in range(5)] + [(a[5], ["no"]), (a[6], ["abstain"]), (a[7], ["no", "yes"])],
        "5": [
            (a[0], ["c3", "c4", "c5"]),
            (a[1], ["c3", "c4", "c5"]),
            (a[2], ["c3", "c5", "c6"]),
            (a[3], ["c3", "c4"]),
            (a[4], ["c5"]),
            (a[5], []),
        ],
        "7": [
            (a[0], ["d1", "d2", "d3", "d4", "d5"]),
            (a[1], ["d1", "d2", "d3", "d4", "d6"]),
            (a[2], ["d1", "d2", "d3", "d5", "d6"]),
            (a[3], ["d1", "d2", "d4", "d5", "d6"]),
            (a[4], ["d1", "d3", "d4", "d5", "d6"]),
            (a[5], ["d1", "d2", "d3", "d4"]),
            (a[6], ["d2", "d3", "d4", "d5", "d6"]),
            (a[7], []),
        ],
        "8": [(a[i], ["d5"]) for i in range(4)] + [(a[4], ["d6"]), (a[5], ["d6"]), (a[6], ["d5", "d6"])],
    }
    q8 = quorum(GE_TWO_THIRDS, 10, 8, 7, True, "704.95", "560.70")
    q7 = quorum(GE_TWO_THIRDS, 10, 7, 7, True, "704.95", "505.80")
    results = {
        # cast 8, 废票 1 (six marks), blank 1 → valid 7. Line: 过半数 of cast 8 → 5 votes.
        # c1 5, c2 5 pass → elected; 3 seats left: 另行选举 of the next 4 (c3 4, c5 4, c4 3, c6 2).
        "1": result(
            "committee",
            "1",
            "charter",
            q8,
            10,
            8,
            1,
            1,
            "cast",
            8,
            GT_HALF,
            5,
            "partial",
            round="regular",
            seats=5,
            counts=counts([("c1", 5), ("c2", 5), ("c3", 4), ("c4", 3), ("c5", 4), ("c6", 2), ("c7", 1)]),
            passing=["c1", "c2"],
            elected=["c1", "c2"],
            tied=[],
            unfilled=3,
            vacancies=0,
            follow_up={"kind": "runoff", "ids": ["c3", "c4", "c5", "c6"], "seats": 3, "reason": "（手算）"},
        ),
        # Line: 过半数 of present 8 → 5; o1 has 5 → decided.
        "2": result(
            "choice",
            "2",
            "charter",
            q8,
            10,
            7,
            1,
            0,
            "present",
            8,
            GT_HALF,
            5,
            "decided",
            method="majority",
            is_runoff=False,
            counts=counts([("o1", 5), ("o2", 1), ("o3", 0)]),
            cumulative=[],
            passing=["o1"],
            winner="o1",
            follow_up=None,
            undecided_reason="",
        ),
        # marked 6 (8 cast − 1 废票 − 1 blank); 过半数 of 6 → 4. Cumulative 6, 5, 3, 1 → 15 元 is the median.
        "3": result(
            "choice",
            "3",
            "charter",
            q8,
            10,
            8,
            1,
            1,
            "marked",
            6,
            GT_HALF,
            4,
            "decided",
            method="median",
            is_runoff=False,
            counts=counts([("f10", 1), ("f15", 2), ("f20", 2), ("f25", 1)]),
            cumulative=counts([("f10", 6), ("f15", 5), ("f20", 3), ("f25", 1)]),
            passing=["f10", "f15"],
            winner="f15",
            follow_up=None,
            undecided_reason="",
        ),
        # yes 5 of present 8: 5 > 4 → passed; abstain counts as blank; yes+no on one ballot is 废票.
        "4": result(
            "motion",
            "4",
            "charter",
            q8,
            10,
            8,
            1,
            1,
            "present",
            8,
            GT_HALF,
            5,
            "passed",
            special=False,
            yes=5,
            no=1,
            abstain=1,
            yes_area=None,
            no_area=None,
            passed=True,
        ),
        # 另行选举: 1/3 以上 of cast 6 → 2 votes; c3 4, c5 4, c4 3 fill the 3 seats.
        "5": result(
            "committee",
            "5",
            "charter",
            q7,
            10,
            6,
            1,
            0,
            "cast",
            6,
            GE_THIRD,
            2,
            "elected",
            round="runoff",
            seats=3,
            counts=counts([("c3", 4), ("c4", 3), ("c5", 4), ("c6", 1)]),
            passing=["c3", "c5", "c4"],
            elected=["c3", "c5", "c4"],
            tied=[],
            unfilled=0,
            vacancies=0,
            follow_up=None,
        ),
        # 过半数 of cast 8 → 5: d1–d4 have 6, d5 and d6 have 5 and tie at the fifth seat → neither is
        # elected; 平票重选 of exactly d5 and d6 for the one seat left.
        "7": result(
            "committee",
            "7",
            "charter",
            q8,
            10,
            8,
            1,
            0,
            "cast",
            8,
            GT_HALF,
            5,
            "partial",
            round="regular",
            seats=5,
            counts=counts([("d1", 6), ("d2", 6), ("d3", 6), ("d4", 6), ("d5", 5), ("d6", 5)]),
            passing=["d1", "d2", "d3", "d4", "d5", "d6"],
            elected=["d1", "d2", "d3", "d4"],
            tied=["d5", "d6"],
            unfilled=1,
            vacancies=0,
            follow_up={"kind": "tie_revote", "ids": ["d5", "d6"], "seats": 1, "reason": "（手算）"},
        ),
        # 平票重选 under the charter: 得票多者 (0/1 超过: at least one vote) of cast 7; two marks for one seat
        # are 废票. d5 4 > d6 2 → d5 elected.
        "8": result(
            "committee",
            "8",
            "charter",
            q8,
            10,
            7,
            0,
            1,
            "cast",
            7,
            {"fraction": "0/1", "comparison": "gt"},
            1,
            "elected",
            round="tie_revote",
            seats=1,
            counts=counts([("d5", 4), ("d6", 2)]),
            passing=["d5", "d6"],
            elected=["d5"],
            tied=[],
            unfilled=0,
            vacancies=0,
            follow_up=None,
        ),
    }
    return sign(assemble(7, CHARTER, roll, contests, votes, results))


def civil_code_meeting() -> dict:
    """A signed record of a 5-household meeting under 民法典 278 (heads and areas), hand-counted.

    Total area 400.00 m²; quorum 2/3 以上 of both: 4 households (⌈10/3⌉) and 266.67 m² (⌈26666.6…⌉ × 0.01).
    """
    roll = [
        household("A栋101室", "50.00"),
        household("A栋102室", "70.10"),
        household("A栋201室", "60.00"),
        household("A栋202室", "80.00"),
        household("A栋301室", "139.90", checked_in=False),
    ]
    a, b, c, d, e = (h["address"] for h in roll)
    special = {"kind": "motion", "id": "11", "threshold": None, "base": None, "special": True}
    fees = {
        "kind": "choice",
        "id": "12",
        "options": [{"id": f"L{i}", "label": f"{x} 元/㎡·月"} for i, x in enumerate(("0.50", "0.80", "1.20"), start=1)],
        "ordered": True,
        "method": "median",
        "threshold": None,
        "base": None,
        "is_runoff": False,
        "parent_id": None,
    }
    modes = {
        "kind": "choice",
        "id": "13",
        "options": [
            {"id": "m1", "label": "居民自管与市场机制相结合"},
            {"id": "m2", "label": "居民监督与市场机制相结合"},
        ],
        "ordered": False,
        "method": "majority",
        "threshold": None,
        "base": None,
        "is_runoff": False,
        "parent_id": None,
    }
    contests = [
        contest_entry(special, "使用专项维修资金更换电梯", "motion", [a, b, c, e], position=1),
        contest_entry(fees, "确定物业费标准", "fee", [a, b, c, d], position=2),
        contest_entry(modes, "选择服务模式", "service_mode", [a, b, c, d, e], position=3),
        contest_entry(fees | {"id": "14"}, "确定停车费标准", "fee", [a, b, c, d, e], position=4),
    ]
    votes = {
        "11": [(a, ["yes"]), (b, ["no"]), (c, ["abstain"]), (e, ["yes"])],
        "12": [(a, ["L1"]), (b, ["L3"]), (c, []), (d, ["L2"])],
        "13": [(a, ["m1"]), (b, ["m1"]), (c, ["m1"]), (d, ["m2"]), (e, ["m2"])],
        "14": [(a, ["L3"]), (b, ["L3"]), (c, ["L3"]), (d, ["L1"]), (e, ["L1"])],
    }
    results = {
        # present 4 households, 320.00 m² ≥ 266.67 → quorum met. Special: 3/4 以上 of cast 4 (3 votes) and of
        # 320.00 m² (240.00); yes has 2 votes, 189.90 m² → rejected.
        "11": result(
            "motion",
            "11",
            "civil_code",
            quorum(GE_TWO_THIRDS, 5, 4, 4, True, "400.00", "320.00", "266.67", True),
            5,
            4,
            1,
            0,
            "cast",
            4,
            GE_THREE_QUARTERS,
            3,
            "rejected",
            base_area="320.00",
            min_area="240.00",
            special=True,
            yes=2,
            no=1,
            abstain=1,
            yes_area="189.90",
            no_area="70.10",
            passed=False,
        ),
        # present 4 households but 260.10 m² < 266.67 → no quorum (the median would have been L2).
        "12": result(
            "choice",
            "12",
            "civil_code",
            quorum(GE_TWO_THIRDS, 5, 4, 4, False, "400.00", "260.10", "266.67", False),
            5,
            4,
            1,
            0,
            "marked",
            3,
            GT_HALF,
            2,
            "no_quorum",
            base_area="200.10",
            min_area="100.06",
            method="median",
            is_runoff=False,
            counts=counts([("L1", 1, "50.00"), ("L2", 1, "80.00"), ("L3", 1, "70.10")]),
            cumulative=counts([("L1", 3, "200.10"), ("L2", 2, "150.10"), ("L3", 1, "70.10")]),
            passing=["L1", "L2"],
            winner=None,
            follow_up=None,
            undecided_reason="",
        ),
        # m1 has 3 of 5 votes but only 180.10 of 400.00 m² (needs 200.01): nothing passes → 决选 of both.
        "13": result(
            "choice",
            "13",
            "civil_code",
            quorum(GE_TWO_THIRDS, 5, 5, 4, True, "400.00", "400.00", "266.67", True),
            5,
            5,
            0,
            0,
            "cast",
            5,
            GT_HALF,
            3,
            "runoff",
            base_area="400.00",
            min_area="200.01",
            method="majority",
            is_runoff=False,
            counts=counts([("m1", 3, "180.10"), ("m2", 2, "219.90")]),
            cumulative=[],
            passing=[],
            winner=None,
            undecided_reason="",
            follow_up={"kind": "top_two", "ids": ["m1", "m2"], "seats": 1, "reason": "（手算）"},
        ),
        # Heads put the median at L3 (3 of 5 chose it or more), area at L1: L3 and L2 have only 180.10 of
        # 400.00 m² (needs 200.01). Both must pass, so the lower median, L1, is chosen.
        "14": result(
            "choice",
            "14",
            "civil_code",
            quorum(GE_TWO_THIRDS, 5, 5, 4, True, "400.00", "400.00", "266.67", True),
            5,
            5,
            0,
            0,
            "marked",
            5,
            GT_HALF,
            3,
            "decided",
            base_area="400.00",
            min_area="200.01",
            method="median",
            is_runoff=False,
            counts=counts([("L1", 2, "219.90"), ("L2", 0, "0.00"), ("L3", 3, "180.10")]),
            cumulative=counts([("L1", 5, "400.00"), ("L2", 3, "180.10"), ("L3", 3, "180.10")]),
            passing=["L1"],
            winner="L1",
            follow_up=None,
            undecided_reason="",
        ),
    }
    return sign(assemble(8, CIVIL_CODE, roll, contests, votes, results))
