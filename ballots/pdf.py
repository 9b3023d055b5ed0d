"""Printable ballots as one PDF: A4 portrait, one ballot a page or two (top and bottom halves).

Speed matters (a 3,000-household compound prints in one run), so each meeting's common part,
everything but the address, QR code and short code, is drawn once as a PDF form and placed on
every ballot, and the QR code is written as one filled path of module rectangles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import BinaryIO

import numpy as np
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .qr import QUIET_ZONE, dark_runs, qr_modules
from .render import (
    CODE_FONT,
    FONT,
    FULL_PAGE,
    HALF_PAGE,
    LEADING,
    MM,
    BallotLayout,
    Frame,
    HLine,
    Text,
    TickBox,
    layout_ballot,
    wrap,
)
from .sheets import BallotSheet

PAGE_WIDTH, PAGE_HEIGHT = A4
HALF_HEIGHT = PAGE_HEIGHT / 2


class BallotTooLong(ValueError):
    """The meeting's contests do not fit on one A4 page even in the smallest allowed type."""


# STSong-Light's Unicode map has no U+00B7 (the dot of 元/户·月): it would print as a box. U+30FB,
# which the font has, prints the same middle dot.
CID_SUBSTITUTES = str.maketrans({"\u00b7": "\u30fb"})


def printable(sheet: BallotSheet) -> BallotSheet:
    """Return the sheet with characters the built-in CID font lacks replaced by ones it has."""

    def text(value: str) -> str:
        return value.translate(CID_SUBSTITUTES)

    contests = tuple(
        replace(
            c,
            title=text(c.title),
            rule=text(c.rule),
            note=text(c.note),
            options=tuple(replace(o, label=text(o.label), description=text(o.description)) for o in c.options),
        )
        for c in sheet.contests
    )
    return replace(
        sheet,
        community=text(sheet.community),
        meeting=text(sheet.meeting),
        when=text(sheet.when),
        address=text(sheet.address),
        contests=contests,
        instructions=tuple(text(i) for i in sheet.instructions),
    )


def render_pdf(
    sheets: Iterable[BallotSheet],
    out: BinaryIO,
    *,
    per_page: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Draw one ballot per sheet into `out` as a PDF; return how many were drawn.

    With `per_page=2` ballots share a page, top and bottom, with a cut line between them; a ballot
    too long for half a page gets a page of its own. `progress(n)` gets the running count.
    """
    if per_page not in (1, 2):
        raise ValueError(f"per_page 只能是 1 或 2，收到 {per_page!r}")
    canvas = Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setTitle("选票")
    forms = _Forms(canvas)
    drawn = 0
    top_used = False  # two per page: the top half of the current page holds a ballot
    for sheet in map(printable, sheets):
        modules = qr_modules(sheet.url)
        layout, name = forms.get(sheet, half=per_page == 2, symbol_modules=modules.shape[0] - 2 * QUIET_ZONE)
        if layout.height == HALF_HEIGHT:
            if not top_used:
                _draw_cut_line(canvas)
            _draw_ballot(canvas, sheet, modules, layout, name, 0 if top_used else HALF_HEIGHT)
            if top_used:
                canvas.showPage()
            top_used = not top_used
        else:
            if top_used:  # leave the bottom half blank: this ballot needs a whole page
                canvas.showPage()
                top_used = False
            _draw_ballot(canvas, sheet, modules, layout, name, 0)
            canvas.showPage()
        drawn += 1
        if progress is not None:
            progress(drawn)
    if not drawn:
        raise ValueError("没有可打印的选票")
    if top_used:
        canvas.showPage()
    canvas.save()
    return drawn


def slot_layout(sheet: BallotSheet, per_page: int, symbol_modules: int) -> BallotLayout:
    """Return the layout `render_pdf` uses for `sheet`: half a page if asked and it fits, else a page.

    `symbol_modules` is the side of the sheet's QR symbol in modules, quiet zone excluded.
    """
    if per_page == 2:
        half = layout_ballot(sheet, PAGE_WIDTH, HALF_HEIGHT, HALF_PAGE, symbol_modules)
        if half is not None:
            return half
    full = layout_ballot(sheet, PAGE_WIDTH, PAGE_HEIGHT, FULL_PAGE, symbol_modules)
    if full is None:
        raise BallotTooLong(
            f"{sheet.community}{sheet.meeting}：{len(sheet.contests)} 项表决、共 "
            f"{sum(len(c.options) for c in sheet.contests)} 个选项，9 号字也排不下一张 A4 选票；请分次表决"
        )
    return full


class _Forms:
    """The common part of each meeting's ballot, laid out and drawn once per PDF."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.made: dict[tuple, tuple[BallotLayout, str]] = {}

    def get(self, sheet: BallotSheet, half: bool, symbol_modules: int) -> tuple[BallotLayout, str]:
        key = (
            half,
            symbol_modules,
            sheet.community,
            sheet.meeting,
            sheet.when,
            sheet.contests,
            sheet.fingerprint,
            sheet.instructions,
        )
        if key not in self.made:
            layout = slot_layout(sheet, 2 if half else 1, symbol_modules)
            name = f"ballot{len(self.made)}"
            self.canvas.beginForm(name, 0, 0, layout.width, layout.height)
            _draw_items(self.canvas, layout)
            self.canvas.endForm()
            self.made[key] = layout, name
        return self.made[key]


def _draw_items(canvas: Canvas, layout: BallotLayout) -> None:
    height = layout.height
    canvas.setLineWidth(0.6)
    for item in layout.items:
        if isinstance(item, Text):
            text = canvas.beginText(item.x, height - item.y)
            text.setFont(item.font, item.size)
            if item.bold:  # STSong-Light has no bold face: fill and stroke the glyphs
                text.setTextRenderMode(2)
                canvas.setLineWidth(item.size * 0.03)
            text.textOut(item.text)
            canvas.drawText(text)
            canvas.setLineWidth(0.6)
        elif isinstance(item, TickBox):
            canvas.setLineWidth(0.9)
            canvas.rect(item.x, height - item.y - item.side, item.side, item.side)
            canvas.setLineWidth(0.6)
        elif isinstance(item, Frame):
            canvas.setLineWidth(1.2)
            canvas.rect(item.x, height - item.y - item.height, item.width, item.height)
            canvas.setLineWidth(0.6)
        elif isinstance(item, HLine):
            canvas.line(item.x, height - item.y, item.x + item.width, height - item.y)


def _draw_ballot(
    canvas: Canvas, sheet: BallotSheet, modules: np.ndarray, layout: BallotLayout, form: str, bottom: float
) -> None:
    """Place the meeting's form and draw this household's address, QR code and short code."""
    top = bottom + layout.height
    canvas.saveState()
    canvas.translate(0, bottom)
    canvas.doForm(form)
    canvas.restoreState()

    size = layout.address_size
    lines = wrap(sheet.address, size, layout.address_width)
    while len(lines) > 2:  # an unusually long address shrinks to stay on two lines
        size *= 0.9
        lines = wrap(sheet.address, size, layout.address_width)
    canvas.setFont(FONT, size)
    for index, line in enumerate(lines):
        canvas.drawString(layout.address_x, top - layout.address_y - index * size * LEADING, line)

    _draw_qr(canvas, modules, layout, top)

    spacing = layout.code_size * 0.08
    code = sheet.short_code
    width = pdfmetrics.stringWidth(code, CODE_FONT, layout.code_size) + spacing * (len(code) - 1)
    x = min(layout.code_x - width / 2, layout.code_right - width)
    canvas.setFont(CODE_FONT, layout.code_size)
    canvas.drawString(x, top - layout.code_y, code, charSpace=spacing)


def _draw_qr(canvas: Canvas, modules: np.ndarray, layout: BallotLayout, top: float) -> None:
    """Draw the code as one path of module rectangles, over a white quiet zone of 4 modules."""
    count = modules.shape[0]
    module = layout.qr.module
    x = layout.qr.x - QUIET_ZONE * module
    y = top - layout.qr.y + QUIET_ZONE * module
    runs = " ".join(f"{col} {row} {length} 1 re" for row, col, length in dark_runs(modules))
    # Module units, y downwards: one `cm` keeps the path short; one fill leaves no seams between runs.
    canvas.addLiteral(
        f"q {module:.5f} 0 0 {-module:.5f} {x:.3f} {y:.3f} cm 1 g 0 0 {count} {count} re f 0 g {runs} f Q"
    )


def _draw_cut_line(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.5)
    canvas.setDash(4, 3)
    canvas.line(6 * MM, HALF_HEIGHT, PAGE_WIDTH - 6 * MM, HALF_HEIGHT)
    label = "沿虚线剪开"
    width = pdfmetrics.stringWidth(label, FONT, 7)
    canvas.setFillGray(1)
    canvas.rect(PAGE_WIDTH / 2 - width / 2 - 2 * MM, HALF_HEIGHT - 2 * MM, width + 4 * MM, 4 * MM, stroke=0, fill=1)
    canvas.setFillGray(0)
    canvas.setFont(FONT, 7)
    canvas.drawCentredString(PAGE_WIDTH / 2, HALF_HEIGHT - 2.5, label)
    canvas.restoreState()
