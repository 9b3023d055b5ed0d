"""Rate limits kept in the database, so they hold across server processes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import RateEvent
from ..timeutil import utcnow


def count_recent(kind: str, window: timedelta, *, client: str | None = None, key: str | None = None) -> int:
    """Count events of a kind in the window, for one client or one key."""
    query = select(func.count()).select_from(RateEvent).where(RateEvent.kind == kind, RateEvent.at >= utcnow() - window)
    if client is not None:
        query = query.where(RateEvent.client == client)
    if key is not None:
        query = query.where(RateEvent.key == key)
    return db.session.execute(query).scalar_one()


def record(kind: str, client: str, key: str = "") -> None:
    """Count one event (in the caller's transaction)."""
    db.session.add(RateEvent(kind=kind, client=client[:64], key=key[:64]))


def forget(kind: str, key: str) -> None:
    """Drop a key's events, e.g. a username's failures after it logs in."""
    db.session.execute(delete(RateEvent).where(RateEvent.kind == kind, RateEvent.key == key))


def prune(older_than: timedelta = timedelta(days=1)) -> None:
    """Delete events older than any window (called now and then)."""
    db.session.execute(delete(RateEvent).where(RateEvent.at < utcnow() - older_than))
