"""What several commands share: dates given as options, the postmortems to read, output."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import typer

from afteraction import service
from afteraction.errors import UsageError
from afteraction.filewrite import write_new
from afteraction.followup.items import Postmortem
from afteraction.profiles import ProfileRegistry
from afteraction.settings import Settings


def given_date(value: str | None, flag: str) -> date | None:
    """Read a ``YYYY-MM-DD`` option, failing with the option's name; None when not given."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"'{value}' is not a date: use YYYY-MM-DD", field=flag) from None


def today_or(value: str | None) -> date:
    """Return the ``--today`` given, else today's date (UTC)."""
    return given_date(value, "--today") or datetime.now(UTC).date()


def postmortems(arguments: list[str], settings: Settings) -> list[Postmortem]:
    """Read the postmortems the arguments name; say on stderr which could not be read."""
    registry = ProfileRegistry.discover(settings.profile_dirs)
    found, errors = service.postmortems(arguments, settings.lint, registry)
    for error in errors:
        typer.echo(f"Warning: {error}", err=True)
    return found


def write_output(text: str, output: Path | None, *, force: bool = True) -> None:
    """Write ``text`` to ``output`` whole (its folder made), or to stdout when there is none.

    Without ``force`` a file already at ``output`` is refused, never overwritten.
    """
    if output is None:
        sys.stdout.write(text)
        return
    write_new(output, text.encode("utf-8"), force=force)
