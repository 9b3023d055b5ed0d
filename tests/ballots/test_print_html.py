"""The HTML print view: A4 pages of one or two ballots, the PDF's content, nothing from outside."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from flask import render_template

from ballots.qr import QUIET_ZONE, qr_modules
from voting import create_app

from .builders import FEES, INSTRUCTIONS, household_sheets

ROOT = Path(__file__).resolve().parents[2]
CSS = (ROOT / "static" / "ballots.css").read_text(encoding="utf-8")
SVG = re.compile(
    r'<svg [^>]*viewBox="0 0 (\d+) \1"[^>]*style="width:([\d.]+)mm;height:\2mm"[^>]*>(.*?)</svg>', re.DOTALL
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(
        {"INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )


@pytest.fixture
def render(app):
    def render(sheets, per_page: int) -> str:
        with app.test_request_context():
            return render_template("ballots/print.html", sheets=sheets, per_page=per_page)

    return render


def css_rule(selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert match, selector
    return match.group(1)


def pages_of(html: str) -> list[str]:
    return html.split('<div class="sheet-page">')[1:]


@pytest.mark.parametrize(
    ("per_page", "count", "slots"),
    [(1, 3, [1, 1, 1]), (2, 3, [2, 1]), (2, 4, [2, 2]), (1, 1, [1])],
)
def test_print_view_puts_one_or_two_ballots_on_each_a4_page(render, per_page, count, slots):
    html = render(household_sheets(count), per_page)
    pages = pages_of(html)
    assert len(pages) == math.ceil(count / per_page)
    assert [page.count('<div class="slot">') for page in pages] == slots
    assert f'class="ballot-print per-page-{per_page}"' in html


def test_print_css_makes_a4_pages_that_break_after_each_page():
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", CSS)
    page = css_rule(".sheet-page")
    assert "width: 210mm" in page and "height: 297mm" in page
    assert "break-after: page" in page and "page-break-after: always" in page
    assert "height: 148.5mm" in css_rule(".per-page-2 .slot")


def test_print_view_hides_the_print_bar_and_shows_no_site_header_when_printed(render):
    html = render(household_sheets(1), 1)
    assert 'class="print-bar no-print"' in html and "window.print()" in html
    assert 'class="site"' not in html
    print_css = CSS[CSS.index("@media print") :]
    assert re.search(r"\.no-print\s*\{\s*display:\s*none", print_css)


@pytest.mark.parametrize("per_page", [1, 2])
def test_print_view_shows_every_ballots_address_short_code_and_its_own_qr(render, per_page):
    sheets = household_sheets(5)
    html = render(sheets, per_page)
    ballots = html.split('<article class="ballot">')[1:]
    assert len(ballots) == len(sheets)
    for sheet, ballot in zip(sheets, ballots, strict=True):
        assert sheet.address in ballot and sheet.short_code in ballot
        (svg,) = SVG.findall(ballot)
        side, _, body = svg
        painted = np.zeros((int(side), int(side)), bool)
        for col, row, length in re.findall(r"M(\d+) (\d+)h(\d+)", body):
            painted[int(row), int(col) : int(col) + int(length)] = True
        assert (painted == qr_modules(sheet.url)).all()


@pytest.mark.parametrize("per_page", [1, 2])
def test_print_view_qr_symbol_is_at_least_25_mm_inside_its_quiet_zone(render, per_page):
    for side, width_mm, _ in SVG.findall(render(household_sheets(2), per_page)):
        symbol_mm = float(width_mm) * (int(side) - 2 * QUIET_ZONE) / int(side)
        assert symbol_mm >= 25


def test_print_view_has_the_pdfs_content(render):
    sheet = household_sheets(1)[0]
    html = render([sheet], 1)
    for expected in (
        "选票",
        sheet.community,
        sheet.meeting,
        sheet.when,
        "房屋地址",
        "如何投票",
        *INSTRUCTIONS,
        FEES.note,
        f"本次会议签名公钥指纹：{sheet.fingerprint}",
        *(contest.title for contest in sheet.contests),
        *(contest.rule for contest in sheet.contests),
        *(option.label for contest in sheet.contests for option in contest.options),
        *(option.description for contest in sheet.contests for option in contest.options if option.description),
    ):
        assert expected in html, expected
    boxes = sum(len(contest.options) for contest in sheet.contests)
    assert html.count('<span class="box"></span>') == boxes


def test_print_view_loads_nothing_from_outside(render):
    html = render(household_sheets(2), 2)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert not re.search(r"@import|url\(", CSS)  # no web fonts, no remote images
    assert re.search(r'<link rel="stylesheet" href="/static/ballots.css', html)


def test_print_view_without_ballots_says_so(render):
    html = render([], 1)
    assert "没有可打印的选票" in html and '<div class="sheet-page">' not in html
