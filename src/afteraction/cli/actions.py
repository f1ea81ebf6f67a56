"""`aar actions`: every action item across postmortems; `set` changes one; `export` for trackers."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from afteraction import service
from afteraction.cli.shared import postmortems, today_or, write_output
from afteraction.document.kinds.action_build import canonical_state
from afteraction.errors import UsageError
from afteraction.followup import exports
from afteraction.followup.items import ItemFilter, ItemRow, Postmortem, action_rows
from afteraction.settings import load_settings

out = Console()
CSV_COLUMNS = [
    "key",
    "incident",
    "number",
    "title",
    "owner",
    "status",
    "priority",
    "category",
    "horizon",
    "blocking",
    "due",
    "due_by_policy",
    "overdue",
    "due_soon",
    "age_days",
    "link",
    "path",
]


def actions(
    arguments: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, folders or globs of postmortems (default: .); or `set KEY` to change"
            " one item's status; `export FORMAT [PATH...]` (jira, github, linear, ics);"
            " `pull FILE` to read a tracker's states back."
        ),
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Only this owner's items.")] = None,
    status: Annotated[
        str | None,
        typer.Option(help="Only items in this state; with `set`, the state to set."),
    ] = None,
    priority: Annotated[str | None, typer.Option(help="Only this priority.")] = None,
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
    horizon: Annotated[str | None, typer.Option(help="Only this horizon.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue items.")] = False,
    due_soon: Annotated[bool, typer.Option("--due-soon", help="Only items due soon.")] = False,
    blocking: Annotated[bool, typer.Option("--blocking", help="Only blocking items.")] = False,
    open_only: Annotated[bool, typer.Option("--open", help="Only items not done.")] = False,
    today: Annotated[
        str | None, typer.Option(help="The date overdue is judged by (YYYY-MM-DD).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    note: Annotated[
        str | None, typer.Option(help="With `set`: a note for the item's Notes column.")
    ] = None,
    inside: Annotated[
        list[str] | None,
        typer.Option("--in", help="With `set` and `pull`: where the postmortems are (default: .)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="With `export`: the file to write (default: stdout)."),
    ] = None,
) -> None:
    """List action items across postmortems, filtered; `set KEY`; `export FORMAT`; `pull FILE`."""
    settings = load_settings(Path.cwd())
    words = arguments or []
    if words[:1] == ["set"]:
        _set(words, status, note, postmortems(inside or [], settings))
        return
    if words[:1] == ["pull"]:
        if len(words) != 2:
            raise UsageError("use: aar actions pull FILE [--in PATH]")
        found = postmortems(inside or [], settings)
        _report_pull(service.pull_states(Path(words[1]), found))
        return
    exporting = words[:1] == ["export"]
    if exporting:
        if len(words) < 2:
            known = ", ".join(exports.FORMATS)
            raise UsageError(
                f"use: aar actions export FORMAT [PATH...] [-o FILE] (FORMAT: {known})"
            )
        write = exports.exporter(words[1])
    elif fmt not in ("table", "json", "csv"):
        raise UsageError(f"unknown format '{fmt}' (known: table, json, csv)", field="--format")
    found = postmortems(words[2:] if exporting else words, settings)
    keep = ItemFilter(
        owner, status, priority, category, horizon, overdue, due_soon, blocking, open_only
    )
    rows = [
        r for r in action_rows(found, settings.actions.policy(), today_or(today)) if keep.keeps(r)
    ]
    if exporting:
        text = write(rows, found)
        write_output(text, output)
        if output is not None:
            out.print(
                f"{len(rows)} action items as {words[1]} → {output}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
    elif fmt == "json":
        sys.stdout.write(json.dumps([r.to_dict() for r in rows], indent=2) + "\n")
    elif fmt == "csv":
        sys.stdout.write(_csv(rows))
    else:
        out.print(_table(rows))


def _set(words: list[str], status: str | None, note: str | None, found: list[Postmortem]) -> None:
    if len(words) != 2 or status is None:
        raise UsageError("use: aar actions set KEY --status STATE [--note TEXT] [--in PATH]")
    placed = service.set_action_status(words[1], status, note, found)
    state = canonical_state(status, placed.postmortem.profile)
    out.print(f"{placed.key}: {state} ({placed.postmortem.path})", highlight=False)


def _report_pull(report: service.PullReport) -> None:
    for key in report.changed:
        out.print(f"{key}: set from the tracker", highlight=False)
    out.print(
        f"{len(report.changed)} changed, {len(report.unchanged)} already so,"
        f" {len(report.unknown)} unknown",
        highlight=False,
    )
    for key in report.unknown:
        typer.echo(f"Warning: no postmortem has the item {key}", err=True)
    for reason in report.skipped:
        typer.echo(f"Warning: {reason}", err=True)


def _csv(rows: list[ItemRow]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.to_dict())
    return buffer.getvalue()


def _table(rows: list[ItemRow]) -> Table:
    table = Table(title=f"Action items ({len(rows)})")
    for column in ("Key", "Title", "Owner", "Status", "Priority", "Due"):
        table.add_column(column, overflow="fold")
    for row in rows:
        due = row.due.isoformat() if row.due else "—"
        if row.due_by_policy:
            due += " (policy)"
        style = "red" if row.overdue else "yellow" if row.due_soon else ""
        table.add_row(
            row.key,
            Text(row.item.title),
            Text(row.item.owner or "—"),
            row.state,
            row.item.priority or "—",
            Text(due + (" overdue" if row.overdue else ""), style=style),
        )
    return table
