"""One exception tree for afteraction; every error says where it happened.

``AfteractionError`` is the root. Each subclass may carry the file, line and
field the problem is in, so every front end can print one precise line.
"""

from __future__ import annotations

from pathlib import Path


class AfteractionError(Exception):
    """Root of every error afteraction raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field

    def where(self) -> str:
        """Return ``file:line`` (or as much of it as is known)."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or (f"line {self.line}" if self.line else "")

    def __str__(self) -> str:
        parts = [self.where()] if self.where() else []
        if self.field:
            parts.append(f"field '{self.field}'")
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class ProfileError(AfteractionError):
    """A profile file is missing, malformed or inconsistent."""


class ParseError(AfteractionError):
    """A postmortem document cannot be read into a record."""


class FieldValueError(ParseError):
    """A field holds a value its profile does not allow (bad date, unknown severity)."""


class RuleError(AfteractionError):
    """A lint rule failed on a document (a bug in the rule, reported instead of crashing)."""


class UsageError(AfteractionError):
    """The user asked for something that cannot be done as asked."""
