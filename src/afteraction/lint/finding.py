"""What a rule reports: a finding at a place in a file, with an optional fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` of the document with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Finding:
    """One problem a rule found: where, which rule, what to do about it."""

    path: str
    line: int
    col: int
    rule: str
    name: str
    message: str
    edits: tuple[Edit, ...] = ()

    @property
    def fixable(self) -> bool:
        """Say whether ``--fix`` can apply this finding's fix."""
        return bool(self.edits)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order findings by file, then position, then rule, then message (a stable order)."""
        return (self.path, self.line, self.col, self.rule, self.message)

    def to_dict(self) -> dict[str, Any]:
        """Return the finding's stable JSON form (the cache stores the edits too)."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "rule": self.rule,
            "name": self.name,
            "message": self.message,
            "fixable": self.fixable,
            "edits": [[e.start, e.end, e.replacement] for e in self.edits],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Rebuild a finding from :meth:`to_dict`."""
        return cls(
            data["path"],
            data["line"],
            data["column"],
            data["rule"],
            data["name"],
            data["message"],
            tuple(Edit(*e) for e in data["edits"]),
        )
