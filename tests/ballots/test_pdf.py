"""The printed PDF: every QR decodes from a 150 dpi scan, the text is there, the code is big enough."""

from __future__ import annotations

import io
import math
import re
from dataclasses import replace

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp

from ballots.pdf import CID_SUBSTITUTES, BallotTooLong, render_pdf
from ballots.qr import QUIET_ZONE, qr_modules

from .builders import FEES, INSTRUCTIONS, MOTION, SERVICE_MODE, committee, household_sheets

SCAN_DPI = 150  # DESIGN §5: every QR must decode from a 150 dpi scan
MM_PER_INCH = 25.4


def pdf_of(sheets, per_page: int) -> bytes:
    out = io.BytesIO()
    assert render_pdf(sheets, out, per_page=per_page) == len(sheets)
    return out.getvalue()


def scans(pdf: bytes, dpi: int = SCAN_DPI):
    """Yield each page as a grayscale image, as a scanner would deliver it."""
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            yield page.render(scale=dpi / 72, grayscale=True).to_numpy()
    finally:
        document.close()


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def read_qr_codes(image: np.ndarray) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def corners(code: zxingcpp.Barcode) -> tuple[int, int, int, int]:
    """Return the decoded symbol's bounding box in pixels: left, top, right, bottom."""
    p = code.position
    xs = [p.top_left.x, p.top_right.x, p.bottom_right.x, p.bottom_left.x]
    ys = [p.top_left.y, p.top_right.y, p.bottom_right.y, p.bottom_left.y]
    return min(xs), min(ys), max(xs), max(ys)


@pytest.fixture(scope="module")
def households():
    """300 households: a 9-seat committee of 12, 6 service modes, 4 fee levels and a motion."""
    return household_sheets(300)


@pytest.mark.slow
@pytest.mark.parametrize("per_page", [1, 2])
def test_every_qr_of_300_households_decodes_from_a_150_dpi_scan_to_that_households_url(households, per_page):
    decoded: dict[int, str] = {}
    pages = 0
    for number, image in enumerate(scans(pdf_of(households, per_page))):
        pages += 1
        for code in read_qr_codes(image):
            _, top, _, _ = corners(code)
            slot = 0 if per_page == 1 or top < image.shape[0] / 2 else 1
            index = number * per_page + slot
            assert index not in decoded, f"two codes on ballot {index}"
            decoded[index] = code.text
    assert pages == math.ceil(len(households) / per_page)
    missing = [households[i].address for i in range(len(households)) if i not in decoded]
    assert not missing, f"{len(missing)} codes did not decode, e.g. {missing[:5]}"
    assert [decoded[i] for i in range(len(households))] == [sheet.url for sheet in households]


@pytest.mark.parametrize("per_page", [1, 2])
def test_pdf_prints_the_meeting_address_contests_instructions_and_fingerprint_in_chinese(per_page):
    sheets = household_sheets(2)
    texts = page_texts(pdf_of(sheets, per_page))
    text = "\n".join(texts)
    sheet = sheets[0]
    for expected in (
        sheet.community,
        sheet.meeting,
        sheet.when,
        "房屋地址",
        "如何投票",
        *INSTRUCTIONS,
        f"本次会议签名公钥指纹：{sheet.fingerprint}",
        *(contest.title for contest in sheet.contests),
        *(contest.rule for contest in sheet.contests),
        *(option.label for contest in sheet.contests for option in contest.options),
        *(option.description for contest in sheet.contests for option in contest.options if option.description),
        FEES.note,
    ):
        printed = expected.translate(CID_SUBSTITUTES)  # the font's own middle dot, see ballots.pdf
        assert printed in text, expected
    assert re.search("选\\s*票", text)
    for index, sheet in enumerate(sheets):  # each household's address and short code on its own ballot
        page = texts[index // per_page]
        assert sheet.address in page and sheet.short_code in page


def test_pdf_names_no_person_of_the_household():
    sheets = household_sheets(1)
    text = page_texts(pdf_of(sheets, 1))[0]
    for label in ("姓名", "户主", "业主：", "签名："):
        assert label not in text


def test_pdf_uses_the_builtin_cid_font_and_embeds_no_font_file():
    pdf = pdf_of(household_sheets(1), 1)
    assert b"/BaseFont /STSong-Light" in pdf
    assert b"/FontFile" not in pdf  # no FontFile, FontFile2 or FontFile3: nothing embedded


@pytest.mark.parametrize("per_page", [1, 2])
def test_printed_qr_is_at_least_25_mm_with_a_light_quiet_zone_of_4_modules(per_page):
    dpi = 300
    sheets = household_sheets(2)
    image = next(scans(pdf_of(sheets, per_page), dpi))
    codes = read_qr_codes(image)
    assert len(codes) == per_page
    for code in codes:
        left, top, right, bottom = corners(code)
        modules = qr_modules(code.text).shape[0] - 2 * QUIET_ZONE
        module = (right - left) / modules
        # The dark modules' extent agrees with the decoder's corners (±1 module)...
        window = image[int(top - module) : int(bottom + module) + 1, int(left - module) : int(right + module) + 1]
        rows, cols = np.nonzero(window < 128)
        assert abs((cols.max() - cols.min()) - (right - left)) <= module
        assert abs((rows.max() - rows.min()) - (bottom - top)) <= module
        # ...is at least 25 mm on paper...
        assert min(right - left, bottom - top) / dpi * MM_PER_INCH >= 25
        # ...and 4 modules around it are light.
        quiet = 4 * module
        outer = image[int(top - quiet) : int(bottom + quiet) + 2, int(left - quiet) : int(right + quiet) + 2]
        ring = np.ones(outer.shape, bool)
        ring[int(quiet) + 1 : -int(quiet) - 1, int(quiet) + 1 : -int(quiet) - 1] = False
        assert outer[ring].min() >= 200, "something is printed in the quiet zone"


def test_render_pdf_reports_progress_after_each_ballot():
    seen: list[int] = []
    assert render_pdf(household_sheets(5), io.BytesIO(), per_page=2, progress=seen.append) == 5
    assert seen == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("per_page", [0, 3, "2"])
def test_render_pdf_refuses_other_page_layouts(per_page):
    with pytest.raises(ValueError, match="per_page"):
        render_pdf(household_sheets(1), io.BytesIO(), per_page=per_page)


def test_render_pdf_refuses_an_empty_print_run():
    with pytest.raises(ValueError, match="没有"):
        render_pdf([], io.BytesIO())


def test_ballot_too_long_for_half_a_page_gets_a_page_of_its_own():
    *short, long = household_sheets(4)
    long = replace(long, contests=(committee(9, 20, described=True), SERVICE_MODE, FEES, MOTION))
    pdf = pdf_of([short[0], long, short[1], short[2]], per_page=2)
    texts = page_texts(pdf)
    assert len(texts) == 3  # short + blank half, long alone, two short
    assert [sum(sheet.address in page for sheet in (short[0], long, short[1], short[2])) for page in texts] == [1, 1, 2]
    found = [code.text for image in scans(pdf) for code in read_qr_codes(image)]
    assert found == [short[0].url, long.url, short[1].url, short[2].url]


def test_ballot_too_long_for_a_page_is_refused_naming_the_meeting():
    contests = tuple(committee(9, 20, described=True, title=f"第{i}组") for i in range(6))
    with pytest.raises(BallotTooLong, match="幸福里小区|2026年第一次业主大会"):
        render_pdf(household_sheets(1, contests=contests), io.BytesIO())


def test_the_middle_dot_of_fee_units_prints_as_a_dot_not_a_box():
    """STSong-Light has no U+00B7: 元/户·月 is drawn with U+30FB, which it has."""
    import io

    import pypdfium2

    from ballots.pdf import render_pdf
    from ballots.sheets import BallotSheet, SheetContest, SheetOption

    sheet = BallotSheet(
        "小区", "会议", "2026年12月20日", "1号楼101室", "http://vote.test/b/x.y", "ABCD-EFGH",
        (SheetContest("收费标准", "只能选 1 项", (SheetOption("10.00 元/户·月"), SheetOption("15.00 元/户·月"))),),
        "AAAA BBBB CCCC DDDD EEEE",
    )  # fmt: skip
    out = io.BytesIO()
    render_pdf([sheet], out)
    text = pypdfium2.PdfDocument(out.getvalue())[0].get_textpage().get_text_range()
    assert "元/户\u30fb月" in text and "\u00b7" not in text
