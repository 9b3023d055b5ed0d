"""Turn core values into JSON-safe dicts and back.

Fractions become "n/d" strings, Decimals their exact string, dates ISO strings, enums their
value, tuples lists and frozensets sorted lists. A float anywhere is refused: the core is exact.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from functools import cache
from typing import Any, ClassVar


class Serializable:
    """Give a frozen dataclass `to_dict()` and `from_dict()`."""

    __slots__ = ()
    KIND: ClassVar[str | None] = None  # written as "kind" so mixed lists can be read back

    def to_dict(self) -> dict[str, Any]:
        """Return the value as a JSON-safe dict."""
        return to_data(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]):
        """Build the value from a dict made by `to_dict()`."""
        return from_data(cls, data)


def to_data(value: Any) -> Any:
    """Convert a core value into JSON-safe data."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
        kind = getattr(type(value), "KIND", None)
        if kind:
            data["kind"] = kind
        return data
    if isinstance(value, (frozenset, set)):
        return sorted(to_data(item) for item in value)
    if isinstance(value, (tuple, list)):
        return [to_data(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): to_data(item) for key, item in value.items()}
    raise TypeError(f"cannot serialise {type(value).__name__}: the core holds only exact values")


def from_data(tp: Any, data: Any) -> Any:
    """Convert JSON-safe data back into a value of type `tp`."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [arg for arg in args if arg is not type(None)]
        return from_data(inner, data)
    if origin is tuple:
        _require(data, list, tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], item) for item in data)
        return tuple(from_data(arg, item) for arg, item in zip(args, data, strict=True))
    if origin is frozenset:
        _require(data, list, tp)
        return frozenset(from_data(args[0], item) for item in data)
    if origin in (dict, Mapping):
        _require(data, dict, tp)
        return {key: from_data(args[1], item) for key, item in data.items()}
    return _scalar_or_record(tp, data)


def _scalar_or_record(tp: Any, data: Any) -> Any:
    if tp is Any:
        return data
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if tp is bool:
        return _require(data, bool, tp)
    if tp is int:
        if isinstance(data, bool):
            raise TypeError(f"expected int, got bool: {data!r}")
        return _require(data, int, tp)
    if tp is str:
        return _require(data, str, tp)
    if tp is Fraction:
        return Fraction(_require(data, str, tp))
    if tp is Decimal:
        return Decimal(_require(data, str, tp))
    if tp is date:
        return date.fromisoformat(_require(data, str, tp))
    if dataclasses.is_dataclass(tp):
        _require(data, dict, tp)
        kind = getattr(tp, "KIND", None)
        if kind and data.get("kind", kind) != kind:
            raise ValueError(f"expected kind {kind!r}, got {data.get('kind')!r}")
        hints = _hints(tp)
        kwargs = {f.name: from_data(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data}
        return tp(**kwargs)
    raise TypeError(f"cannot read {tp!r}")


@cache
def _hints(tp: type) -> dict[str, Any]:
    return typing.get_type_hints(tp)


def _require(data: Any, kind: type, tp: Any) -> Any:
    if not isinstance(data, kind):
        raise TypeError(f"expected {kind.__name__} for {tp!r}, got {type(data).__name__}")
    return data
