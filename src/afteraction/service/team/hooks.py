"""Live incidents: alert webhooks that open postmortems and fill their timelines.

Each receiver (Alertmanager, Grafana, PagerDuty, Opsgenie) has a name, a kind
and its own secret. A delivery is checked first (PagerDuty's signature, the
shared secret of the others), then read: its notice says which incident it
belongs to; the first delivery of a group opens a DRAFT postmortem, later ones
join it. The events come from the timeline source of that kind, appended as
``aar timeline add`` appends them, and firing, acknowledged and resolved fill
the key times still empty. A repeated delivery changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from afteraction.errors import (
    AfteractionError,
    ConflictError,
    InvalidValueError,
    NotFoundError,
    UnauthorizedError,
    UsageError,
)
from afteraction.service import documents
from afteraction.service.team.context import Actor, Team, sql
from afteraction.service.timeline import BuildOptions, add_timeline, build_timeline, source_specs
from afteraction.store.sql.store import SqlStore
from afteraction.store.sql.tables import AlertGroupRow, DeliveryRow, HookRow, PostmortemRow
from afteraction.timeline.alertauth import pagerduty_signature_ok, shared_secret_ok
from afteraction.timeline.alerts import (
    RECEIVERS,
    AlertNotice,
    read_notice,
)

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")
SECRET_HEADER = "x-afteraction-token"


@dataclass(frozen=True)
class Hook:
    """A receiver as an admin sees it; its secret only when just made."""

    name: str
    kind: str
    profile: str | None
    secret: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the receiver as JSON-ready data."""
        found: dict[str, Any] = {"name": self.name, "kind": self.kind, "profile": self.profile}
        if self.secret is not None:
            found["secret"] = self.secret
        return found


def add_hook(
    team: Team,
    actor: Actor,
    name: str,
    kind: str,
    *,
    profile: str | None = None,
    secret: str | None = None,
) -> Hook:
    """Add a receiver (admins); without ``secret`` one is made. PagerDuty gives its own."""
    actor.require("admin", "adding an alert webhook")
    if not _NAME.fullmatch(name):
        raise InvalidValueError(
            "a receiver's name is 1-100 lower-case letters, digits, - and _", field="name"
        )
    if kind not in RECEIVERS:
        raise InvalidValueError(
            f"unknown kind '{kind}' (kinds: {', '.join(RECEIVERS)})", field="kind"
        )
    if profile is not None:
        team.workspace.profiles.get(profile)
    if secret is not None and not 16 <= len(secret) <= 200:
        raise InvalidValueError("a secret has 16 to 200 characters", field="secret")
    secret = secret or secrets.token_urlsafe(32)
    with team.writing(actor, "hook.add") as space:
        store = sql(space)
        if store.session.scalar(select(HookRow.id).where(HookRow.name == name)) is not None:
            raise ConflictError(f"a receiver '{name}' exists already", field="name")
        store.session.add(
            HookRow(name=name, kind=kind, secret=secret, profile=profile, created_at=team.now())
        )
        store.log("hook.add", None, None, {"hook": name, "kind": kind})
    return Hook(name, kind, profile, secret)


def list_hooks(team: Team, actor: Actor) -> list[Hook]:
    """Return every receiver (admins), without secrets."""
    actor.require("admin", "listing alert webhooks")
    with team.reading() as space:
        rows = sql(space).session.scalars(select(HookRow).order_by(HookRow.name))
        return [Hook(r.name, r.kind, r.profile) for r in rows]


def remove_hook(team: Team, actor: Actor, name: str) -> None:
    """Remove a receiver (admins): its deliveries are refused from then on."""
    actor.require("admin", "removing an alert webhook")
    with team.writing(actor, "hook.remove") as space:
        store = sql(space)
        row = store.session.scalars(select(HookRow).where(HookRow.name == name)).one_or_none()
        if row is None:
            raise NotFoundError(f"no receiver '{name}'", field="name")
        store.session.delete(row)
        store.log("hook.remove", None, None, {"hook": name})


@dataclass(frozen=True)
class Received:
    """What a delivery did: the postmortem it opened or joined, events added, a repeat."""

    id: str | None
    opened: bool
    added: int
    filled: list[str]
    state: str
    repeat: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "id": self.id,
            "opened": self.opened,
            "added": self.added,
            "filled": self.filled,
            "state": self.state,
            "repeat": self.repeat,
        }


def receive(team: Team, name: str, body: bytes, headers: Mapping[str, str]) -> Received:
    """Take one delivery to receiver ``name``; a bad secret is 401, a bad payload 400.

    ``headers`` are the request's, with lower-case names.
    """
    with team.reading() as space:
        hook = (
            sql(space)
            .session.scalars(select(HookRow).where(HookRow.name == name, HookRow.active.is_(True)))
            .one_or_none()
        )
        if hook is None:
            raise NotFoundError(f"no receiver '{name}'", field="name")
        kind, secret, profile_name = hook.kind, hook.secret, hook.profile
    _authenticate(kind, secret, body, headers)
    try:
        notice = read_notice(kind, body, team.now())
    except InvalidValueError as exc:
        raise UsageError(exc.message, field="body") from None
    digest = hashlib.sha256(body).hexdigest()
    actor = Actor(f"hook:{name}", "admin", display_name=f"{kind} ({name})")
    with team.writing(actor, "alert", f"{kind}: {notice.state}") as space:
        store = sql(space)
        store.session.scalars(select(HookRow).where(HookRow.name == name).with_for_update()).one()
        if store.session.scalar(
            select(DeliveryRow.id).where(DeliveryRow.hook == name, DeliveryRow.digest == digest)
        ):
            group = store.session.scalars(
                select(AlertGroupRow).where(
                    AlertGroupRow.hook == name, AlertGroupRow.key == notice.group
                )
            ).one_or_none()
            ref = _ref(store, group.postmortem_id) if group and group.postmortem_id else None
            return Received(ref, False, 0, [], notice.state, repeat=True)
        row, opened = _postmortem_for(team, store, name, notice, profile_name)
        # A legacy Grafana payload states no time: it happened when it was received.
        at = f"[at={team.now():%Y-%m-%dT%H:%M:%SZ}]" if kind == "grafana" else ""
        specs = source_specs([(f"{kind}{at}:{name}-delivery.json", body)])
        timeline = build_timeline(space, specs, BuildOptions(far_days=0))
        applied = add_timeline(space, store.whole(row), timeline)
        store.session.add(
            DeliveryRow(hook=name, digest=digest, received_at=team.now(), ref=row.ref)
        )
        return Received(row.ref, opened, applied.added, list(applied.filled), notice.state)


def _authenticate(kind: str, secret: str, body: bytes, headers: Mapping[str, str]) -> None:
    if kind == "pagerduty":
        if not pagerduty_signature_ok(body, headers.get("x-pagerduty-signature"), secret):
            raise UnauthorizedError("the X-PagerDuty-Signature does not sign this body")
        return
    given = headers.get(SECRET_HEADER)
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        given = given or value.strip()
    elif scheme.lower() == "basic":
        try:
            given = (
                given or base64.b64decode(value.strip(), validate=True).decode().partition(":")[2]
            )
        except (binascii.Error, UnicodeDecodeError):
            given = None
    if not shared_secret_ok(given, secret):
        raise UnauthorizedError(
            "the receiver's secret is missing or wrong (Authorization: Bearer SECRET,"
            " basic auth with it as the password, or X-Afteraction-Token)"
        )


def _ref(store: SqlStore, postmortem_id: int) -> str | None:
    return store.session.scalar(select(PostmortemRow.ref).where(PostmortemRow.id == postmortem_id))


def _postmortem_for(
    team: Team, store: SqlStore, hook: str, notice: AlertNotice, profile_name: str | None
) -> tuple[PostmortemRow, bool]:
    """Return the open postmortem of the notice's group, or open one; say if it is new."""
    group = store.session.scalars(
        select(AlertGroupRow).where(AlertGroupRow.hook == hook, AlertGroupRow.key == notice.group)
    ).one_or_none()
    if group is not None and group.postmortem_id is not None:
        row = store.session.get(PostmortemRow, group.postmortem_id)
        if row is not None and not _closed(team, row):
            group.state, group.updated_at = notice.state, team.now()
            return row, False
    settings = team.workspace.settings.server.alerts
    profile = team.workspace.profiles.get(profile_name or settings.profile)
    severity = settings.severity.get((notice.severity or "").lower(), notice.severity)
    if severity not in profile.severity_names():
        severity = None
    given = documents.NewIncident(notice.title[:500], severity, notice.at)
    record = documents.new_record(profile, store, given, team.now().date())
    assert record.id is not None
    store.create(Path(record.id), documents.render_draft(record, profile))
    row = store.row(record.id)
    if group is None:
        store.session.add(
            AlertGroupRow(
                hook=hook,
                key=notice.group,
                postmortem_id=row.id,
                state=notice.state,
                updated_at=team.now(),
            )
        )
    else:
        group.postmortem_id, group.state, group.updated_at = row.id, notice.state, team.now()
    store.session.flush()
    return row, True


def _closed(team: Team, row: PostmortemRow) -> bool:
    """Say whether a postmortem is at a final status (a new alert then opens a new one)."""
    try:
        profile = team.workspace.profiles.get(row.profile)
    except AfteractionError:
        return False
    spec = profile.status(row.status)
    return spec is not None and spec.final
