"""Pages anyone can open without logging in."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """Show the landing page."""
    return render_template("public/index.html")


@bp.get("/healthz")
def healthz():
    """Answer a liveness probe without touching the database."""
    return {"status": "ok"}
