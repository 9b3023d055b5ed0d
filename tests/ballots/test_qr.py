"""The fast QR path makes exactly qrcode's symbols, with the quiet zone, and draws them faithfully."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
import qrcode.constants

from ballots.qr import ERROR_CORRECTION, QUIET_ZONE, dark_runs, qr_matrix, qr_modules, qr_svg, qrcode_matrix

from .builders import BASE_URL, TOKEN_ALPHABET

LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def _texts(seed: int, count: int) -> list[str]:
    """Return texts of many lengths (versions 1 to 17) and every segment mode qrcode picks."""
    rnd = random.Random(seed)
    texts = ["", "A", "12345678901234567890123", "HTTP://EXAMPLE.ORG/B/ABCDEFGHIJKLMNOPQRSTUVW", "选票：12号楼"]
    alphabet = TOKEN_ALPHABET + ":/.%$*+ 中"
    while len(texts) < count:
        length = rnd.choice([rnd.randint(1, 120), rnd.randint(1, 120), rnd.randint(120, 400)])
        texts.append("".join(rnd.choice(alphabet) for _ in range(length)))
    return texts


@pytest.mark.parametrize("level", LEVELS.values(), ids=LEVELS.keys())
def test_fast_matrix_equals_qrcode_version_codewords_and_mask_choice(level):
    for text in _texts(level, 30):
        assert qr_matrix(text, level) == qrcode_matrix(text, level), text


def test_fast_matrix_equals_qrcode_for_ballot_urls():
    rnd = random.Random(5)
    for _ in range(60):
        url = f"{BASE_URL}/b/" + "".join(rnd.choice(TOKEN_ALPHABET) for _ in range(39))
        assert qr_matrix(url) == qrcode_matrix(url)


def test_ballot_qr_uses_error_correction_m_or_better():
    assert ERROR_CORRECTION in (
        qrcode.constants.ERROR_CORRECT_M,
        qrcode.constants.ERROR_CORRECT_Q,
        qrcode.constants.ERROR_CORRECT_H,
    )


def test_matrix_has_a_light_quiet_zone_of_four_modules():
    modules = qr_modules(f"{BASE_URL}/b/{'x' * 39}")
    assert QUIET_ZONE >= 4
    border = np.ones(modules.shape, bool)
    border[QUIET_ZONE:-QUIET_ZONE, QUIET_ZONE:-QUIET_ZONE] = False
    assert not modules[border].any()
    # The symbol itself starts right inside: its finder pattern's corner module is dark.
    assert modules[QUIET_ZONE, QUIET_ZONE]


def test_dark_runs_cover_exactly_the_dark_modules():
    modules = qr_modules(f"{BASE_URL}/b/{'y' * 39}")
    painted = np.zeros(modules.shape, bool)
    for row, col, length in dark_runs(modules):
        assert not painted[row, col : col + length].any()  # runs never overlap
        painted[row, col : col + length] = True
    assert (painted == modules).all()


def test_svg_paints_the_same_modules_on_a_white_square_of_the_given_size():
    url = f"{BASE_URL}/b/{'z' * 39}"
    svg = qr_svg(url, size_mm=33)
    modules = qr_modules(url)
    side = modules.shape[0]
    assert f'viewBox="0 0 {side} {side}"' in svg and "width:33mm;height:33mm" in svg
    assert f'<rect width="{side}" height="{side}" fill="#fff"/>' in svg
    painted = np.zeros(modules.shape, bool)
    for col, row, length in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        painted[int(row), int(col) : int(col) + int(length)] = True
    assert (painted == modules).all()
