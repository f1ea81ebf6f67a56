"""People: users and their roles, passwords, API tokens and browser sessions.

Passwords are kept as argon2 hashes; tokens and session cookies only as
SHA-256 digests (each is 32 random bytes, so no slow hash is needed): a
stolen database gives no way in. Every change is in the log of changes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from afteraction.errors import (
    ConflictError,
    ForbiddenError,
    InvalidValueError,
    NotFoundError,
    UnauthorizedError,
)
from afteraction.profiles.labels import norm
from afteraction.service.team.context import ROLES, Actor, Team, sql
from afteraction.store.sql.tables import GrantRow, SessionRow, TokenRow, UserRow

TOKEN_PREFIX = "aar_"
SCOPES = ("read", "write")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
_HASHER = PasswordHasher()
MIN_PASSWORD = 8
MAX_PASSWORD = 1024


@dataclass(frozen=True)
class User:
    """A user as the API shows it (never the password hash)."""

    name: str
    display_name: str
    email: str | None
    role: str
    sign_roles: tuple[str, ...]
    active: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the user as JSON-ready data."""
        return {
            "name": self.name,
            "display_name": self.display_name,
            "email": self.email,
            "role": self.role,
            "sign_roles": list(self.sign_roles),
            "active": self.active,
        }


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidValueError(f"unknown role '{role}' (roles: {', '.join(ROLES)})", field="role")
    return role


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidValueError(
            f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters", field="password"
        )


def _user_row(session: Session, name: str) -> UserRow:
    row = session.scalars(select(UserRow).where(UserRow.name == name)).one_or_none()
    if row is None:
        raise NotFoundError(f"no user '{name}'", field="name")
    return row


def _user(session: Session, row: UserRow) -> User:
    roles = session.scalars(
        select(GrantRow.role).where(GrantRow.user_id == row.id).order_by(GrantRow.role)
    )
    return User(row.name, row.display_name, row.email, row.role, tuple(roles), row.active)


def actor_of(session: Session, row: UserRow, scope: str = "write") -> Actor:
    """Return the actor a user row acts as."""
    keys = session.scalars(select(GrantRow.key).where(GrantRow.user_id == row.id))
    return Actor(row.name, row.role, frozenset(keys), scope, row.display_name or row.name)


def add_user(
    team: Team,
    actor: Actor,
    name: str,
    *,
    role: str = "author",
    password: str | None = None,
    display_name: str = "",
    email: str | None = None,
) -> User:
    """Add a user (admins only); without a password they can use only API tokens."""
    actor.require("admin", "adding a user")
    if not _NAME.fullmatch(name):
        raise InvalidValueError(
            "a user name is 1-100 letters, digits and . _ @ -, starting with a letter or digit",
            field="name",
        )
    _check_role(role)
    if password is not None:
        _check_password(password)
    with team.writing(actor, "user.add") as space:
        session = sql(space).session
        if session.scalars(select(UserRow.id).where(UserRow.name == name)).first() is not None:
            raise ConflictError(f"a user '{name}' exists already", field="name")
        row = UserRow(
            name=name,
            display_name=display_name or name,
            email=email,
            password_hash=_HASHER.hash(password) if password is not None else None,
            role=role,
            active=True,
            created_at=team.now(),
        )
        session.add(row)
        session.flush()
        sql(space).log("user.add", None, None, {"user": name, "role": role})
        return _user(session, row)


def list_users(team: Team, actor: Actor) -> list[User]:
    """Return every user (any logged-in user may see who is on the team)."""
    actor.require("viewer", "listing users")
    with team.reading() as space:
        session = sql(space).session
        return [_user(session, r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]


def get_user(team: Team, actor: Actor, name: str) -> User:
    """Return one user."""
    actor.require("viewer", "reading a user")
    with team.reading() as space:
        session = sql(space).session
        return _user(session, _user_row(session, name))


def update_user(
    team: Team,
    actor: Actor,
    name: str,
    *,
    role: str | None = None,
    password: str | None = None,
    active: bool | None = None,
) -> User:
    """Change a user's role, password or whether they may log in (admins; or one's own password)."""
    if not (password is not None and role is None and active is None and actor.name == name):
        actor.require("admin", "changing a user")
    if role is not None:
        _check_role(role)
    if password is not None:
        _check_password(password)
    with team.writing(actor, "user.change") as space:
        store = sql(space)
        row = _user_row(store.session, name)
        detail: dict[str, Any] = {"user": name}
        if role is not None:
            row.role = detail["role"] = role
        if password is not None:
            row.password_hash = _HASHER.hash(password)
            detail["password"] = "changed"
            store.session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
        if active is not None:
            row.active = detail["active"] = active
        store.log("user.change", None, None, detail)
        return _user(store.session, row)


def grant(team: Team, actor: Actor, name: str, sign_role: str) -> User:
    """Let a user sign for a sign-off role (Incident Commander, Risk ...)."""
    actor.require("admin", "granting a sign-off role")
    if not norm(sign_role) or len(sign_role) > 200:
        raise InvalidValueError("a sign-off role is 1-200 characters", field="sign_role")
    with team.writing(actor, "user.grant") as space:
        store = sql(space)
        row = _user_row(store.session, name)
        key = norm(sign_role)
        held = store.session.scalars(
            select(GrantRow).where(GrantRow.user_id == row.id, GrantRow.key == key)
        ).one_or_none()
        if held is None:
            store.session.add(GrantRow(user_id=row.id, role=sign_role.strip(), key=key))
            store.session.flush()
            store.log("user.grant", None, None, {"user": name, "sign_role": sign_role.strip()})
        return _user(store.session, row)


def revoke(team: Team, actor: Actor, name: str, sign_role: str) -> User:
    """Take a sign-off role from a user."""
    actor.require("admin", "revoking a sign-off role")
    with team.writing(actor, "user.revoke") as space:
        store = sql(space)
        row = _user_row(store.session, name)
        gone = store.session.execute(
            delete(GrantRow).where(GrantRow.user_id == row.id, GrantRow.key == norm(sign_role))
        )
        if not getattr(gone, "rowcount", 0):
            raise NotFoundError(f"{name} does not hold the role '{sign_role}'", field="sign_role")
        store.log("user.revoke", None, None, {"user": name, "sign_role": sign_role})
        return _user(store.session, row)


@dataclass(frozen=True)
class NewToken:
    """A token just made: its secret is shown this once and kept only as a digest."""

    id: int
    name: str
    scope: str
    secret: str

    def to_dict(self) -> dict[str, Any]:
        """Return the token as JSON-ready data (with the secret: shown once)."""
        return {"id": self.id, "name": self.name, "scope": self.scope, "token": self.secret}


def make_token(team: Team, actor: Actor, user: str, name: str, scope: str = "write") -> NewToken:
    """Make an API token for ``user`` (themselves, or anyone for an admin)."""
    if actor.name != user:
        actor.require("admin", "making a token for another user")
    if scope not in SCOPES:
        raise InvalidValueError(f"unknown scope '{scope}' (scopes: read, write)", field="scope")
    if actor.scope != "write":
        raise ForbiddenError("making a token needs a token with the write scope")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with team.writing(actor, "token.add") as space:
        store = sql(space)
        row = _user_row(store.session, user)
        token = TokenRow(
            user_id=row.id,
            name=name[:200],
            hash=_digest(secret),
            scope=scope,
            created_at=team.now(),
        )
        store.session.add(token)
        store.session.flush()
        store.log("token.add", None, None, {"user": user, "token": token.id, "scope": scope})
        return NewToken(token.id, token.name, scope, secret)


def list_tokens(team: Team, actor: Actor, user: str) -> list[dict[str, Any]]:
    """Return a user's tokens (never their secrets)."""
    if actor.name != user:
        actor.require("admin", "listing another user's tokens")
    with team.reading() as space:
        session = sql(space).session
        row = _user_row(session, user)
        return [
            {
                "id": t.id,
                "name": t.name,
                "scope": t.scope,
                "created_at": t.created_at.isoformat(),
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in session.scalars(select(TokenRow).where(TokenRow.user_id == row.id))
        ]


def revoke_token(team: Team, actor: Actor, token_id: int) -> None:
    """Revoke a token (its owner or an admin): it stops working at once."""
    if actor.scope != "write":
        raise ForbiddenError("revoking a token needs a token with the write scope")
    with team.writing(actor, "token.revoke") as space:
        store = sql(space)
        token = store.session.get(TokenRow, token_id)
        owner = store.session.get(UserRow, token.user_id) if token is not None else None
        if token is None or owner is None:
            raise NotFoundError(f"no token {token_id}", field="token")
        if owner.name != actor.name:
            actor.require("admin", "revoking another user's token")
        if token.revoked_at is None:
            token.revoked_at = team.now()
            store.log("token.revoke", None, None, {"user": owner.name, "token": token_id})


def token_actor(team: Team, secret: str) -> Actor:
    """Return who an API token acts for; an unknown, revoked or inactive one is refused."""
    found = select(TokenRow.scope, UserRow).join(UserRow, UserRow.id == TokenRow.user_id)
    found = found.where(
        TokenRow.hash == _digest(secret), TokenRow.revoked_at.is_(None), UserRow.active.is_(True)
    )
    with team.database.reading() as session:
        match = session.execute(found).one_or_none()
        if match is None:
            raise UnauthorizedError("the API token is not valid (unknown, revoked or inactive)")
        scope, user = match
        return actor_of(session, user, scope)


def password_actor(team: Team, name: str, password: str) -> Actor:
    """Return the actor whose name and password these are; anything else is one refusal."""
    refused = UnauthorizedError("wrong user name or password")
    with team.reading() as space:
        session = sql(space).session
        user = session.scalars(select(UserRow).where(UserRow.name == name)).one_or_none()
        if user is None or user.password_hash is None or not user.active:
            _HASHER.hash(password[:MAX_PASSWORD])  # the same time as a real check
            raise refused
        try:
            _HASHER.verify(user.password_hash, password[:MAX_PASSWORD])
        except (VerificationError, InvalidHashError):
            raise refused from None
        return actor_of(session, user)


@dataclass(frozen=True)
class Login:
    """A browser session: the cookie's secret and the CSRF token forms must send back."""

    secret: str
    csrf: str
    expires_at: datetime
    actor: Actor


def log_in(team: Team, name: str, password: str) -> Login:
    """Check a password and open a session for it."""
    actor = password_actor(team, name, password)
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = team.now() + timedelta(days=team.workspace.settings.server.session_days)
    with team.writing(actor, "login") as space:
        store = sql(space)
        user = _user_row(store.session, name)
        store.session.add(
            SessionRow(
                hash=_digest(secret),
                user_id=user.id,
                csrf=csrf,
                created_at=team.now(),
                expires_at=expires,
            )
        )
    return Login(secret, csrf, expires, actor)


def session_actor(team: Team, secret: str) -> tuple[Actor, str]:
    """Return who a session cookie belongs to and its CSRF token; an expired one is refused."""
    with team.reading() as space:
        session = sql(space).session
        row = session.scalars(
            select(SessionRow).where(SessionRow.hash == _digest(secret))
        ).one_or_none()
        user = session.get(UserRow, row.user_id) if row is not None else None
        if row is None or user is None or not user.active or row.expires_at <= team.now():
            raise UnauthorizedError("the session has ended: log in again")
        return actor_of(session, user), row.csrf


def log_out(team: Team, secret: str) -> None:
    """End a session."""
    with team.database.writing() as session:
        session.execute(delete(SessionRow).where(SessionRow.hash == _digest(secret)))
