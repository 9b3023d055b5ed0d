"""What a printed ballot shows: plain data, filled by the service, drawn by pdf.py and print.html."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SheetOption:
    """One box on the paper: a candidate, an option, or 同意/反对/弃权."""

    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class SheetContest:
    """One contest as printed: its title, the rule in one sentence, and its boxes."""

    title: str
    rule: str  # e.g. "最多选 9 人，多选作废；不选视为弃权"
    options: tuple[SheetOption, ...]
    note: str = ""  # e.g. the fee calculation summary


@dataclass(frozen=True, slots=True)
class BallotSheet:
    """One household's ballot. It names the address, never the household's people."""

    community: str
    meeting: str
    when: str  # "2026年12月20日 09:00 社区活动室"
    address: str
    url: str  # exactly what the QR encodes: <public base URL>/b/<token>
    short_code: str  # typed by staff when a scan fails
    contests: tuple[SheetContest, ...]
    fingerprint: str  # the meeting's Ed25519 public key fingerprint, grouped
    instructions: tuple[str, ...] = field(default_factory=tuple)
