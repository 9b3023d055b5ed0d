"""scripts/bench.py serve: starts the real servers, casts distinct ballots, reports rows (no timings asserted)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("scripts_bench_serve", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_serve_is_registered_and_part_of_the_run_without_arguments(bench):
    assert "serve" in bench.BENCHMARKS
    defaults = bench.defaults_for("serve")
    assert (defaults.levels, defaults.servers) == ("10,50,200", "waitress,gunicorn")
    assert defaults.seconds <= 15 and defaults.floor_seconds <= 15  # bounded in time


def test_serve_reports_each_level_beside_the_floor_with_the_issue_targets(bench, tmp_path):
    servers = (
        "waitress,gunicorn"
        if sys.platform.startswith("linux") and shutil.which("gunicorn", path=str(Path(sys.executable).parent))
        else "waitress"
    )
    args = bench.build_parser().parse_args(
        ["serve", "--servers", servers, "--levels", "2,50", "--seconds", "0.4", "--floor-seconds", "0.2"]
        + ["--warmup", "0.2", "--households", "120", "--commit-seconds", "0.1", "--dir", str(tmp_path)]
    )
    rows = {row.name: row for row in bench.BENCHMARKS["serve"].run(args)}
    assert next(iter(rows)).startswith("serve: raw durable SQLite commits")
    for kind in servers.split(","):
        name = "serve waitress" if kind == "waitress" else "serve gunicorn (2 workers)"
        for n in (2, 50):
            assert rows[f"{name}: ballots cast, {n} voters"].figure > 0
            assert rows[f"{name}: floor, GET /healthz, {n} clients"].figure > 0
            assert rows[f"{name}: ballots ÷ floor, {n} voters"].target == 30
        assert rows[f"{name}: p99 latency, 50 voters"].target == 100
        assert rows[f"{name}: p99 latency, 2 voters"].target is None
        assert rows[f"{name}: peak RSS of the server processes"].target == 200
        assert rows[f"{name}: failed requests"].figure == 0  # every cast answered 200 with a receipt
    assert list(tmp_path.iterdir()) == []  # the databases were removed
