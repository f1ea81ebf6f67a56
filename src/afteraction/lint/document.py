"""A postmortem as the rules see it: its text, the record read from it, and where each part is."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Any

from afteraction.document.blocks import Block
from afteraction.document.markdown import RawDocument, read_markdown
from afteraction.document.parse import Parsed, read_document
from afteraction.document.readings import without_inferred
from afteraction.document.recognize import choose_profile
from afteraction.model import Incident
from afteraction.profiles import Profile, ProfileRegistry

_INDEX = re.compile(r"\[\d+\]$")
_LABELLED_VALUE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*[^*]+?\*\*\s*:?|[A-Za-z][\w /()'-]{0,40}?\s*:)\s*"
)


@dataclass
class LintDocument:
    """One file under lint: text, profile, record and a map from record parts to lines."""

    path: str
    text: str
    profile: Profile
    recognized: bool
    parsed: Parsed
    blocks: list[Block] = field(default_factory=list)

    @cached_property
    def record(self) -> Incident:
        """Return the record as the document states it (no inferred key times)."""
        return without_inferred(self.parsed.record)

    @cached_property
    def lines(self) -> list[str]:
        """Return the document's lines (1-based access through :meth:`line_text`)."""
        return self.text.split("\n")

    @cached_property
    def _starts(self) -> list[int]:
        starts = [0]
        for line in self.lines:
            starts.append(starts[-1] + len(line) + 1)
        return starts

    @cached_property
    def code_lines(self) -> frozenset[int]:
        """Return the lines inside code blocks and front matter, where prose rules do not look."""
        found: set[int] = set()
        for block in self.blocks:
            if block.kind == "code":
                found.update(range(block.line, block.line + block.source.count("\n") + 1))
        if self.lines and self.lines[0].strip() in ("---", "+++"):
            closing = next(
                (i for i, ln in enumerate(self.lines[1:], 2) if ln.strip() == self.lines[0]), 1
            )
            found.update(range(1, closing + 1))
        return frozenset(found)

    @cached_property
    def _section_starts(self) -> tuple[list[int], list[str]]:
        """Return the section heading lines in order, beside each section's key."""
        starts = sorted(
            (at, key[len("section.") :])
            for key, at in self.parsed.lines.items()
            if key.startswith("section.")
        )
        return [at for at, _ in starts], [key for _, key in starts]

    def section_key_at(self, line: int) -> str | None:
        """Return the key of the section line ``line`` is in (found by bisection, not a scan).

        Of sections starting on the same line, the one whose key sorts last wins.
        """
        lines, keys = self._section_starts
        at = bisect_right(lines, line)
        return keys[at - 1] if at else None

    @cached_property
    def _tables(self) -> list[tuple[int, int, Block]]:
        """Return each table with its first and last body line, in the order written."""
        return [
            (block.line + 2, block.line + block.source.count("\n"), block)
            for block in self.blocks
            if block.kind == "table"
        ]

    @cached_property
    def _table_bodies(self) -> list[tuple[int, int, Block]] | None:
        """Return the tables that have body rows, in order; None unless one follows another."""
        bodies = [table for table in self._tables if table[0] <= table[1]]
        if any(later[0] <= earlier[1] for earlier, later in pairwise(bodies)):
            return None
        return bodies

    def table_at(self, line: int) -> Block | None:
        """Return the table whose body rows include ``line`` (by bisection, not a scan)."""
        bodies = self._table_bodies
        if bodies is None:  # never from the reader; the first table holding the line wins
            return next((b for first, last, b in self._tables if first <= line <= last), None)
        at = bisect_right(bodies, line, key=lambda body: body[0])
        return bodies[at - 1][2] if at and line <= bodies[at - 1][1] else None

    @cached_property
    def _memos(self) -> dict[str, dict[Any, Any]]:
        return {}

    def memo(self, name: str) -> dict[Any, Any]:
        """Return a dictionary, one per ``name``, for what rules work out once per document."""
        return self._memos.setdefault(name, {})

    def line_text(self, line: int) -> str:
        """Return line ``line`` (1-based), or '' past the end."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def line_of(self, path: str) -> int | None:
        """Return the line a record part was read from, falling back to its parent part.

        ``action_items[2].owner`` falls back to ``action_items[2]``; an item
        falls back to its section (``section.<key>`` of the section bound to it).
        """
        lines = self.parsed.lines
        while path:
            if path in lines:
                return lines[path]
            if "." in path and not path.endswith("]"):
                path = path.rsplit(".", 1)[0]
            elif _INDEX.search(path):
                bind = _INDEX.sub("", path)
                spec = next((s for s in self.profile.sections if s.bind == bind), None)
                return lines.get(f"section.{spec.key}") if spec else None
            else:
                return None
        return None

    def column(self, line: int, needle: str | None = None) -> int:
        """Return the 1-based column of ``needle`` on ``line``, else of its first non-blank."""
        columns: dict[tuple[int, str | None], int] = self.memo("columns")
        key = (line, needle or None)
        if key not in columns:  # many findings on one long line: the line is read once each
            columns[key] = self._column(self.line_text(line), needle)
        return columns[key]

    @staticmethod
    def _column(text: str, needle: str | None) -> int:
        if needle:
            at = text.find(needle)
            if at < 0:
                at = text.lower().find(needle.lower())
            if at >= 0:
                return at + 1
        return len(text) - len(text.lstrip()) + 1

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column of a character offset in the text."""
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def offset(self, line: int, col: int = 1) -> int:
        """Return the character offset of ``line``:``col`` in the text."""
        return self._starts[min(max(line, 1), len(self.lines)) - 1] + col - 1

    def value_span(self, line: int) -> tuple[int, int] | None:
        """Return the 0-based column span of the value on a labelled line or a two-cell row.

        ``**Duration:** 45m`` and ``| Duration | 45m |`` both give the span of ``45m``
        (empty where no value is written yet).
        """
        text = self.line_text(line)
        if text.lstrip().startswith("|"):
            cells = cell_spans(text)
            if len(cells) >= 2:
                return cells[1]
            return None
        match = _LABELLED_VALUE.match(text)
        if match is None:
            return None
        end = len(text.rstrip())
        return match.end(), max(match.end(), end)


def cell_spans(text: str) -> list[tuple[int, int]]:
    """Return the 0-based column spans of a table row's cells, trimmed of spaces."""
    spans: list[tuple[int, int]] = []
    bars = [i for i, ch in enumerate(text) if ch == "|" and (i == 0 or text[i - 1] != "\\")]
    for left, right in pairwise(bars):
        start, end = left + 1, right
        while start < end and text[start] == " ":
            start += 1
        while end > start and text[end - 1] == " ":
            end -= 1
        spans.append((start, end))
    return spans


def read_for_lint(
    text: str, path: str, registry: ProfileRegistry, profile_name: str | None = None
) -> LintDocument:
    """Read a document for linting: in its profile, collecting every bad value.

    A document in a known profile is read strictly, but values that cannot
    be read become problems for the rules instead of errors; an unknown
    shape gets the importer's generic reading. Unreadable files (front
    matter that is not YAML) raise ``ParseError``.
    """
    raw: RawDocument = read_markdown(text, path)
    blocks = list(raw.blocks)
    profile, recognized = choose_profile(raw, registry, profile_name)
    parsed = read_document(text, profile, file=path, strict=recognized, collect=True, raw=raw)
    return LintDocument(path, text, profile, recognized, parsed, blocks)
