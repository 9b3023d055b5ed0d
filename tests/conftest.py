"""Fixtures: every database test runs on SQLite and again on PostgreSQL when reachable."""

from __future__ import annotations

import os
import uuid
from functools import lru_cache

import pytest
from sqlalchemy.engine import make_url

from voting import create_app
from voting.extensions import db

from .helpers import Backend

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_url() -> str:
    """Return the PostgreSQL URL the tests use (VOTING_TEST_DATABASE_URL or the local server)."""
    return os.environ.get("VOTING_TEST_DATABASE_URL") or DEFAULT_PG_URL


def pg_conninfo() -> str:
    """Return the test URL as a plain libpq connection string for psycopg."""
    return make_url(pg_url()).set(drivername="postgresql").render_as_string(hide_password=False)


@lru_cache(maxsize=1)
def pg_unavailable_reason() -> str | None:
    """Return why PostgreSQL cannot be used, or None when it answers."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    try:
        with psycopg.connect(pg_conninfo(), connect_timeout=3) as conn:
            conn.execute("select 1")
    except Exception as exc:  # any connection failure means: skip, with the reason
        return f"PostgreSQL not reachable at {make_url(pg_url()).render_as_string(hide_password=True)}: {exc}".strip()
    return None


def pg_schema_create() -> str:
    """Create a fresh schema for one test and return its name."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_conninfo(), autocommit=True) as conn:
        conn.execute(f'create schema "{schema}"')
    return schema


def pg_schema_drop(schema: str) -> None:
    """Drop a test schema and everything in it."""
    import psycopg

    with psycopg.connect(pg_conninfo(), autocommit=True) as conn:
        conn.execute(f'drop schema if exists "{schema}" cascade')


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """Yield a Backend: a database URL and engine options, cleaned up afterwards."""
    if request.param == "sqlite":
        yield Backend("sqlite", "sqlite:///" + str(tmp_path / "test.db"), {})
        return
    reason = pg_unavailable_reason()
    if reason and os.environ.get("VOTING_TEST_REQUIRE_POSTGRES"):
        pytest.fail(f"VOTING_TEST_REQUIRE_POSTGRES is set but {reason}")
    if reason:
        pytest.skip(reason)
    schema = pg_schema_create()
    try:
        yield Backend("postgresql", pg_url(), {"connect_args": {"options": f"-csearch_path={schema}"}}, schema)
    finally:
        pg_schema_drop(schema)


@pytest.fixture
def app(backend, tmp_path):
    """Create an app with its tables on the backend under test."""
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": backend.url,
            "SQLALCHEMY_ENGINE_OPTIONS": backend.engine_options,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
