"""Add built events to a postmortem's timeline and fill the key times it leaves empty.

Only the timeline block (its table or list) and empty key-time fields
change; every other byte of the file stays as written. Events already in the
document (the same minute and text, as an earlier run wrote them or the
author did) are not added again, so running twice adds nothing twice, and
events written by hand are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from afteraction.document.blocks import Block
from afteraction.document.context import Context
from afteraction.document.kinds import KINDS
from afteraction.document.kinds.fields import split_labelled
from afteraction.document.markdown import read_markdown
from afteraction.document.parse import Parsed, read_document
from afteraction.document.readings import without_inferred
from afteraction.document.reference import reference_date
from afteraction.document.templates import render_template
from afteraction.errors import UsageError
from afteraction.model import Incident, Section, TimelineEvent
from afteraction.profiles import Profile
from afteraction.profiles.schema import FieldSpec, SectionSpec
from afteraction.timeline.event import Event
from afteraction.timeline.keytimes import NAMES, KeyTimesReport
from afteraction.timeline.output import as_record_event

_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# What event_text appends, which a later run may write differently (more repeats).
_NOTE = re.compile(r" \(\d+ times until [\d:]+\)| \(also via [^)]*\)")


def without_notes(text: str) -> str:
    """Drop the notes event_text appends, last first (one pass, where a regex rescans)."""
    while text.endswith(")"):
        start = text.rfind(" (")
        if start < 0 or not _NOTE.fullmatch(text, start):
            break
        text = text[:start]
    return text


@dataclass
class Applied:
    """A postmortem with events added: its new text and what changed."""

    text: str
    added: int = 0
    already: int = 0
    filled: list[str] = field(default_factory=list)
    unfilled: dict[str, datetime] = field(default_factory=dict)
    read: Parsed | None = None  # the new text, as the check read it


def add_to_postmortem(
    text: str,
    file: str,
    profile: Profile,
    events: list[Event],
    key_times: KeyTimesReport,
    *,
    strict: bool = False,
) -> Applied:
    """Return the document with new events in its timeline and empty key times filled.

    It is read, and the result read back to check it, strictly with ``strict``
    (as a document that follows its profile is read; bad values are collected
    as problems, not raised); ``Applied.read`` is that reading of the result.
    """
    spec = next((s for s in profile.sections if s.kind == "timeline"), None)
    if spec is None:
        raise UsageError(f"profile {profile.name} has no timeline section", file=file)
    raw = read_markdown(text, file)
    blocks = list(raw.blocks)
    parsed = read_document(text, profile, file=file, strict=strict, collect=True, raw=raw)
    record = without_inferred(parsed.record)  # a key time only inferred has an empty field
    ctx = Context.for_profile(profile)
    ctx.ref_date = reference_date(record, profile, ctx)
    written = {_identity(e, ctx) for e in record.timeline}
    new = [as_record_event(e, ctx.zone) for e in events]
    fresh = [e for e in new if _identity(e, ctx) not in written]
    applied = Applied(text, added=len(fresh), already=len(new) - len(fresh))
    lines = text.split("\n")
    # Key times first: filling a field changes no line count, so the source map holds.
    for name in NAMES:
        inferred = key_times.times[name].time
        if inferred is None or getattr(record.times, name) is not None:
            continue
        line = parsed.lines.get(f"times.{name}")
        value = _filled_line(lines, line, name, inferred, record, profile, ctx)
        if value is None:
            applied.unfilled[name] = inferred
            continue
        assert line is not None
        lines[line - 1] = value
        applied.filled.append(name)
    merged = _merged(record.timeline, fresh) if fresh else record.timeline
    if fresh:
        span = _timeline_span(parsed.lines, blocks, len(record.timeline), spec.key, file)
        shown = merged
        if span is None:  # no timeline section yet: add one where the profile puts it
            start = stop = _section_place(profile, spec, parsed.lines, len(lines))
        else:
            start, stop, whole = span
            if not whole:  # a timeline over several blocks: the new events follow it, dated
                shown, ctx.ref_date = fresh, None
        body = KINDS["timeline"].render(spec, record.model_copy(update={"timeline": shown}), ctx)
        block = body.split("\n")
        if span is None:
            block = [f"{'#' * spec.level} {spec.heading}", "", *block]
        if start == stop:  # a new block: set it apart from its neighbours by blank lines
            before = [""] if start > 0 and lines[start - 1].strip() else []
            after = [""] if start < len(lines) and lines[start].strip() else []
            block = [*before, *block, *after]
        lines[start:stop] = block
    applied.text = "\n".join(lines)
    if applied.text == text:  # every event there already: the same text reads the same
        applied.read = parsed
        return applied
    _check(applied, file, profile, record, len(merged), strict)
    return applied


def _section_place(profile: Profile, spec: SectionSpec, lines: dict[str, int], end: int) -> int:
    """Return the 0-based line a new timeline section goes at: before the next section written."""
    keys = [s.key for s in profile.sections]
    for key in keys[keys.index(spec.key) + 1 :]:
        line = lines.get(f"section.{key}")
        if line is not None:
            return line - 1
    return end


def _check(
    applied: Applied, file: str, profile: Profile, before: Incident, count: int, strict: bool
) -> None:
    """Fail unless the new text reads back with every event and filled key time, and the rest.

    Everything else the document says must read back as it did.
    """
    applied.read = read_document(applied.text, profile, file=file, strict=strict, collect=True)
    record = without_inferred(applied.read.record)  # what the text states, as ``before`` is
    filled = all(getattr(record.times, name) is not None for name in applied.filled)
    rest = {"timeline", "times", "readings"}  # readings follow from the timeline and times
    # A reading in the document's own shape lists a timeline section the document now has.
    key = next(s.key for s in profile.sections if s.kind == "timeline")
    added = Section(key=key, heading=profile.section(key).heading, level=profile.section(key).level)
    same = _without(record, added).model_dump(exclude=rest) == _without(before, added).model_dump(
        exclude=rest
    )
    if len(record.timeline) != count or not filled or not same:
        raise UsageError(
            "the events could not be written so that the document reads them back;"
            " add them by hand",
            file=file,
        )


def _without(record: Incident, section: Section) -> Incident:
    """Return ``record`` without ``section`` among its sections."""
    return record.model_copy(update={"sections": [s for s in record.sections if s != section]})


def _identity(event: TimelineEvent, ctx: Context) -> tuple[str, str]:
    """Return what makes two timeline entries the same: the minute and the words."""
    if event.time is not None:
        when = ctx.local(event.time).strftime("%Y-%m-%d %H:%M")
    else:
        when = event.date.isoformat() if event.date is not None else ""
    words = " ".join(without_notes(event.text).split()).casefold()
    return when if ctx.ref_date is None or event.time is None else when[11:], words


def _merged(written: list[TimelineEvent], fresh: list[TimelineEvent]) -> list[TimelineEvent]:
    """Return the written and the new entries in time order (untimed ones keep their place)."""
    keyed = []
    last = None
    for order, entry in enumerate(written):
        last = entry.time or last
        keyed.append((last, 0, order, entry))
    keyed += [(entry.time, 1, order, entry) for order, entry in enumerate(fresh)]
    floor = datetime.min.replace(tzinfo=fresh[0].time.tzinfo) if fresh[0].time else None
    return [entry for *_, entry in sorted(keyed, key=lambda k: (k[0] or floor, k[1], k[2]))]


def _timeline_span(
    lines: dict[str, int], blocks: list[Block], count: int, key: str, file: str
) -> tuple[int, int, bool] | None:
    """Return the 0-based line range to write the timeline in, and whether it is all of it.

    One table or list is replaced whole. A timeline over several blocks (day
    headings, ``### HH:MM`` entries) is kept as written, and an empty range
    after its last block says where the new events go. None when the
    document has no timeline section at all.
    """
    if count:
        first, last = lines.get("timeline[0]"), lines.get(f"timeline[{count - 1}]")
        if first is None or last is None:
            raise UsageError("cannot tell where the timeline is written", file=file)
        block = next((b for b in reversed(blocks) if b.line <= first), None)
        end = next((b for b in reversed(blocks) if b.line <= last), None)
        if block is None or end is None:
            raise UsageError("cannot tell where the timeline is written", file=file)
        stop = end.line - 1 + len(end.source.rstrip("\n").split("\n"))
        if block is end and _only_entries(block, count):
            return block.line - 1, stop, True
        return stop, stop, False
    heading = lines.get(f"section.{key}")
    if heading is None:
        return None
    after = [b for b in blocks if b.line > heading]
    following = next((b for b in after if b.kind == "heading"), None)
    own = [b for b in after if following is None or b.line < following.line]
    placeholder = next((b for b in own if b.kind in ("table", "list")), None)
    if placeholder is not None:  # the template's empty table or list
        start = placeholder.line - 1
        return start, start + len(placeholder.source.split("\n")), True
    at = own[-1].line - 1 + len(own[-1].source.split("\n")) if own else heading
    return at, at, True


def _only_entries(block: Block, count: int) -> bool:
    """Say whether a block holds the timeline's entries and nothing else (safe to rewrite)."""
    if block.kind == "table":
        return len(block.rows) == count
    return block.kind == "list" and len(block.items) == count


def _filled_line(
    lines: list[str],
    line: int | None,
    name: str,
    moment: datetime,
    record: Incident,
    profile: Profile,
    ctx: Context,
) -> str | None:
    """Return the key time's field line with the time written in, or None when unsafe."""
    if line is None:
        return None
    slot = re.compile(r"\{times\." + name + r"(?::[^}]*)?\}")
    spec = next(
        (
            f
            for f in [*profile.header, *(f for s in profile.sections for f in s.fields)]
            if slot.fullmatch(f.value.strip())
        ),
        None,
    )
    if spec is None:
        return None
    text = lines[line - 1]
    value = _render_time(spec, name, moment, record, ctx)
    if text.lstrip().startswith("|"):
        cells = text.rstrip().rstrip("|").split("|")
        if len(cells) == 3 and not cells[2].strip():
            return f"{cells[0]}|{cells[1]}| {value} |"
        return None
    split = split_labelled(_ITEM.sub("", text).rstrip())
    if split is None or split[1]:
        return None
    return f"{text.rstrip()} {value}"


def _render_time(
    spec: FieldSpec, name: str, moment: datetime, record: Incident, ctx: Context
) -> str:
    times = record.times.model_copy(update={name: moment})
    return render_template(spec.value, record.model_copy(update={"times": times}), ctx)
