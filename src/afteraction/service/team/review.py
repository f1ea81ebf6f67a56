"""Review and sign-off: verdicts, signatures, and moving a postmortem through its statuses.

The statuses and the moves between them come from the profile. A move to a
status is refused, with every reason at once, when the profile does not
allow it from the current status, when a sign-off the status needs is not
there (signed through the server by a user holding that role), and, for
the final status, when a finding of a rule that blocks the final status
remains (required sections, placeholders, open blocking items ...). When a
postmortem reaches its final status, its distribution list is mailed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from afteraction.document.loaded import Document
from afteraction.errors import AfteractionError, ForbiddenError, InvalidValueError, RefusedError
from afteraction.followup.mail import send_mail
from afteraction.followup.signing import SignerInfo, sign
from afteraction.followup.status import set_document_status
from afteraction.profiles.labels import norm
from afteraction.service import documents, lint
from afteraction.service.team.context import Actor, Team, sql
from afteraction.service.team.postmortems import visible_row
from afteraction.store.sql.store import SqlStore
from afteraction.store.sql.tables import ChangeRow, GrantRow, ReviewRow, UserRow

VERDICTS = ("approved", "changes_requested")
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# What may stand around an address in a word of text: "<a@b.c>", "(a@b.c)," ...
_AROUND = "<>()[]{},;:\"'*_`"


@dataclass
class Moved:
    """A status move done: from, to, the new version, who was mailed (and any mail problem)."""

    old: str | None
    new: str
    version: int
    mailed: list[str] = field(default_factory=list)
    mail_problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the move as JSON-ready data."""
        return {
            "from": self.old,
            "to": self.new,
            "version": self.version,
            "mailed": self.mailed,
            "mail_problem": self.mail_problem,
        }


def move_status(team: Team, actor: Actor, ref: str, target: str, today: date) -> Moved:
    """Move a postmortem to status ``target``, or refuse with every reason it may not."""
    actor.require("author", "changing a postmortem's status")
    with team.writing(actor, "status") as space:
        store = sql(space)
        row = visible_row(store, actor, ref, lock=True)
        document = store.whole(row)
        profile = document.profile
        spec = profile.status(target)
        if spec is None:
            known = ", ".join(s.name for s in profile.statuses) or "none"
            raise InvalidValueError(
                f"{profile.name} has no status '{target}' (statuses: {known})", field="status"
            )
        if spec.final:
            actor.require("reviewer", "making a postmortem final")
        current = document.record.status
        text = document.source.text if document.source is not None else ""
        reasons = _reasons(store, document, spec.name)
        new_text = text
        try:
            new_text = set_document_status(text, ref, profile, spec.name)
        except AfteractionError as exc:
            reasons.append({"kind": "status", "message": exc.message, "line": exc.line})
        if spec.final and not reasons:
            reasons += _blocking(team, new_text, ref, today)
        if reasons:
            raise RefusedError(
                f"{ref} cannot move to {spec.name}: {len(reasons)} reason(s)", reasons
            )
        store.change.message = f"{current or 'no status'} -> {spec.name}"
        store.put(document, new_text)
        moved = Moved(current, spec.name, store.row(ref).revision)
        final_doc = store.whole(store.row(ref)) if spec.final else None
    if final_doc is not None:
        _mail(team, final_doc, moved)
    return moved


def _reasons(store: SqlStore, document: Document, target: str) -> list[dict[str, Any]]:
    """Return why the workflow refuses the move: the transition, and each missing sign-off."""
    profile, record = document.profile, document.record
    reasons: list[dict[str, Any]] = []
    current = profile.status(record.status)
    here = (
        current.name
        if current is not None
        else (profile.statuses[0].name if profile.statuses else "")
    )
    if target.lower() != here.lower() and target not in profile.next_statuses(here):
        allowed = ", ".join(profile.next_statuses(here)) or "none"
        reasons.append(
            {
                "kind": "transition",
                "message": f"{profile.name} does not move from {here} to {target} (from"
                f" {here}: {allowed})",
            }
        )
    valid = _valid_signatures(store, record.id or str(document.path))
    for role in profile.required_sign_offs(target):
        signed = next(
            (s for s in record.sign_offs if norm(s.role) == norm(role) and s.signed), None
        )
        if signed is None:
            reasons.append({"kind": "sign-off", "role": role, "message": f"{role} has not signed"})
        elif (norm(role), (signed.signer or signed.name or "").lower()) not in valid:
            reasons.append(
                {
                    "kind": "sign-off",
                    "role": role,
                    "message": f"the {role} sign-off was not made on the server by a user who"
                    " holds that role: sign it again",
                }
            )
    return reasons


def _valid_signatures(store: SqlStore, ref: str) -> set[tuple[str, str]]:
    """Return (role, who) pairs signed through the server by users still holding the role.

    ``who`` is the user's name and, apart, their display name (lower-cased):
    a sign-off in the text names its signer by either, as its columns allow.
    """
    entries = store.session.scalars(
        select(ChangeRow).where(ChangeRow.ref == ref, ChangeRow.action == "sign")
    )
    signed = {(str(e.detail.get("key")), e.actor) for e in entries}
    held = store.session.execute(
        select(GrantRow.key, UserRow.name, UserRow.display_name).join(
            UserRow, UserRow.id == GrantRow.user_id
        )
    )
    valid: set[tuple[str, str]] = set()
    for key, name, shown in held:
        if (key, name) in signed:
            valid |= {(key, name.lower()), (key, (shown or name).lower())}
    return valid


def _blocking(team: Team, text: str, ref: str, today: date) -> list[dict[str, Any]]:
    """Return the findings, in the text as it would be, of the rules that block the final status."""
    blocking = {r.id for r in team.workspace.rules.ordered() if r.blocks_final}
    return [
        {
            "kind": "finding",
            "rule": f.rule,
            "name": f.name,
            "line": f.line,
            "message": f.message,
        }
        for f in lint.lint_text(team.workspace, text, ref, today)
        if f.rule in blocking
    ]


def _addresses(text: str) -> list[str]:
    """Return the mail addresses among the words of ``text`` (each word tried once: linear)."""
    words = (word.strip(_AROUND) for word in text.split())
    return [word for word in words if _ADDRESS.fullmatch(word)]


def _mail(team: Team, document: Document, moved: Moved) -> None:
    """Mail the final postmortem to its distribution list; a failure is reported, not raised."""
    settings = team.workspace.settings
    listed = [
        part.body
        for part in document.record.sections
        if norm(part.key or part.heading) in ("distribution", "distribution list")
    ]
    recipients = dict.fromkeys([*settings.server.distribution, *_addresses("\n".join(listed))])
    if not recipients:
        return
    record, profile = document.record, document.profile
    subject = f"[{record.id}] {record.title} is {moved.new}"
    try:
        send_mail(
            settings.digest,
            list(recipients),
            subject,
            documents.render(record, profile, "md"),
            documents.render(record, profile, "html"),
            what="the final postmortem",
        )
        moved.mailed = list(recipients)
    except AfteractionError as exc:
        moved.mail_problem = exc.message


def sign_off(
    team: Team, actor: Actor, ref: str, role: str, *, approved: bool = True
) -> dict[str, Any]:
    """Sign a postmortem for ``role``, which the actor must hold; the text's sign-off is filled."""
    if actor.scope != "write":
        raise ForbiddenError("signing needs a token with the write scope")
    if not actor.holds(role):
        raise ForbiddenError(f"{actor.name} does not hold the sign-off role '{role}'", field="role")
    with team.writing(actor, "sign", f"signed as {role}") as space:
        store = sql(space)
        row = visible_row(store, actor, ref, lock=True)
        document = store.whole(row)
        profile = document.profile
        named = {norm(r) for r in profile.sign_off_roles} | {
            norm(s.role) for s in document.record.sign_offs
        }
        if norm(role) not in named:
            known = ", ".join(profile.sign_off_roles) or "none"
            raise InvalidValueError(
                f"{ref} asks for no '{role}' sign-off (roles: {known})", field="role"
            )
        text = document.source.text if document.source is not None else ""
        signer = SignerInfo(actor.display_name or actor.name, actor.name, team.now(), approved)
        detail = {"role": role, "key": norm(role), "approved": approved}
        store.change.detail = detail
        before = row.revision
        store.put(document, sign(text, ref, profile, role, signer))
        revision = store.row(ref).revision
        if revision == before:  # signed again with nothing new to write: still on record
            store.log("sign", ref, revision, detail)
        return {"role": role, "signer": actor.name, "version": revision, "approved": approved}


def review(team: Team, actor: Actor, ref: str, verdict: str, note: str = "") -> dict[str, Any]:
    """Record a reviewer's verdict on the current revision: approved, or changes requested."""
    actor.require("reviewer", "reviewing")
    if verdict not in VERDICTS:
        raise InvalidValueError(
            f"unknown verdict '{verdict}' (verdicts: {', '.join(VERDICTS)})", field="verdict"
        )
    if len(note) > 10_000:
        raise InvalidValueError("a note has at most 10,000 characters", field="note")
    with team.writing(actor, "review") as space:
        store = sql(space)
        row = visible_row(store, actor, ref, lock=True)
        made = ReviewRow(
            postmortem_id=row.id,
            reviewer=actor.name,
            verdict=verdict,
            note=note,
            revision=row.revision,
            created_at=team.now(),
        )
        store.session.add(made)
        store.session.flush()
        store.log("review", ref, row.revision, {"verdict": verdict, "review": made.id})
        return _review(made)


def reviews(team: Team, actor: Actor, ref: str) -> list[dict[str, Any]]:
    """Return a postmortem's review verdicts, oldest first."""
    actor.require("viewer", "reading reviews")
    with team.reading() as space:
        store = sql(space)
        row = visible_row(store, actor, ref)
        found = store.session.scalars(
            select(ReviewRow).where(ReviewRow.postmortem_id == row.id).order_by(ReviewRow.id)
        )
        return [_review(r) for r in found]


def _review(row: ReviewRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "reviewer": row.reviewer,
        "verdict": row.verdict,
        "note": row.note,
        "revision": row.revision,
        "created_at": row.created_at.isoformat(),
    }


def history(team: Team, actor: Actor, ref: str) -> list[dict[str, Any]]:
    """Return the log of changes of a postmortem: who did what, when, at which revision."""
    actor.require("viewer", "reading a postmortem's history")
    with team.reading() as space:
        store = sql(space)
        visible_row(store, actor, ref)
        found = store.session.scalars(
            select(ChangeRow).where(ChangeRow.ref == ref).order_by(ChangeRow.id)
        )
        return [
            {
                "id": e.id,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "revision": e.revision,
                "detail": {k: v for k, v in e.detail.items() if k != "text"},
            }
            for e in found
        ]
