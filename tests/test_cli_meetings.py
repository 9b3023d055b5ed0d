"""`voting meeting create` and `voting candidates list`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from voting.cli import main

from .register_data import csv_bytes, rows

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "meeting.example.toml"


@pytest.fixture
def cli(backend, tmp_path, monkeypatch):
    monkeypatch.setenv("VOTING_DATABASE_URL", backend.url)
    monkeypatch.setenv("VOTING_SQLALCHEMY_ENGINE_OPTIONS", json.dumps(backend.engine_options))
    instance = str(tmp_path / "instance")

    def run(*args, input=None):
        return CliRunner().invoke(main, ["--instance", instance, *args], input=input, catch_exceptions=False)

    run("init-db")
    run("community", "create", "幸福里小区（演示）")
    register = tmp_path / "r.csv"
    register.write_bytes(csv_bytes(rows(40)))
    run("households", "import", "幸福里小区（演示）", str(register))
    return run


def test_the_documented_example_file_creates_the_whole_agenda(cli):
    result = cli("meeting", "create", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "已创建会议“2026年幸福里小区居民会议”（id 1），4 个表决事项" in result.output
    listing = cli("candidates", "list", "1")
    assert "应选 9 名，候选人未公示，共 0 人" in listing.output


def test_a_bad_contest_creates_nothing(cli, tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("seats = 9", "seats = 6")
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    result = cli("meeting", "create", str(bad))
    assert result.exit_code == 1
    assert "第 1 个表决事项：表决事项有误" in result.output and "须为 5 至 9 名的单数" in result.output
    assert "找不到该会议" in cli("candidates", "list", "1").output  # the meeting itself was rolled back


@pytest.mark.parametrize(
    "change, message",
    [
        (("venue =", "venu ="), "未知的设置“venu”"),
        (('profile = "charter"', 'profile = "x"'), "没有名为 x 的规则方案"),
        (("date = 2026-12-20", "date = 2026-12-"), "会议文件格式错误"),
    ],
)
def test_file_errors_name_what_is_wrong(cli, tmp_path, change, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    result = cli("meeting", "create", str(bad))
    assert result.exit_code == 1 and message in result.output
