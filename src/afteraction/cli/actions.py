"""`aar actions`: list action items across postmortems; `set`, `pull` and `export` them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from afteraction.cli.shared import check_format, today_or, warn_unreadable, workspace, write_output
from afteraction.service.choices import EXPORT_FORMATS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from afteraction.service.actions import ActionList, ItemFilter, ItemRow

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
Today = Annotated[
    str | None, typer.Option(metavar="YYYY-MM-DD", help="The date overdue is judged by.")
]
Inside = Annotated[
    list[str] | None,
    typer.Option("--in", metavar="PATH", help="Where the postmortems are (default: .)."),
]


def _listed(paths: list[str] | None, today: str | None, keep: ItemFilter) -> ActionList:
    from afteraction.service import actions as use
    from afteraction.service.actions import ActionQuery

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
    """List the action items of the postmortems, filtered (the default subcommand).

    Lists the items of every postmortem in the files, folders and globs given (default: the
    current folder), in any mix of profiles, with the filters given (all must hold), as a
    table, JSON or CSV. `list` is the default subcommand: `aar actions pm/` lists. Each item
    has a stable key, `INCIDENT-ID#NUMBER`, that survives re-rendering and conversion. A due
    date the document does not write comes from the policy (the `[actions]` settings, else
    the profile's horizons); overdue and soon-due items are flagged as of `--today`. A file
    named on the command line that cannot be read is an error; one found in a folder is a
    warning, and the others are listed.

    In every CSV output a text cell a spreadsheet would run as a formula (`=`, `+`, `-`,
    `@`, tab, CR first) gets a `'` in front; see
    [CSV and spreadsheets](actions.md#csv-and-spreadsheets).
    """
    check_format(fmt, LIST_FORMATS)
    from afteraction.service.actions import ItemFilter

    keep = ItemFilter(
        owner, status, priority, category, horizon, overdue, due_soon, blocking, open_only
    )
    listed = _listed(paths, today, keep)
    if fmt == "json":
        sys.stdout.writelines(listed.json_chunks())
    elif fmt == "csv":
        sys.stdout.writelines(listed.csv_lines())
    else:
        for table in _tables(listed):
            out.print(table)


@actions_app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="The item's key, INCIDENT-ID#NUMBER.")],
    status: Annotated[str, typer.Option(help="The state to set (open, in progress, done...).")],
    note: Annotated[str | None, typer.Option(help="A note for the item's Notes column.")] = None,
    inside: Inside = None,
) -> None:
    """Set one action item's status (and note) in its postmortem, in place.

    Changes the item's status (and, with `--note`, its Notes cell) in its document, and
    nothing else in the file; what it cannot change safely it refuses, leaving the file as
    it was.
    """
    from afteraction.service import actions as use

    done = use.set_action_status(workspace(), key, status, note, tuple(inside or ()))
    out.print(f"{done.key}: {done.state} ({done.path})", highlight=False)


@actions_app.command("pull")
def pull(
    export: Annotated[Path, typer.Argument(help="A tracker's CSV or JSON export.")],
    inside: Inside = None,
) -> None:
    """Read a tracker's states back into the postmortems' action items.

    Reads a tracker's CSV or JSON export and sets each item's status to what the tracker
    says, matched by the item's key. Each document is written once, and only if unchanged
    since it was read. See [follow-through](actions.md#exports).
    """
    from afteraction.service import actions as use

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
        str, typer.Argument(metavar="FORMAT", help=f"One of: {', '.join(EXPORT_FORMATS)}.")
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
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="The file to write (default: stdout)."),
    ] = None,
) -> None:
    """Export the action items for a tracker's import (Jira, GitHub, Linear) or a calendar.

    Writes the items the filters (those of `aar actions list`) keep, to stdout or `-o FILE`,
    as a Jira CSV import, GitHub issue payloads (JSON), a Linear CSV import, or an
    iCalendar file of due dates and the profile's follow-up reviews; each carries the key.
    """
    from afteraction.service import actions as use
    from afteraction.service.actions import ItemFilter

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


# A terminal table is laid out whole; a long list is shown in tables of this many
# rows, so printing it holds one of them at a time, never the whole list rendered.
TABLE_ROWS = 1000


def _tables(listed: ActionList) -> Iterator[Table]:
    rows = listed.rows
    for start in range(0, max(len(rows), 1), TABLE_ROWS):
        title = f"Action items ({len(rows)})" if start == 0 else None
        yield _table(rows[start : start + TABLE_ROWS], title)


def _table(rows: list[ItemRow], title: str | None) -> Table:
    table = Table(title=title)
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
