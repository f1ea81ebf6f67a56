"""The tables: what a team's server keeps, as SQLAlchemy 2 declarative classes.

A postmortem is its Markdown text; every other column of ``postmortems``
(title, status, key times, owners ...) and its labels are derived from that
text on every save, in the same transaction. Every save is a revision. The
log of changes (``changes``) is only ever appended to.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Constraint names spelled out, so migrations can name what they change on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored in UTC and read back aware on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store ``value`` in UTC (naive on SQLite, which keeps no zone)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored: give it a zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return the stored time, aware and in UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The metadata every table shares."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class PostmortemRow(Base):
    """One postmortem: what lists and filters read, derived from its text (in its ``body``)."""

    __tablename__ = "postmortems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    profile: Mapped[str] = mapped_column(String(100), index=True)
    severity: Mapped[str | None] = mapped_column(String(100), index=True)
    status: Mapped[str | None] = mapped_column(String(100), index=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    started_at: Mapped[datetime | None]
    detected_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    mitigated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    owners: Mapped[list[str]] = mapped_column(default=list)
    component: Mapped[str | None] = mapped_column(String(200), index=True)
    tags: Mapped[list[str]] = mapped_column(default=list)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    digest: Mapped[str] = mapped_column(String(64))
    recognized: Mapped[bool] = mapped_column(Boolean, default=True)
    reading: Mapped[str] = mapped_column(String(32), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(index=True)
    updated_by: Mapped[str] = mapped_column(String(200))
    body: Mapped[PostmortemBodyRow] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, innerjoin=True
    )


class PostmortemBodyRow(Base):
    """A postmortem's text and the record read from it: what lists and filters never read.

    Kept apart from ``postmortems`` so a list or a count reads rows of a few
    hundred bytes, not of the whole text (a full scan of 10,000 postmortems
    read every row's pages before).
    """

    __tablename__ = "postmortem_bodies"

    postmortem_id: Mapped[int] = mapped_column(
        ForeignKey("postmortems.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    record: Mapped[str] = mapped_column(Text)
    brief: Mapped[str] = mapped_column(Text)
    warnings: Mapped[list[str]] = mapped_column(default=list)
    disorder: Mapped[list[str]] = mapped_column(default=list)


class LabelRow(Base):
    """An owner or tag of a postmortem, one per row, lower-cased, for filters."""

    __tablename__ = "labels"
    __table_args__ = (Index("ix_labels_kind_value", "kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(
        ForeignKey("postmortems.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(200))


class RevisionRow(Base):
    """One saved text of a postmortem: who saved it, when, why."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("postmortem_id", "number", name="uq_revisions_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(
        ForeignKey("postmortems.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    message: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))


class UserRow(Base):
    """A person (or a script's owner) who can log in: role and password hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class GrantRow(Base):
    """A sign-off role a user holds (Incident Commander, Risk ...): who may sign for it."""

    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_grants_user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))


class TokenRow(Base):
    """An API token: only its hash is kept; scoped read or write; revocable."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SessionRow(Base):
    """A browser's login: the hash of its cookie, its CSRF token, when it ends."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class CommentRow(Base):
    """A comment on a section of a postmortem, at the revision it was made on."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(
        ForeignKey("postmortems.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[str | None] = mapped_column(String(300))
    author: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class ReviewRow(Base):
    """A reviewer's verdict on a revision: approved, or changes requested."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(
        ForeignKey("postmortems.id", ondelete="CASCADE"), index=True
    )
    reviewer: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class ChangeRow(Base):
    """One entry of the log of changes: who did what to which postmortem (or user), when.

    Rows are only inserted, never updated or deleted; ``ref`` stays when the
    postmortem it names is deleted.
    """

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    ref: Mapped[str | None] = mapped_column(String(200), index=True)
    revision: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class HookRow(Base):
    """An alert webhook receiver: its kind, its secret, the profile a new incident opens in."""

    __tablename__ = "hooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    secret: Mapped[str] = mapped_column(String(200))
    profile: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AlertGroupRow(Base):
    """An alert group seen by a receiver and the postmortem it opened (or joined)."""

    __tablename__ = "alert_groups"
    __table_args__ = (UniqueConstraint("hook", "key", name="uq_alert_groups_hook_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hook: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(500))
    postmortem_id: Mapped[int | None] = mapped_column(
        ForeignKey("postmortems.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime]


class DeliveryRow(Base):
    """A webhook delivery already applied (by its body's digest): a repeat adds nothing."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("hook", "digest", name="uq_deliveries_hook_digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hook: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]
    ref: Mapped[str | None] = mapped_column(String(200))
