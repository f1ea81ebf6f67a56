"""One exception tree for afteraction; every error says where it happened.

``AfteractionError`` is the root. Each subclass may carry the file, line and
field the problem is in, so every front end can print one precise line, and
names what kind of problem it is, so an API can answer with the right status
and RFC 9457 problem details (:meth:`AfteractionError.problem`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

PROBLEM_TYPE = "urn:afteraction:problem:"
"""Prefix of the ``type`` of every problem-details answer; the kind follows it."""


class AfteractionError(Exception):
    """Root of every error afteraction raises on purpose."""

    kind: ClassVar[str] = "error"
    title: ClassVar[str] = "The request could not be carried out"
    status: ClassVar[int] = 400

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

    def problem(self) -> dict[str, Any]:
        """Return the error as RFC 9457 problem details, with where it is as members."""
        details: dict[str, Any] = {
            "type": PROBLEM_TYPE + self.kind,
            "title": self.title,
            "status": self.status,
            "detail": self.message,
        }
        for name in ("file", "line", "field"):
            if getattr(self, name) is not None:
                details[name] = getattr(self, name)
        return details


class ConfigurationError(AfteractionError):
    """The settings, a profile or a plugin are wrong: the installation, not the request."""

    kind = "configuration"
    title = "The configuration is not valid"
    status = 500


class ProfileError(ConfigurationError):
    """A profile file is missing, malformed or inconsistent."""

    kind = "profile"
    title = "A profile is not valid"


class PluginError(ConfigurationError):
    """A plugin cannot be loaded or clashes with another."""

    kind = "plugin"
    title = "A plugin could not be loaded"


class ParseError(AfteractionError):
    """A postmortem document cannot be read into a record."""

    kind = "unreadable-document"
    title = "The document cannot be read"
    status = 422


class FieldValueError(ParseError):
    """A field holds a value its profile does not allow (bad date, unknown severity)."""

    kind = "invalid-field"
    title = "A field of the document holds a value it cannot have"


class RuleError(AfteractionError):
    """A lint rule failed on a document (a bug in the rule, reported instead of crashing)."""

    kind = "rule-failed"
    title = "A lint rule failed"
    status = 500


class UsageError(AfteractionError):
    """The user asked for something that cannot be done as asked."""

    kind = "bad-request"
    title = "The request cannot be carried out as asked"


class NotFoundError(UsageError):
    """What was asked for (a document, an action item, a profile) does not exist."""

    kind = "not-found"
    title = "Not found"
    status = 404


class ConflictError(UsageError):
    """The thing changed since it was read, or exists already: nothing was written."""

    kind = "conflict"
    title = "Conflicting change"
    status = 409


class TooLargeError(UsageError):
    """An input is larger than it may be, or unpacks to more: reading stopped at the limit."""

    kind = "too-large"
    title = "The input is too large"
    status = 413


class InvalidValueError(UsageError):
    """A value given for a field or option is not one it can take."""

    kind = "invalid-value"
    title = "A value is not valid"
    status = 422


class UnauthorizedError(UsageError):
    """No one is logged in, or the credentials given are not valid."""

    kind = "unauthorized"
    title = "Not logged in"
    status = 401


class ForbiddenError(UsageError):
    """The user is known but may not do this (their role, a private postmortem, a scope)."""

    kind = "forbidden"
    title = "Not allowed"
    status = 403


class StaleVersionError(ConflictError):
    """A write named a version that is no longer the current one: nothing was written."""

    kind = "stale-version"
    title = "The version is not the current one"
    status = 412

    def __init__(self, message: str, *, current: int, field: str | None = "version") -> None:
        super().__init__(message, field=field)
        self.current = current

    def problem(self) -> dict[str, Any]:
        """Return the problem details with the current version."""
        return {**super().problem(), "current_version": self.current}


class RefusedError(UsageError):
    """A move the workflow does not allow now; every reason is given, not only the first."""

    kind = "refused"
    title = "The change is refused"
    status = 409

    def __init__(self, message: str, reasons: list[dict[str, Any]]) -> None:
        super().__init__(message, field="status")
        self.reasons = reasons

    def problem(self) -> dict[str, Any]:
        """Return the problem details with every reason."""
        return {**super().problem(), "reasons": self.reasons}
