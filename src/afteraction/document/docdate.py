"""The day a postmortem says its incident happened, wherever it says it.

Postmortems state their date in many places: front matter (``date:``), a
``Date:`` or ``**Date**:`` line, a "Date" section, the title ("# 2023-01-04 -
Outage", "# Incident report July 11 2025 - ..."), a line that is only a date
("2015-10-21 (all times UTC)"), or the file name. Times written without a
date take this day.
"""

from __future__ import annotations

import re
from datetime import date

from afteraction.document.lazy import LazyPattern
from afteraction.document.markdown import RawDocument
from afteraction.document.timetext import DATE, first_date_line, leading_moment
from afteraction.model import Incident

_PROSE = ("paragraph", "list", "heading")
_FRONT_KEYS = ("date", "start_time", "started", "incident_date")
# "Date: ...", "**Date**: ...", "- **Date:** ...", "Incident date(s): ..." (one line).
_DATE_LINE = re.compile(
    r"^[ \t]{0,3}(?:[-*+][ \t]{1,4})?(?:\*\*|__)?(?:incident[ \t])?date(?:\(s\))?[ \t]?"
    r"(?:\*\*|__)?:(?:\*\*|__)?[ \t]*(?P<value>[^\n]+)$",
    re.IGNORECASE | re.MULTILINE,
)
# A "Date" heading ("## Date", "## Incident date(s)"): its section's first line is the date.
_DATE_SECTION = re.compile(
    r"^#{1,6}[ \t]+(?:incident[ \t])?date(?:\(s\))?[ \t]*\n(?:[ \t]*\n)*(?P<value>[^\n]+)$",
    re.IGNORECASE | re.MULTILINE,
)
_DATE_WORD = re.compile(r"[Dd][Aa][Tt][Ee]")
_FULL_DATE = LazyPattern(DATE, re.IGNORECASE)  # compiled when first needed
# A title or date line longer than this states no date past it.
_LONGEST = 300
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def document_day(
    raw: RawDocument, record: Incident, file: str | None, *, dayfirst: bool = False
) -> date | None:
    """Return the day the document states for its incident, or None when it states none."""
    for key in _FRONT_KEYS:
        value = raw.front_matter.get(key)
        if value is not None:
            day = _day_in(str(value)[:10], dayfirst)
            if day is not None:
                return day
    # Only the document's own text: never a date in a code sample ("date: ..." in YAML).
    written = "\n\n".join(b.source for b in raw.blocks if b.kind in _PROSE)
    # Only lines with the word "date" can state one: the patterns are tried there alone.
    starts = sorted({written.rfind("\n", 0, m.start()) + 1 for m in _DATE_WORD.finditer(written)})
    for pattern in (_DATE_LINE, _DATE_SECTION):
        for start in starts:
            found = pattern.match(written, start)
            day = _day_in(found["value"], dayfirst) if found else None
            if day is not None:
                return day
    for text in (raw.title or "", record.title or ""):
        day = _day_in(text, dayfirst, anywhere=True)
        if day is not None:
            return day
    alone = first_date_line(written, dayfirst=dayfirst)
    if alone is not None:
        return alone
    named = re.search(r"(\d{4}-\d{2}-\d{2})", file or "")
    return _day_in(named[1], dayfirst) if named else None


def _day_in(text: str, dayfirst: bool, *, anywhere: bool = False) -> date | None:
    """Return the full date ``text`` starts with (or holds, ``anywhere``), year included."""
    candidates = [text.strip()[:_LONGEST]]
    if anywhere:
        candidates = [m.group(0) for m in _FULL_DATE.finditer(text[:_LONGEST])]
    for candidate in candidates:
        cleaned = re.sub(r"[*_]", "", candidate).strip()
        moment = leading_moment(cleaned, dayfirst=dayfirst)
        if moment is not None and moment.day is not None and _HAS_YEAR.search(moment.raw):
            return moment.day
    return None
