"""Database engine setup: durable SQLite by default, PostgreSQL when configured.

SQLite is opened in WAL mode with foreign keys, synchronous=FULL (an acknowledged vote is on
disk) and a busy timeout on every connection. Transactions that write begin with
BEGIN IMMEDIATE so that concurrent writers queue on the busy timeout instead of failing with
SQLITE_BUSY when a read transaction tries to upgrade (see use_case in voting.services).
"""

from __future__ import annotations

import contextvars
import os
import threading
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

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


class WriteQueue:
    """Queue SQLite writers (threads and processes) instead of leaving them to SQLite's busy handler.

    A waiting writer in SQLite's busy handler sleeps in steps of up to 100 ms and retries, so under
    load the lock sits idle while writers sleep, and the tail latency grows. Here a writer waits on
    a thread lock and an flock() on a file beside the database and wakes as soon as the previous
    writer is done. Correctness never depends on it: SQLite's own lock still decides.
    """

    def __init__(self, database_path: str):
        self._thread_lock = threading.Lock()
        self._path = database_path + ".write-queue"
        self._file = None

    @contextmanager
    def turn(self):
        """Hold the queue for one write transaction."""
        with self._thread_lock:
            if fcntl is None:  # Windows: the thread lock alone (waitress serves from one process)
                yield
                return
            if self._file is None:
                self._file = open(self._path, "a+b")  # noqa: SIM115 (kept open for the process's life)
            fcntl.flock(self._file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._file, fcntl.LOCK_UN)


_queues: dict[str, WriteQueue] = {}


def write_queue(engine: Engine) -> WriteQueue | None:
    """Return the write queue of a file-backed SQLite engine (None for other databases)."""
    if not is_sqlite(engine) or not engine.url.database or engine.url.database == ":memory:":
        return None
    path = os.path.abspath(engine.url.database)
    if path not in _queues:
        _queues[path] = WriteQueue(path)
    return _queues[path]
