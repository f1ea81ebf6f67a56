"""Imperfect documents for round-trip checks: real postmortems with one thing changed.

The bases are the filled-in demo of every built-in profile (``aar demo``);
a mutation inserts a line of text before or after a block, drops a section,
duplicates a line, empties a table cell or changes a heading's level. A
document must then import, render and import to the same record, and every
conversion of it must import again as the converted record.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from hypothesis import strategies as st

from afteraction.demo import demo_record
from afteraction.document.convert import convert
from afteraction.document.markdown import read_markdown
from afteraction.document.parse import parse_markdown, read_document
from afteraction.document.recognize import choose_profile
from afteraction.document.render import render_markdown
from afteraction.errors import AfteractionError
from afteraction.model import Incident
from afteraction.profiles import ProfileRegistry
from tests.conftest import BUILTIN, SHARED

INSERTED = ["Note: figures are provisional.", "See the runbook for details.", "TBD"]


@cache
def profiles() -> ProfileRegistry:
    """Return the built-in profiles (read once)."""
    return ProfileRegistry.discover()


@cache
def bases() -> tuple[str, ...]:
    """Return the filled-in demo document of every built-in profile."""
    registry = profiles()
    return tuple(render_markdown(demo_record(registry.get(n)), registry.get(n)) for n in BUILTIN)


@cache
def real_bases() -> tuple[str, ...]:
    """Return the real postmortems of ../shared/fixtures, read in place (none when absent)."""
    folder = SHARED / "fixtures" / "postmortems"
    return tuple(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md")))


def _block_starts(lines: list[str]) -> list[int]:
    """Return the 0-based lines where a block starts (after a blank line or at the top)."""
    return [
        i for i, line in enumerate(lines) if line.strip() and (i == 0 or not lines[i - 1].strip())
    ]


def insert_text(lines: list[str], at: int, text: str, after: bool) -> list[str]:
    """Insert a paragraph before (or after) the block starting at line ``at``."""
    starts = _block_starts(lines)
    start = starts[at % len(starts)]
    if after:
        end = start
        while end < len(lines) and lines[end].strip():
            end += 1
        return [*lines[:end], "", text, *lines[end:]]
    return [*lines[:start], text, "", *lines[start:]]


def drop_section(lines: list[str], at: int) -> list[str]:
    """Drop one section: its heading and everything up to the next heading of its level or above."""
    headings = [
        i for i, line in enumerate(lines) if line.startswith("## ") or line.startswith("### ")
    ]
    if not headings:
        return lines
    start = headings[at % len(headings)]
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    end = start + 1
    while end < len(lines):
        depth = len(lines[end]) - len(lines[end].lstrip("#"))
        if (
            lines[end].startswith("#")
            and 0 < depth <= level
            and lines[end][depth : depth + 1] == " "
        ):
            break
        end += 1
    return [*lines[:start], *lines[end:]]


def duplicate_line(lines: list[str], at: int) -> list[str]:
    """Write one non-blank line twice."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    index = filled[at % len(filled)]
    return [*lines[: index + 1], lines[index], *lines[index + 1 :]]


def empty_cell(lines: list[str], at: int, column: int) -> list[str]:
    """Empty one cell of a table's body row."""
    rows = [
        i
        for i, line in enumerate(lines)
        if line.startswith("|") and i > 1 and lines[i - 1].startswith("|") and "---" not in line
    ]
    if not rows:
        return lines
    index = rows[at % len(rows)]
    cells = lines[index].split(" | ")
    if len(cells) < 2:
        return lines
    pick = column % len(cells)
    cells[pick] = "|" if pick == 0 else (" |" if pick == len(cells) - 1 else "")
    edited = list(lines)
    edited[index] = " | ".join(cells).replace("|  |", "| |")
    return edited


def change_level(lines: list[str], at: int, deeper: bool) -> list[str]:
    """Move one section heading a level up or down."""
    headings = [
        i for i, line in enumerate(lines) if line.startswith("## ") or line.startswith("### ")
    ]
    if not headings:
        return lines
    index = headings[at % len(headings)]
    edited = list(lines)
    edited[index] = ("#" + lines[index]) if deeper else lines[index][1:]
    return edited


MUTATIONS = ("insert", "drop", "duplicate", "empty", "level")


def mutate(lines: list[str], kind: str, at: int, pick: int) -> list[str]:
    """Apply one imperfection of ``kind`` at position ``at``; ``pick`` chooses its details."""
    if kind == "insert":
        return insert_text(lines, at, INSERTED[pick % len(INSERTED)], pick % 2 == 0)
    if kind == "drop":
        return drop_section(lines, at)
    if kind == "duplicate":
        return duplicate_line(lines, at)
    if kind == "empty":
        return empty_cell(lines, at, pick)
    return change_level(lines, at, pick % 2 == 0)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A demo document with one to three imperfections."""
    lines = draw(st.sampled_from(bases())).split("\n")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(MUTATIONS))
        lines = mutate(lines, kind, draw(st.integers(0, 10_000)), draw(st.integers(0, 11)))
    return "\n".join(lines)


@dataclass
class Finding:
    """What went wrong with one document, and where."""

    stage: str
    detail: str

    def __str__(self) -> str:
        return f"{self.stage}: {self.detail}"


def as_content(record: Incident) -> Incident:
    """Return ``record`` without the line each reading came from.

    A reading's line is where its words stand in the text read; a document
    written again in its own shape (a timeline list written as a table, items
    written back under their group) moves them. What was read must not change.
    """
    readings = [r.model_copy(update={"line": None}) for r in record.readings]
    return record.model_copy(update={"readings": readings})


def check_document(text: str) -> Finding | None:
    """Import, render and import ``text``; convert it to every profile and import that.

    A document the first import refuses (a clear error) is not a finding.
    """
    registry = profiles()
    try:
        raw = read_markdown(text)
        profile, follows = choose_profile(raw, registry)
        first = read_document(text, profile, strict=follows, raw=raw).record
    except AfteractionError:
        return None
    written = render_markdown(first, profile)
    try:
        raw = read_markdown(written)
        again_profile, again_follows = choose_profile(raw, registry)
        again = read_document(written, again_profile, strict=again_follows, raw=raw).record
    except AfteractionError as exc:
        return Finding("re-import", f"{exc}\n{written}")
    if again_profile.name != profile.name or as_content(again) != as_content(first):
        return Finding("round trip", _difference(first, again, written))
    for name in BUILTIN:
        target = registry.get(name)
        moved = convert(first, profile, target)
        converted = render_markdown(moved, target)
        try:
            back = parse_markdown(converted, target)
        except AfteractionError as exc:
            return Finding(f"convert to {name}", f"{exc}\n{converted}")
        if back != moved:
            return Finding(f"convert to {name}", _difference(moved, back, converted))
    return None


def _difference(expected: object, found: object, written: str) -> str:
    """Describe the first part of two records that differs, with the text written."""
    left = expected.model_dump()  # type: ignore[attr-defined]
    right = found.model_dump()  # type: ignore[attr-defined]
    for key in left:
        if left[key] != right[key]:
            return f"{key}: {str(left[key])[:400]} != {str(right[key])[:400]}\n{written}"
    return written
