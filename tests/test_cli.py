"""The `voting` command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from werkzeug.security import check_password_hash

from voting.cli import main
from voting.extensions import db
from voting.models import StaffUser

from .register_data import csv_bytes, rows


@pytest.fixture
def cli(backend, tmp_path, monkeypatch):
    """Run `voting` against the backend under test with its own instance folder."""
    monkeypatch.setenv("VOTING_DATABASE_URL", backend.url)
    monkeypatch.setenv("VOTING_SQLALCHEMY_ENGINE_OPTIONS", json.dumps(backend.engine_options))
    instance = str(tmp_path / "instance")
    runner = CliRunner()

    def run(*args, input=None):
        result = runner.invoke(main, ["--instance", instance, *args], input=input, catch_exceptions=False)
        return result

    assert run("init-db").exit_code == 0
    return run


def test_full_setup_from_the_command_line(cli, tmp_path):
    assert "已新建小区 东湖小区" in cli("community", "create", "东湖小区").output
    result = cli("create-staff", "wang", "--role", "admin", "--community", "东湖小区", input="s3cret-pass\n")
    assert result.exit_code == 0, result.output
    assert "s3cret-pass" not in result.output
    register = tmp_path / "register.csv"
    register.write_bytes(csv_bytes(rows(50), "gbk"))
    result = cli("households", "import", "东湖小区", str(register))
    assert result.exit_code == 0, result.output
    assert "新增 50 户" in result.output
    out = tmp_path / "out.xlsx"
    assert cli("households", "export", "东湖小区", str(out)).exit_code == 0
    result = cli("households", "import", "东湖小区", str(out))
    assert "新增 0 户，更新 0 户，未变化 50 户" in result.output


def test_password_is_stored_hashed(cli, tmp_path):
    cli("community", "create", "东湖小区")
    cli("create-staff", "wang", "--role", "staff", "--community", "东湖小区", input="s3cret-pass\n")
    from voting import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    with app.app_context():
        user = db.session.execute(select(StaffUser)).scalar_one()
        assert user.password_hash != "s3cret-pass" and check_password_hash(user.password_hash, "s3cret-pass")
        db.engine.dispose()


def test_bad_register_file_exits_nonzero_listing_every_problem(cli, tmp_path):
    cli("community", "create", "东湖小区")
    body = rows(5)
    body[1][5] = "abc"
    body[3][0] = ""
    register = tmp_path / "bad.csv"
    register.write_bytes(csv_bytes(body))
    result = cli("households", "import", "东湖小区", str(register))
    assert result.exit_code == 1
    assert "第 3 行，第 6 列「建筑面积」" in result.output and "第 5 行，第 1 列「楼号」" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (("create-staff", "wang", "--role", "admin", "--community", "没有这个小区"), "找不到小区"),
        (("households", "import", "没有这个小区", "pyproject.toml"), "找不到小区"),
        (("create-staff", "wang", "--role", "admin"), "--community"),
    ],
)
def test_cli_errors_are_clear(cli, args, message):
    result = cli(*args, input="s3cret-pass\n")
    assert result.exit_code != 0
    assert message in result.output


def test_short_password_is_refused(cli):
    cli("community", "create", "东湖小区")
    result = cli("create-staff", "wang", "--role", "admin", "--community", "东湖小区", input="short\n")
    assert result.exit_code == 1 and "密码至少 8 位" in result.output


def test_demo_prints_the_password_once_and_it_works(tmp_path):
    from voting import create_app
    from voting.services import staff

    result = CliRunner().invoke(
        main, ["demo", "--instance", str(tmp_path / "demo"), "--no-serve"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    password = result.output.split("密码 ")[1].split()[0]
    assert "120 户" in result.output
    app = create_app({"INSTANCE_PATH": str(tmp_path / "demo")})
    with app.app_context():
        user = staff.authenticate(
            "admin", password, "test", max_per_user=5, max_per_client=5, window=app.config["LOGIN_FAILURE_WINDOW"]
        )
        assert user.all_communities
        db.engine.dispose()


def test_serve_refuses_an_uninitialised_database(tmp_path):
    result = CliRunner().invoke(main, ["--instance", str(tmp_path / "empty"), "serve"])
    assert result.exit_code == 1 and "voting init-db" in result.output
