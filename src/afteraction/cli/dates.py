"""Dates given on the command line: ``--today``, ``--since``."""

from __future__ import annotations

from datetime import UTC, date, datetime

from afteraction.errors import UsageError


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
