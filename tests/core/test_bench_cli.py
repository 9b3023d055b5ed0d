"""scripts/bench.py is a CLI with a registry of benchmarks returning rows (no timings asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("scripts_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_core_benchmark_is_registered_as_a_subcommand(bench):
    assert "core" in bench.BENCHMARKS
    args = bench.build_parser().parse_args(["core", "--ballots", "300", "--repeat", "1"])
    assert (args.command, args.ballots, args.repeat) == ("core", 300, 1)


def test_core_benchmark_returns_rows_with_the_committee_target(bench):
    args = bench.build_parser().parse_args(["core", "--ballots", "300", "--repeat", "1"])
    rows = bench.BENCHMARKS["core"].run(args)
    assert rows[0].unit == "ballots/s" and rows[0].target == 200_000
    assert all(row.figure > 0 for row in rows)
    assert {row.passed for row in rows[1:]} == {None}


def test_table_has_one_line_per_row_and_marks_failures(bench):
    rows = [bench.Row("a", 10.0, "x/s", target=5), bench.Row("b", 1.0, "x/s", target=5), bench.Row("c", 2.0, "x/s")]
    lines = bench.format_table(rows).splitlines()
    assert len(lines) == 4
    assert [line.split()[-1] for line in lines[1:]] == ["pass", "FAIL", "info"]
