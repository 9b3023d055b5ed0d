"""Staff login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_required, login_user, logout_user

from ..services import staff
from ..services.errors import InvalidInput, TooManyAttempts
from .common import client_id, login_limits

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on POST check the password under the rate limit."""
    if request.method == "GET":
        return render_template("auth/login.html", next=request.args.get("next", ""))
    username = request.form.get("username", "")
    try:
        user = staff.authenticate(username, request.form.get("password", ""), client_id(), **login_limits())
    except TooManyAttempts as error:
        return render_template("auth/login.html", error=error.message, username=username), 429
    except InvalidInput as error:
        return render_template("auth/login.html", error=error.message, username=username), 401
    session.clear()
    login_user(user)
    session.permanent = True
    return redirect(_safe_next(request.form.get("next")) or url_for("admin.index"))


@bp.post("/logout")
@login_required
def logout():
    """End the staff session."""
    logout_user()
    session.clear()
    flash("已退出登录。", "info")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str | None:
    """Accept only a local path as the after-login target."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
