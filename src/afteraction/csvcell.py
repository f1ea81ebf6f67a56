"""CSV for spreadsheets: every CSV file afteraction writes goes through `csv_text`.

A spreadsheet opening a CSV file runs a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula (``=HYPERLINK(...)``, DDE calls), and some read a
leading tab or carriage return the same way. OWASP ("CSV Injection") advises
putting a single quote before such a cell: spreadsheets show the text as
written and run nothing. Titles, owners, notes and group names come from
documents anyone can edit, so every text cell is neutralised here, in one
place, and no writer can forget it.

Only text is neutralised. A number the program computed (an ``int``, a
``float``, a ``Decimal``; ``-3`` days, ``-0.5`` hours) is written as the
number it is, since it cannot hold a formula and a quote would turn it into
text; ``None`` is an empty cell. A ``str`` is text, even when it reads as a
number: ``"-3"`` taken from a document is user text and gets its quote.

The quote is reversible: a cell that already starts with quotes followed by
one of those characters gets one more, so `restore_cell` gives back exactly
what was written, and a reader of our own files (``aar actions pull``) sees
the text the document holds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell as a formula (OWASP)."""

QUOTE = "'"


_RISKY_FIRST = frozenset(FORMULA_STARTS) | {QUOTE}


def _formula_like(text: str) -> bool:
    if not text or text[0] not in _RISKY_FIRST:  # most cells: one look at one character
        return False
    return text.lstrip(QUOTE).startswith(FORMULA_STARTS)


def neutralise_cell(value: object) -> object:
    """Return ``value`` safe for a spreadsheet: a formula-like text cell gets a leading ``'``.

    Numbers, booleans and ``None`` are returned unchanged (see the module's docstring).
    """
    if value is None or isinstance(value, int | float | Decimal):
        return value
    text = value if isinstance(value, str) else str(value)  # a date, a path: its text
    return QUOTE + text if _formula_like(text) else text


def restore_cell(text: str) -> str:
    """Return the text a neutralised cell stood for (the inverse of `neutralise_cell` on text)."""
    if text.startswith(QUOTE) and _formula_like(text[1:]):
        return text[1:]
    return text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Return ``rows`` (the header first) as CSV text with LF line ends, every cell neutralised."""
    return "".join(csv_lines(rows))


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Yield ``rows`` as CSV one record at a time (what `csv_text` joins), for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
