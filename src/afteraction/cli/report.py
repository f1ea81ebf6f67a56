"""`aar report`: incident trends over postmortems, as tables, CSV, JSON, HTML or Prometheus."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from afteraction.cli.shared import (
    check_format,
    given_date,
    today_or,
    warn_unreadable,
    workspace,
    write_output,
)
from afteraction.errors import UsageError
from afteraction.service.choices import GROUPINGS, TIMES

if TYPE_CHECKING:
    from afteraction.service.reports import Report

out = Console()
FORMATS = ("table", "csv", "json", "html")


def report(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files, folders or globs (default: .).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="Only incidents from this date on.")
    ] = None,
    by: Annotated[
        str | None, typer.Option(metavar="GROUP", help=f"Group by: {', '.join(GROUPINGS)}.")
    ] = None,
    today: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="The date overdue is judged by.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, json or html.")] = "table",
    prometheus: Annotated[
        bool, typer.Option("--prometheus", help="Print the Prometheus text exposition format.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="FILE", help="File to write (default: stdout)."),
    ] = None,
) -> None:
    """Count incidents; TTD/TTA/TTM/TTR medians and p90; follow-through; recurrence; factors.

    Computes, over the postmortems given: incident counts; time to detect, acknowledge,
    mitigate and resolve as median and 90th percentile; action-item completion rate, age
    and overdue count; recurrence; and the top contributing-factor categories; for all
    incidents and per group. Output as a terminal table, CSV, JSON, a self-contained HTML
    page with SVG charts, or the Prometheus text exposition format. See
    [reports](reports.md).
    """
    check_format(fmt, FORMATS)
    if output is not None and fmt == "table" and not prometheus:
        raise UsageError(
            "the table is for the terminal: give --format csv, json or html", field="output"
        )
    from afteraction.service.reports import ReportQuery, report_text
    from afteraction.service.reports import report as build_report

    query = ReportQuery(
        today_or(today), tuple(paths or ()), since=given_date(since, "since"), by=by
    )
    reported = build_report(workspace(), query)
    warn_unreadable(reported.unreadable)
    if fmt == "table" and not prometheus:
        out.print(_table(reported.report))
        return
    write_output(report_text(reported.report, "prometheus" if prometheus else fmt), output)


def _table(built: Report) -> Table:
    table = Table(title=f"Incidents as of {built.today.isoformat()}")
    table.add_column(built.by or "")
    table.add_column("Incidents", justify="right")
    for name in TIMES:
        table.add_column(name.replace("time_to_", "T. to ") + "\nmedian / p90", justify="right")
    table.add_column("Items done/open/overdue", justify="right")
    table.add_column("Recurring", justify="right")
    for figures in [built.overall, *built.groups]:
        cells = []
        for name in TIMES:
            spread = figures.times[name]
            cells.append(f"{_span(spread.median)} / {_span(spread.p90)}")
        table.add_row(
            figures.group,
            str(figures.incidents),
            *cells,
            f"{figures.actions_done}/{figures.actions_open}/{figures.actions_overdue}",
            str(figures.recurring),
        )
    return table


def _span(seconds: float | None) -> str:
    from afteraction.model.metrics import format_duration

    return format_duration(timedelta(seconds=round(seconds))) if seconds is not None else "—"
