"""Database engine setup: durable SQLite by default, PostgreSQL when configured.

SQLite is opened in WAL mode with foreign keys, synchronous=FULL (an acknowledged vote is on
disk) and a busy timeout on every connection. Transactions that write begin with
BEGIN IMMEDIATE so that concurrent writers queue on the busy timeout instead of failing with
SQLITE_BUSY when a read transaction tries to upgrade (see use_case in voting.services).
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


@contextmanager
def write_intent():
    """Mark transactions begun inside the block as writers (BEGIN IMMEDIATE on SQLite)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def install_sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    """Set durability pragmas on each new SQLite connection and take over BEGIN."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, emit BEGIN (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    """Tell whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"
