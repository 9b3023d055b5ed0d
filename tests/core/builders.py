"""Builders for core values: candidates, contests, ballots and attendance, built directly."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from voting.core import (
    Attendance,
    Ballot,
    Candidate,
    ChoiceContest,
    ChoiceMethod,
    CommitteeContest,
    MotionContest,
    Option,
)

NAMES = (
    "张三",
    "李四",
    "王五",
    "赵六",
    "钱七",
    "孙八",
    "周九",
    "吴十",
    "郑一",
    "冯二",
    "陈三",
    "褚四",
    "卫五",
    "蒋六",
    "沈七",
    "韩八",
    "杨九",
    "朱十",
)
MODES = ("物业和准物业模式", "社区居民自治管理模式", "产权单位自管模式")


def candidates(n: int) -> tuple[Candidate, ...]:
    """Return candidates c0…c{n-1} named from NAMES."""
    return tuple(Candidate(f"c{i}", NAMES[i]) for i in range(n))


def committee(seats: int = 5, n: int | None = None, **kw) -> CommitteeContest:
    """Return a committee contest `k` with `n` candidates (default seats + 2)."""
    return CommitteeContest("k", seats, candidates(seats + 2 if n is None else n), **kw)


def choice(n: int = 3, **kw) -> ChoiceContest:
    """Return a choice contest `m` with options o0…o{n-1}."""
    labels = MODES + tuple(f"方案{i}" for i in range(3, n))
    return ChoiceContest("m", tuple(Option(f"o{i}", labels[i]) for i in range(n)), **kw)


def fee_levels(amounts: Iterable[int] = (10, 20, 30, 40, 50)) -> ChoiceContest:
    """Return an ordered median contest `fee` with levels L10, L20, … (元/户·月)."""
    options = tuple(Option(f"L{a}", f"{a} 元/户·月") for a in amounts)
    return ChoiceContest("fee", options, ordered=True, method=ChoiceMethod.MEDIAN)


def motion(**kw) -> MotionContest:
    """Return a motion `q`."""
    return MotionContest("q", **kw)


def ballots(contest_id: str, *groups: tuple[int, tuple[str, ...]], area: str | None = None) -> list[Ballot]:
    """Return ballots: each group is (how many, marks); every ballot weighs `area` m²."""
    weight = None if area is None else Decimal(area)
    return [Ballot(contest_id, marks, weight) for n, marks in groups for _ in range(n)]


def present(eligible: int, present: int, eligible_area: str = "0.00", present_area: str = "0.00") -> Attendance:
    """Return attendance by head count (and area)."""
    return Attendance(eligible, present, Decimal(eligible_area), Decimal(present_area))


def spread(contest_id: str, votes: dict[str, int], cast: int, area: str | None = None) -> list[Ballot]:
    """Return `cast` ballots giving each id exactly its votes, marks spread evenly over ballots.

    Each id's votes go to consecutive ballots (wrapping), so no ballot marks an id twice and
    no ballot carries more than ceil(total / cast) marks. Ballots left without marks are blank.
    """
    marks: list[list[str]] = [[] for _ in range(cast)]
    start = 0
    for i, n in votes.items():
        assert n <= cast, f"{i} cannot get {n} votes from {cast} ballots"
        for t in range(n):
            marks[(start + t) % cast].append(i)
        start = (start + n) % cast
    weight = None if area is None else Decimal(area)
    return [Ballot(contest_id, tuple(m), weight) for m in marks]
