"""Append entries to the hash-chained action log (who, what, when)."""

from __future__ import annotations

from sqlalchemy import select

from ..audit import GENESIS_HASH, entry_hash
from ..extensions import db
from ..models import ActionLog, LogHead, StaffUser
from ..timeutil import utcnow


def community_chain(community_id: int) -> str:
    """Name the chain of a 小区's register actions."""
    return f"community:{community_id}"


def entry_payload(entry: ActionLog) -> dict:
    """Return what an entry's hash covers (everything but the hash itself)."""
    return {
        "chain": entry.chain,
        "seq": entry.seq,
        "at": entry.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "actor": entry.actor,
        "action": entry.action,
        "detail": entry.detail,
        "prev": entry.prev_hash,
    }


def actor_name(actor: StaffUser | str) -> str:
    """Name who acted: a staff account's username, or a label such as 'cli' or 'public'."""
    return actor if isinstance(actor, str) else actor.username


def lock_chain(chain: str) -> None:
    """Take a chain's head lock now (PostgreSQL; SQLite's write transaction is already exclusive).

    A use case that reads state and then logs it (closing a contest records who was present)
    takes the lock first, so that every entry logged before its own reflects a committed change.
    """
    db.session.execute(select(LogHead).where(LogHead.chain == chain).with_for_update()).scalar_one_or_none()


def append(chain: str, actor: StaffUser | str, action: str, *, community_id: int | None = None, **detail) -> ActionLog:
    """Append one entry to `chain` inside the caller's transaction.

    The chain head row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write
    transaction is already exclusive), so concurrent appends never fork the chain.
    """
    head = db.session.execute(select(LogHead).where(LogHead.chain == chain).with_for_update()).scalar_one_or_none()
    if head is None:
        head = LogHead(chain=chain, seq=0, hash=GENESIS_HASH)
        db.session.add(head)
    entry = ActionLog(
        chain=chain,
        seq=head.seq + 1,
        at=utcnow(),
        actor=actor_name(actor),
        action=action,
        community_id=community_id,
        detail=detail,
        prev_hash=head.hash,
        hash="",
    )
    entry.hash = entry_hash(entry_payload(entry))
    head.seq, head.hash = entry.seq, entry.hash
    db.session.add(entry)
    return entry


def verify_chain(chain: str) -> int:
    """Recompute a chain's hashes; return the number of entries or raise ValueError at a break."""
    prev = GENESIS_HASH
    count = 0
    rows = db.session.execute(select(ActionLog).where(ActionLog.chain == chain).order_by(ActionLog.seq)).scalars()
    for count, entry in enumerate(rows, start=1):
        if entry.seq != count or entry.prev_hash != prev or entry_hash(entry_payload(entry)) != entry.hash:
            raise ValueError(f"log chain {chain} broken at entry {count}")
        prev = entry.hash
    return count
