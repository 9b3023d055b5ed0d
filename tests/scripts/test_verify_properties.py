"""The verifier and voting.core agree on every random meeting: each recount equals the core's result."""

from __future__ import annotations

import copy
import functools

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from .meetings import core_result, meetings
from .records import charter_meeting, civil_code_meeting, load_verifier, sign

verify_audit = load_verifier()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(meetings())
def test_verifier_accepts_every_result_the_core_computes(record):
    verify_audit.verify(record)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(meetings())
def test_a_changed_verdict_is_rejected_in_any_meeting(record):
    assume(record["results"])
    cid, result = next(iter(record["results"].items()))
    other = {"committee": "elected", "choice": "decided", "motion": "passed"}[result["kind"]]
    result["verdict"] = other if result["verdict"] != other else "no_quorum"
    with pytest.raises(verify_audit.VerificationError) as caught:
        verify_audit.verify(record)
    assert caught.value.check == 5 and f"contest {cid}, result field 'verdict'" in str(caught.value)


def _paths(value, prefix=()):
    """Yield the path of every node of a JSON value (lists: their first three items)."""
    yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value[:3]) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, (*prefix, key))


HAND_COUNTED = [charter_meeting(), civil_code_meeting()]
NODES = [(i, path) for i, record in enumerate(HAND_COUNTED) for path in _paths(record) if path]
JUNK = [
    None,
    0,
    -1,
    1,
    10**30,
    True,
    7.5,
    "",
    "x",
    "c2",
    "yes",
    "-3.00",
    "0.00",
    "1/0",
    [],
    {},
    ["o1", "o9"],
    {"fraction": "1/2", "comparison": "ge"},
    {"kind": "runoff", "ids": ["c1"], "seats": 1},
]


@settings(max_examples=150, deadline=None)
@given(node=st.sampled_from(NODES), junk=st.sampled_from([*JUNK, "<delete>"]), resign=st.booleans())
def test_any_change_to_a_signed_record_is_rejected_and_never_crashes_the_verifier(node, junk, resign):
    index, path = node
    record = copy.deepcopy(HAND_COUNTED[index])
    *parents, last = path
    holder = functools.reduce(lambda value, key: value[key], parents, record)
    if junk == "<delete>":
        assume(isinstance(holder, dict))
        del holder[last]
    else:
        assume(holder[last] != junk or type(holder[last]) is not type(junk))
        holder[last] = junk
    try:
        verify_audit.verify(sign(record) if resign else record)
    except verify_audit.VerificationError:
        return
    assert resign, f"a change at {path} to {junk!r} was accepted without a new signature"


TEXTS = {"explanation", "reason", "undecided_reason"}  # prose, which the specification does not recount


def _shaped_like(value, model):
    """Keep of `value` only the keys `model` has (the specification's keys), at every depth."""
    if isinstance(model, dict) and isinstance(value, dict):
        return {k: _shaped_like(value.get(k, "<missing>"), model[k]) for k in model if k not in TEXTS}
    if isinstance(model, list) and isinstance(value, list) and len(value) == len(model):
        return [_shaped_like(v, m) for v, m in zip(value, model)]
    return value


@pytest.mark.parametrize("index", range(len(HAND_COUNTED)), ids=["charter", "civil_code"])
def test_core_agrees_with_every_hand_counted_result(index):
    record = HAND_COUNTED[index]
    for contest in (c for c in record["contests"] if c["status"] == "closed"):
        papers = [(b["marks"], b["area"]) for b in record["ballots"] if b["contest"] == contest["id"]]
        core = core_result(record["rules"], record["roll"], contest["definition"], contest["present_at_close"], papers)
        hand = record["results"][contest["id"]]
        assert _shaped_like(core, hand) == _shaped_like(hand, hand), f"contest {contest['id']}"
