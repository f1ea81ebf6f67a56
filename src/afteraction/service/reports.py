"""Use cases over many postmortems: the trends report and the weekly action-item digest."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from afteraction.errors import AfteractionError, InvalidValueError
from afteraction.followup.choices import GROUPINGS, TIMES
from afteraction.followup.items import action_rows
from afteraction.followup.report import Report, build_report
from afteraction.service.reading import read_all
from afteraction.service.workspace import Workspace

if TYPE_CHECKING:  # the digest's template engine and mail library load when it is made
    from afteraction.followup.digest import Digest

REPORT_FORMATS = ("csv", "json", "html", "prometheus")
__all__ = [  # GROUPINGS, TIMES and Report are here for front ends, which import only service
    "GROUPINGS",
    "REPORT_FORMATS",
    "TIMES",
    "Digested",
    "Report",
    "ReportQuery",
    "Reported",
    "digest",
    "report",
    "report_text",
    "send_digest",
]


@dataclass(frozen=True)
class ReportQuery:
    """Which incidents to count (those from ``since`` on), how to group them, as of which day."""

    today: date
    where: tuple[str, ...] = ()
    since: date | None = None
    by: str | None = None


@dataclass
class Reported:
    """A report and the files found that could not be read."""

    report: Report
    unreadable: list[AfteractionError]


def report(workspace: Workspace, query: ReportQuery) -> Reported:
    """Compute the trends over the postmortems the query names."""
    read = read_all(workspace, query.where)
    built = build_report(
        read.documents, query.today, since=query.since, by=query.by, policy=workspace.policy
    )
    return Reported(built, read.unreadable)


def report_text(built: Report, fmt: str) -> str:
    """Return the report as CSV, JSON, HTML or the Prometheus text format.

    The Prometheus client and the HTML templates are imported here, for these
    outputs only: every other command would otherwise pay for them at start-up.
    """
    if fmt == "prometheus":
        from afteraction.followup.prometheus import prometheus_text

        return prometheus_text(built)
    if fmt == "json":
        return json.dumps(built.to_dict(), indent=2) + "\n"
    if fmt not in REPORT_FORMATS:
        known = ", ".join(REPORT_FORMATS)
        raise InvalidValueError(f"unknown format '{fmt}' (known: {known})", field="format")
    from afteraction.followup.report_output import report_csv, report_html

    return report_csv(built) if fmt == "csv" else report_html(built)


@dataclass
class Digested:
    """A digest and the files found that could not be read."""

    digest: Digest
    unreadable: list[AfteractionError]

    def markdown(self) -> str:
        """Return the digest as Markdown."""
        from afteraction.followup.digest import digest_markdown

        return digest_markdown(self.digest)

    def html(self) -> str:
        """Return the digest as an HTML mail body."""
        from afteraction.followup.digest import digest_html

        return digest_html(self.digest)


def digest(workspace: Workspace, today: date, where: tuple[str, ...] = ()) -> Digested:
    """Gather the overdue and soon-due action items of ``today``'s week, by owner."""
    from afteraction.followup.digest import build_digest

    read = read_all(workspace, where)
    rows = action_rows(read.documents, workspace.policy, today)
    return Digested(build_digest(rows, today), read.unreadable)


def send_digest(workspace: Workspace, digested: Digested) -> list[str]:
    """Mail the digest with the workspace's ``[digest]`` settings; return the recipients."""
    from afteraction.followup.digest import send_digest as send

    config = workspace.settings.digest
    send(digested.digest, config)
    return list(config.to)
