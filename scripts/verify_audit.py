#!/usr/bin/env python
"""Verify the signed audit record of a residents' meeting (`xiaoqu-voting-audit/1`) offline.

    python scripts/verify_audit.py RECORD.json [--public-key HEX]

It recounts every contest from the ballots under the published rules, exactly as
docs/audit-format.md specifies, and checks the roll, the log chain and the Ed25519 signature.
It needs only the Python standard library and `cryptography`, and imports nothing from the
service: a bug in the server's counting core cannot hide in here too.

`--public-key` pins the meeting key: the 64 hex characters of the raw key, or the 20-character
fingerprint printed on the ballots (`1A2B 3C4D 5E6F 7A8B 9C0D`, spaces optional).

Exit status: 0 every check holds; 1 a check of the content fails (checks 1–6); 2 the file or the
pinned key cannot be read; 3 the public key or the signature fails (checks 7–8).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "xiaoqu-voting-audit/1"
EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE, EXIT_NOT_AUTHENTIC = 0, 1, 2, 3

CHECKS = {
    1: ("结构", "structure"),
    2: ("日志哈希链", "log chain"),
    3: ("选票", "ballots"),
    4: ("名册", "roll"),
    5: ("计票结果", "results"),
    6: ("后续轮次", "follow-up rounds"),
    7: ("公钥", "public key"),
    8: ("签名", "signature"),
}


class VerificationError(Exception):
    """A check failed: `check` is its number in the specification, the message says what and where."""

    def __init__(self, check: int, zh: str, en: str) -> None:
        self.check, self.zh, self.en = check, zh, en
        name_zh, name_en = CHECKS[check]
        super().__init__(f"校验失败 / FAILED — 第 {check} 项{name_zh} / check {check} ({name_en}): {zh} / {en}")


class UnreadableRecord(Exception):
    """The file cannot be read as a JSON document."""


def fail(check: int, zh: str, en: str) -> VerificationError:
    """Build the error of a failed check (raise it at the call site)."""
    return VerificationError(check, zh, en)


# --- encoding: canonical form, decimals, thresholds ----------------------------------------------


def canonical(value: Any) -> bytes:
    """Return the canonical form of a JSON value: the bytes every hash and the signature cover."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


DECIMAL = re.compile(r"(\d+)(?:\.(\d{1,2}))?", re.ASCII)  # areas: never negative, at most 2 places
FRACTION = re.compile(r"(\d+)/(\d+)", re.ASCII)
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", re.ASCII)
HEX64 = re.compile(r"[0-9a-f]{64}")


def cents(text: str) -> int:
    """Return a decimal string of at most two places (an area in m²) as an exact count of 0.01."""
    whole, frac = DECIMAL.fullmatch(text).groups()
    return int(whole) * 100 + int((frac or "0").ljust(2, "0"))


def decimal_text(value: int) -> str:
    """Format a count of 0.01 as the record writes it (`"72.35"`)."""
    return f"{value // 100}.{value % 100:02d}"


class Area(int):
    """An expected area in units of 0.01; matches any decimal string of the same value."""


@dataclass(frozen=True)
class Line:
    """A threshold n/d with its comparison: `gt` 超过 (the line fails) or `ge` 以上 (it passes)."""

    fraction: Fraction  # lines compare by value: 2/4 is 1/2
    n: int = field(compare=False)
    d: int = field(compare=False)
    strict: bool

    @classmethod
    def parse(cls, threshold: dict) -> Line:
        """Read `{"fraction": "n/d", "comparison": "gt" | "ge"}` (already shape-checked)."""
        n, d = (int(part) for part in FRACTION.fullmatch(threshold["fraction"]).groups())
        return cls(Fraction(n, d), n, d, strict=threshold["comparison"] == "gt")

    def passes(self, x: int, base: int) -> bool:
        """Tell whether x passes the line of base (民法典 1259: 超过 excludes the line, 以上 includes it)."""
        return x > 0 and (x * self.d > self.n * base if self.strict else x * self.d >= self.n * base)

    def minimum(self, base: int) -> int:
        """Return the least whole count (votes, or units of 0.01 m²) that passes the line of base."""
        product = self.n * base
        return max(1, product // self.d + 1 if self.strict else -(-product // self.d))


# --- check 1: structure --------------------------------------------------------------------------

Type = tuple[str, Callable[[Any], bool]]


def _nullable(kind: Type) -> Type:
    return (f"{kind[0]} | null", lambda v: v is None or kind[1](v))


def _threshold_ok(v: Any) -> bool:
    if not (isinstance(v, dict) and isinstance(v.get("fraction"), str)):
        return False
    match = FRACTION.fullmatch(v["fraction"])
    return bool(match) and int(match.group(2)) > 0 and v.get("comparison") in ("gt", "ge")


STR: Type = ("string", lambda v: type(v) is str)
INT: Type = ("int", lambda v: type(v) is int)
SEATS: Type = ("int ≥ 1", lambda v: type(v) is int and v >= 1)
BOOL: Type = ("bool", lambda v: type(v) is bool)
OBJ: Type = ("object", lambda v: type(v) is dict)
ARR: Type = ("array", lambda v: type(v) is list)
STRS: Type = ("array of strings", lambda v: type(v) is list and all(type(s) is str for s in v))
ANY: Type = ("any", lambda v: True)
TIME_T: Type = ("time", lambda v: type(v) is str and bool(TIME.fullmatch(v)))
DEC: Type = ("decimal string", lambda v: type(v) is str and bool(DECIMAL.fullmatch(v)))
HEX: Type = ("64 hex", lambda v: type(v) is str and bool(HEX64.fullmatch(v)))
THRESHOLD: Type = ("threshold", _threshold_ok)
BASE: Type = ("base", lambda v: v in ("present", "cast", "valid", "marked", "eligible"))


def _one_of(*values: str) -> Type:
    return (" | ".join(values), lambda v: v in values)


TOP = {
    "format": STR,
    "meeting": OBJ,
    "rules": OBJ,
    "contests": ARR,
    "roll": ARR,
    "ballots": ARR,
    "results": OBJ,
    "log": ARR,
    "public_key": HEX,
    "signature": ("128 hex", lambda v: type(v) is str and bool(re.fullmatch(r"[0-9a-f]{128}", v))),
}
MEETING = {
    "id": INT,
    "community": STR,
    "title": STR,
    "venue": STR,
    "starts_at": TIME_T,
    "public_base_url": STR,
    "ballots_issued_at": TIME_T,
    "results_published_at": _nullable(TIME_T),
    "objection_days": INT,
    "final_at": _nullable(TIME_T),
}
RULES = {
    "name": STR,
    "quorum_threshold": THRESHOLD,
    "passing_threshold": THRESHOLD,
    "passing_base": BASE,
    "election_threshold": THRESHOLD,
    "election_base": BASE,
    "runoff_threshold": THRESHOLD,
    "revote_threshold": THRESHOLD,
    "special_threshold": THRESHOLD,
    "counts_area": BOOL,
    "participation_counts_as_presence": BOOL,
    "max_proxies_per_holder": INT,
    "min_recommenders": INT,
    "min_candidate_age": INT,
}
CONTEST = {
    "id": STR,
    "position": INT,
    "title": STR,
    "purpose": _one_of("committee", "service_mode", "fee", "motion", "other"),
    "status": _one_of("draft", "open", "closed"),
    "opened_at": _nullable(TIME_T),
    "closed_at": _nullable(TIME_T),
    "follows": _nullable(STR),
    "definition": OBJ,
    "present_at_close": _nullable(STRS),
    "signoffs": ARR,
}
SIGNOFF = {"role": _one_of("scrutineer", "teller"), "name": STR, "at": TIME_T}
LINE = {"threshold": _nullable(THRESHOLD), "base": _nullable(BASE)}
DEFINITIONS = {
    "committee": {
        "kind": STR,
        "id": STR,
        "seats": SEATS,
        "candidates": ARR,
        "contested": BOOL,
        **LINE,
        "round": _one_of("regular", "tie_revote", "runoff"),
        "parent_id": _nullable(STR),
    },
    "choice": {
        "kind": STR,
        "id": STR,
        "options": ARR,
        "ordered": BOOL,
        "method": _one_of("majority", "median"),
        **LINE,
        "is_runoff": BOOL,
        "parent_id": _nullable(STR),
    },
    "motion": {"kind": STR, "id": STR, **LINE, "special": BOOL},
}
ROLL = {"address": STR, "area": DEC, "eligible": BOOL, "checked_in": BOOL, "proxy_holder": _nullable(STR), "voted": OBJ}
BALLOT = {
    "receipt": STR,
    "contest": STR,
    "marks": STRS,
    "status": _one_of("valid", "blank", "invalid"),
    "area": _nullable(DEC),
}
LOG = {"chain": STR, "seq": INT, "at": TIME_T, "actor": ANY, "action": STR, "detail": OBJ, "prev": HEX, "hash": HEX}
QUORUM = {
    "met": BOOL,
    "threshold": THRESHOLD,
    "eligible_households": INT,
    "present_households": INT,
    "min_households": INT,
    "households_met": BOOL,
    "counts_area": BOOL,
    "eligible_area": DEC,
    "present_area": DEC,
    "min_area": _nullable(DEC),
    "area_met": _nullable(BOOL),
    "explanation": STR,
}
RESULT = {
    "kind": _one_of("committee", "choice", "motion"),
    "contest_id": STR,
    "profile": STR,
    "quorum": OBJ,
    "ballots_issued": INT,
    "cast": INT,
    "valid": INT,
    "blank": INT,
    "invalid": INT,
    "void": BOOL,
    "base": BASE,
    "base_value": INT,
    "base_area": _nullable(DEC),
    "threshold": THRESHOLD,
    "min_votes": INT,
    "min_area": _nullable(DEC),
    "verdict": STR,
    "explanation": STR,
}
RESULT_KIND = {
    "committee": {
        "round": STR,
        "seats": INT,
        "counts": ARR,
        "passing": STRS,
        "elected": STRS,
        "tied": STRS,
        "unfilled": INT,
        "vacancies": INT,
        "follow_up": _nullable(OBJ),
    },
    "choice": {
        "method": STR,
        "is_runoff": BOOL,
        "counts": ARR,
        "cumulative": ARR,
        "passing": STRS,
        "winner": _nullable(STR),
        "follow_up": _nullable(OBJ),
        "undecided_reason": STR,
    },
    "motion": {
        "special": BOOL,
        "yes": INT,
        "no": INT,
        "abstain": INT,
        "yes_area": _nullable(DEC),
        "no_area": _nullable(DEC),
        "passed": BOOL,
    },
}


def require(value: Any, schema: dict[str, Type], where: str) -> None:
    """Fail check 1 unless `value` is an object holding every key of `schema` with its type."""
    if type(value) is not dict:
        raise fail(1, f"{where} 不是对象", f"{where} is not an object")
    for key, (type_name, ok) in schema.items():
        if key not in value:
            raise fail(1, f"{where} 缺少字段 {key!r}", f"{where} lacks the key {key!r}")
        if not ok(value[key]):
            raise fail(
                1,
                f"{where} 字段 {key!r} 应为 {type_name}，实为 {value[key]!r}",
                f"{where}, key {key!r}: expected {type_name}, found {value[key]!r}",
            )


def well_formed_ballot(ballot: Any, areas_seen: set[str]) -> bool:
    """Tell quickly whether a ballot has the shape of BALLOT (the common case, 100,000 times)."""
    if type(ballot) is not dict:
        return False
    marks, area = ballot.get("marks"), ballot.get("area")
    if area is not None:
        if type(area) is not str:
            return False
        if area not in areas_seen:
            if not DECIMAL.fullmatch(area):
                return False
            areas_seen.add(area)
    return (
        type(ballot.get("receipt")) is str
        and type(ballot.get("contest")) is str
        and ballot.get("status") in ("valid", "blank", "invalid")
        and "area" in ballot
        and type(marks) is list
        and all(type(mark) is str for mark in marks)
    )


def check_structure(record: Any) -> None:
    """Check 1: the format, and every key of the specification present with its type."""
    if type(record) is not dict:
        raise fail(1, "记录不是 JSON 对象", "the record is not a JSON object")
    require(record, TOP, "record")
    if record["format"] != FORMAT:
        raise fail(
            1,
            f"格式应为 {FORMAT}，实为 {record['format']!r}",
            f"format: expected {FORMAT!r}, found {record['format']!r}",
        )
    require(record["meeting"], MEETING, "meeting")
    require(record["rules"], RULES, "rules")
    seen: set[str] = set()
    for i, contest in enumerate(record["contests"]):
        require(contest, CONTEST, f"contests[{i}]")
        cid, definition = contest["id"], contest["definition"]
        if cid in seen:
            raise fail(1, f"表决事项编号 {cid} 重复", f"contest id {cid} appears twice")
        seen.add(cid)
        for j, signoff in enumerate(contest["signoffs"]):
            require(signoff, SIGNOFF, f"contest {cid} signoffs[{j}]")
        kind = definition.get("kind")
        if type(kind) is not str or kind not in DEFINITIONS:
            raise fail(1, f"表决事项 {cid} 的类型 {kind!r} 未知", f"contest {cid}: unknown definition kind {kind!r}")
        require(definition, DEFINITIONS[kind], f"contest {cid} definition")
        if definition["id"] != cid:
            raise fail(
                1,
                f"表决事项 {cid} 的定义编号为 {definition['id']!r}",
                f"contest {cid}: definition id is {definition['id']!r}",
            )
        entries, label = {"committee": ("candidates", "name"), "choice": ("options", "label")}.get(kind, (None, None))
        if entries:
            for j, entry in enumerate(definition[entries]):
                require(entry, {"id": STR, label: STR}, f"contest {cid} {entries}[{j}]")
            ids = [entry["id"] for entry in definition[entries]]
            if len(set(ids)) != len(ids):
                raise fail(1, f"表决事项 {cid} 的选项编号重复", f"contest {cid}: {entries} ids repeat")
    for i, entry in enumerate(record["roll"]):
        require(entry, ROLL, f"roll[{i}]")
    areas_seen: set[str] = set()
    for i, ballot in enumerate(record["ballots"]):
        if not well_formed_ballot(ballot, areas_seen):
            require(ballot, BALLOT, f"ballots[{i}]")  # names the key at fault
    for i, entry in enumerate(record["log"]):
        require(entry, LOG, f"log[{i}]")
        if set(entry) != set(LOG):
            raise fail(1, f"log[{i}] 含多余字段", f"log[{i}] has keys beyond {sorted(LOG)}")
    for cid, result in record["results"].items():
        require(result, RESULT, f"results[{cid}]")
        require(result["quorum"], QUORUM, f"results[{cid}].quorum")
        require(result, RESULT_KIND[result["kind"]], f"results[{cid}]")


# --- check 2: the log chain ----------------------------------------------------------------------


def check_log(log: list[dict], meeting_id: int) -> None:
    """Check 2: `seq` runs 1..n, each `prev` is the previous `hash`, each `hash` recomputes."""
    prev = "0" * 64
    for number, entry in enumerate(log, start=1):
        seq = entry["seq"]
        if seq != number:
            raise fail(
                2, f"日志第 {number} 条的序号为 {seq}", f"log entry {number}: expected seq {number}, found {seq}"
            )
        if entry["chain"] != f"meeting:{meeting_id}":
            raise fail(
                2,
                f"日志 seq {seq} 的链为 {entry['chain']!r}",
                f"log seq {seq}: chain is {entry['chain']!r}, expected 'meeting:{meeting_id}'",
            )
        if entry["prev"] != prev:
            raise fail(
                2,
                f"日志 seq {seq} 的 prev 与上一条的哈希不符",
                f"log seq {seq}: prev is {entry['prev']}, expected the previous hash {prev}",
            )
        body = {key: value for key, value in entry.items() if key != "hash"}
        digest = hashlib.sha256(canonical(body)).hexdigest()
        if entry["hash"] != digest:
            raise fail(2, f"日志 seq {seq} 的哈希不符", f"log seq {seq}: hash is {entry['hash']}, recomputed {digest}")
        prev = digest


# --- check 3: ballots, classified once and counted -----------------------------------------------


@dataclass
class Tally:
    """What the ballots of one contest add up to; areas in units of 0.01 m²."""

    cast: int = 0
    blank: int = 0
    invalid: int = 0
    cast_area: int = 0
    blank_area: int = 0
    invalid_area: int = 0
    votes: Counter = field(default_factory=Counter)
    areas: Counter = field(default_factory=Counter)
    ballot_areas: Counter = field(default_factory=Counter)  # area → ballots, to match against the roll


def known_marks(definition: dict) -> tuple[frozenset[str], int]:
    """Return the marks a ballot of this contest may carry, and how many distinct ones at most."""
    kind = definition["kind"]
    if kind == "committee":
        return frozenset(c["id"] for c in definition["candidates"]), definition["seats"]
    if kind == "choice":
        return frozenset(o["id"] for o in definition["options"]), 1
    return frozenset(("yes", "no", "abstain")), 1


def classify(marks: frozenset[str], known: frozenset[str], most: int, motion: bool) -> str:
    """Classify the distinct marks of one ballot: `blank` (弃权), `invalid` (废票) or `valid`."""
    if not marks:
        return "blank"
    if not marks <= known or len(marks) > most:
        return "invalid"  # an unknown mark, or an over-vote: 废票 for this contest only
    if motion and marks == {"abstain"}:
        return "blank"
    return "valid"


def check_ballots(record: dict, area_of: dict[str, int]) -> dict[str, Tally]:
    """Check 3: receipts unique and sorted, contests closed, statuses and areas as the rules say.

    Ballots are grouped by (contest, marks as written), so each distinct way of marking is
    classified once however many ballots share it; the groups are then added into tallies.
    """
    contests = {c["id"]: c for c in record["contests"]}
    counts_area = record["rules"]["counts_area"]
    roll_areas = set(area_of.values())
    groups: dict[tuple[str, tuple[str, ...]], list] = {}  # (contest, marks) → [status, ballots, area]
    area_cents: dict[str, int] = {}  # area text → units of 0.01, each text parsed once
    area_counts: Counter = Counter()  # (contest, area) → ballots, to match against the roll
    previous = None
    for ballot in record["ballots"]:
        receipt, cid, marks = ballot["receipt"], ballot["contest"], ballot["marks"]
        if previous is not None and receipt <= previous:
            zh, en = ("重复", "appears twice") if receipt == previous else ("未按回执码排序", "is out of receipt order")
            raise fail(3, f"回执码 {receipt} {zh}", f"receipt {receipt} {en}")
        previous = receipt
        key = (cid, tuple(marks))
        group = groups.get(key)
        if group is None:
            group = groups[key] = [classify_first(receipt, cid, marks, contests), 0, 0]
        if ballot["status"] != group[0]:
            raise fail(
                3,
                f"选票 {receipt}（表决事项 {cid}）状态为 {ballot['status']}，按标记 {marks} 应为 {group[0]}",
                f"ballot {receipt} (contest {cid}): status {ballot['status']!r}, "
                f"but marks {marks} classify as {group[0]!r}",
            )
        group[1] += 1
        area_text = ballot["area"]
        if (area_text is not None) != counts_area:
            need = "必须有面积" if counts_area else "不应有面积"
            raise fail(
                3, f"选票 {receipt} {need}", f"ballot {receipt}: area {area_text!r}, but counts_area is {counts_area}"
            )
        if counts_area:
            area = area_cents.get(area_text)
            if area is None:
                area = area_cents[area_text] = cents(area_text)
                if area not in roll_areas:
                    raise fail(
                        3,
                        f"选票 {receipt} 的面积 {area_text} 不在名册中",
                        f"ballot {receipt}: area {area_text} is not an area on the roll",
                    )
            group[2] += area
            area_counts[cid, area] += 1
    return tally_groups(contests, groups, area_counts)


def classify_first(receipt: str, cid: str, marks: list[str], contests: dict[str, dict]) -> str:
    """Check the contest and the order of marks of the first ballot marked this way, and classify it."""
    contest = contests.get(cid)
    if contest is None or contest["status"] != "closed":
        state = "does not exist" if contest is None else f"is {contest['status']}, not closed"
        raise fail(3, f"选票 {receipt} 的表决事项 {cid} 不存在或未结束", f"ballot {receipt}: contest {cid} {state}")
    if marks != sorted(marks):
        raise fail(3, f"选票 {receipt} 的标记未排序", f"ballot {receipt}: marks {marks} are not sorted")
    definition = contest["definition"]
    return classify(frozenset(marks), *known_marks(definition), definition["kind"] == "motion")


def tally_groups(contests: dict, groups: dict, area_counts: Counter) -> dict[str, Tally]:
    """Add the ballots grouped by (contest, marks) into one Tally per contest."""
    tallies = {cid: Tally() for cid in contests}
    for (cid, marks), (status, n, area) in groups.items():
        tally = tallies[cid]
        tally.cast += n
        tally.cast_area += area
        if status == "blank":
            tally.blank += n
            tally.blank_area += area
        elif status == "invalid":
            tally.invalid += n
            tally.invalid_area += area
        else:
            for mark in set(marks):  # a mark repeated on one ballot counts once
                tally.votes[mark] += n
                tally.areas[mark] += area
    for (cid, area), n in area_counts.items():
        tallies[cid].ballot_areas[area] += n
    return tallies


# --- check 4: the roll ---------------------------------------------------------------------------


def check_roll(record: dict, tallies: dict[str, Tally], area_of: dict[str, int]) -> None:
    """Check 4: addresses, one ballot per household that voted, proxies and presence on the roll."""
    roll, rules = record["roll"], record["rules"]
    contests = {c["id"]: c for c in record["contests"]}
    for before, entry in pairwise(roll):
        if entry["address"] <= before["address"]:
            zh, en = (
                ("重复", "appears twice") if entry["address"] == before["address"] else ("未排序", "is out of order")
            )
            raise fail(4, f"地址 {entry['address']} {zh}", f"roll address {entry['address']} {en}")
    voters: dict[str, list[str]] = {cid: [] for cid in contests}
    for entry in roll:
        address = entry["address"]
        if entry["eligible"] is not True:
            raise fail(4, f"名册 {address} 不是有表决权的户", f"roll address {address}: eligible is not true")
        if entry["proxy_holder"] is not None and entry["proxy_holder"] not in area_of:
            raise fail(
                4,
                f"名册 {address} 的受托户 {entry['proxy_holder']} 不在名册中",
                f"roll address {address}: proxy holder {entry['proxy_holder']} is not on the roll",
            )
        for cid, channel in entry["voted"].items():
            if cid not in contests or contests[cid]["status"] == "draft":
                raise fail(
                    4,
                    f"名册 {address} 在不存在或未开始的表决事项 {cid} 中投票",
                    f"roll address {address}: voted in contest {cid}, which does not exist or never opened",
                )
            if channel not in ("phone", "paper", "mobile"):
                raise fail(
                    4,
                    f"名册 {address} 的投票方式 {channel!r} 未知",
                    f"roll address {address}, contest {cid}: unknown channel {channel!r}",
                )
            voters[cid].append(address)
    for cid, contest in contests.items():
        closed, present = contest["status"] == "closed", contest["present_at_close"]
        if closed:
            check_ballots_match_voters(cid, tallies[cid], voters[cid], area_of, rules["counts_area"])
        if present is None:
            if closed:
                raise fail(
                    4, f"已结束的表决事项 {cid} 没有到会名单", f"contest {cid} is closed but present_at_close is null"
                )
            continue
        if not closed:
            raise fail(4, f"未结束的表决事项 {cid} 有到会名单", f"contest {cid} is not closed but has present_at_close")
        for before, address in pairwise(present):
            if address <= before:
                raise fail(
                    4,
                    f"表决事项 {cid} 的到会名单重复或未排序：{address}",
                    f"contest {cid}: present_at_close repeats or is out of order at {address}",
                )
        stranger = next((a for a in present if a not in area_of), None)
        if stranger is not None:
            raise fail(
                4,
                f"表决事项 {cid} 的到会地址 {stranger} 不在名册中",
                f"contest {cid}: present address {stranger} is not on the roll",
            )
        if rules["participation_counts_as_presence"]:
            present_set = set(present)
            absent = next((a for a in voters[cid] if a not in present_set), None)
            if absent is not None:
                raise fail(
                    4,
                    f"表决事项 {cid}：已投票的 {absent} 不在到会名单中",
                    f"contest {cid}: {absent} voted but is not in present_at_close",
                )
    check_presence_replay(record, voters)


def check_presence_replay(record: dict, voters: dict[str, list[str]]) -> None:
    """Check 4: each closed contest's present_at_close agrees with the log's check-ins and proxies."""
    rules, contests = record["rules"], {c["id"]: c for c in record["contests"]}
    venue: set[str] = set()
    proxies: dict[str, str] = {}
    opened: list[str] = []
    closed_seen: set[str] = set()
    for entry in record["log"]:
        action, detail = entry["action"], entry["detail"]
        if action == "checkin":
            venue.add(detail.get("household"))
        elif action == "checkin.undo":
            venue.discard(detail.get("household"))
        elif action == "proxy.record":
            proxies[detail.get("principal")] = detail.get("holder")
        elif action == "proxy.revoke":
            proxies.pop(detail.get("principal"), None)
        elif action == "contest.open":
            opened.append(str(detail.get("contest")))
        elif action == "contest.close":
            cid = str(detail.get("contest"))
            if cid not in contests or contests[cid]["status"] != "closed" or cid in closed_seen:
                raise fail(
                    4,
                    f"日志第 {entry['seq']} 条结束了不存在、未结束或已结束过的表决事项 {cid}",
                    f"log seq {entry['seq']}: contest.close of {cid}, which is not a closed contest or closed twice",
                )
            closed_seen.add(cid)
            _check_present_at(cid, contests[cid], rules, venue, proxies, voters, opened, entry["seq"])
    missing = next((c for c, x in contests.items() if x["status"] == "closed" and c not in closed_seen), None)
    if missing is not None:
        raise fail(
            4,
            f"已结束的表决事项 {missing} 在日志中没有结束记录",
            f"closed contest {missing} has no contest.close in the log",
        )


def _check_present_at(cid, contest, rules, venue, proxies, voters, opened, seq) -> None:
    present = set(contest["present_at_close"])
    base = venue | {p for p, holder in proxies.items() if holder in venue}
    if rules["counts_area"]:
        low = high = set(voters[cid])  # 参与表决: exactly the voters of this contest
    elif rules["participation_counts_as_presence"]:
        low = base | set(voters[cid])
        high = base.union(*(voters.get(x, ()) for x in opened))
    else:
        low = high = base
    extra, lacking = sorted(present - high), sorted(low - present)
    if extra or lacking:
        zh = f"表决事项 {cid} 的到会名单与日志（第 {seq} 条结束时）不符：多出 {extra[:3]}，缺少 {lacking[:3]}"
        en = f"contest {cid}: present_at_close disagrees with the log at its close (seq {seq}): extra {extra[:3]}, missing {lacking[:3]}"
        raise fail(4, zh, en)


def check_ballots_match_voters(
    cid: str, tally: Tally, voters: list[str], areas: dict[str, int], counts_area: bool
) -> None:
    """Fail unless the ballots of a contest are one per household whose `voted` has it (and their areas)."""
    if tally.cast != len(voters):
        raise fail(
            4,
            f"表决事项 {cid} 有 {tally.cast} 张选票，名册中投票的户为 {len(voters)} 户",
            f"contest {cid}: {tally.cast} ballots, but {len(voters)} roll entries voted in it",
        )
    if counts_area:
        found = tally.ballot_areas
        expected = Counter(areas[address] for address in voters)
        if found != expected:
            area = min(a for a in found | expected if found[a] != expected[a])
            text = decimal_text(area)
            raise fail(
                4,
                f"表决事项 {cid}：面积 {text} 的选票 {found[area]} 张，该面积的投票户 {expected[area]} 户",
                f"contest {cid}: the ballots' areas differ from the areas of the households that voted: "
                f"{found[area]} ballot(s) of {text} m², but {expected[area]} voting household(s) of that area",
            )


# --- check 5: recount every closed contest -------------------------------------------------------

MEDIAN_LINE = {"fraction": "1/2", "comparison": "gt"}  # median: more than half of the marked ballots


def line_of(definition: dict, rules: dict) -> tuple[dict, str]:
    """Return the threshold and base a contest is judged by: its own, else the profile's default."""
    kind = definition["kind"]
    if kind == "committee":
        threshold, base = {
            "regular": (rules["election_threshold"], rules["election_base"]),
            "runoff": (rules["runoff_threshold"], "cast"),  # 另行选举
            "tie_revote": (rules["revote_threshold"], "cast"),  # 平票重选
        }[definition["round"]]
    elif kind == "choice" and definition["method"] == "median":
        threshold, base = MEDIAN_LINE, "marked"
    elif kind == "choice" and definition["is_runoff"]:
        threshold, base = rules["revote_threshold"], "cast"
    elif kind == "choice":
        threshold, base = rules["passing_threshold"], rules["passing_base"]
    else:
        threshold = rules["special_threshold"] if definition["special"] else rules["passing_threshold"]
        base = rules["passing_base"]
    return definition["threshold"] or threshold, definition["base"] or base


@dataclass(frozen=True)
class Count:
    """Votes (and area, in 0.01 m²) of one candidate, option or level."""

    id: str
    votes: int
    area: int


@dataclass(frozen=True)
class Judge:
    """Everything a contest is judged by: the line, its base, and whether the round counts at all."""

    line: Line
    base_value: int
    base_area: int
    min_votes: int
    counts_area: bool
    quorum_met: bool
    void: bool

    def passes(self, count: Count) -> bool:
        """Tell whether a candidate, option or level passes the line (votes, and area when it counts)."""
        return count.votes >= self.min_votes and (not self.counts_area or self.line.passes(count.area, self.base_area))

    def area(self, value: int) -> Area | None:
        """Return an expected area field: the value when areas count, else null."""
        return Area(value) if self.counts_area else None


def recount(contest: dict, tally: Tally, record: dict, area_of: dict[str, int]) -> dict:
    """Recount one closed contest and return the expected result fields, in the order they are compared."""
    rules, definition = record["rules"], contest["definition"]
    counts_area = rules["counts_area"]
    eligible, eligible_area = len(area_of), sum(area_of.values())
    present = contest["present_at_close"]
    present_area = sum(area_of[a] for a in present)
    quorum_line = Line.parse(rules["quorum_threshold"])
    households_met = quorum_line.passes(len(present), eligible)
    area_met = quorum_line.passes(present_area, eligible_area) if counts_area else None
    met = households_met and (area_met is not False)
    valid, valid_area = tally.cast - tally.invalid, tally.cast_area - tally.invalid_area
    marked, marked_area = valid - tally.blank, valid_area - tally.blank_area
    threshold, base = line_of(definition, rules)
    base_value, base_area = {
        "present": (len(present), present_area),
        "cast": (tally.cast, tally.cast_area),
        "valid": (valid, valid_area),
        "marked": (marked, marked_area),
        "eligible": (eligible, eligible_area),
    }[base]
    line = Line.parse(threshold)
    judge = Judge(line, base_value, base_area, line.minimum(base_value), counts_area, met, tally.cast > eligible)
    expected = {
        "kind": definition["kind"],
        "contest_id": contest["id"],
        "profile": rules["name"],
        "quorum": {
            "met": met,
            "threshold": quorum_line,
            "eligible_households": eligible,
            "present_households": len(present),
            "min_households": quorum_line.minimum(eligible),
            "households_met": households_met,
            "counts_area": counts_area,
            "eligible_area": Area(eligible_area),
            "present_area": Area(present_area),
            "min_area": Area(quorum_line.minimum(eligible_area)) if counts_area else None,
            "area_met": area_met,
        },
        "ballots_issued": eligible,
        "cast": tally.cast,
        "valid": valid,
        "blank": tally.blank,
        "invalid": tally.invalid,
        "void": judge.void,
        "base": base,
        "base_value": base_value,
        "base_area": judge.area(base_area),
        "threshold": line,
        "min_votes": judge.min_votes,
        "min_area": judge.area(line.minimum(base_area)),
    }
    kind = definition["kind"]
    if kind == "motion":
        expected |= recount_motion(definition, tally, judge)
    else:
        entries = definition["candidates" if kind == "committee" else "options"]
        counts = [Count(e["id"], tally.votes[e["id"]], tally.areas[e["id"]]) for e in entries]
        by_kind = recount_committee if kind == "committee" else recount_choice
        expected |= by_kind(definition, counts, judge)
    return expected


def count_fields(counts: list[Count], judge: Judge) -> list[dict]:
    """Return `counts` (or `cumulative`) entries as the record writes them."""
    return [{"id": c.id, "votes": c.votes, "area": judge.area(c.area)} for c in counts]


def ranking_of(counts: list[Count]) -> list[Count]:
    """Sort by votes, most first; equal votes keep ballot order (which ranks nothing)."""
    return sorted(counts, key=lambda c: -c.votes)


def ids(counts: list[Count]) -> list[str]:
    """Return the ids of counts."""
    return [c.id for c in counts]


def in_ballot_order(chosen: list[Count], counts: list[Count]) -> list[str]:
    """Return the ids of `chosen` in ballot order."""
    wanted = {c.id for c in chosen}
    return [c.id for c in counts if c.id in wanted]


def recount_committee(definition: dict, counts: list[Count], judge: Judge) -> dict:
    """Recount a committee round: passing, elected, tied (平票重选), 另行选举 and vacancies (缺额)."""
    seats, regular = definition["seats"], definition["round"] == "regular"
    ranking = ranking_of(counts)
    passing = [c for c in ranking if judge.passes(c)]
    elected: list[Count] = []
    tied: list[str] = []
    follow_up, vacancies = None, 0
    if judge.quorum_met and not judge.void:
        if len(passing) <= seats or passing[seats].votes < passing[seats - 1].votes:
            elected = passing[:seats]
        else:  # a tie at the last seat: none of the tied is elected by this round
            cut = passing[seats - 1].votes
            elected = [c for c in passing if c.votes > cut]
            tied = in_ballot_order([c for c in passing if c.votes == cut], counts)
        remaining = seats - len(elected)
        if tied:
            follow_up = {"kind": "tie_revote", "ids": tied, "seats": remaining}
        elif remaining == 0 or not regular:
            vacancies = remaining
        else:
            rest = [c for c in ranking if c not in elected]
            head = rest[: remaining + 1]
            pool = [c for c in rest if head and (c in head or c.votes == head[-1].votes)]
            if pool:
                follow_up = {"kind": "runoff", "ids": in_ballot_order(pool, counts), "seats": remaining}
            else:
                vacancies = remaining
    if not judge.quorum_met:
        verdict = "no_quorum"
    elif judge.void:
        verdict = "void"
    else:
        verdict = "elected" if len(elected) == seats else "partial" if elected else "none_elected"
    return {
        "round": definition["round"],
        "seats": seats,
        "counts": count_fields(counts, judge),
        "passing": ids(passing),
        "elected": ids(elected),
        "tied": tied,
        "unfilled": seats - len(elected),
        "vacancies": vacancies,
        "follow_up": follow_up,
        "verdict": verdict,
    }


def recount_choice(definition: dict, counts: list[Count], judge: Judge) -> dict:
    """Recount a choice: a majority with top-two 决选, or the median fee level."""
    ranking = ranking_of(counts)
    cumulative: list[Count] = []
    follow_up, winner = None, None
    if definition["method"] == "median":
        votes = area = 0
        for c in reversed(counts):  # lowest level first on the ballot: add up from the top
            votes, area = votes + c.votes, area + c.area
            cumulative.insert(0, Count(c.id, votes, area))
        passing = [c for c in ranking_of(cumulative) if judge.passes(c)]
        passed = {c.id for c in passing}
        winner = next((c.id for c in reversed(cumulative) if c.id in passed), None)
        verdict = "undecided" if winner is None else "decided"
    else:
        passing = [c for c in ranking if judge.passes(c)]
        if passing and (len(passing) == 1 or passing[0].votes > passing[1].votes):
            winner, verdict = passing[0].id, "decided"
        else:
            if passing:
                pool = [c for c in passing if c.votes == passing[0].votes]
            else:
                second = ranking[:2][-1].votes if ranking else 0
                pool = ranking[:2] + [c for c in ranking[2:] if c.votes == second]
            everyone = len(pool) == len(counts)
            if everyone and (len({c.votes for c in pool}) <= 1 or definition["is_runoff"]):
                verdict = "undecided"  # a runoff would ask the same question again
            else:
                verdict = "runoff"
                follow_up = {"kind": "top_two", "ids": in_ballot_order(pool, counts), "seats": 1}
    if not judge.quorum_met or judge.void:
        winner, follow_up, verdict = None, None, "no_quorum" if not judge.quorum_met else "void"
    return {
        "method": definition["method"],
        "is_runoff": definition["is_runoff"],
        "counts": count_fields(counts, judge),
        "cumulative": count_fields(cumulative, judge),
        "passing": ids(passing),
        "winner": winner,
        "follow_up": follow_up,
        "verdict": verdict,
    }


def recount_motion(definition: dict, tally: Tally, judge: Judge) -> dict:
    """Recount a motion: yes / no / abstain (abstain = blank)."""
    yes = Count("yes", tally.votes["yes"], tally.areas["yes"])
    passed = judge.quorum_met and not judge.void and judge.passes(yes)
    verdict = "no_quorum" if not judge.quorum_met else "void" if judge.void else "passed" if passed else "rejected"
    return {
        "special": definition["special"],
        "yes": yes.votes,
        "no": tally.votes["no"],
        "abstain": tally.blank,
        "yes_area": judge.area(yes.area),
        "no_area": judge.area(tally.areas["no"]),
        "passed": passed,
        "verdict": verdict,
    }


def difference(expected: Any, found: Any, path: str) -> tuple[str, Any, Any] | None:
    """Return the first (path, expected, found) where `found` differs from `expected`, else None.

    Only the keys of `expected` are compared (texts such as `explanation` are not recounted);
    bools, ints and strings must match in type too; areas and thresholds match by exact value.
    """
    if isinstance(expected, Area):
        same = type(found) is str and bool(DECIMAL.fullmatch(found)) and cents(found) == expected
    elif isinstance(expected, Line):
        same = _threshold_ok(found) and Line.parse(found) == expected
    elif isinstance(expected, dict):
        if type(found) is not dict:
            return path, expected, found
        for key, value in expected.items():
            if key not in found:
                return f"{path}.{key}", value, "<missing>"
            diff = difference(value, found[key], f"{path}.{key}")
            if diff:
                return diff
        return None
    elif isinstance(expected, list):
        if type(found) is not list or len(found) != len(expected):
            return path, expected, found
        if not any(isinstance(e, dict) for e in expected):  # a list of ids: show it whole
            same = all(difference(e, f, path) is None for e, f in zip(expected, found))
            return None if same else (path, expected, found)
        for i, (e, f) in enumerate(zip(expected, found)):
            diff = difference(e, f, f"{path}[{e.get('id', i)}]")  # counts[c41].votes
            if diff:
                return diff
        return None
    else:
        same = type(found) is type(expected) and found == expected
    return None if same else (path, expected, found)


def show(value: Any) -> str:
    """Render an expected or found value as JSON, the way the record writes it."""

    def plain(v: Any) -> Any:
        if isinstance(v, Area):  # before int: an Area is an int
            return decimal_text(v)
        if isinstance(v, Line):
            return {"fraction": f"{v.n}/{v.d}", "comparison": "gt" if v.strict else "ge"}
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    return json.dumps(plain(value), ensure_ascii=False)


def check_results(record: dict, tallies: dict[str, Tally], area_of: dict[str, int]) -> None:
    """Check 5: one result per closed contest, and every recounted field equal to the recount."""
    closed = [c for c in record["contests"] if c["status"] == "closed"]
    results = record["results"]
    for contest in closed:
        if contest["id"] not in results:
            raise fail(5, f"已结束的表决事项 {contest['id']} 没有结果", f"closed contest {contest['id']} has no result")
    stray = next((cid for cid in results if cid not in {c["id"] for c in closed}), None)
    if stray is not None:
        raise fail(5, f"结果 {stray} 没有对应的已结束表决事项", f"result {stray} has no closed contest")
    for contest in closed:
        cid = contest["id"]
        diff = difference(recount(contest, tallies[cid], record, area_of), results[cid], "")
        if diff:
            path, expected, found = diff
            name = path.lstrip(".")
            raise fail(
                5,
                f"表决事项 {cid} 结果字段 {name}：应为 {show(expected)}，实为 {show(found)}",
                f"contest {cid}, result field {name!r}: expected {show(expected)}, found {show(found)}",
            )


# --- check 6: follow-up rounds -------------------------------------------------------------------


def check_follow_ups(record: dict) -> None:
    """Check 6: every contest that follows another is exactly the round its result proposed."""
    contests = {c["id"]: c for c in record["contests"]}
    for contest in record["contests"]:
        parent_id, definition, cid = contest["follows"], contest["definition"], contest["id"]
        if parent_id is None:
            continue
        proposal = record["results"].get(parent_id, {}).get("follow_up") if parent_id in contests else None
        if proposal is None:
            raise fail(
                6,
                f"表决事项 {cid} 所跟随的 {parent_id} 没有提议后续轮次",
                f"contest {cid} follows {parent_id}, whose result proposes no follow-up round",
            )
        if definition["kind"] == "committee":
            found = {
                "kind": definition["round"],
                "seats": definition["seats"],
                "ids": [c["id"] for c in definition["candidates"]],
            }
        elif definition["kind"] == "choice":
            found = {
                "kind": "top_two" if definition["is_runoff"] else "not a runoff",
                "seats": 1,
                "ids": [o["id"] for o in definition["options"]],
            }
        else:
            found = {"kind": "motion"}
        expected = {key: proposal.get(key) for key in found}
        if found != expected:
            raise fail(
                6,
                f"表决事项 {cid} 与 {parent_id} 提议的后续轮次不符：应为 {expected}，实为 {found}",
                f"contest {cid} does not match the round proposed by {parent_id}: expected {expected}, found {found}",
            )


# --- checks 7 and 8: key and signature -----------------------------------------------------------


def fingerprint(public_key_hex: str) -> str:
    """Return the key fingerprint printed on ballots: SHA-256 of the raw key, 20 hex, groups of four."""
    digest = hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:20].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 20, 4))


def normalize_pin(pinned: str) -> str:
    """Return a pinned key (64 hex) or fingerprint (20 hex, spaces allowed) in lower case without spaces."""
    wanted = "".join(pinned.split()).lower()
    if not re.fullmatch(r"[0-9a-f]{64}|[0-9a-f]{20}", wanted):
        raise ValueError(f"--public-key must be 64 hex characters or a 20-character fingerprint, not {pinned!r}")
    return wanted


def check_pinned_key(public_key: str, pinned: str | None) -> None:
    """Check 7: the record's key is the pinned key (64 hex) or has the pinned fingerprint (20 hex)."""
    if pinned is None:
        return
    wanted = normalize_pin(pinned)
    found = public_key if len(wanted) == 64 else fingerprint(public_key).replace(" ", "").lower()
    if found != wanted:
        raise fail(
            7,
            f"记录的公钥 {public_key}（指纹 {fingerprint(public_key)}）不是指定的公钥 {pinned}",
            f"the record's key {public_key} (fingerprint {fingerprint(public_key)}) is not the pinned key {pinned}",
        )


def check_signature(record: dict) -> None:
    """Check 8: the Ed25519 signature covers the canonical form of the record without `signature`."""
    unsigned = {key: value for key, value in record.items() if key != "signature"}
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(record["public_key"]))
        key.verify(bytes.fromhex(record["signature"]), canonical(unsigned))
    except (InvalidSignature, ValueError):
        raise fail(
            8,
            "签名无效：记录在签名后被改动，或不是用此公钥签名",
            "the signature does not verify under the record's key",
        ) from None


# --- putting it together -------------------------------------------------------------------------

VERDICTS = {
    "elected": "全部当选",
    "partial": "部分当选",
    "none_elected": "无人当选",
    "void": "无效（选票多于发出）",
    "no_quorum": "未达法定到会人数",
    "decided": "已决",
    "runoff": "需决选",
    "undecided": "未决",
    "passed": "通过",
    "rejected": "未通过",
}


@dataclass(frozen=True)
class ContestSummary:
    """The verdict of one closed contest, with the names it elected or chose."""

    id: str
    title: str
    verdict: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    """What a verified record says."""

    meeting_id: int
    community: str
    title: str
    households: int
    ballots: int
    contests: tuple[ContestSummary, ...]
    fingerprint: str

    def render(self) -> str:
        """Return the summary in Chinese and English."""
        lines = [
            "校验通过 / VERIFIED",
            f"会议 / meeting: {self.community} · {self.title} (#{self.meeting_id})",
            f"名册户数 / households on the roll: {self.households}",
            f"选票 / ballots: {self.ballots}",
        ]
        for c in self.contests:
            names = f" — {'、'.join(c.names)}" if c.names else ""
            lines.append(f"  [{c.id}] {c.title}: {VERDICTS.get(c.verdict, c.verdict)} / {c.verdict}{names}")
        lines += ["签名有效 / signature OK", f"公钥指纹 / key fingerprint: {self.fingerprint}"]
        return "\n".join(lines)


def summarize(record: dict) -> Summary:
    """Build the summary of a record that passed every check."""
    contests = []
    for contest in record["contests"]:
        result = record["results"].get(contest["id"])
        if result is None:
            continue
        definition = contest["definition"]
        entries = definition.get("candidates", definition.get("options", []))
        label = {e["id"]: e.get("name", e.get("label")) for e in entries}
        chosen = result.get("elected") or ([result["winner"]] if result.get("winner") is not None else [])
        names = tuple(label[i] for i in chosen)
        contests.append(ContestSummary(contest["id"], contest["title"], result["verdict"], names))
    meeting = record["meeting"]
    return Summary(
        meeting["id"],
        meeting["community"],
        meeting["title"],
        len(record["roll"]),
        len(record["ballots"]),
        tuple(contests),
        fingerprint(record["public_key"]),
    )


def verify(record: Any, pinned_key: str | None = None) -> Summary:
    """Run checks 1–8 in order; raise VerificationError at the first failure, else return the summary."""
    check_structure(record)
    check_log(record["log"], record["meeting"]["id"])
    area_of = {entry["address"]: cents(entry["area"]) for entry in record["roll"]}  # unique: check 4
    tallies = check_ballots(record, area_of)
    check_roll(record, tallies, area_of)
    check_results(record, tallies, area_of)
    check_follow_ups(record)
    check_pinned_key(record["public_key"], pinned_key)
    check_signature(record)
    return summarize(record)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    """Build a JSON object, refusing a key given twice (two parsers could read it differently)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = Counter(key for key, _ in pairs)
        raise ValueError(f"duplicate key {next(k for k, n in seen.items() if n > 1)!r}")
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_record(path: str | Path) -> Any:
    """Read a record file as UTF-8 JSON; raise UnreadableRecord when that is impossible."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")  # a BOM (Windows Notepad) is not content
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except OSError as exc:
        raise UnreadableRecord(f"无法读取文件 / cannot read the file: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise UnreadableRecord(f"不是 UTF-8 文本 / not UTF-8 text: {exc}") from exc
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise UnreadableRecord(f"不是有效的 JSON / not valid JSON: {exc}") from exc


def main(argv: list[str] | None = None) -> int:
    """Verify the record named on the command line; print the summary or the first failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("record", help="the audit record (JSON) / 审计记录文件")
    parser.add_argument("--public-key", metavar="HEX", help="pin the meeting key: 64 hex, or the 20-hex fingerprint")
    args = parser.parse_args(argv)
    try:
        if args.public_key is not None:
            normalize_pin(args.public_key)
    except ValueError as exc:
        print(f"参数错误 / bad argument: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        summary = verify(load_record(args.record), args.public_key)
    except UnreadableRecord as exc:
        print(f"校验失败 / FAILED — {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except VerificationError as exc:
        print(exc, file=sys.stderr)
        return EXIT_NOT_AUTHENTIC if exc.check >= 7 else EXIT_FAILED
    print(summary.render())
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
