"""Canonical JSON and the hash chain of the action log (the signed record builds on these)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Serialise as the record is signed: UTF-8, sorted keys, no insignificant whitespace."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: dict) -> str:
    """Hash one log entry (which carries the previous entry's hash as `prev`)."""
    return hashlib.sha256(canonical_json(entry)).hexdigest()
