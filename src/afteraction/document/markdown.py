"""Split a Markdown document into front matter, title, preamble and sections.

markdown-it-py finds the headings (ATX and setext alike, never inside code
fences); everything else is kept as source lines so no text is lost.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from markdown_it.token import Token

from afteraction.document.blocks import Block, block_parser, blocks_from_tokens
from afteraction.errors import ParseError

_MD = block_parser()


@dataclass
class RawSection:
    """A heading and the source lines up to the next heading of any level."""

    heading: str
    level: int
    line: int
    body_lines: list[str]
    body_line: int
    heading_lines: list[str] = field(default_factory=list)
    children: list[RawSection] = field(default_factory=list)
    end_line: int = 0  # the first line after the section and its subsections (0: not known)

    def body(self) -> str:
        """Return this section's own text, without blank edge lines or trailing spaces."""
        return "\n".join(self.body_lines).strip("\n").rstrip()

    def source_with(self, children: list[RawSection]) -> str:
        """Return the body followed by ``children`` (headings included), exactly as written.

        Line ``n`` of the result is line ``body_line + n - 1`` of the document
        as long as ``children`` are the first of this section's children.
        """
        lines = list(self.body_lines)
        for child in children:
            lines += child.heading_lines
            if child.body_lines or child.children:  # a heading right above the next has none
                lines += child.source_with(child.children).split("\n")
        return "\n".join(lines)

    def walk(self) -> list[RawSection]:
        """Return this section and all its descendants, in document order."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


@dataclass
class RawDocument:
    """A Markdown postmortem split into its parts, with 1-based line numbers."""

    source: str
    front_matter: dict[str, Any]
    front_matter_kind: str | None
    front_matter_source: str | None
    title: str | None
    title_line: int | None
    preamble_lines: list[str]
    preamble_line: int
    sections: list[RawSection]
    blocks: list[Block] = field(default_factory=list)
    # Link reference definitions (``[#2226]: https://...``): normalised label -> URL.
    references: dict[str, str] = field(default_factory=dict)
    lead_lines: list[str] = field(default_factory=list)  # text before the title (an attribution)

    def blocks_between(self, first: int, stop: int) -> list[Block]:
        """Return the blocks (kept in line order) that start on lines ``first`` to ``stop - 1``."""
        line = attrgetter("line")
        return self.blocks[
            bisect_left(self.blocks, first, key=line) : bisect_left(self.blocks, stop, key=line)
        ]

    def preamble(self) -> str:
        """Return the text between the title and the first section."""
        return "\n".join(self.preamble_lines).strip("\n")

    def all_sections(self) -> list[RawSection]:
        """Return every section at every depth, in document order."""
        found: list[RawSection] = []
        for section in self.sections:
            found.extend(section.walk())
        return found


def nest_headings(text: str, level: int) -> str:
    """Return ``text`` with its headings moved down so that each is deeper than ``level``.

    Text moved into a section of another level keeps its own structure
    instead of breaking out of the section. Setext headings become ATX.
    """
    lines = text.split("\n")
    found = [
        (t.map, int(t.tag[1]))
        for t in _MD.parse(text)
        if t.type == "heading_open" and t.map is not None and t.level == 0
    ]
    if not found or min(depth for _, depth in found) > level:
        return text
    shift = level + 1 - min(depth for _, depth in found)
    for (start, end), depth in reversed(found):
        title = lines[start].lstrip("#").strip() if end - start == 1 else lines[start].strip()
        lines[start:end] = [f"{'#' * min(depth + shift, 6)} {title}"]
    return "\n".join(lines)


def _split_front_matter(text: str, file: str | None) -> tuple[dict[str, Any], str | None, int]:
    """Return the front matter, its kind (yaml/toml) and the line after it (0-based)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() not in ("---", "+++"):
        return {}, None, 0
    fence = lines[0].strip()
    for end in range(1, len(lines)):
        if lines[end].strip() == fence:
            break
    else:
        return {}, None, 0
    from afteraction.safeload import load_toml, load_yaml  # YAML loads only for front matter

    raw = "\n".join(lines[1:end])
    kind = "yaml" if fence == "---" else "toml"
    load = load_yaml if kind == "yaml" else load_toml
    data = load(raw, what="front matter", file=file, first_line=2)
    if not isinstance(data, dict):
        if fence == "---":  # a leading thematic break, not front matter
            return {}, None, 0
        raise ParseError("front matter must be a table of keys", file=file, line=1)
    return data, kind, end + 1


def _text_before(tokens: list[Token], line: int) -> bool:
    """Say whether a block other than HTML or a rule starts before (0-based) ``line``."""
    return any(
        t.level == 0
        and t.nesting >= 0
        and t.map is not None
        and t.map[0] < line
        and t.type not in ("html_block", "hr")
        for t in tokens
    )


def read_markdown(text: str, file: str | None = None) -> RawDocument:
    """Split ``text`` into a :class:`RawDocument`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front, kind, offset = _split_front_matter(text, file)
    lines = text.split("\n")
    body = "\n".join(lines[offset:])
    env: dict[str, Any] = {}
    tokens = _MD.parse(body, env)
    headings: list[tuple[int, int, int, str]] = []  # (start, end, level, text)
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None and token.level == 0:
            start, end = token.map
            # A setext heading may run over lines: its text is one line.
            text = " ".join(part.strip() for part in tokens[i + 1].content.split("\n"))
            headings.append((start + offset, end + offset, int(token.tag[1]), text))
    title: str | None = None
    title_line: int | None = None
    # Text before the title is kept as the document's lead (written before the title);
    # after front matter that names the title, a first-level heading below opening
    # text is a section, not the title, and the opening text is the preamble.
    before = bool(headings) and _text_before(tokens, headings[0][0] - offset)
    lead: list[str] = []
    if headings and headings[0][2] == 1 and not (before and "title" in front):
        start, end, _, title = headings.pop(0)
        title_line = start + 1
        preamble_start = end
        lead = lines[offset:start]
    else:
        preamble_start = offset
    first_section = headings[0][0] if headings else len(lines)
    roots: list[RawSection] = []
    stack: list[RawSection] = []
    ends: list[int] = []
    for index, found in enumerate(headings):
        closing = next((h[0] for h in headings[index + 1 :] if h[2] <= found[2]), len(lines))
        ends.append(closing + 1)
    for index, (start, end, level, heading) in enumerate(headings):
        stop = headings[index + 1][0] if index + 1 < len(headings) else len(lines)
        section = RawSection(
            heading=heading.strip(),
            level=level,
            line=start + 1,
            body_lines=lines[end:stop],
            body_line=end + 1,
            heading_lines=lines[start:end],
            end_line=ends[index],
        )
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
    return RawDocument(
        source=text,
        front_matter=front,
        front_matter_kind=kind,
        front_matter_source="\n".join(lines[:offset]) if offset else None,
        title=title.strip() if title is not None else None,
        title_line=title_line,
        preamble_lines=lines[preamble_start:first_section],
        preamble_line=preamble_start + 1,
        sections=roots,
        blocks=blocks_from_tokens(tokens, lines[offset:], offset + 1),
        references={k: v["href"] for k, v in env.get("references", {}).items()},
        lead_lines=lead if any(line.strip() for line in lead) else [],
    )
