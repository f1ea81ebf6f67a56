"""What several commands share: dates given as options, and the postmortems to read."""

from __future__ import annotations

from datetime import UTC, date, datetime

import typer

from afteraction import service
from afteraction.errors import UsageError
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
