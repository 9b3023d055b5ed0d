"""Ballot layout: long ballots fit half a page in readable type, nothing overlaps, the quiet zone stays clear."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import pytest

from ballots.pdf import HALF_HEIGHT, PAGE_HEIGHT, slot_layout
from ballots.render import BASELINE, MIN_OPTION_PT, MM, Frame, HLine, Text, TickBox
from ballots.sheets import SheetContest

from .builders import FEES, MOTION, SERVICE_MODE, committee, household_sheets

SECOND_MOTION = SheetContest("同意续聘物业公司至 2027 年底", "单选：同意、反对或弃权", MOTION.options)
BALLOTS = {
    "9 of 12, modes, fees, motion": (committee(9, 12), SERVICE_MODE, FEES, MOTION),
    "9 of 20 and four more contests": (committee(9, 20), SERVICE_MODE, FEES, MOTION, SECOND_MOTION),
    "7 of 20 and a motion": (committee(7, 20), MOTION),
}
VERSION_6, VERSION_1, VERSION_10 = 41, 21, 57  # modules a side


def sheet_with(contests):
    return replace(household_sheets(1)[0], contests=contests)


def box(item) -> list[tuple[float, float, float, float]]:
    """Return what an item covers as (left, top, right, bottom) rectangles."""
    if isinstance(item, Text):
        return [(item.x, item.y - item.size * BASELINE, item.x + item.width, item.y + item.size * (1 - BASELINE))]
    if isinstance(item, TickBox):
        return [(item.x, item.y, item.x + item.side, item.y + item.side)]
    if isinstance(item, HLine):
        return [(item.x, item.y, item.x + item.width, item.y)]
    assert isinstance(item, Frame)
    left, top, right, bottom = item.x, item.y, item.x + item.width, item.y + item.height
    return [
        (left, top, right, top),
        (left, bottom, right, bottom),
        (left, top, left, bottom),
        (right, top, right, bottom),
    ]


def overlap(a, b, slack: float = 0.0) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


@pytest.mark.parametrize("contests", BALLOTS.values(), ids=BALLOTS.keys())
def test_long_ballot_fits_half_a_page_with_option_labels_of_at_least_9_pt(contests):
    layout = slot_layout(sheet_with(contests), 2, VERSION_6)
    assert layout.height == HALF_HEIGHT
    sizes = [item.size for item in layout.items if isinstance(item, Text) and item.role == "option"]
    assert len(sizes) >= sum(len(contest.options) for contest in contests)
    assert min(sizes) >= MIN_OPTION_PT


def test_ballot_with_long_descriptions_falls_back_to_a_whole_page():
    contests = (committee(9, 20, described=True), SERVICE_MODE, FEES, MOTION)
    assert slot_layout(sheet_with(contests), 2, VERSION_6).height == PAGE_HEIGHT


@pytest.mark.parametrize("per_page", [1, 2])
@pytest.mark.parametrize("modules", [VERSION_1, VERSION_6, VERSION_10])
@pytest.mark.parametrize("contests", BALLOTS.values(), ids=BALLOTS.keys())
def test_nothing_is_printed_within_4_modules_of_the_qr_symbol(contests, modules, per_page):
    layout = slot_layout(sheet_with(contests), per_page, modules)
    qr = layout.qr
    assert qr.side >= 25 * MM
    quiet = (qr.x - qr.quiet, qr.y - qr.quiet, qr.x + qr.side + qr.quiet, qr.y + qr.side + qr.quiet)
    for item in layout.items:
        for rect in box(item):
            assert not overlap(rect, quiet), item
    assert layout.code_y - layout.code_size * BASELINE >= quiet[3]  # the short code sits below it
    assert layout.address_x + layout.address_width <= quiet[0]  # the address to its left
    frame = layout.items[0]
    assert frame.x < quiet[0] and quiet[2] < frame.x + frame.width and frame.y < quiet[1]  # inside the frame


@pytest.mark.parametrize("per_page", [1, 2])
@pytest.mark.parametrize("contests", BALLOTS.values(), ids=BALLOTS.keys())
def test_no_two_texts_or_boxes_overlap_and_all_stay_inside_the_frame(contests, per_page):
    layout = slot_layout(sheet_with(contests), per_page, VERSION_6)
    frame = layout.items[0]
    inside = (frame.x, frame.y, frame.x + frame.width, frame.y + frame.height)
    marks = [item for item in layout.items if isinstance(item, (Text, TickBox))]
    for item in marks:
        (rect,) = box(item)
        assert inside[0] < rect[0] and rect[2] < inside[2] and inside[1] < rect[1] and rect[3] < inside[3], item
    for a, b in combinations(marks, 2):
        assert not overlap(box(a)[0], box(b)[0], slack=0.5), (a, b)


def test_every_option_has_its_tick_box():
    contests = BALLOTS["9 of 20 and four more contests"]
    for per_page in (1, 2):
        layout = slot_layout(sheet_with(contests), per_page, VERSION_6)
        boxes = [item for item in layout.items if isinstance(item, TickBox)]
        assert len(boxes) == sum(len(contest.options) for contest in contests)
        assert all(item.side >= 3 * MM for item in boxes)  # big enough to tick with a pen
