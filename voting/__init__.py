"""小区居民会议选举与表决服务: the Flask application factory."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: defaults → instance/config.py → VOTING_* variables → test_config."""
    # Imported here, not at module level, so that `import voting.core` loads no Flask.
    from flask import Flask

    from .config import Defaults
    from .db import install_sqlite_pragmas, is_sqlite
    from .extensions import csrf, db, login_manager

    test_config = dict(test_config or {})
    instance_path = test_config.pop("INSTANCE_PATH", None) or os.environ.get("VOTING_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)

    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("VOTING")  # values are parsed as JSON where they can be
    if app.config.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    app.config.from_mapping(test_config)

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret(Path(app.instance_path) / "secret_key")
    if not app.config.get("BALLOT_SECRET"):
        # Separate from SECRET_KEY: rotating session secrets must not void printed ballots.
        app.config["BALLOT_SECRET"] = load_or_create_secret(Path(app.instance_path) / "ballot_key")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "voting.db")
    configure_engine(app)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        if is_sqlite(db.engine):
            install_sqlite_pragmas(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])

    from .web import register_web

    register_web(app)
    return app


def configure_engine(app: Flask) -> None:
    """Add engine options suited to the configured database."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def load_or_create_secret(path: Path) -> str:
    """Read a secret from the instance folder, creating it (mode 0600) on first start."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process may be writing it this instant: wait for the content.
        for _ in range(50):
            if secret := path.read_text(encoding="ascii").strip():
                return secret
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty; delete it to generate a new secret") from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(32))
        f.flush()
        os.fsync(f.fileno())
    return path.read_text(encoding="ascii").strip()
