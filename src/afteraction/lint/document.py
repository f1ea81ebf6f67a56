"""A postmortem as the rules see it: its text, the record read from it, and where each part is."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

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
        text = self.line_text(line)
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
