"""Cut a section body into blocks (paragraphs, tables, lists, code) with their source.

Kinds read the blocks they understand and hand back the rest untouched, so
text that fits no structure is kept verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Reading needs the block structure and each inline run's source text, never the
# inline tokens: skipping inline parsing halves the time a document takes.
_BLOCKS = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


def block_parser() -> MarkdownIt:
    """Return the parser that reads documents: blocks only, inline text left as written."""
    return _BLOCKS


@dataclass
class ListItem:
    """One list item: its first-paragraph text and its nested content."""

    text: str
    line: int
    number: int | None = None
    checked: bool | None = None
    children: list[ListItem] = field(default_factory=list)
    extra: str = ""
    source: str = ""

    def all_text(self) -> str:
        """Return the item text with nested item texts, one per line."""
        lines = [self.text, *([self.extra] if self.extra else [])]
        lines += [child.all_text() for child in self.children]
        return "\n".join(lines)


@dataclass
class Block:
    """A top-level block of a section body."""

    kind: str  # paragraph, table, list, code, hr, html, quote, heading, other
    source: str
    line: int
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    items: list[ListItem] = field(default_factory=list)
    ordered: bool = False
    info: str = ""
    level: int = 0


# A line break inside a table cell, as tables write one.
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _inline_text(tokens: list[Token], start: int, stop: int) -> str:
    return " ".join(t.content for t in tokens[start:stop] if t.type == "inline").strip()


def _close_index(tokens: list[Token], start: int) -> int:
    """Return the index of the token closing the one at ``start``."""
    depth = 0
    for i in range(start, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens) - 1


def _checkbox(text: str) -> tuple[bool | None, str]:
    if len(text) >= 3 and text[0] == "[" and text[2] == "]" and text[1] in " xX":
        return text[1] != " ", text[3:].lstrip()
    return None, text


def _list_items(
    tokens: list[Token], start: int, stop: int, base: int, lines: list[str]
) -> list[ListItem]:
    items: list[ListItem] = []
    i = start + 1
    while i < stop:
        token = tokens[i]
        if token.type != "list_item_open":
            i += 1
            continue
        end = _close_index(tokens, i)
        line = (token.map[0] if token.map else 0) + base
        text = ""
        extra: list[str] = []
        children: list[ListItem] = []
        j = i + 1
        first = True
        while j < end:
            inner = tokens[j]
            close = _close_index(tokens, j) if inner.nesting == 1 else j
            if inner.type in ("bullet_list_open", "ordered_list_open"):
                children.extend(_list_items(tokens, j, close, base, lines))
            elif inner.type == "paragraph_open" and first:
                text = _inline_text(tokens, j, close)
                first = False
            elif inner.map is not None:
                extra.append("\n".join(lines[inner.map[0] : inner.map[1]]).strip())
            j = close + 1
        checked, text = _checkbox(text)
        number = int(token.info) if token.info.isdigit() else None
        span = token.map or (0, 0)
        source = "\n".join(lines[span[0] : span[1]]).rstrip()
        items.append(ListItem(text, line, number, checked, children, "\n".join(extra), source))
        i = end + 1
    return items


def split_blocks(body: str, first_line: int = 1) -> list[Block]:
    """Split a Markdown body into top-level blocks; lines are 1-based from ``first_line``."""
    return blocks_from_tokens(_BLOCKS.parse(body), body.split("\n"), first_line)


def blocks_from_tokens(tokens: list[Token], lines: list[str], first_line: int) -> list[Block]:
    """Build the top-level blocks of already parsed Markdown (``lines`` is its source)."""
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        end = _close_index(tokens, i) if token.nesting == 1 else i
        if token.map is None:
            i = end + 1
            continue
        start_line, stop_line = token.map
        source = "\n".join(lines[start_line:stop_line]).rstrip()
        line = start_line + first_line
        block = Block(kind="other", source=source, line=line)
        if token.type == "paragraph_open":
            block.kind, block.text = "paragraph", _inline_text(tokens, i, end)
        elif token.type == "table_open":
            block.kind = "table"
            for j in range(i, end):
                if tokens[j].type == "tr_open":
                    row_end = _close_index(tokens, j)
                    cells = [
                        _BREAK.sub("\n", t.content.strip())
                        for t in tokens[j:row_end]
                        if t.type == "inline"
                    ]
                    if not block.header and tokens[j - 1].type == "thead_open":
                        block.header = cells
                    else:
                        block.rows.append(cells)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            block.kind = "list"
            block.ordered = token.type == "ordered_list_open"
            block.items = _list_items(tokens, i, end, first_line, lines)
        elif token.type in ("fence", "code_block"):
            block.kind, block.text, block.info = "code", token.content, token.info.strip()
        elif token.type == "hr":
            block.kind = "hr"
        elif token.type == "html_block":
            block.kind = "html"
        elif token.type == "blockquote_open":
            block.kind = "quote"
        elif token.type == "heading_open":
            block.kind, block.text, block.level = (
                "heading",
                tokens[i + 1].content,
                int(token.tag[1]),
            )
        blocks.append(block)
        i = end + 1
    return blocks


def join_sources(blocks: list[Block]) -> str:
    """Join blocks back into Markdown, one blank line apart."""
    return "\n\n".join(b.source for b in blocks if b.source.strip())


def besides(blocks: list[Block], taken: list[Block]) -> list[Block]:
    """Return the blocks of ``blocks`` that are not themselves in ``taken`` (by identity)."""
    ids = {id(b) for b in taken}
    return [b for b in blocks if id(b) not in ids]


def join_as_written(blocks: list[Block]) -> str:
    """Join blocks as the document wrote them: a block on the next line stays on it."""
    parts: list[str] = []
    for index, block in enumerate(blocks):
        before = blocks[index - 1] if index else None
        touching = before is not None and block.line == before.line + before.source.count("\n") + 1
        parts += ["\n" if touching else "\n\n", block.source] if parts else [block.source]
    return "".join(parts)


_FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")


def open_fence(block: Block) -> str | None:
    """Return the fence a code block opens and leaves open ("```"), else None.

    Indented code closes itself; a fenced block is open when its last line is
    not a fence at least as long as the opening one.
    """
    if block.kind != "code":
        return None
    first, *rest = block.source.split("\n")
    opening = _FENCE.match(first)
    if opening is None:
        return None
    mark = opening[1]
    last = rest[-1].strip() if rest else ""
    closed = len(last) >= len(mark) and set(last) == {mark[0]}
    return None if closed else mark


def close_fence(text: str) -> str:
    """Close a fenced code block ``text`` leaves open at its end.

    Written anywhere but last, an open fence would take in everything after it.
    """
    if "```" not in text and "~~~" not in text:
        return text
    blocks = split_blocks(text)
    mark = open_fence(blocks[-1]) if blocks else None
    return f"{text.rstrip()}\n{mark}" if mark else text
