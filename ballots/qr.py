"""QR codes as module matrices (PDF), inline SVG (screens and the HTML print view) and dark runs.

`qr_modules` gives exactly the matrix `qrcode` makes (same segments, version, error correction and
mask choice), but about ten times faster: `qrcode` places the data nine times and scores each of
the eight masks in pure Python, which costs ~7 ms a code, or 20 s for a 3,000-household print run.
Here the data is placed once and the eight masks are applied and scored together with numpy, and
the codewords are built with whole-int bit strings and a Reed–Solomon multiplication table, using
`qrcode`'s own segments, tables, function patterns and penalty rules (tests compare the two).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from itertools import zip_longest

import numpy as np
import qrcode
import qrcode.constants
from qrcode import base, exceptions, util

# Error correction M or better (DESIGN §5): Q survives a fold or a smudge on a paper ballot.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
QUIET_ZONE = 4  # modules, as ISO/IEC 18004 requires


def qr_modules(data: str, error_correction: int = ERROR_CORRECTION) -> np.ndarray:
    """Return the QR modules of `data` as a square bool array, quiet zone included (True = dark)."""
    segments = list(util.optimal_data_chunks(data, minimum=20))  # as QRCode.add_data splits
    version = _best_version(segments, error_correction)
    layout = _layout(version, error_correction)
    codewords = np.frombuffer(_codewords(version, error_correction, segments), np.uint8)
    bits = np.unpackbits(codewords).astype(bool)
    placed = np.zeros(layout.size * layout.size, bool)
    placed[layout.order[: bits.size]] = bits
    candidates = np.where(layout.free, placed.reshape(layout.size, layout.size) ^ layout.masks, layout.test_base)
    best = int(np.argmin(_penalties(candidates)))  # the first of equals, as qrcode picks
    symbol = np.where(layout.free, candidates[best], layout.final_bases[best])
    return np.pad(symbol, QUIET_ZONE)


def qr_matrix(data: str, error_correction: int = ERROR_CORRECTION) -> list[list[bool]]:
    """Return the QR modules of `data` including the quiet zone (True = dark)."""
    return qr_modules(data, error_correction).tolist()


def qrcode_matrix(data: str, error_correction: int = ERROR_CORRECTION) -> list[list[bool]]:
    """Return the matrix as plain `qrcode` makes it: the reference `qr_modules` must equal."""
    code = qrcode.QRCode(error_correction=error_correction, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def dark_runs(modules: np.ndarray) -> list[tuple[int, int, int]]:
    """Return the horizontal runs of dark modules as (row, first column, length)."""
    edges = np.diff(np.pad(modules, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    start_rows, start_cols = np.nonzero(edges == 1)
    _, end_cols = np.nonzero(edges == -1)  # row-major order pairs every start with its end
    return list(zip(start_rows.tolist(), start_cols.tolist(), (end_cols - start_cols).tolist(), strict=True))


def qr_svg(data: str, size_mm: float = 30, error_correction: int = ERROR_CORRECTION) -> str:
    """Return an inline <svg> QR code of the given printed size, quiet zone included."""
    modules = qr_modules(data, error_correction)
    side = modules.shape[0]
    path = "".join(f"M{col} {row}h{length}v1h-{length}z" for row, col, length in dark_runs(modules))
    # A white background keeps the quiet zone light on any page colour; the viewBox keeps modules square.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" role="img" aria-label="二维码"'
        f' shape-rendering="crispEdges" style="width:{size_mm}mm;height:{size_mm}mm">'
        f'<rect width="{side}" height="{side}" fill="#fff"/><path d="{path}" fill="#000"/></svg>'
    )


# --- codewords: qrcode's util.create_data, without a method call per bit ---------------------


class _Bits:
    """A bit string held in one int; `QRData.write` puts its chunks here."""

    __slots__ = ("length", "value")

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, number: int, length: int) -> None:
        self.value = (self.value << length) | (number & ((1 << length) - 1))
        self.length += length


def _best_version(segments: list[util.QRData], error_correction: int) -> int:
    """Return the smallest version that holds the segments, as QRCode.best_fit finds it."""
    start = 1
    while True:
        sizes = util.mode_sizes_for_version(start)
        bits = _Bits()
        for segment in segments:
            bits.put(segment.mode, 4)
            bits.put(len(segment), sizes[segment.mode])
            segment.write(bits)
        version = bisect_left(util.BIT_LIMIT_TABLE[error_correction], bits.length, start)
        if version == 41:
            raise exceptions.DataOverflowError()
        if util.mode_sizes_for_version(version) is sizes:
            return version
        start = version  # longer length fields from version 10 and 27 on: measure again


def _codewords(version: int, error_correction: int, segments: list[util.QRData]) -> bytes:
    """Return the data and error correction codewords, interleaved (ISO/IEC 18004 §7.4–7.6)."""
    bits = _Bits()
    for segment in segments:
        bits.put(segment.mode, 4)
        bits.put(len(segment), util.length_in_bits(segment.mode, version))
        segment.write(bits)
    blocks = base.rs_blocks(version, error_correction)
    limit = 8 * sum(block.data_count for block in blocks)
    if bits.length > limit:
        raise exceptions.DataOverflowError(f"Code length overflow: {bits.length} > {limit} bits")
    bits.put(0, min(limit - bits.length, 4))  # terminator
    bits.put(0, -bits.length % 8)
    for index in range((limit - bits.length) // 8):
        bits.put(util.PAD1 if index % 2 else util.PAD0, 8)
    data = bits.value.to_bytes(limit // 8, "big")
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        data_blocks.append(data[offset : offset + block.data_count])
        ec_blocks.append(_remainder(data_blocks[-1], block.total_count - block.data_count))
        offset += block.data_count
    return bytes(
        byte
        for group in (data_blocks, ec_blocks)
        for column in zip_longest(*group)
        for byte in column
        if byte is not None
    )


def _remainder(data: bytes, ec_count: int) -> list[int]:
    """Divide data·x^ec_count by the generator polynomial; return the remainder's coefficients."""
    multiples = _generator_multiples(ec_count)
    remainder = [0] * ec_count
    for byte in data:
        row = multiples[byte ^ remainder[0]]
        remainder = [a ^ b for a, b in zip(remainder[1:], row, strict=False)] + [row[-1]]  # shift, add
    return remainder


@cache
def _generator_multiples(ec_count: int) -> tuple[tuple[int, ...], ...]:
    """Return, for every byte f, f × the generator's coefficients after the leading 1, in GF(256)."""

    def multiply(a: int, b: int) -> int:
        return 0 if a == 0 or b == 0 else base.EXP_TABLE[(base.LOG_TABLE[a] + base.LOG_TABLE[b]) % 255]

    generator = [1]
    for power in range(ec_count):  # ∏ (x − α^i)
        root = base.EXP_TABLE[power]
        generator = [a ^ multiply(b, root) for a, b in zip(generator + [0], [0] + generator, strict=True)]
    return tuple(tuple(multiply(f, g) for g in generator[1:]) for f in range(256))


# --- the fast path's fixed parts, one set per (version, error correction) -------------------


@dataclass(frozen=True, slots=True)
class _Layout:
    size: int  # modules per side, without quiet zone
    free: np.ndarray  # where data modules go (and the mask applies)
    order: np.ndarray  # flat indices of the free modules in placement order
    masks: np.ndarray  # the eight mask patterns, shape (8, size, size)
    test_base: np.ndarray  # function patterns with blank format info, as qrcode scores masks
    final_bases: np.ndarray  # function patterns with each mask's format (and version) info


class _Blank(qrcode.QRCode):
    """A QRCode that stops before placing data, so that its modules show the function patterns."""

    def map_data(self, data, mask_pattern):
        pass


def _function_patterns(version: int, error_correction: int, test: bool, mask: int) -> list[list[bool | None]]:
    blank = _Blank(version=version, error_correction=error_correction, border=0)
    blank.data_cache = [0]  # not used: only the function patterns are drawn
    blank.makeImpl(test, mask)
    return blank.modules


@cache
def _layout(version: int, error_correction: int) -> _Layout:
    pattern = _function_patterns(version, error_correction, True, 0)
    size = len(pattern)
    free = np.array([[module is None for module in row] for row in pattern])
    masks = np.array([[[util.mask_func(m)(i, j) for j in range(size)] for i in range(size)] for m in range(8)])
    finals = [np.array(_function_patterns(version, error_correction, False, m), bool) for m in range(8)]
    for array in (masks, free, *finals):
        array.setflags(write=False)
    return _Layout(size, free, _placement_order(free), masks, np.array(pattern, bool), np.stack(finals))


def _placement_order(free: np.ndarray) -> np.ndarray:
    """Walk the two-column zigzag of ISO/IEC 18004 §7.7.3, as qrcode's map_data does."""
    size = free.shape[0]
    order: list[int] = []
    row, step = size - 1, -1
    for col in range(size - 1, 0, -2):
        if col <= 6:
            col -= 1  # skip the vertical timing pattern
        while 0 <= row < size:
            order.extend(row * size + c for c in (col, col - 1) if free[row, c])
            row += step
        row, step = row - step, -step
    return np.array(order, dtype=np.intp)


def _penalties(candidates: np.ndarray) -> np.ndarray:
    """Score masked symbols, shape (k, n, n), with qrcode's `util.lost_point` rules."""
    n = candidates.shape[1]
    lines = np.concatenate([candidates, candidates.transpose(0, 2, 1)], axis=1)  # rows, then columns
    # Rule 1: a run of L ≥ 5 same-coloured modules costs L − 2, that is one per window of five
    # equal modules (L − 4) plus 2 for the run's first window.
    same = lines[:, :, 1:] == lines[:, :, :-1]
    five = same[:, :, :-3] & same[:, :, 1:-2] & same[:, :, 2:-1] & same[:, :, 3:]
    first = five[:, :, 0].sum(axis=1) + (five[:, :, 1:] & ~same[:, :, :-4]).sum(axis=(1, 2))
    score = five.sum(axis=(1, 2)) + 2 * first
    # Rule 2: every 2×2 block of one colour costs 3.
    top = candidates[:, :-1, :-1]
    block = (top == candidates[:, 1:, :-1]) & (top == candidates[:, :-1, 1:]) & (top == candidates[:, 1:, 1:])
    score += 3 * block.sum(axis=(1, 2))
    # Rule 3: 1011101 beside 0000 (either side), within a row or column, costs 40.
    dark, light = lines, ~lines
    finder = dark[:, :, :-6] & light[:, :, 1:-5] & dark[:, :, 2:-4] & dark[:, :, 3:-3] & dark[:, :, 4:-2]
    finder &= light[:, :, 5:-1] & dark[:, :, 6:]  # starting at j, for j ≤ n − 7
    pair = light[:, :, :-1] & light[:, :, 1:]
    four = pair[:, :, :-2] & pair[:, :, 2:]  # four light modules starting at j, for j ≤ n − 4
    windows = n - 10
    after = finder[:, :, :windows] & four[:, :, 7 : 7 + windows]
    before = four[:, :, :windows] & finder[:, :, 4 : 4 + windows]
    score += 40 * (after | before).sum(axis=(1, 2))
    # Rule 4: 10 per full 5 % that the dark share departs from 50 %, in qrcode's float arithmetic.
    for index, count in enumerate(candidates.sum(axis=(1, 2)).tolist()):
        score[index] += int(abs(float(count) / (n**2) * 100 - 50) / 5) * 10
    return score
