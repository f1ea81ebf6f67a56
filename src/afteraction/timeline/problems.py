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
    by_offset: bool = False

    def __str__(self) -> str:
        return f"{place(self.file, self.line, by_offset=self.by_offset)}: {self.message}"


def place(file: str, line: int | None, *, by_offset: bool = False) -> str:
    """Return ``file:line``, or ``file@offset`` where lines are known by their byte offset."""
    if line is None:
        return file
    return f"{file}@{line}" if by_offset else f"{file}:{line}"


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
    # Set when a log is read from a byte offset found by bisection: "lines" are offsets.
    by_offset: bool = False

    def add(self, message: str, line: int | None = None) -> None:
        """Record a malformed line or payload (raise under ``strict``)."""
        if self.strict:
            if self.by_offset:
                raise ParseError(
                    f"{message} (--strict)", file=place(self.file, line, by_offset=True)
                )
            raise ParseError(f"{message} (--strict)", file=self.file, line=line)
        self.count += 1
        if len(self.first) < SHOWN:
            self.first.append(Problem(self.file, line, message, self.by_offset))

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
