"""What several rules ask of a document: which section an item is in, what it can state.

The blame rules share which texts state a cause and on which line a piece of text is.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import chain

from afteraction.document.kinds.common import item_attrs, match_columns
from afteraction.document.kinds.timeline import GENERIC_COLUMNS
from afteraction.document.timetext import leading_moment
from afteraction.document.values import format_datetime
from afteraction.document.zones import resolve_zone
from afteraction.lint.document import LintDocument, cell_spans
from afteraction.model import ActionItem, TimelineEvent
from afteraction.profiles import SectionSpec


def section_at(doc: LintDocument, line: int | None) -> SectionSpec | None:
    """Return the profile section the document's line ``line`` is in."""
    key = doc.section_key_at(line) if line is not None else None
    return doc.profile.section(key) if key is not None else None


def action_section(doc: LintDocument, index: int) -> SectionSpec | None:
    """Return the action-item section the record's item ``index`` was written in."""
    spec = section_at(doc, doc.parsed.lines.get(f"action_items[{index}]"))
    if spec is None or spec.kind != "actions":
        return next((s for s in doc.profile.sections if s.kind == "actions"), None)
    return spec


def holds(spec: SectionSpec | None, attr: str) -> bool:
    """Say whether items written in ``spec`` can state ``attr`` (an Owner column, ``{owner}``)."""
    if spec is None:
        return False
    if spec.layout == "table" and any(c.attr == attr for c in spec.columns):
        return True
    return bool(spec.item and attr in item_attrs(spec.item)) or attr in spec.filter


@dataclass(frozen=True)
class Passage:
    """A piece of the record's text that states a cause, and where the record read it."""

    path: str
    place: str
    text: str
    line: int | None


def bound_line(doc: LintDocument, bind: str) -> int | None:
    """Return the heading line of the section holding record part ``bind`` (``root_cause``)."""
    for spec in doc.profile.sections:
        if spec.bind == bind and f"section.{spec.key}" in doc.parsed.lines:
            return doc.parsed.lines[f"section.{spec.key}"]
    return doc.parsed.lines.get(f"section.{bind}")


def cause_passages(doc: LintDocument, *, summary: bool = False) -> list[Passage]:
    """Return the texts that say why it happened: root cause, whys answers, factors.

    With ``summary`` the summary comes too (it often states the cause in one line).
    """
    record = doc.record
    found: list[Passage] = []
    if record.root_cause:
        found.append(
            Passage(
                "root_cause", "the root cause", record.root_cause, bound_line(doc, "root_cause")
            )
        )
    for index, why in enumerate(record.whys):
        found.append(
            Passage(
                f"whys[{index}]",
                f"the answer to why {index + 1}",
                why.answer,
                doc.line_of(f"whys[{index}]"),
            )
        )
    for index, factor in enumerate(record.contributing_factors):
        path = f"contributing_factors[{index}]"
        text = "\n".join(t for t in (factor.title, factor.description, factor.contribution) if t)
        found.append(Passage(path, "a contributing factor", text, doc.line_of(path)))
    if summary and record.summary:
        found.append(Passage("summary", "the summary", record.summary, bound_line(doc, "summary")))
    return found


_SPACES = re.compile(r"\s+")


def locate(doc: LintDocument, fragments: list[str], near: int | None) -> int | None:
    """Return the prose line holding the first of ``fragments`` found, else ``near``.

    Lines from ``near`` on are searched first, then the whole document; code
    blocks and front matter are never a match, and ``near`` is returned only
    when it is prose itself (None when the text is only in front matter).
    """
    start = near or 1
    for fragment in fragments:
        line = _find_line(doc, fragment, start)
        if line is not None:
            return line
    if near is not None and near not in doc.code_lines:
        return near
    return None


def _find_line(doc: LintDocument, fragment: str, start: int) -> int | None:
    """Return the first prose line from ``start`` on, then from the top, holding ``fragment``.

    Spaces and case aside. Each answer is kept for the document, and so is
    each line as compared: a long line that holds many findings, each
    located by the whole line, is read once, not once per finding.
    """
    found: dict[tuple[str, int], int | None] = doc.memo("locate")
    key = (fragment, start)
    if key in found:
        return found[key]
    found[key] = None
    wanted = _SPACES.sub(" ", fragment).strip().lower()
    if not wanted:
        return None
    folded: dict[int, str] = doc.memo("folded lines")
    # Walked, not listed: the line is usually ``start`` itself, found in one step.
    for line in chain(range(start, len(doc.lines) + 1), range(1, start)):
        if line in doc.code_lines:
            continue
        text = folded.get(line)
        if text is None:
            text = folded[line] = _SPACES.sub(" ", doc.line_text(line)).lower()
        if wanted in text:
            found[key] = line
            return line
    return None


# Each part stops at the character that would start another, so the search stays linear.
_MASKED = re.compile(
    r"`[^`\n]*`"  # inline code
    r"|\]\([^()\[\]\s]*\)"  # a link's target
    r"|<https?://[^<>\s]*>|https?://\S+"  # bare addresses
    r"|<[A-Za-z/][^<>\n]*>"  # HTML tags
)


def mask_markup(text: str) -> str:
    """Blank out inline code, link targets, addresses, comments and tags, keeping every column."""
    return _MASKED.sub(lambda m: " " * len(m.group(0)), blank_comments(text))


def blank_comments(text: str) -> str:
    """Blank out ``<!-- ... -->`` comments, keeping every column (found by scanning)."""
    return _blank(text, _comment_spans(text))


def _comment_spans(text: str) -> list[tuple[int, int]]:
    """Return the spans of the ``<!-- ... -->`` comments in ``text``, up to an unclosed one."""
    spans: list[tuple[int, int]] = []
    at = 0
    while (start := text.find("<!--", at)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        spans.append((start, end + 3))
        at = end + 3
    return spans


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """Return ``text`` with the (ordered, separate) ``spans`` made spaces."""
    parts: list[str] = []
    at = 0
    for start, end in spans:
        parts += [text[at:start], " " * (end - start)]
        at = end
    parts.append(text[at:])
    return "".join(parts)


@dataclass(frozen=True)
class Masked:
    """A line masked once (:func:`mask_markup`), answering for its parts without masking again.

    A part masks as the line does unless a comment or a masked run crosses
    one of its ends (masking runs left to right, and no pattern looks
    behind), so ``part`` cuts the masked line and masks anew only then.
    """

    text: str
    masked: str
    comments: list[tuple[int, int]]
    runs: list[tuple[int, int]]

    @classmethod
    def of(cls, text: str) -> Masked:
        """Mask ``text`` (a line), keeping where comments and masked runs are."""
        comments = _comment_spans(text)
        blanked = _blank(text, comments)
        runs = [m.span() for m in _MASKED.finditer(blanked)]
        return cls(text, _blank(blanked, runs), comments, runs)

    def part(self, start: int, end: int) -> tuple[str, int, int]:
        """Return ``mask_markup(text[start:end])`` as a string and the span of it to read."""
        if any(_crosses(spans, at) for spans in (self.comments, self.runs) for at in (start, end)):
            return mask_markup(self.text[start:end]), 0, end - start
        return self.masked, start, end


def _crosses(spans: list[tuple[int, int]], at: int) -> bool:
    """Say whether one of the ordered, separate ``spans`` starts before ``at`` and ends after it."""
    index = bisect_left(spans, (at,)) - 1
    return index >= 0 and spans[index][1] > at


def item_label(item: ActionItem, width: int = 60) -> str:
    """Return an action item's title as a message quotes it: its first line, shortened."""
    first = item.title.strip().split("\n", 1)[0].strip()
    return first if len(first) <= width else first[: width - 1].rstrip() + "…"


def span_of(doc: LintDocument, line: int, value: str) -> tuple[int, int] | None:
    """Return the 0-based span of ``value`` written on ``line``, or None when it is not there.

    In a table row the cell holding exactly ``value`` wins (an ID "1" is its
    own cell, not the 1 of a date); otherwise the first occurrence that is a
    whole word.
    """
    text = doc.line_text(line)
    if not value:
        return None
    if text.lstrip().startswith("|"):
        for start, end in cell_spans(text):
            if text[start:end] == value:
                return start, end
    found = re.search(rf"(?<![\w-]){re.escape(value)}(?![\w])", text)
    if found is None:
        found = re.search(re.escape(value), text)
    return (found.start(), found.end()) if found else None


def column_of(doc: LintDocument, line: int, value: str) -> int | None:
    """Return the 1-based column of ``value`` on ``line`` (see :func:`span_of`)."""
    span = span_of(doc, line, value)
    return span[0] + 1 if span else None


def clause_before(text: str, end: int) -> str:
    """Return the end of the clause running up to ``end`` (at most 40 characters).

    The blame rules look there for a negation: "no one was at fault".
    """
    return re.split(r"[.!?;:,](?:\s|$)", text[max(0, end - 40) : end])[-1]


# The timeline rules (AAR3xx) share these: which section holds the timeline, how an
# entry's time is written, and whether a text mentions one of a list of words.


def timeline_spec(doc: LintDocument) -> SectionSpec | None:
    """Return the profile's timeline section the document's timeline was read in."""
    spec = section_at(doc, doc.parsed.lines.get("timeline[0]"))
    if spec is not None and spec.kind == "timeline":
        return spec
    return next((s for s in doc.profile.sections if s.kind == "timeline"), None)


def profile_time(doc: LintDocument, value: datetime) -> str:
    """Return a time as a message shows it: in the profile's zone, with the zone's name."""
    zone = doc.profile.zone_label or doc.profile.zone
    return f"{format_datetime(value, resolve_zone(doc.profile.zone))} {zone}"


def entry_words(event: TimelineEvent) -> str:
    """Return everything a timeline entry says: its text and its other columns."""
    return " ".join([event.text, *event.extra.values()])


def to_minute(value: datetime) -> datetime:
    """Return a time without its seconds: timelines are compared to the minute."""
    return value.replace(second=0, microsecond=0)


def mentions(text: str, words: list[str]) -> str | None:
    """Return the first of ``words`` that ``text`` mentions, in any of its -s, -ed, -ing forms."""
    lowered = text.lower()
    for word in words:
        key = word.lower()
        if _probe(key) in lowered and _word_pattern(key).search(text):
            return word
    return None


# Words come from lint settings, which a server may load without end.
_WORDS_KEPT = 1024


@lru_cache(maxsize=_WORDS_KEPT)
def _probe(word: str) -> str:
    """Return a part every form of ``word`` contains (a quick test before the pattern)."""
    first = word.split()[0] if word.split() else word
    return first[:-2] if first.endswith("ed") and len(first) > 4 else first[:-1] or first


@lru_cache(maxsize=_WORDS_KEPT)
def _word_pattern(word: str) -> re.Pattern[str]:
    """Return a pattern for a word or phrase: a verb in its forms, a plural with its singular."""
    if " " in word.strip() or not word.isalpha():
        body = r"\s+".join(re.escape(w) for w in word.split())
        return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)
    verb = "(?:s|es|ed|d|ing)?"
    if word.endswith("ed") and len(word) > 4:  # alerted: alert, alerts, alerting
        forms = [f"{re.escape(word[:-2])}{verb}", f"{re.escape(word[:-1])}{verb}"]
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:  # users: user
        forms = [f"{re.escape(word[:-1])}(?:s|es)?"]
    else:
        forms = [f"{re.escape(word)}{verb}"]
    return re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)", re.IGNORECASE)


_MARKER = re.compile(r"^\s*(?:#{1,6}\s+|(?:[-*+]|\d+[.)])\s+)?")


def written_time(doc: LintDocument, index: int) -> str | None:
    """Return the time of timeline entry ``index`` as the document writes it (``Jan 14, 10:18 AM``).

    In a table it is the date and time cells; elsewhere the moment the entry's line starts with.
    """
    line = doc.line_of(f"timeline[{index}]")
    if line is None:
        return None
    text = doc.line_text(line)
    if text.lstrip().startswith("|"):
        block = doc.table_at(line)
        spec = timeline_spec(doc)
        if block is None or spec is None:
            return None
        cells = cell_spans(text)
        attrs = match_columns(block.header, [*spec.columns, *GENERIC_COLUMNS])
        parts = [
            text[start:end]
            for (start, end), attr in zip(cells, attrs, strict=False)
            if attr in ("date", "time") and end > start
        ]
        return " ".join(parts) or None
    moment = leading_moment(_MARKER.sub("", text, count=1))
    return moment.raw.strip("*_ ") if moment is not None else None


def shown_time(written: str) -> str:
    """Return a written time as a message quotes it (runs of spaces made one)."""
    return " ".join(written.split())


def present(phrases: list[str], lowered: str) -> tuple[str, ...]:
    """Return the phrases whose longest word is in ``lowered`` text (a cheap first sieve)."""
    found: list[str] = []
    for phrase in phrases:
        words = re.findall(r"\w+", phrase.lower())
        if words and max(words, key=len) in lowered:
            found.append(phrase)
    return tuple(found)
