"""SQLAlchemy 2.0 typed models. No business rules live here."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .timeutil import UTCDateTime, utcnow


def enum_of(enum_class: type[enum.Enum], length: int) -> Enum:
    """Store an enum as its value ('blank', not 'BLANK') in a plain string column, on every backend."""
    return Enum(
        enum_class, native_enum=False, length=length, values_callable=lambda members: [m.value for m in members]
    )


class Role(enum.StrEnum):
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
    role: Mapped[Role] = mapped_column(enum_of(Role, 20))
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


class RateEvent(db.Model):
    """An event counted by a rate limit (failed login, public form, bad ballot token)."""

    __table_args__ = (
        Index("ix_rate_event_kind_client_at", "kind", "client", "at"),
        Index("ix_rate_event_kind_key_at", "kind", "key", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64), default="")  # e.g. the username tried
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


class Meeting(db.Model):
    """居民会议: holds the agenda; its rule profile is stored as the core's JSON."""

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str] = mapped_column(String(200), default="")
    rules: Mapped[dict] = mapped_column(JSON)  # voting.core.RuleProfile.to_dict()
    public_base_url: Mapped[str] = mapped_column(String(200), default="")
    objection_days: Mapped[int] = mapped_column(Integer, default=3)  # 询异期 (DESIGN §4.11)
    publicity_days: Mapped[int] = mapped_column(Integer, default=5)  # 候选人公示 (DESIGN §4.11)
    allow_quorum_override: Mapped[bool] = mapped_column(Boolean, default=False)
    double_entry: Mapped[bool] = mapped_column(Boolean, default=False)  # paper ballots entered twice, blind
    public_key: Mapped[str | None] = mapped_column(String(64))  # Ed25519, hex; created at first issue
    registration_open: Mapped[bool] = mapped_column(Boolean, default=False)
    candidates_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ballots_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # freezes the agenda
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 当场公布 (preliminary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community: Mapped[Community] = relationship(lazy="joined", innerjoin=True)  # every page shows the 小区's name
    contests: Mapped[list[Contest]] = relationship(
        back_populates="meeting", order_by="Contest.position", cascade="all, delete-orphan"
    )


class ContestKind(enum.StrEnum):
    COMMITTEE = "committee"
    CHOICE = "choice"
    MOTION = "motion"


class ContestPurpose(enum.StrEnum):
    """What a contest decides; fee levels are an ordered choice with amounts."""

    COMMITTEE = "committee"
    SERVICE_MODE = "service_mode"
    FEE = "fee"
    MOTION = "motion"
    OTHER = "other"


class ContestStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Contest(db.Model):
    """表决事项: one vote on the agenda (a committee round, a choice, a motion)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ContestKind] = mapped_column(enum_of(ContestKind, 20))
    purpose: Mapped[ContestPurpose] = mapped_column(enum_of(ContestPurpose, 20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Kind-specific settings: seats, contested, candidate_order, threshold, base, ordered,
    # method, unit, special, round; read by voting.services.agenda.core_contest.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    fee_inputs: Mapped[dict | None] = mapped_column(JSON)  # 测算费用 inputs (fee contests)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("contest.id"))
    status: Mapped[ContestStatus] = mapped_column(enum_of(ContestStatus, 10), default=ContestStatus.DRAFT)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict | None] = mapped_column(JSON)  # what voting.core returned, as JSON
    present_at_close: Mapped[list | None] = mapped_column(JSON)  # roll entry ids present when it closed

    meeting: Mapped[Meeting] = relationship(back_populates="contests")
    options: Mapped[list[ContestOption]] = relationship(
        back_populates="contest", order_by="ContestOption.position", cascade="all, delete-orphan"
    )
    parent: Mapped[Contest | None] = relationship(remote_side=[id])


class ContestOption(db.Model):
    """A candidate or option as printed on the ballot; `key` is what a ballot marks."""

    __table_args__ = (UniqueConstraint("contest_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # fee levels
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id"))

    contest: Mapped[Contest] = relationship(back_populates="options")
    registration: Mapped[Registration | None] = relationship()


class RegistrationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"pending": "待审核", "approved": "已通过", "rejected": "未通过"}[self.value]


class Registration(db.Model):
    """自荐 / 推荐 报名登记表 for the committee election of a meeting."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # voting.core.NominationKind value
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(4), default="")
    birth_date: Mapped[date] = mapped_column(Date)
    political_status: Mapped[str] = mapped_column(String(20), default="")
    education: Mapped[str] = mapped_column(String(20), default="")
    occupation: Mapped[str] = mapped_column(String(100), default="")
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    phone: Mapped[str] = mapped_column(String(30), default="")
    statement: Mapped[str] = mapped_column(Text, default="")  # 个人简历 / 自荐理由
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    declarations: Mapped[list] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(10), default="online")  # online / paper
    entered_by: Mapped[str] = mapped_column(String(50), default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_of(RegistrationStatus, 10), default=RegistrationStatus.PENDING
    )
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    manual_checks: Mapped[list] = mapped_column(JSON, default=list)
    reviewed_by: Mapped[str] = mapped_column(String(50), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    household: Mapped[Household] = relationship()
    recommenders: Mapped[list[Recommendation]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="Recommendation.id"
    )


class Recommendation(db.Model):
    """One household co-signing a 推荐, with the name of who signed for it."""

    __table_args__ = (UniqueConstraint("registration_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    signer: Mapped[str] = mapped_column(String(50))

    registration: Mapped[Registration] = relationship(back_populates="recommenders")
    household: Mapped[Household] = relationship()


class RollEntry(db.Model):
    """A household on a meeting's roll: the ballot issued to it (serial, short code) and its area.

    Snapshotted when ballots are issued, so later register edits do not change the electorate
    of a meeting under way. A reissue increments `serial`, which voids older tokens.
    """

    __table_args__ = (UniqueConstraint("meeting_id", "household_id"), UniqueConstraint("meeting_id", "short_code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    address: Mapped[str] = mapped_column(String(80))
    area: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    serial: Mapped[int] = mapped_column(Integer, default=1)
    short_code: Mapped[str] = mapped_column(String(12))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household] = relationship()


class Channel(enum.StrEnum):
    PHONE = "phone"
    PAPER = "paper"
    MOBILE = "mobile"  # 流动票箱

    @property
    def label(self) -> str:
        return {"phone": "手机", "paper": "纸质选票", "mobile": "流动票箱"}[self.value]


class VoteMark(db.Model):
    """That a household voted in a contest (channel, time) — never which ballot is its own.

    The primary key is the guarantee of one ballot per household and contest: it is inserted
    in the same transaction as the ballot, so a second attempt fails in the database whatever
    process or thread makes it.
    """

    roll_entry_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id"), primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), primary_key=True, index=True)
    channel: Mapped[Channel] = mapped_column(enum_of(Channel, 10))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BallotStatus(enum.StrEnum):
    VALID = "valid"
    BLANK = "blank"
    INVALID = "invalid"


class Ballot(db.Model):
    """A cast ballot: a random receipt, the contest and the marks. Nothing links it to a household.

    No household key, no timestamp, no ordered id; on SQLite the table has no rowid, so rows are
    stored in receipt order rather than insertion order.
    """

    __table_args__ = {"sqlite_with_rowid": False}

    receipt: Mapped[str] = mapped_column(String(16), primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    marks: Mapped[list] = mapped_column(JSON)  # as marked (sorted), classified by voting.core
    status: Mapped[BallotStatus] = mapped_column(enum_of(BallotStatus, 10))
    # The household's area, only under a profile that counts area ([民法典] 278); None otherwise.
    area: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))


class PaperEntry(db.Model):
    """A paper ballot's marks waiting for the blind second entry (double entry), then deleted."""

    __table_args__ = (UniqueConstraint("roll_entry_id", "contest_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_entry_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id"))
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"))
    channel: Mapped[Channel] = mapped_column(enum_of(Channel, 10))
    first_marks: Mapped[list] = mapped_column(JSON)
    first_by: Mapped[str] = mapped_column(String(50))
    second_marks: Mapped[list | None] = mapped_column(JSON)  # set only when it disagreed
    second_by: Mapped[str] = mapped_column(String(50), default="")


class CheckIn(db.Model):
    """A household checked in at the venue; undoing it deletes the row (the log keeps why)."""

    roll_entry_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id"), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(50))


class Proxy(db.Model):
    """委托投票: the principal household is represented by the holder household (DESIGN §4.8)."""

    principal_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id"), primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    letter: Mapped[str] = mapped_column(String(200))  # how the written authorisation was checked
    photo_sha256: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(50))

    principal: Mapped[RollEntry] = relationship(foreign_keys=[principal_id])
    holder: Mapped[RollEntry] = relationship(foreign_keys=[holder_id])


class OfficialRole(enum.StrEnum):
    SCRUTINEER = "scrutineer"  # 监票人
    TELLER = "teller"  # 计票人

    @property
    def label(self) -> str:
        return {"scrutineer": "监票人", "teller": "计票人"}[self.value]


class MeetingOfficial(db.Model):
    """A staff account named 监票人 or 计票人 of a meeting; each must sign off every count."""

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True)
    role: Mapped[OfficialRole] = mapped_column(enum_of(OfficialRole, 12))

    staff: Mapped[StaffUser] = relationship()


class SignOff(db.Model):
    """An official's signature on a closed contest's count."""

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True)
    role: Mapped[OfficialRole] = mapped_column(enum_of(OfficialRole, 12))
    name: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommitteeRole(enum.StrEnum):
    DIRECTOR = "director"  # 主任
    DEPUTY = "deputy"  # 副主任
    MEMBER = "member"  # 委员

    @property
    def label(self) -> str:
        return {"director": "主任", "deputy": "副主任", "member": "委员"}[self.value]


class CommitteeMember(db.Model):
    """An elected member and the role the committee gave them, published with a contact number."""

    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    role: Mapped[CommitteeRole] = mapped_column(enum_of(CommitteeRole, 10))
    phone: Mapped[str] = mapped_column(String(30))  # the number to publish (may differ from the form's)

    registration: Mapped[Registration] = relationship()


class ApiKey(db.Model):
    """A staff API key: shown once, stored as its SHA-256 (keys are random, 256 bits), revocable."""

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in listings to tell keys apart
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    staff: Mapped[StaffUser] = relationship()
