"""Helpers shared by the staff blueprints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from flask import current_app, request
from flask_login import current_user

from ballots.tokens import BallotToken

from ..extensions import db
from ..models import Community, Role, RollEntry
from ..services import ballots, ratelimit, staff
from ..services.ballots import BallotNotFound
from ..services.errors import TooManyAttempts

T = TypeVar("T")


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


BAD_TOKENS_PER_10_MIN = 20


def ballot_entry(token: str) -> RollEntry:
    """Resolve a ballot token to its roll entry (phone page or API), limiting failed guesses per client.

    A valid token is always served: voters behind one address (venue Wi-Fi, carrier NAT) are never
    locked out by someone else's bad scans. Only failures count, and only failures are refused.
    """
    return _limited(ballots.entry_for_token, token)


def ballot_token(token: str) -> BallotToken:
    """Verify a ballot token's signature only, limited as `ballot_entry`: a cast reads the roll
    entry itself, in its own transaction, so it needs no query before."""
    return _limited(ballots.read_ballot_token, token)


def _limited(resolve: Callable[[str], T], token: str) -> T:
    try:
        return resolve(token)
    except BallotNotFound:
        limit = current_app.config.get("BAD_TOKENS_PER_10_MIN", BAD_TOKENS_PER_10_MIN)
        if ratelimit.count_recent("bad_token", timedelta(minutes=10), client=client_id()) >= limit:
            raise TooManyAttempts("尝试次数过多，请 10 分钟后再试，或向工作人员求助。") from None
        ratelimit.record("bad_token", client_id())
        db.session.commit()
        raise


def mask_phone(phone: str) -> str:
    """Show an observer 138****8000 instead of the whole number."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) > 7 else phone
