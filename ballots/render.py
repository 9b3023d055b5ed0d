"""Ballot layout: where every line, tick box and the QR code go on a page or half page.

Nothing is drawn here: `layout_ballot` measures the meeting's text and returns positioned items,
which `pdf.py` draws once per meeting and reuses for every household. Lengths are in points,
measured from the ballot slot's top-left corner, y growing downwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from .sheets import BallotSheet, SheetContest

MM = 72 / 25.4
# Adobe's CID font: every PDF viewer supplies it, so the PDF needs no font file and embeds none.
FONT = "STSong-Light"
CODE_FONT = "Helvetica-Bold"  # the short code is ASCII: a built-in sans reads best when typed in
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

MIN_OPTION_PT = 9.0  # option labels stay readable for older residents
MIN_SMALL_PT = 7.0  # descriptions, notes, the fingerprint
QUIET_MODULES = 4
BASELINE = 0.8  # of the font size, from the top of a line box
LEADING = 1.3
NUMERALS = "一二三四五六七八九十"
NO_LINE_START = set("，。、；：！？）》」』”’％%…·,.;:!?)]")


@dataclass(frozen=True, slots=True)
class Style:
    """Sizes of one layout, full page or half page, before any shrinking (type in points)."""

    margin_x: float
    margin_y: float
    pad: float
    qr_mm: float  # the symbol's side, quiet zone excluded: at least 25 mm (DESIGN §5)
    title: float
    meeting: float
    when: float
    address: float
    code: float
    heading: float
    rule: float
    option: float
    description: float
    note: float
    instructions: float
    fingerprint: float
    max_columns: int
    inline_options: bool  # short option lists go on the contest's title line

    def shrunk(self, factor: float) -> Style:
        """Return the style with the contest and footer type scaled by `factor` (header and QR kept)."""

        def small(size: float) -> float:
            return max(MIN_SMALL_PT, size * factor)

        return replace(
            self,
            heading=self.heading * factor,
            rule=small(self.rule),
            option=self.option * factor,
            description=small(self.description),
            note=small(self.note),
            instructions=small(self.instructions),
            fingerprint=small(self.fingerprint),
        )


FULL_PAGE = Style(15 * MM, 14 * MM, 5 * MM, 30, 26, 15, 11, 16, 14, 13, 10, 12, 9, 9, 9.5, 8, 6, False)
HALF_PAGE = Style(12 * MM, 7 * MM, 3 * MM, 26, 19, 12.5, 9.5, 13.5, 12.5, 11, 8.5, 11, 8, 8, 8, 7, 8, True)


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    width: float
    role: str  # title, meeting, when, label, heading, rule, option, description, note, instructions, …
    font: str = FONT
    bold: bool = False


@dataclass(frozen=True, slots=True)
class TickBox:
    x: float
    y: float  # top
    side: float


@dataclass(frozen=True, slots=True)
class Frame:
    x: float
    y: float  # top
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class HLine:
    x: float
    y: float
    width: float


@dataclass(frozen=True, slots=True)
class QrArea:
    """The symbol's square; nothing else is laid out within 4 modules of it (the quiet zone)."""

    x: float
    y: float  # top
    side: float
    modules: int  # a side, quiet zone excluded

    @property
    def module(self) -> float:
        return self.side / self.modules

    @property
    def quiet(self) -> float:
        return QUIET_MODULES * self.module


@dataclass(frozen=True, slots=True)
class BallotLayout:
    """One meeting's ballot: the items common to all households, and where the household's go."""

    width: float
    height: float
    items: tuple[Text | TickBox | Frame | HLine, ...]
    qr: QrArea
    code_x: float  # centre of the short code, unless that would cross `code_right`
    code_right: float
    code_y: float  # its baseline
    code_size: float
    address_x: float
    address_y: float  # baseline of the first of at most two lines
    address_width: float
    address_size: float
    style: Style


def layout_ballot(
    sheet: BallotSheet, width: float, height: float, style: Style, symbol_modules: int
) -> BallotLayout | None:
    """Lay the ballot out in a slot, shrinking contest type down to 9 pt; None when it cannot fit.

    `symbol_modules` is the side of the household's QR symbol in modules (quiet zone excluded).
    """
    factor = 1.0
    while style.option * factor >= MIN_OPTION_PT - 1e-9:
        layout = _try_layout(sheet, width, height, style.shrunk(factor), symbol_modules)
        if layout is not None:
            return layout
        factor -= 0.03
    return None


def wrap(text: str, size: float, width: float, font: str = FONT) -> list[str]:
    """Break `text` into lines no wider than `width`: between CJK characters or Latin words."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[A-Za-z0-9_.\-/:@#]+|\s+|.", text):
        if line and pdfmetrics.stringWidth(line + token, font, size) > width and token[0] not in NO_LINE_START:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _try_layout(
    sheet: BallotSheet, width: float, height: float, style: Style, symbol_modules: int
) -> BallotLayout | None:
    frame = Frame(style.margin_x, style.margin_y, width - 2 * style.margin_x, height - 2 * style.margin_y)
    left, right = frame.x + style.pad, frame.x + frame.width - style.pad
    top, bottom = frame.y + style.pad, frame.y + frame.height - style.pad
    items: list[Text | TickBox | Frame | HLine] = [frame]

    # The QR code sits in the top right corner, its quiet zone clear of the frame by 1 mm.
    side = style.qr_mm * MM
    quiet = QUIET_MODULES * side / symbol_modules + 1 * MM
    qr = QrArea(frame.x + frame.width - quiet - side, frame.y + quiet, side, symbol_modules)
    code_y = qr.y + side + quiet + style.code * BASELINE
    header_bottom = code_y + style.code * (LEADING - BASELINE)

    # Title, meeting and time centred to the left of the QR code, then the household address.
    text_right = qr.x - quiet - 2 * MM
    y = top
    for role, text, size, bold in (
        ("title", "选\u3000\u3000票", style.title, True),
        ("meeting", f"{sheet.community}\u3000{sheet.meeting}", style.meeting, True),
        ("when", sheet.when, style.when, False),
    ):
        for line in wrap(text, size, text_right - left):
            line_width = _width(line, size)
            items.append(
                Text(
                    left + (text_right - left - line_width) / 2,
                    y + size * BASELINE,
                    line,
                    size,
                    line_width,
                    role,
                    bold=bold,
                )
            )
            y += size * LEADING
        y += size * 0.2
    label = "房屋地址："
    label_width = _width(label, style.address)
    address_y = y + style.address * (BASELINE + 0.2)
    items.append(Text(left, address_y, label, style.address, label_width, "label", bold=True))
    y = address_y + style.address * (2 * LEADING - BASELINE)  # room for an address on two lines
    y = max(y, header_bottom) + 1 * MM
    items.append(HLine(left, y, right - left))
    y += 2 * MM

    footer, footer_height = _footer(sheet, left, right, style)
    footer_top = bottom - footer_height
    for index, contest in enumerate(sheet.contests):
        y = _contest(items, contest, index, left, right, y, style)
    if y > footer_top - 1.5 * MM:
        return None
    items.append(HLine(left, footer_top - 1.5 * MM, right - left))
    items.extend(replace(item, y=item.y + footer_top) for item in footer)
    return BallotLayout(
        width,
        height,
        tuple(items),
        qr,
        code_x=qr.x + side / 2,
        code_right=frame.x + frame.width - 1.5 * MM,
        code_y=code_y,
        code_size=style.code,
        address_x=left + label_width,
        address_y=address_y,
        address_width=text_right - left - label_width,
        address_size=style.address,
        style=style,
    )


def _contest(
    items: list, contest: SheetContest, index: int, left: float, right: float, y: float, style: Style
) -> float:
    """Lay out one contest from `y` down; return the y below it."""
    numeral = NUMERALS[index] if index < len(NUMERALS) else str(index + 1)
    heading = f"{numeral}、{contest.title}"
    heading_width = _width(heading, style.heading)
    baseline = y + style.heading * BASELINE
    items.append(Text(left, baseline, heading, style.heading, heading_width, "heading", bold=True))
    rule_x = left + heading_width + 2.5 * MM
    rule_width = _width(contest.rule, style.rule)
    cells = _inline_cells(contest, style)
    if cells and rule_x + rule_width + 4 * MM + sum(cells) <= right:
        items.append(Text(rule_x, baseline, contest.rule, style.rule, rule_width, "rule"))
        x = right - sum(cells)
        for option, cell in zip(contest.options, cells, strict=True):
            _option(items, option.label, x + 3 * MM, y + (style.heading - style.option) * BASELINE, style)
            x += cell
        y += style.heading * LEADING
    else:
        if rule_x + rule_width <= right:  # the rule fits beside the title
            items.append(Text(rule_x, baseline, contest.rule, style.rule, rule_width, "rule"))
            y += style.heading * LEADING
        else:
            y = _lines(items, contest.rule, left + 2 * MM, right, y + style.heading * LEADING, style.rule, "rule")
        y = _options(items, contest, left + 2 * MM, right, y + 0.6 * MM, style)
    if contest.note:
        y = _lines(items, contest.note, left + 2 * MM, right, y, style.note, "note")
    return y + 1.8 * MM


def _inline_cells(contest: SheetContest, style: Style) -> list[float]:
    """Return the widths of the options on the title line, or [] when they belong in a grid."""
    if not style.inline_options or any(option.description for option in contest.options):
        return []
    box, gap = style.option * 1.05, style.option * 0.45
    return [3 * MM + box + gap + _width(option.label, style.option) for option in contest.options]


def _options(items: list, contest: SheetContest, left: float, right: float, y: float, style: Style) -> float:
    """Lay the options out in equal columns, as many as their labels allow, row by row."""
    if not contest.options:
        return y
    box, gap, column_gap = style.option * 1.05, style.option * 0.45, 4 * MM
    natural = max(
        max(_width(o.label, style.option), min(_width(o.description, style.description), 55 * MM))
        for o in contest.options
    )
    fit = max(1, min(style.max_columns, int((right - left + column_gap) // (box + gap + natural + column_gap))))
    rows = -(-len(contest.options) // fit)
    columns = -(-len(contest.options) // rows)  # balance the rows: 12 names are 6 + 6, not 8 + 4
    column_width = (right - left - (columns - 1) * column_gap) / columns
    for start in range(0, len(contest.options), columns):
        row_bottom = y
        for column, option in enumerate(contest.options[start : start + columns]):
            x = left + column * (column_width + column_gap)
            cell_y = _option(items, option.label, x, y, style, x + column_width)
            if option.description:
                cell_y = _lines(
                    items, option.description, x + box + gap, x + column_width, cell_y, style.description, "description"
                )
            row_bottom = max(row_bottom, cell_y)
        y = row_bottom + style.option * 0.3
    return y


def _option(items: list, label: str, x: float, y: float, style: Style, right: float | None = None) -> float:
    """Add a tick box and its label at line top `y`; return the y below the label."""
    box, gap = style.option * 1.05, style.option * 0.45
    items.append(TickBox(x, y + (style.option * LEADING - box) / 2, box))
    if right is None:
        right = x + box + gap + _width(label, style.option) + 1
    return _lines(items, label, x + box + gap, right, y, style.option, "option")


def _lines(items: list, text: str, left: float, right: float, y: float, size: float, role: str) -> float:
    """Add `text` wrapped between `left` and `right` from line top `y`; return the y below it."""
    for line in wrap(text, size, right - left):
        items.append(Text(left, y + size * BASELINE, line, size, _width(line, size), role))
        y += size * LEADING
    return y


def _footer(sheet: BallotSheet, left: float, right: float, style: Style) -> tuple[list[Text], float]:
    """Lay out 如何投票 and the key fingerprint from y = 0 down; return them and their height."""
    items: list[Text] = []
    size = style.instructions
    fingerprint = f"本次会议签名公钥指纹：{sheet.fingerprint}"
    fingerprint_width = _width(fingerprint, style.fingerprint)
    y = 0.0
    if sheet.instructions:
        heading = "如何投票"
        items.append(Text(left, size * BASELINE, heading, size, _width(heading, size), "instructions", bold=True))
        if left + _width(heading, size) + 5 * MM + fingerprint_width <= right:  # the same line, flush right
            items.append(
                Text(
                    right - fingerprint_width,
                    size * BASELINE,
                    fingerprint,
                    style.fingerprint,
                    fingerprint_width,
                    "fingerprint",
                )
            )
            fingerprint = ""
        y = size * LEADING
        for line in sheet.instructions:
            y = _lines(items, line, left, right, y, size, "instructions")
    if fingerprint:
        y = _lines(items, fingerprint, left, right, y + 0.5 * MM, style.fingerprint, "fingerprint")
    return items, y


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)
