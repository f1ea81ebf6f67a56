"""What several commands share: the workspace, dates given as options, warnings, output."""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from afteraction.errors import AfteractionError, InvalidValueError

# The use cases load when a command runs, never with the CLI (`aar --help` stays fast):
# command modules import afteraction.service.* inside their functions.
if TYPE_CHECKING:
    from afteraction.service.workspace import Workspace


def workspace() -> Workspace:
    """Open the workspace of the current folder (its settings, profiles and store).

    A plugin skipped because it failed to load is a warning on stderr.
    """
    from afteraction.service.workspace import Workspace

    return Workspace.open(Path("."), warn=lambda text: typer.echo(f"Warning: {text}", err=True))


def given_date(value: str | None, name: str) -> date | None:
    """Read a ``YYYY-MM-DD`` value, failing with the field's name; None when not given."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValueError(f"'{value}' is not a date: use YYYY-MM-DD", field=name) from None


def check_format(fmt: str, known: Collection[str]) -> None:
    """Refuse a ``--format`` value that is not one of ``known``."""
    if fmt not in known:
        raise InvalidValueError(
            f"unknown format '{fmt}' (known: {', '.join(known)})", field="format"
        )


def today_or(value: str | None) -> date:
    """Return the ``--today`` given, else today's date (UTC)."""
    return given_date(value, "today") or datetime.now(UTC).date()


def warn_unreadable(errors: Iterable[AfteractionError]) -> None:
    """Say on stderr which files found in folders could not be read."""
    for error in errors:
        typer.echo(f"Warning: {error}", err=True)


def write_output(text: str, output: Path | None, *, force: bool = True) -> None:
    """Write ``text`` to ``output`` whole (its folder made), or to stdout when there is none.

    Without ``force`` a file already at ``output`` is refused, never overwritten.
    """
    if output is None:
        sys.stdout.write(text)
        return
    from afteraction.service.output import write_file

    write_file(output, text, force=force)
