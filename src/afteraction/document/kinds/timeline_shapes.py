"""What the parts of a written timeline are: entries, their text, group titles, days."""

from __future__ import annotations

import itertools
import re
from datetime import date

from afteraction.document.blocks import Block
from afteraction.document.context import Context
from afteraction.document.kinds.common import match_columns
from afteraction.document.timetext import (
    Moment,
    date_heading,
    leading_moment,
    unknown_moment,
)
from afteraction.document.values import ValueFormatError, parse_date
from afteraction.profiles.schema import ColumnSpec


def entry_moment(text: str, *, dayfirst: bool = False) -> Moment | None:
    """Return the moment an entry starts with, its clock possibly a placeholder (``--:--``)."""
    return unknown_moment(text, dayfirst=dayfirst) or leading_moment(text, dayfirst=dayfirst)


def line_text(line: str) -> str:
    r"""Return a line of a paragraph without its break (``<br>``, trailing ``\\``).

    A line of nothing but backslashes separates entries and gives no text.
    """
    text = re.sub(r"<br\s*/?>$", "", line.rstrip(), flags=re.IGNORECASE)
    return text.rstrip().rstrip("\\").rstrip()


def belongs_to_event(block: Block, ctx: Context) -> bool:
    """Say whether a block under a ``### HH:MM`` heading is that entry's text."""
    if block.kind == "list":
        return not any(leading_moment(i.text, dayfirst=ctx.dayfirst) for i in block.items)
    if block.kind == "paragraph":
        first = leading_moment(block.text, dayfirst=ctx.dayfirst)
        return first is None or first.clock is None
    return block.kind in ("code", "quote", "html", "other")


def untimed_prose(blocks: list[Block], start: int, ctx: Context) -> int:
    """Count the paragraphs with no time that open a day, from ``start``.

    Each is an entry of that day with a date and no time, whatever follows
    them: the day's timed entries or the next day. A paragraph ending in a
    colon introduces what follows it and stays text.
    """
    taken = 0
    for block in itertools.islice(blocks, start, None):
        if block.kind != "paragraph" or date_heading(block.text, dayfirst=ctx.dayfirst):
            break
        if block.text.rstrip().endswith(":") or entry_moment(block.text, dayfirst=ctx.dayfirst):
            break
        taken += 1
    return taken


def heads_entries(blocks: list[Block], index: int, ctx: Context) -> bool:
    """Say whether the heading at ``index`` is followed at once by timed entries (no own text)."""
    block = blocks[index + 1] if index + 1 < len(blocks) else None
    if block is not None and block.kind == "list":
        return bool(block.items) and _timed(block.items[0].text, ctx)
    return block is not None and block.kind == "paragraph" and _timed(block.text, ctx)


def _timed(text: str, ctx: Context) -> bool:
    """Say whether ``text`` starts with a time of day."""
    moment = leading_moment(text, dayfirst=ctx.dayfirst)
    return moment is not None and moment.clock is not None


# A date closing a header cell ("Timeline 20.04.22", "Time 2022-04-20"): numbers only.
_HEADER_DATE = re.compile(
    r"(?:^|\s)(?P<date>\d{4}-\d{1,2}-\d{1,2}|\d{1,2}(?P<sep>[./])\d{1,2}(?P=sep)(?:\d{4}|\d{2}))$"
)


def header_day(
    header: list[str], attrs: list[str | None], columns: list[ColumnSpec], dayfirst: bool
) -> date | None:
    """Find a time column whose header also states the day of every row (``Timeline 20.04.22``).

    The column is marked in ``attrs``; dotted dates are day first, as they are written.
    """
    for index, cell in enumerate(header):
        found = _HEADER_DATE.search(cell.strip()) if attrs[index] is None else None
        if found is None:
            continue
        attr = match_columns([cell.strip()[: found.start()]], columns)[0]
        if attr not in ("time", "date"):
            continue
        try:
            day = parse_date(found["date"], dayfirst=dayfirst or found["sep"] == ".")
        except ValueFormatError:
            continue
        attrs[index] = attr
        return day
    return None
