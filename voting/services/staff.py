"""Staff accounts, login with a rate limit, and which 小区 an account may see."""

from __future__ import annotations

import re

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Community, Role, StaffUser
from ..numbers import whole
from . import log, ratelimit, use_case
from .errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyAttempts

USERNAME = re.compile(r"[A-Za-z0-9_.\-]{2,50}")
MIN_PASSWORD = 8
LOGIN_FAILURE = "login_failure"


@use_case
def create_staff(
    username: str,
    password: str,
    role: Role | str,
    *,
    display_name: str = "",
    communities: list[Community] = (),
    all_communities: bool = False,
) -> StaffUser:
    """Create a staff account with a hashed password."""
    if not USERNAME.fullmatch(username):
        raise InvalidInput("用户名只能包含字母、数字、下划线、点和短横线，2–50 个字符。")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD} 位。")
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput("角色应为 admin、staff 或 observer。") from None
    if db.session.execute(select(StaffUser.id).where(StaffUser.username == username)).first():
        raise Conflict(f"用户名 {username} 已存在。")
    user = StaffUser(
        username=username,
        display_name=display_name,
        password_hash=generate_password_hash(password),
        role=role,
        all_communities=all_communities,
        communities=list(communities),
    )
    db.session.add(user)
    return user


@use_case
def set_password(user: StaffUser, password: str) -> None:
    """Replace an account's password."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD} 位。")
    user.password_hash = generate_password_hash(password)


@use_case
def authenticate(
    username: str, password: str, client: str, *, max_per_user: int, max_per_client: int, window
) -> StaffUser:
    """Check a login; refuse for a while after repeated failures from the account or the client."""
    username = username.strip()
    if (
        ratelimit.count_recent(LOGIN_FAILURE, window, key=username) >= max_per_user
        or ratelimit.count_recent(LOGIN_FAILURE, window, client=client) >= max_per_client
    ):
        minutes = int(window.total_seconds() // 60)
        raise TooManyAttempts(f"登录失败次数过多，请 {minutes} 分钟后再试。")
    user = db.session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        ratelimit.record(LOGIN_FAILURE, client, username)
        # Committed even though the login is refused: the failure must count.
        db.session.commit()
        raise InvalidInput("用户名或密码错误。", code="bad_credentials")
    ratelimit.forget(LOGIN_FAILURE, username)
    return user


def visible_communities(user: StaffUser) -> list[Community]:
    """Return the 小区 this account may see, by name."""
    if user.all_communities:
        return list(db.session.execute(select(Community).order_by(Community.name)).scalars())
    return sorted(user.communities, key=lambda c: c.name)


def can_see(user: StaffUser, community: Community) -> bool:
    """Tell whether this account belongs to the 小区 (or to the whole deployment)."""
    return user.all_communities or any(c.id == community.id for c in user.communities)


def community_for(user: StaffUser, community_id: int, *, need: Role | None = None) -> Community:
    """Load a 小区 the account may act on, or raise NotFound / Forbidden.

    `need=Role.ADMIN` requires the admin role; `Role.STAFF` accepts admin and staff.
    """
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound("找不到该小区。")
    if not can_see(user, community):
        raise Forbidden("您的账号不属于该小区，无权查看或修改。")
    require_role(user, need)
    return community


def require_role(user: StaffUser, need: Role | None) -> None:
    """Raise Forbidden unless the account's role is at least `need`."""
    order = {Role.OBSERVER: 0, Role.STAFF: 1, Role.ADMIN: 2}
    if need is not None and order[user.role] < order[need]:
        raise Forbidden(f"此操作需要“{need.label}”权限，您的账号是“{user.role.label}”。")


@use_case
def create_community(name: str, actor: StaffUser | str) -> Community:
    """Create a 小区."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("小区名称不能为空，最多 100 个字。")
    if db.session.execute(select(Community.id).where(Community.name == name)).first():
        raise Conflict(f"小区“{name}”已存在。")
    community = Community(name=name)
    db.session.add(community)
    db.session.flush()
    log.append(log.community_chain(community.id), actor, "community.create", community_id=community.id, name=name)
    return community


def community_by_name(name: str) -> Community:
    """Find a 小区 by exact name or id (for the CLI)."""
    query = select(Community).where(Community.name == name)
    if (number := whole(name, low=1)) is not None:
        query = select(Community).where((Community.name == name) | (Community.id == number))
    community = db.session.execute(query).scalars().first()
    if community is None:
        raise NotFound(f"找不到小区“{name}”。")
    return community
