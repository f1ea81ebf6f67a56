"""Bad input met while reading a source: counted, the first few kept, or fatal with --strict."""

from __future__ import annotations

from dataclasses import dataclass, field

from afteraction.errors import ParseError

SHOWN = 5


@dataclass(frozen=True)
class Problem:
    """One malformed line or payload: where it is and what is wrong with it."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class Problems:
    """The bad input of one source: a count and the first :data:`SHOWN` problems.

    With ``strict`` the first problem raises :class:`ParseError` instead.
    """

    file: str
    strict: bool = False
    count: int = 0
    first: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, message: str, line: int | None = None) -> None:
        """Record a malformed line or payload (raise under ``strict``)."""
        if self.strict:
            raise ParseError(f"{message} (--strict)", file=self.file, line=line)
        self.count += 1
        if len(self.first) < SHOWN:
            self.first.append(Problem(self.file, line, message))

    def note(self, message: str) -> None:
        """Record something the reader assumed (once), such as a zone for naive times."""
        if message not in self.notes:
            self.notes.append(message)

    def summary(self) -> str | None:
        """Return one line saying how many inputs were skipped, or None when none were."""
        if not self.count:
            return None
        noun = "input" if self.count == 1 else "inputs"
        return f"{self.file}: {self.count} malformed {noun} skipped"
