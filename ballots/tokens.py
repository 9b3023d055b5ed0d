"""Signed ballot tokens and short codes (DESIGN §5).

A token is itsdangerous-signed with its own salt; its payload is [meeting id, household id,
issue serial]. The server keeps the current serial, so a reissued ballot voids the old token.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "household-ballot"
# No 0/O, 1/I/L: staff read these aloud and type them.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 8
RECEIPT_LENGTH = 10


class BadToken(ValueError):
    """The token is not one this server signed (forged, truncated, mistyped)."""


@dataclass(frozen=True, slots=True)
class BallotToken:
    meeting_id: int
    household_id: int
    serial: int


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def make_token(secret: str, token: BallotToken) -> str:
    """Sign a ballot token (about 40 URL-safe characters)."""
    return _serializer(secret).dumps([token.meeting_id, token.household_id, token.serial])


def read_token(secret: str, text: str) -> BallotToken:
    """Verify a token's signature and shape; raise BadToken otherwise."""
    try:
        payload = _serializer(secret).loads(text)
    except BadSignature:
        raise BadToken("bad signature") from None
    if not (isinstance(payload, list) and len(payload) == 3 and all(type(v) is int and v > 0 for v in payload)):
        raise BadToken("bad payload")
    return BallotToken(*payload)


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def short_code() -> str:
    """Return a new short code for manual entry, e.g. K7M2P9QX (shown as K7M2-P9QX)."""
    return random_code(SHORT_CODE_LENGTH)


def receipt() -> str:
    """Return a new receipt code (回执码), about 50 bits."""
    return random_code(RECEIPT_LENGTH)


def group(code: str, size: int = 4) -> str:
    """Show a code in groups: K7M2-P9QX, ABCDE-FGHJK."""
    size = 5 if len(code) == RECEIPT_LENGTH else size
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def normalize_code(text: str) -> str:
    """Read a typed code: ignore case, spaces and dashes."""
    return re.sub(r"[\s\-_]", "", text).upper()


TOKEN_IN_URL = re.compile(r"/b/([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)")


def token_from_scan(text: str) -> str | None:
    """Return the token in a scanned ballot URL (or a bare token), else None."""
    text = text.strip()
    match = TOKEN_IN_URL.search(text)
    if match:
        return match.group(1)
    if re.fullmatch(r"[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+", text):
        return text
    return None
