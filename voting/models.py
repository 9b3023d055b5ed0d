"""SQLAlchemy 2.0 typed models. No business rules live here."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .timeutil import UTCDateTime, utcnow


class Role(str, enum.Enum):
    """Staff roles: admin does everything, staff runs the door and the desk, observer reads."""

    ADMIN = "admin"
    STAFF = "staff"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return {"admin": "管理员", "staff": "工作人员", "observer": "观察员"}[self.value]


staff_communities = Table(
    "staff_community",
    db.metadata,
    Column("staff_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("community_id", ForeignKey("community.id", ondelete="CASCADE"), primary_key=True),
)


class Community(db.Model):
    """小区: one residential compound; every other row belongs to one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    households: Mapped[list[Household]] = relationship(back_populates="community")


class Household(db.Model):
    """户: one vote; addressed by 楼号/单元/室号."""

    __table_args__ = (
        UniqueConstraint("community_id", "building", "unit", "room"),
        CheckConstraint("area > 0", name="area_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    building: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20), default="")
    room: Mapped[str] = mapped_column(String(20))
    head_name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(30), default="")
    area: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    property_unit: Mapped[str] = mapped_column(String(100), default="")
    has_vote: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    community: Mapped[Community] = relationship(back_populates="households")

    @property
    def address(self) -> str:
        """Return the address as residents write it, e.g. 3号楼2单元301室."""
        return format_address(self.building, self.unit, self.room)


def format_address(building: str, unit: str, room: str) -> str:
    """Join 楼号/单元/室号, adding 号楼/单元/室 where the register gives bare numbers."""
    parts = [building + ("号楼" if building.isdigit() else "")]
    if unit:
        parts.append(unit + ("单元" if unit.isdigit() else ""))
    parts.append(room + ("室" if room.isdigit() else ""))
    return "".join(parts)


class StaffUser(db.Model):
    """A 居委会 staff account; belongs to one or more 小区 unless it is deployment-wide."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    # A deployment admin (街道) sees every 小区 of the deployment.
    all_communities: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    communities: Mapped[list[Community]] = relationship(secondary=staff_communities)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def name(self) -> str:
        return self.display_name or self.username


class LoginFailure(db.Model):
    """A failed login, kept for the rate limit; cleared on success for that username."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class LogHead(db.Model):
    """The latest entry of one hash chain; locked while an entry is appended."""

    chain: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class ActionLog(db.Model):
    """Append-only record of staff actions, hash-chained per 小区 or meeting."""

    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(50))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
