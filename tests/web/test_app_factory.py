"""create_app: configuration order, secrets, and the durable SQLite settings."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from voting import create_app
from voting.extensions import db


def test_config_order_defaults_instance_env_test_config(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "HOUSEHOLDS_PER_PAGE = 11\nLOGIN_MAX_FAILURES_PER_IP = 7\nDISPLAY_TIMEZONE = 'x'\n"
    )
    monkeypatch.setenv("VOTING_LOGIN_MAX_FAILURES_PER_IP", "9")
    monkeypatch.setenv("VOTING_DISPLAY_TIMEZONE", "y")
    app = create_app({"INSTANCE_PATH": str(instance), "DISPLAY_TIMEZONE": "z"})
    assert app.config["LOGIN_MAX_FAILURES_PER_USER"] == 5  # default
    assert app.config["HOUSEHOLDS_PER_PAGE"] == 11  # instance/config.py
    assert app.config["LOGIN_MAX_FAILURES_PER_IP"] == 9  # environment beats instance
    assert app.config["DISPLAY_TIMEZONE"] == "z"  # test_config beats environment


def test_database_url_variable_selects_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("VOTING_DATABASE_URL", "sqlite:///" + str(tmp_path / "elsewhere.db"))
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i")})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("elsewhere.db")


def test_secret_key_is_generated_private_and_reused(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path / "i")})
    secret_file = tmp_path / "i" / "secret_key"
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) == 64
    second = create_app({"INSTANCE_PATH": str(tmp_path / "i")})
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_default_database_is_sqlite_in_instance_folder(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i")})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str((tmp_path / "i" / "voting.db").resolve())


@pytest.mark.parametrize(
    "pragma, expected",
    [("journal_mode", "wal"), ("foreign_keys", 1), ("synchronous", 2), ("busy_timeout", 15000)],
)
def test_every_sqlite_connection_is_durable(tmp_path, pragma, expected):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i")})
    with app.app_context():
        db.create_all()
        # A fresh pool connection and a second one both carry the settings.
        with db.engine.connect() as one, db.engine.connect() as two:
            assert one.execute(text(f"PRAGMA {pragma}")).scalar() == expected
            assert two.execute(text(f"PRAGMA {pragma}")).scalar() == expected


def test_pages_load_nothing_from_the_internet(client):
    html = client.get("/login").get_data(as_text=True)
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert 'lang="zh-CN"' in html


def test_base_stylesheet_uses_large_type(client):
    css = client.get("/static/style.css").get_data(as_text=True)
    assert "html { font-size: 18px; }" in css
