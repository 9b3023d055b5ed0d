"""The verifier as a command: exit codes, messages, and no import from this repository."""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys

import pytest

from .records import OTHER_KEY, SERVER_KEY, VERIFIER, charter_meeting, public_hex, sign

REPOSITORY_PACKAGES = ("voting", "ballots", "tests", "scripts")


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """Run scripts/verify_audit.py in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, str(VERIFIER), *args], check=False, capture_output=True, text=True, cwd=cwd, timeout=60
    )


@pytest.fixture
def record_file(tmp_path):
    """Write the hand-counted charter meeting to a file and return its path."""
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(charter_meeting(), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_valid_record_exits_0_with_a_bilingual_summary(record_file):
    done = run(str(record_file), "--public-key", public_hex(SERVER_KEY))
    assert done.returncode == 0, done.stderr
    assert "校验通过 / VERIFIED" in done.stdout
    assert "部分当选 / partial — 张伟、王秀英" in done.stdout
    assert "签名有效 / signature OK" in done.stdout
    assert "公钥指纹 / key fingerprint: 5647 5AA7 5463 474C 0285" in done.stdout


def test_recount_failure_exits_1_naming_the_field(tmp_path):
    record = charter_meeting()
    record["results"]["4"]["verdict"] = "rejected"
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(sign(record), ensure_ascii=False), encoding="utf-8")
    done = run(str(path))
    assert done.returncode == 1
    assert "校验失败 / FAILED — 第 5 项计票结果 / check 5 (results)" in done.stderr
    assert 'contest 4, result field \'verdict\': expected "passed", found "rejected"' in done.stderr


def test_other_key_exits_3_when_the_real_key_is_pinned(tmp_path):
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(sign(charter_meeting(), OTHER_KEY)), encoding="utf-8")
    assert run(str(path)).returncode == 0
    done = run(str(path), "--public-key", public_hex(SERVER_KEY))
    assert done.returncode == 3
    assert "check 7 (public key)" in done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda text: text[: len(text) // 2].encode("utf-8"), "not valid JSON"),
        (lambda text: "选票 not json at all".encode(), "not valid JSON"),
        (lambda text: text.encode("gb18030"), "not UTF-8 text"),
    ],
    ids=["truncated file", "not JSON", "GB18030 instead of UTF-8"],
)
def test_unreadable_file_exits_2(tmp_path, record_file, content, message):
    path = tmp_path / "broken.json"
    path.write_bytes(content(record_file.read_text(encoding="utf-8")))
    done = run(str(path))
    assert done.returncode == 2
    assert "校验失败 / FAILED" in done.stderr and message in done.stderr


def test_missing_file_and_malformed_pin_exit_2(tmp_path, record_file):
    assert run(str(tmp_path / "absent.json")).returncode == 2
    done = run(str(record_file), "--public-key", "not-hex")
    assert done.returncode == 2 and "--public-key must be 64 hex characters" in done.stderr


def test_verifier_imports_only_the_standard_library_and_cryptography():
    tree = ast.parse(VERIFIER.read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0}
    relative = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level > 0]
    outside = {name for name in imported if name.split(".")[0] not in sys.stdlib_module_names | {"cryptography"}}
    assert (outside, relative) == (set(), [])


def test_verifier_runs_where_the_repository_packages_cannot_be_imported(tmp_path, record_file):
    """Block every package of this repository, then verify a record: it must still pass."""
    runner = tmp_path / "isolated.py"
    runner.write_text(
        f"""
import runpy, sys
class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {REPOSITORY_PACKAGES!r}:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Blocked())
sys.argv = ["verify_audit.py", {str(record_file)!r}]
try:
    runpy.run_path({str(VERIFIER)!r}, run_name="__main__")
finally:
    print("loaded:", sorted(m for m in sys.modules if m.split(".")[0] in {REPOSITORY_PACKAGES!r}))
""",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-I", str(runner)], check=False, capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "校验通过 / VERIFIED" in done.stdout and "loaded: []" in done.stdout


def test_audit_benchmark_builds_a_record_from_the_database_and_verifies_it():
    spec = importlib.util.spec_from_file_location("bench_for_verify_tests", VERIFIER.parent / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up while being built
    try:
        spec.loader.exec_module(bench)
        args = bench.build_parser().parse_args(["audit", "--households", "60", "--repeat", "1"])
        rows = bench.BENCHMARKS["audit"].run(args)
    finally:
        del sys.modules[spec.name]
    assert [(row.unit, row.target, row.lower_is_better) for row in rows] == [
        ("s", 3 * 300 / 100_000, True),
        ("s", 5 * 300 / 100_000, True),
    ]
    assert all(row.figure > 0 for row in rows)  # timings are judged by the benchmark, never by a test
