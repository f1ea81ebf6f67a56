"""`aar actions`: list action items across postmortems; `set`, `pull` and `export` them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from afteraction.cli.shared import today_or, warn_unreadable, workspace, write_output
from afteraction.errors import InvalidValueError
from afteraction.service import actions as use
from afteraction.service.actions import ActionList, ActionQuery, ItemFilter

out = Console()
LIST_FORMATS = ("table", "json", "csv")


class _ListByDefault(TyperGroup):
    """A group whose first word, when no subcommand, is the listing's (``aar actions pm/``)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Put ``list`` in front of arguments that do not start with a subcommand or help."""
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


actions_app = typer.Typer(
    cls=_ListByDefault,
    help="Every action item across postmortems: list (the default), set, pull, export.",
)

Paths = Annotated[
    list[str] | None, typer.Argument(help="Files, folders or globs of postmortems (default: .).")
]
Owner = Annotated[str | None, typer.Option(help="Only this owner's items.")]
Status = Annotated[str | None, typer.Option(help="Only items in this state.")]
Priority = Annotated[str | None, typer.Option(help="Only this priority.")]
Category = Annotated[str | None, typer.Option(help="Only this category.")]
Horizon = Annotated[str | None, typer.Option(help="Only this horizon.")]
Overdue = Annotated[bool, typer.Option("--overdue", help="Only overdue items.")]
DueSoon = Annotated[bool, typer.Option("--due-soon", help="Only items due soon.")]
Blocking = Annotated[bool, typer.Option("--blocking", help="Only blocking items.")]
OpenOnly = Annotated[bool, typer.Option("--open", help="Only items not done.")]
Today = Annotated[str | None, typer.Option(help="The date overdue is judged by (YYYY-MM-DD).")]
Inside = Annotated[
    list[str] | None, typer.Option("--in", help="Where the postmortems are (default: .).")
]


def _listed(paths: list[str] | None, today: str | None, keep: ItemFilter) -> ActionList:
    listed = use.list_actions(workspace(), ActionQuery(today_or(today), tuple(paths or ()), keep))
    warn_unreadable(listed.unreadable)
    return listed


@actions_app.command("list")
def list_(
    paths: Paths = None,
    owner: Owner = None,
    status: Status = None,
    priority: Priority = None,
    category: Category = None,
    horizon: Horizon = None,
    overdue: Overdue = False,
    due_soon: DueSoon = False,
    blocking: Blocking = False,
    open_only: OpenOnly = False,
    today: Today = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
) -> None:
    """List the action items of the postmortems, filtered (the default subcommand)."""
    if fmt not in LIST_FORMATS:
        known = ", ".join(LIST_FORMATS)
        raise InvalidValueError(f"unknown format '{fmt}' (known: {known})", field="format")
    keep = ItemFilter(
        owner, status, priority, category, horizon, overdue, due_soon, blocking, open_only
    )
    listed = _listed(paths, today, keep)
    if fmt == "json":
        sys.stdout.write(use.json_text(listed))
    elif fmt == "csv":
        sys.stdout.write(listed.csv())
    else:
        out.print(_table(listed))


@actions_app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="The item's key, INCIDENT-ID#NUMBER.")],
    status: Annotated[str, typer.Option(help="The state to set (open, in progress, done...).")],
    note: Annotated[str | None, typer.Option(help="A note for the item's Notes column.")] = None,
    inside: Inside = None,
) -> None:
    """Set one action item's status (and note) in its postmortem, in place."""
    done = use.set_action_status(workspace(), key, status, note, tuple(inside or ()))
    out.print(f"{done.key}: {done.state} ({done.path})", highlight=False)


@actions_app.command("pull")
def pull(
    export: Annotated[Path, typer.Argument(help="A tracker's CSV or JSON export.")],
    inside: Inside = None,
) -> None:
    """Read a tracker's states back into the postmortems' action items."""
    report = use.pull_states(workspace(), export, tuple(inside or ()))
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


@actions_app.command("export")
def export(
    fmt: Annotated[
        str, typer.Argument(metavar="FORMAT", help=f"One of: {', '.join(use.EXPORT_FORMATS)}.")
    ],
    paths: Paths = None,
    owner: Owner = None,
    status: Status = None,
    priority: Priority = None,
    category: Category = None,
    horizon: Horizon = None,
    overdue: Overdue = False,
    due_soon: DueSoon = False,
    blocking: Blocking = False,
    open_only: OpenOnly = False,
    today: Today = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The file to write (default: stdout).")
    ] = None,
) -> None:
    """Export the action items for a tracker's import (Jira, GitHub, Linear) or a calendar."""
    use.check_export_format(fmt)
    keep = ItemFilter(
        owner, status, priority, category, horizon, overdue, due_soon, blocking, open_only
    )
    listed = _listed(paths, today, keep)
    write_output(listed.export(fmt), output)
    if output is not None:
        out.print(
            f"{len(listed.rows)} action items as {fmt} → {output}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


def _table(listed: ActionList) -> Table:
    table = Table(title=f"Action items ({len(listed.rows)})")
    for column in ("Key", "Title", "Owner", "Status", "Priority", "Due"):
        table.add_column(column, overflow="fold")
    for row in listed.rows:
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
