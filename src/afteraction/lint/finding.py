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

    def __hash__(self) -> int:
        """Hash without the edits: one fix (a timeline's sort) may be shared by many findings.

        Equal findings still hash alike; hashing the edits too would make a set
        of findings cost their number times the length of the shared fix.
        """
        return hash((self.path, self.line, self.col, self.rule, self.name, self.message))

    @property
    def fixable(self) -> bool:
        """Say whether ``--fix`` can apply this finding's fix."""
        return bool(self.edits)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order findings by file, then position, then rule, then message (a stable order)."""
        return (self.path, self.line, self.col, self.rule, self.message)

    def to_dict(self, *, edits: bool = True) -> dict[str, Any]:
        """Return the finding's stable JSON form, with its edits unless ``edits`` is False."""
        data = {
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "rule": self.rule,
            "name": self.name,
            "message": self.message,
            "fixable": self.fixable,
        }
        if edits:
            data["edits"] = pack_edits(self.edits)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], edits: tuple[Edit, ...] | None = None) -> Finding:
        """Rebuild a finding from :meth:`to_dict`, or with ``edits`` kept elsewhere."""
        return cls(
            data["path"],
            data["line"],
            data["column"],
            data["rule"],
            data["name"],
            data["message"],
            unpack_edits(data["edits"]) if edits is None else edits,
        )


def pack_edits(edits: tuple[Edit, ...]) -> list[list[Any]]:
    """Return edits as JSON-ready lists."""
    return [[e.start, e.end, e.replacement] for e in edits]


def unpack_edits(data: list[list[Any]]) -> tuple[Edit, ...]:
    """Rebuild edits from :func:`pack_edits`."""
    return tuple(Edit(*e) for e in data)
