"""The weekly digest: overdue and soon-due action items, grouped by owner, to read or mail.

Markdown for a wiki or chat, HTML for mail; with SMTP settings it is sent as
one message with both (``multipart/alternative``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from afteraction.document.kinds.common import escape_cell
from afteraction.errors import UsageError
from afteraction.followup.config import DigestConfig
from afteraction.followup.items import ItemRow
from afteraction.followup.mail import send_mail
from afteraction.followup.pages import render_page

NO_OWNER = "(no owner)"


@dataclass(frozen=True)
class OwnerItems:
    """One owner's share of the digest: their overdue items, then those due soon."""

    owner: str
    overdue: list[ItemRow]
    soon: list[ItemRow]


@dataclass(frozen=True)
class Digest:
    """The week's digest as of ``today``: owners in order of most overdue."""

    today: date
    owners: list[OwnerItems] = field(default_factory=list)

    @property
    def week(self) -> date:
        """Return the Monday of the digest's week."""
        return self.today - timedelta(days=self.today.weekday())

    @property
    def subject(self) -> str:
        """Return the mail subject: the week and the counts."""
        overdue = sum(len(o.overdue) for o in self.owners)
        soon = sum(len(o.soon) for o in self.owners)
        return f"Action items, week of {self.week.isoformat()}: {overdue} overdue, {soon} due soon"


def build_digest(rows: Iterable[ItemRow], today: date) -> Digest:
    """Group the open overdue and soon-due items by owner (most overdue owners first)."""
    overdue: dict[str, list[ItemRow]] = defaultdict(list)
    soon: dict[str, list[ItemRow]] = defaultdict(list)
    for row in rows:
        owner = row.item.owner or NO_OWNER
        if row.overdue:
            overdue[owner].append(row)
        elif row.due_soon:
            soon[owner].append(row)
    owners = [
        OwnerItems(
            name,
            sorted(overdue[name], key=_by_due),
            sorted(soon[name], key=_by_due),
        )
        for name in {*overdue, *soon}
    ]
    owners.sort(key=lambda o: (-len(o.overdue), -len(o.soon), o.owner.casefold()))
    return Digest(today, owners)


def _by_due(row: ItemRow) -> tuple[date, str]:
    return row.due or date.max, row.key


def _late(row: ItemRow, today: date) -> str:
    if row.due is None:
        return ""
    days = (today - row.due).days
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} late"
    left = -days
    return "due today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"


def digest_markdown(digest: Digest) -> str:
    """Return the digest as Markdown: a table per owner."""
    lines = [f"# {digest.subject}", ""]
    if not digest.owners:
        lines.append("Nothing is overdue or due soon.")
    for owner in digest.owners:
        lines += [f"## {owner.owner}", ""]
        lines += ["| Key | Item | Due | When | Status | Postmortem |", "|---|---|---|---|---|---|"]
        for row in [*owner.overdue, *owner.soon]:
            cells = [
                row.key,
                row.item.title,
                row.due.isoformat() if row.due else "",
                _late(row, digest.today),
                row.state,
                row.postmortem.brief.title or str(row.postmortem.path),
            ]
            lines.append("| " + " | ".join(escape_cell(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def digest_html(digest: Digest) -> str:
    """Return the digest as a self-contained HTML page (every value escaped)."""
    return render_page("digest.html.j2", digest=digest, late=_late)


def send_digest(digest: Digest, config: DigestConfig) -> None:
    """Mail the digest (text and HTML) through the configured SMTP server."""
    if not config.to:
        raise UsageError("no recipients: set to = [...] in [digest]", field="digest.to")
    send_mail(
        config,
        config.to,
        digest.subject,
        digest_markdown(digest),
        digest_html(digest),
        what="the digest",
    )
