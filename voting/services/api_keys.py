"""Staff API keys for scripts and other systems: `Authorization: Bearer <key>`."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import ApiKey, StaffUser
from ..timeutil import utcnow
from . import use_case
from .errors import Conflict, NotFound

PREFIX = "vk_"


def _hash(key: str) -> str:
    # A random 256-bit key needs no slow password hash: SHA-256 cannot be brute-forced back.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@use_case
def create_key(username: str, label: str = "") -> tuple[str, ApiKey]:
    """Create a key for a staff account; return the key (shown once) and its record."""
    user = db.session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"找不到账号 {username}。")
    key = PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(staff_id=user.id, prefix=key[:12], key_hash=_hash(key), label=label.strip()[:100])
    db.session.add(record)
    return key, record


def list_keys(username: str | None = None) -> list[ApiKey]:
    query = select(ApiKey).join(StaffUser).order_by(ApiKey.id)
    if username:
        query = query.where(StaffUser.username == username)
    return list(db.session.execute(query).scalars())


@use_case
def revoke_key(prefix: str) -> ApiKey:
    """Revoke a key by its prefix (as listed); it stops working at once."""
    matches = [k for k in list_keys() if k.prefix == prefix.strip() and k.revoked_at is None]
    if not matches:
        raise NotFound(f"没有前缀为 {prefix} 的有效密钥。")
    if len(matches) > 1:
        raise Conflict("有多个密钥使用此前缀，请联系管理员。")
    matches[0].revoked_at = utcnow()
    return matches[0]


def user_for_key(key: str) -> StaffUser | None:
    """Return the active staff account a key belongs to, or None."""
    record = db.session.execute(select(ApiKey).where(ApiKey.key_hash == _hash(key))).scalar_one_or_none()
    if record is None or record.revoked_at is not None or not record.staff.active:
        return None
    return record.staff
