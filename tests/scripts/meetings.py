"""Random meetings for the verifier's property test: the results come from `voting.core`.

A drawn meeting has a random roll (areas with two decimals), random attendance per contest, and
random ballots including over-votes, unknown marks, repeated marks and blanks, under one of the
three profiles; its committee rounds may propose a 平票重选 or 另行选举 and its choices a top-two
决选, which are then held too (as follow-up contests, checked by check 6).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from voting.core import Attendance, Ballot, RuleProfile, contest_from_dict, tally

from .records import assemble, contest_entry, household, sign

PROFILES = {"charter": RuleProfile.charter, "statute": RuleProfile.statute, "civil_code": RuleProfile.civil_code}
THRESHOLDS = [
    None,
    None,
    None,
    {"fraction": "1/2", "comparison": "gt"},
    {"fraction": "2/3", "comparison": "ge"},
    {"fraction": "1/3", "comparison": "ge"},
    {"fraction": "0/1", "comparison": "gt"},
]
BASES = [None, None, None, "present", "cast", "valid", "marked", "eligible"]
UNKNOWN = "x9"  # a mark that is no candidate, option or motion answer


def core_result(
    rules: dict, roll: list[dict], definition: dict, present: list[str], papers: list[tuple[list[str], str | None]]
) -> dict:
    """Tally one contest with voting.core from its ballots' (marks, area) and return the result's dict."""
    area = {e["address"]: Decimal(e["area"]) for e in roll}
    attendance = Attendance(
        len(roll), len(present), sum(area.values(), Decimal(0)), sum((area[a] for a in present), Decimal(0))
    )
    ballots = [
        Ballot(definition["id"], tuple(marks), None if weight is None else Decimal(weight)) for marks, weight in papers
    ]
    contest = contest_from_dict(definition)
    return tally(contest, ballots, attendance, RuleProfile.from_dict(rules), len(roll)).to_dict()


@st.composite
def marks_for(draw, ids: list[str], most: int, motion: bool = False) -> list[str]:
    """Draw the marks of one ballot: mostly valid, some blank, over-voted, repeated or unknown."""
    kind = draw(st.sampled_from(["valid"] * 4 + ["slate"] * 3 + ["blank", "over", "unknown", "repeat"]))
    if kind == "slate":  # two overlapping slates: the first `most` ids, or the same shifted by one
        shift = draw(st.integers(0, min(1, len(ids) - most)))
        return ids[shift : shift + most]
    if kind == "blank":
        return []
    if kind == "unknown":
        return [UNKNOWN] + draw(st.lists(st.sampled_from(ids), max_size=1))
    if kind == "over" and len(ids) > most:
        return draw(st.lists(st.sampled_from(ids), min_size=most + 1, max_size=most + 1, unique=True))
    # skewed towards the first ids, so that lines are passed and ties happen
    chosen = draw(st.lists(st.sampled_from(ids[:3] * 3 + ids), min_size=1, max_size=most, unique=True))
    if motion and draw(st.booleans()):
        chosen = ["abstain"]
    return chosen + (chosen[:1] if kind == "repeat" else [])


@st.composite
def committee_definition(draw, cid: str) -> dict:
    """Draw a committee round: a regular 5/7/9-seat election, or a standalone revote or runoff."""
    round_ = draw(st.sampled_from(["regular"] * 4 + ["tie_revote", "runoff"]))
    seats = draw(st.sampled_from([5, 7, 9])) if round_ == "regular" else draw(st.integers(1, 4))
    contested = round_ == "tie_revote" or draw(st.booleans())
    n = seats + draw(st.integers(1, 3)) if contested else seats
    return {
        "kind": "committee",
        "id": cid,
        "seats": seats,
        "candidates": [{"id": f"c{i}", "name": f"候选人{i}"} for i in range(1, n + 1)],
        "contested": contested,
        "threshold": draw(st.sampled_from(THRESHOLDS)),
        "base": draw(st.sampled_from(BASES)),
        "round": round_,
        "parent_id": None,
    }


@st.composite
def choice_definition(draw, cid: str) -> dict:
    """Draw a choice: majority (ordered or not, sometimes a runoff) or median over ordered levels."""
    method = draw(st.sampled_from(["majority", "majority", "median"]))
    n = draw(st.integers(2, 5))
    return {
        "kind": "choice",
        "id": cid,
        "options": [{"id": f"o{i}", "label": f"选项{i}"} for i in range(1, n + 1)],
        "ordered": method == "median" or draw(st.booleans()),
        "method": method,
        "threshold": draw(st.sampled_from(THRESHOLDS)),
        "base": None if method == "median" else draw(st.sampled_from(BASES)),  # the core allows only `marked`
        "is_runoff": method == "majority" and draw(st.booleans()),
        "parent_id": None,
    }


@st.composite
def motion_definition(draw, cid: str) -> dict:
    """Draw a motion, ordinary or special (民法典 278)."""
    return {
        "kind": "motion",
        "id": cid,
        "threshold": draw(st.sampled_from(THRESHOLDS)),
        "base": draw(st.sampled_from(BASES)),
        "special": draw(st.booleans()),
    }


def follow_up_definition(parent: dict, proposal: dict, cid: str) -> dict:
    """Return the round a result proposes: same candidates or options, in ballot order."""
    if parent["kind"] == "committee":
        names = {c["id"]: c["name"] for c in parent["candidates"]}
        return {
            "kind": "committee",
            "id": cid,
            "seats": proposal["seats"],
            "candidates": [{"id": i, "name": names[i]} for i in proposal["ids"]],
            "contested": len(proposal["ids"]) > proposal["seats"],
            "threshold": None,
            "base": None,
            "round": proposal["kind"],
            "parent_id": parent["id"],
        }
    labels = {o["id"]: o["label"] for o in parent["options"]}
    return {
        "kind": "choice",
        "id": cid,
        "options": [{"id": i, "label": labels[i]} for i in proposal["ids"]],
        "ordered": parent["ordered"],
        "method": "majority",
        "threshold": None,
        "base": None,
        "is_runoff": True,
        "parent_id": parent["id"],
    }


def known_ids(definition: dict) -> tuple[list[str], int, bool]:
    """Return the ids a ballot may mark, how many at most, and whether it is a motion."""
    if definition["kind"] == "committee":
        return [c["id"] for c in definition["candidates"]], definition["seats"], False
    if definition["kind"] == "choice":
        return [o["id"] for o in definition["options"]], 1, False
    return ["yes", "no", "abstain"], 1, True


@st.composite
def meetings(draw) -> dict:
    """Draw a whole signed record whose results voting.core computed."""
    rules = PROFILES[draw(st.sampled_from(sorted(PROFILES)))]().to_dict()
    rules["participation_counts_as_presence"] = draw(st.sampled_from([True, True, True, False]))
    size = draw(st.integers(1, 16))
    # ordinary flats, and a few very small or very large units, so that area and heads can disagree (民法典 278)
    sizes = st.one_of(st.integers(3_000, 15_000), st.sampled_from([0, 1, 50_000, 250_000]))
    cents = draw(st.lists(sizes, min_size=size, max_size=size))
    roll = [
        household(
            f"{i // 4 + 1}号楼{i % 4 + 1}0{i % 3 + 1}室-{i}",
            f"{c // 100}.{c % 100:02d}",
            checked_in=draw(st.booleans()),
        )
        for i, c in enumerate(cents)
    ]
    if size > 1 and draw(st.booleans()):
        roll[0]["proxy_holder"] = roll[-1]["address"]
    addresses = [e["address"] for e in roll]
    contests, votes, results = [], {}, {}
    queue = [
        draw(st.sampled_from([committee_definition, choice_definition, motion_definition]))(str(i))
        for i in range(1, draw(st.integers(1, 4)) + 1)
    ]
    follows: dict[str, str] = {}
    while queue:
        definition = draw(queue.pop(0)) if not isinstance(queue[0], dict) else queue.pop(0)
        cid = definition["id"]
        status = draw(st.sampled_from(["closed"] * 8 + ["open", "draft"]))
        if status != "closed":
            contests.append(
                contest_entry(
                    definition,
                    f"事项{cid}",
                    "other",
                    None,
                    status=status,
                    follows=follows.get(cid),
                    position=len(contests) + 1,
                )
            )
            continue
        voters = draw(st.lists(st.sampled_from(addresses), unique=True, max_size=size))
        ids, most, motion = known_ids(definition)
        cast = [(a, draw(marks_for(ids, most, motion))) for a in voters]
        absent = draw(st.sampled_from([0, 1, 2, size // 3, size // 2, size]))  # on the 2/3 and 1/2 lines too
        present = set(draw(st.permutations(addresses))[absent:])
        if rules["participation_counts_as_presence"]:
            present |= set(voters)
        if rules["counts_area"]:
            present = set(voters)  # 民法典 278: the quorum is who took part in this vote
        areas = {e["address"]: e["area"] if rules["counts_area"] else None for e in roll}
        result = core_result(rules, roll, definition, sorted(present), [(m, areas[a]) for a, m in cast])
        purpose = {"committee": "committee", "motion": "motion"}.get(definition["kind"], "fee")
        contests.append(
            contest_entry(
                definition, f"事项{cid}", purpose, sorted(present), follows=follows.get(cid), position=len(contests) + 1
            )
        )
        votes[cid], results[cid] = cast, result
        if result.get("follow_up") and draw(st.booleans()):
            child = f"{cid}.{len(contests)}"
            follows[child] = cid
            queue.insert(0, follow_up_definition(definition, result["follow_up"], child))
    return sign(assemble(draw(st.integers(1, 999)), rules, roll, contests, votes, results))
