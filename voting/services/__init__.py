"""Use cases. Each public function is one transaction: load rows, call the core, write, commit."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import nullcontext
from typing import ParamSpec, TypeVar

from ..db import _write_intent, write_intent, write_queue
from ..extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def use_case(fn: Callable[P, R]) -> Callable[P, R]:
    """Run fn in its own write transaction; commit on success, roll back on any error.

    A read transaction left open by the caller (a view that loaded the current user) is ended
    first, so that on SQLite the write begins with BEGIN IMMEDIATE and waits its turn rather
    than failing on a lock upgrade. Nested use cases join the outer transaction.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if _write_intent.get():
            return fn(*args, **kwargs)
        session = db.session()
        if session.in_transaction():
            # End the caller's read transaction; discard (never write) anything a view changed.
            if session.new or session.dirty or session.deleted:
                session.rollback()
            else:
                session.commit()
        queue = write_queue(db.engine)
        with queue.turn() if queue else nullcontext(), write_intent():
            try:
                result = fn(*args, **kwargs)
                session.commit()
            except BaseException:
                session.rollback()
                raise
        return result

    return wrapper
