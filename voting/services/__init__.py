"""Use cases. Each public function is one transaction: load rows, call the core, write, commit."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from ..db import _write_intent, write_intent
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
            session.rollback()
        with write_intent():
            try:
                result = fn(*args, **kwargs)
                session.commit()
            except BaseException:
                session.rollback()
                raise
        return result

    return wrapper
