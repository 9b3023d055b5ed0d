"""scripts/bench.py ballots: registered, compares the PDF with bare qrcode (no timings asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("scripts_bench_ballots", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_ballots_benchmark_reports_pdf_time_and_cost_against_bare_qrcode_for_both_layouts(bench):
    args = bench.build_parser().parse_args(["ballots", "--households", "12"])
    rows = bench.BENCHMARKS["ballots"].run(args)
    assert rows[0].unit == "codes/s" and rows[0].target is None
    seconds = [row for row in rows if row.unit == "s"]
    ratios = [row for row in rows if row.unit == "× bare QR"]
    assert [("2 a page" in row.name, "1 a page" in row.name) for row in seconds] == [(True, False), (False, True)]
    assert all(row.lower_is_better and row.target == pytest.approx(10 * 12 / 3000) for row in seconds)
    assert all(row.lower_is_better and row.target == 2 for row in ratios) and len(ratios) == 2
    assert all(row.figure > 0 for row in rows)


@pytest.mark.parametrize(("figure", "verdict"), [(1.5, "pass"), (2.0, "pass"), (2.5, "FAIL")])
def test_a_cost_ratio_passes_at_or_below_its_target(bench, figure, verdict):
    row = bench.Row("ratio", figure, "× bare QR", target=2, lower_is_better=True)
    line = bench.format_table([row]).splitlines()[1]
    assert line.split()[-1] == verdict and "≤ 2.00" in line and f"{figure:.2f}" in line
