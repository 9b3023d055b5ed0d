"""Helpers shared by the staff blueprints."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from ..models import Community, Role
from ..services import staff


def client_id() -> str:
    """Identify the client for rate limits (the peer address; see TRUSTED_PROXIES)."""
    return request.remote_addr or "unknown"


def community_or_403(community_id: int, need: Role | None = None) -> Community:
    """Load a 小区 the logged-in account may act on; DomainError pages handle 403/404."""
    return staff.community_for(current_user, community_id, need=need)


def login_limits() -> dict:
    """Return the login rate limit settings from the config."""
    config = current_app.config
    return {
        "max_per_user": config["LOGIN_MAX_FAILURES_PER_USER"],
        "max_per_client": config["LOGIN_MAX_FAILURES_PER_IP"],
        "window": config["LOGIN_FAILURE_WINDOW"],
    }
