"""Order candidates on the ballot: by surname strokes (姓氏笔画) or pinyin, never silently by time.

DESIGN §4.10: candidate order is by surname stroke count or pinyin (configurable), never by
registration time unless chosen. Stroke counts come from Unicode's Unihan kTotalStrokes
(voting/data/strokes.txt); pinyin from pypinyin, with the surname readings of heteronymous
characters (单 Shàn, 曾 Zēng, 解 Xiè …) that a plain character lookup gets wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TypeVar

T = TypeVar("T")


class CandidateOrder(StrEnum):
    STROKES = "strokes"
    PINYIN = "pinyin"
    REGISTRATION = "registration"

    @property
    def label(self) -> str:
        return {"strokes": "按姓氏笔画", "pinyin": "按姓氏拼音", "registration": "按报名先后"}[self.value]


# Compound surnames first: they are read as one surname.
COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "令狐",
    "万俟",
    "夏侯",
    "端木",
    "澹台",
}
SURNAME_READINGS = {
    "单": "shan4",
    "曾": "zeng1",
    "解": "xie4",
    "仇": "qiu2",
    "区": "ou1",
    "查": "zha1",
    "朴": "piao2",
    "乐": "yue4",
    "盖": "ge3",
    "缪": "miao4",
    "翟": "zhai2",
    "覃": "qin2",
    "召": "shao4",
    "种": "chong2",
    "秘": "bi4",
    "折": "she2",
    "黑": "he4",
    "隗": "wei3",
    "员": "yun4",
    "句": "gou1",
    "牟": "mu4",
    "宓": "mi4",
    "逄": "pang2",
    "繁": "po2",
    "重": "chong2",
    "长": "zhang3",
    "尉": "yu4",
    "万": "wan4",
    "沈": "shen3",
    "柏": "bai3",
    "蕃": "pi2",
    "苑": "yuan4",
    "过": "guo1",
    "靓": "jing4",
}
SURNAME_READINGS_COMPOUND = {"尉迟": ["yu4", "chi2"], "万俟": ["mo4", "qi2"], "长孙": ["zhang3", "sun1"]}


@cache
def _stroke_table() -> dict[int, tuple[int, str]]:
    """Load the Unihan stroke counts: block start → counts encoded as chr(48 + n)."""
    table = {}
    text = resources.files("voting").joinpath("data/strokes.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            start, counts = line.split("\t")
            table[int(start, 16)] = (int(start, 16), counts)
    return table


def strokes(char: str) -> int:
    """Return the stroke count of one character (Unihan kTotalStrokes); 99 when unknown."""
    code = ord(char)
    for start, counts in _stroke_table().values():
        if start <= code < start + len(counts):
            value = ord(counts[code - start]) - 48
            return value or 99
    return 99


def split_surname(name: str) -> tuple[str, str]:
    """Split a Chinese name into surname and given name (compound surnames kept whole)."""
    name = "".join(name.split())
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def name_pinyin(name: str) -> list[str]:
    """Return the name's pinyin with tone numbers, reading the surname as a surname."""
    # Imported here: its dictionary is ~55 MB, needed only when candidates are put in order.
    from pypinyin import Style, lazy_pinyin

    surname, given = split_surname(name)
    if surname in SURNAME_READINGS_COMPOUND:
        head = SURNAME_READINGS_COMPOUND[surname]
    elif surname in SURNAME_READINGS:
        head = [SURNAME_READINGS[surname]]
    else:
        head = lazy_pinyin(surname, style=Style.TONE3, neutral_tone_with_five=True)
    return head + lazy_pinyin(given, style=Style.TONE3, neutral_tone_with_five=True)


def _pinyin_parts(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    syllables = name_pinyin(name)
    letters = tuple(s.rstrip("012345") for s in syllables)
    tones = tuple(s[len(s.rstrip("012345")) :] for s in syllables)
    return letters, tones


def stroke_key(name: str) -> tuple:
    """Sort by surname strokes, then each following character's strokes, then pinyin."""
    surname, given = split_surname(name)
    return (tuple(strokes(c) for c in surname), tuple(strokes(c) for c in given), _pinyin_parts(name), name)


def pinyin_key(name: str) -> tuple:
    """Sort by surname pinyin (letters, then tones), then the given name, then strokes."""
    letters, tones = _pinyin_parts(name)
    return (letters, tones, tuple(strokes(c) for c in name), name)


def order_names(items: Iterable[T], order: CandidateOrder | str, name: Callable[[T], str]) -> list[T]:
    """Return items in ballot order; REGISTRATION keeps the given order (the caller's time order)."""
    order = CandidateOrder(order)
    items = list(items)
    if order is CandidateOrder.REGISTRATION:
        return items
    key = stroke_key if order is CandidateOrder.STROKES else pinyin_key
    return sorted(items, key=lambda item: key(name(item)))
