"""Whole numbers typed into forms and URLs: ASCII digits only, never more than a database int holds."""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"\d{1,10}", re.ASCII)  # '²' passes str.isdigit() but not int(); this refuses it


def whole(text: object, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """Return the whole number `text` spells, if it is within [low, high]; otherwise None."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text.strip()):
        return None
    value = int(text.strip())
    return value if low <= value <= high else None


def ids(texts: list[str]) -> list[int]:
    """Return the valid ids among submitted values (form checkboxes), in order."""
    return [value for text in texts if (value := whole(text, low=1)) is not None]
