"""Markdown -> record, driven by a profile.

Every line of the input lands somewhere: in a structured field, in the note
of the profile section it was found in, or in a section the profile does
not know. ``strict`` decides whether a bad value is an error (a document in
a known format) or a warning (a generic reading of an unknown shape).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from afteraction.document.blocks import Block, join_sources, split_blocks
from afteraction.document.bullets import bullets_as_sections
from afteraction.document.context import Context, Problem
from afteraction.document.frontmatter import FRONT_SUMMARY, read_front_matter
from afteraction.document.kinds import KINDS, Kind
from afteraction.document.kinds.common import match_columns, norm
from afteraction.document.kinds.fields import parse_labelled
from afteraction.document.kinds.timeline import GENERIC_COLUMNS
from afteraction.document.markdown import RawDocument, RawSection, nest_headings, read_markdown
from afteraction.document.render import FRONT_MATTER, PREAMBLE, UNTITLED
from afteraction.document.templates import _pattern, parse_template
from afteraction.document.timetext import (
    Day,
    date_heading,
    guess_dayfirst,
    leading_moment,
    place_day,
)
from afteraction.document.values import combine
from afteraction.document.zones import resolve_zone, stated_zone
from afteraction.model import Incident, Section, compute_metrics
from afteraction.model.metrics import format_duration
from afteraction.profiles.memo import per_profile
from afteraction.profiles.schema import Profile, SectionSpec


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def match_spec(
    heading: str, profile: Profile, used: set[str], *, prefix: bool = False
) -> SectionSpec | None:
    """Return the profile section a written heading stands for.

    With ``prefix`` (a lenient reading), a heading that starts with a
    section's name also stands for it: "Root cause of the outage".
    """
    key = norm(heading)
    if not key:
        return None
    names = _heading_names(profile)
    exact = [s for s, (own, _) in zip(profile.sections, names, strict=True) if own == key]
    alias = [s for s, (_, other) in zip(profile.sections, names, strict=True) if key in other]
    for spec in [*exact, *alias]:
        if spec.key not in used:
            return spec
    for spec in profile.sections:
        if spec.key not in used and valued_heading(spec, heading):
            return spec
    if prefix:
        for spec, (own, other) in zip(profile.sections, names, strict=True):
            if spec.key not in used and any(key.startswith(f"{n} ") for n in (own, *other) if n):
                return spec
    return None


@per_profile
def _heading_names(profile: Profile) -> list[tuple[str, frozenset[str]]]:
    """Return each section's normalised heading and aliases."""
    return [(norm(s.heading), frozenset(norm(a) for a in s.aliases)) for s in profile.sections]


def valued_heading(spec: SectionSpec, heading: str) -> bool:
    """Say whether ``heading`` is the section's heading with its value written in."""
    if spec.heading_value is None:
        return False
    return _pattern(spec.heading_value)[0].fullmatch(heading.strip()) is not None


def _strip_fixed(spec: SectionSpec, blocks: list[Block], *, keep_text: bool = False) -> list[Block]:
    """Drop the section's fixed text and any untouched template prompt.

    ``keep_text`` keeps the fixed text (a document read in its own shape wrote it itself).
    """
    kept = [b for b in blocks if b.kind != "hr"]
    fixed, lead, hint, prompts, example_rows = _template_index(spec.text, spec.lead, spec.hint)
    if fixed and not keep_text:
        kept = [b for b in kept if _squash(b.source) not in fixed]
    if lead:
        kept = [b for b in kept if _squash(b.source) != lead]
    if hint:
        if _squash(join_sources(kept)) == hint:
            return []
        kept = [b for b in kept if not (_squash(b.source) in prompts and _prompt(b))]
        for block in kept:
            if block.kind == "table":
                block.rows = [
                    r
                    for r in block.rows
                    if not (tuple(r) in example_rows and _PROMPT.search(" ".join(r)))
                ]
    return kept


@cache
def _template_index(
    text: str | None, lead: str | None, hint: str | None
) -> tuple[frozenset[str], str, str, frozenset[str], frozenset[tuple[str, ...]]]:
    """Return what a section's template writes, squashed for comparison (computed once)."""
    fixed = frozenset(_squash(b.source) for b in split_blocks(text)) if text else frozenset()
    hint_blocks = split_blocks(hint) if hint else []
    return (
        fixed,
        _squash(lead) if lead else "",
        _squash(hint) if hint else "",
        frozenset(_squash(b.source) for b in hint_blocks),
        frozenset(tuple(r) for b in hint_blocks if b.kind == "table" for r in b.rows),
    )


# What makes a line of a template a prompt to replace, not a label to keep.
_PROMPT = re.compile(
    r"\[[^\]]*\](?!\()|\{[^}]*\}|_{3,}|YYYY|HH:MM|\*\([^)]*\)\*|^\s*[-*+]\s+\[ \]\s*$",
    re.MULTILINE,
)


def _prompt(block: Block) -> bool:
    """Say whether a block of a section's hint is a prompt ("[Describe]"), not a label."""
    return bool(_PROMPT.search(block.source))


def _strip_footer(raw: RawDocument, profile: Profile) -> None:
    if not profile.footer or not raw.all_sections():
        return
    last = raw.all_sections()[-1]
    body = "\n".join(last.body_lines).rstrip()
    footer = profile.footer.strip()
    if body.endswith(footer):
        last.body_lines = body[: -len(footer)].rstrip().rstrip("-").rstrip().split("\n")
        footer_line = last.body_line + len(last.body_lines)
        raw.blocks = [b for b in raw.blocks if b.line < footer_line]


def _parse_title(raw: RawDocument, profile: Profile, record: Incident, ctx: Context) -> None:
    title = raw.title
    ctx.locate("title", raw.title_line)
    fm_title = raw.front_matter.get("title")
    if title is None:
        if fm_title:
            record.title = str(fm_title)
        return
    if title in profile.title_aliases or title == UNTITLED:
        return
    pattern, names = _pattern(profile.title)
    match = pattern.fullmatch(title)
    if match is None or (
        not ctx.strict and not any(match.group(f"s{i}") for i in range(len(names)))
    ):
        record.title = title
        return
    parse_template(profile.title, title, record, ctx, line=raw.title_line, label="title")


def _own_children(
    section: RawSection, kind: Kind, profile: Profile, used: set[str], ctx: Context
) -> int:
    """Return how many leading subsections belong to the section's own text."""
    count = 0
    for child in section.children:
        if not kind.claims(child.heading, ctx) and match_spec(child.heading, profile, used):
            break
        count += 1
    return count


def _untitled_prose(
    blocks: list[Block], raw: RawDocument, profile: Profile, summary: SectionSpec
) -> bool:
    """Say whether text before any heading is the summary (no section says it is)."""
    headed = any(
        match_spec(s.heading, profile, set(), prefix=True) == summary for s in raw.all_sections()
    )
    stated = any(raw.front_matter.get(key) for key in FRONT_SUMMARY)
    return not headed and not stated and any(b.kind == "paragraph" for b in blocks)


def _continue_timeline(
    section: RawSection, spec: SectionSpec, record: Incident, ctx: Context
) -> None:
    """Read a sibling section headed by a moment (``## Feb 21, 13:00``) as more timeline."""
    source = "\n".join(section.heading_lines) + "\n" + section.source_with(section.children)
    leftover = join_sources(
        KINDS["timeline"].parse(spec, split_blocks(source, section.line), record, ctx)
    )
    if not leftover:
        return
    note = next((s for s in record.sections if s.key == spec.key), None)
    if note is None:
        record.sections.append(
            Section(key=spec.key, heading=spec.heading, level=spec.level, body=leftover)
        )
    else:
        note.body = f"{note.body}\n\n{leftover}".strip()


def _blocks(raw: RawDocument, section: RawSection, own: int, source: str) -> list[Block]:
    """Return the blocks of a section and its first ``own`` subsections (parsed once)."""
    if not section.end_line:  # a section made from a labelled bullet: its text was re-indented
        return split_blocks(source, section.body_line)
    stop = section.children[own].line if own < len(section.children) else section.end_line
    return raw.blocks_between(section.body_line, stop)


def _sections(raw: RawDocument, profile: Profile, record: Incident, ctx: Context) -> None:
    used: set[str] = set()
    own_shape = record.layout == "document"
    timeline: SectionSpec | None = None
    # Where each section the profile does not know was written: heading line, first body line.
    unnamed: dict[int, tuple[int, int]] = {}

    def visit(section: RawSection) -> None:
        nonlocal timeline
        spec = match_spec(section.heading, profile, used, prefix=not ctx.strict)
        if spec is None and timeline is not None and KINDS["timeline"].claims(section.heading, ctx):
            _continue_timeline(section, timeline, record, ctx)
            return
        timeline = None
        if spec is None:
            # Other sections are written after the profile's, at the second level
            # (a first-level one would take in those after it), each with the
            # subsections that are not the profile's.
            own = _own_children(section, KINDS["group"], profile, used, ctx)
            source = section.source_with(section.children[:own])
            body = source.strip("\n").rstrip()
            level = section.level if own_shape else 2
            if level != section.level:
                body = nest_headings(body, level)
            record.sections.append(
                Section(key=None, heading=section.heading, level=level, body=body)
            )
            skipped = source[: len(source) - len(source.lstrip("\n"))].count("\n")
            unnamed[id(record.sections[-1])] = (section.line, section.body_line + skipped)
            for child in section.children[own:]:
                visit(child)
            return
        used.add(spec.key)
        ctx.locate(f"section.{spec.key}", section.line)
        valued = valued_heading(spec, section.heading)
        if valued and spec.heading_value is not None:
            parse_template(
                spec.heading_value, section.heading, record, ctx, line=section.line, label=spec.key
            )
        kind = KINDS[spec.kind]
        own = _own_children(section, kind, profile, used, ctx)
        source = section.source_with(section.children[:own])
        zone = stated_zone(section.heading) or stated_zone(source.strip()[:300])
        ctx.section_zone = resolve_zone(zone) if zone else None
        blocks = _strip_fixed(spec, _blocks(raw, section, own, source), keep_text=own_shape)
        leftover = kind.parse(spec, blocks, record, ctx)
        note = join_sources(leftover)
        if not own_shape and section.level < spec.level:
            note = nest_headings(note, spec.level)  # its subsections stay under it
            _nest_bound_text(spec, record)
        if own_shape or note or (section.heading != spec.heading and not valued):
            level = section.level if own_shape else spec.level
            # A heading with its value written in is the profile's, written from the value.
            heading = spec.heading if valued and not own_shape else section.heading
            record.sections.append(Section(key=spec.key, heading=heading, level=level, body=note))
        timeline = spec if spec.kind == "timeline" and own == len(section.children) else None
        for child in section.children[own:]:
            visit(child)

    for section in raw.sections:
        visit(section)
    if not ctx.strict:
        _find_timeline(profile, record, ctx, used, unnamed)


def _nest_bound_text(spec: SectionSpec, record: Incident) -> None:
    """Move the headings in a section's bound text below the level it is written at."""
    if spec.kind != "prose" or spec.bind is None:
        return
    holder = record.impact if spec.bind == "impact.description" else record
    name = spec.bind.rsplit(".", 1)[-1]
    value = getattr(holder, name)
    if value:
        setattr(holder, name, nest_headings(value, spec.level))


def _find_timeline(
    profile: Profile,
    record: Incident,
    ctx: Context,
    used: set[str],
    unnamed: dict[int, tuple[int, int]],
) -> None:
    """Read an unnamed section made of time-led entries ("Context") as the timeline."""
    spec = next((s for s in profile.sections if s.kind == "timeline"), None)
    if spec is None or spec.key in used or record.timeline:
        return
    for section in record.sections:
        if section.key is not None:
            continue
        heading_line, body_line = unnamed.get(id(section), (None, 1))
        blocks = split_blocks(section.body, body_line)
        items = [i for b in blocks if b.kind == "list" for i in b.items]
        led = [i for i in items if leading_moment(i.text, dayfirst=ctx.dayfirst)]
        if (len(led) < 3 or len(led) * 2 < len(items)) and not _timed_table(blocks):
            continue
        ctx.locate(f"section.{spec.key}", heading_line)
        section.body = join_sources(KINDS["timeline"].parse(spec, blocks, record, ctx))
        section.key = spec.key
        return


def _timed_table(blocks: list[Block]) -> bool:
    """Say whether a section's first block is a table of three or more rows with a time column."""
    first = blocks[0] if blocks else None
    if first is None or first.kind != "table" or len(first.rows) < 3:
        return False
    return "time" in match_columns(first.header, GENERIC_COLUMNS)


def _document_day(raw: RawDocument, record: Incident, file: str | None) -> date | None:
    """Return a date the document states outside its fields (front matter, title, file name)."""
    for key in ("date", "start_time", "started", "incident_date"):
        value = raw.front_matter.get(key)
        if value is not None:
            day = date_heading(str(value)[:10])
            if isinstance(day, date):
                return day
    for text in (raw.title or "", record.title or "", file or ""):
        found = re.search(r"(\d{4}-\d{2}-\d{2})", text)
        if found:
            day = date_heading(found[1])
            if isinstance(day, date):
                return day
    return None


def _reference_day(record: Incident, ctx: Context, day_hint: date | None) -> date | None:
    """Return the day that times written without a date belong to."""
    started = ctx.partials.get("times.started")
    if started and started.day:
        return started.day
    written = date_heading(record.fields.get("date", ""))
    if isinstance(written, date):
        return written
    days = [p.day for p in ctx.partials.values() if p.day]
    if days:
        return days[0]
    if day_hint:
        return day_hint
    timeline_days = [e.day for e in ctx.pending_events if isinstance(e.day, date)]
    return timeline_days[0] if timeline_days else None


def _place_key_times(record: Incident, ctx: Context, ref: date | None) -> None:
    started = ctx.partials.get("times.started")
    for path, part in ctx.partials.items():
        day = part.day or ref
        name = path.split(".")[1]
        if part.clock is None or day is None:
            if part.day is not None and name == "started":
                record.fields["date"] = part.day.isoformat()
            elif part.clock is not None:
                ctx.fail(
                    f"time {part.clock:%H:%M} has no date: write the incident date",
                    part.line,
                    path,
                    code="time",
                    value=f"{part.clock:%H:%M}",
                )
            continue
        if part.zone is None:
            ctx.zoneless.add(path)
        value = combine(day, part.clock, part.zone or ctx.zone)
        if (
            path != "times.started"
            and part.day is None
            and started
            and record.times.started
            and not ctx.strict
        ):
            while value < record.times.started - timedelta(hours=12):
                value += timedelta(days=1)
        setattr(record.times, name, value)


def _written_day(day: Day) -> str:
    return day.isoformat() if isinstance(day, date) else date(2000, *day).strftime("%b %d")


def _place_events(ctx: Context, ref: date | None) -> None:
    previous = None
    for pending in ctx.pending_events:
        day = place_day(pending.day, ref) if pending.day is not None else ref
        if pending.clock is None or day is None:
            if pending.clock is not None or pending.day is not None:
                written = " ".join(
                    part
                    for part in (
                        _written_day(pending.day) if pending.day is not None else "",
                        f"{pending.clock:%H:%M}" if pending.clock is not None else "",
                    )
                    if part
                )
                pending.event.extra.setdefault("Time", written)
            continue
        if pending.zone is None:
            ctx.zoneless.add(pending.path)
        value = combine(day, pending.clock, pending.zone or ctx.zone)
        if (
            not ctx.strict
            and pending.day is None
            and previous is not None
            and value < previous - timedelta(hours=12)
        ):
            value += timedelta(days=1)
        pending.event.time = value
        previous = value


def _finish(record: Incident, ctx: Context, day_hint: date | None) -> None:
    ref = _reference_day(record, ctx, day_hint)
    _place_key_times(record, ctx, ref)
    _place_events(ctx, ref)


def _keep_stated_duration(record: Incident, ctx: Context) -> None:
    """Keep a written duration the key times do not give (``45m`` with no end time)."""
    if ctx.stated_duration:
        duration = compute_metrics(record.times).duration
        if duration is None or format_duration(duration) != ctx.stated_duration:
            record.fields["duration"] = ctx.stated_duration


@dataclass
class Parsed:
    """A record read from a document, with where each part was written.

    ``problems`` are the values that could not be read (bad input in a lenient
    or collecting reading); ``lines`` maps record paths (``severity``,
    ``action_items[2]``, ``section.timeline``) to the line they were read
    from; ``zoneless`` names the times read with no zone stated anywhere.
    """

    record: Incident
    problems: list[Problem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    zoneless: set[str] = field(default_factory=set)
    stated_duration: str | None = None

    @property
    def warnings(self) -> list[str]:
        """Return the problems as one line each."""
        return [str(p) for p in self.problems]


def parse_markdown(
    text: str, profile: Profile, *, file: str | None = None, strict: bool = True
) -> Incident:
    """Read a Markdown postmortem written in ``profile`` into a record."""
    return read_document(text, profile, file=file, strict=strict).record


def read_document(
    text: str,
    profile: Profile,
    *,
    file: str | None = None,
    strict: bool = True,
    collect: bool = False,
    raw: RawDocument | None = None,
) -> Parsed:
    """Read a Markdown postmortem, returning the record and where its parts were written.

    ``raw`` is ``text`` already split (by recognition); reading changes it.
    With ``collect``, a strict reading records bad values as problems
    instead of raising (the linter reports them all).
    """
    raw = raw or read_markdown(text, file)
    ctx = Context.for_profile(profile, file=file, strict=strict, collect=collect)
    ctx.dayfirst = guess_dayfirst(text)
    if not strict:
        bullets_as_sections(raw, profile)
    record = Incident(profile=profile.name, layout="profile" if strict else "document")
    _strip_footer(raw, profile)
    _parse_title(raw, profile, record, ctx)
    preamble = [
        b for b in split_blocks("\n".join(raw.preamble_lines), raw.preamble_line) if b.kind != "hr"
    ]
    leftover = parse_labelled(profile.header, preamble, record, ctx)
    summary = next((s for s in profile.sections if s.bind == "summary"), None)
    if (
        leftover
        and not ctx.strict
        and summary is not None
        and _untitled_prose(leftover, raw, profile, summary)
    ):
        blocks = _strip_fixed(summary, leftover)
        leftover = KINDS[summary.kind].parse(summary, blocks, record, ctx)
        # Written without a heading, where the document has it.
        record.sections.append(Section(key=summary.key, heading="", level=1))
    if leftover:
        record.sections.append(
            Section(key=PREAMBLE, heading="", level=1, body=join_sources(leftover))
        )
    _sections(raw, profile, record, ctx)
    _finish(record, ctx, _document_day(raw, record, file))
    if raw.front_matter_source:
        record.fields[FRONT_MATTER] = raw.front_matter_source
        read_front_matter(raw.front_matter, record)
    _keep_stated_duration(record, ctx)
    if record.layout == "profile":  # in the order the profile writes them
        order = {key: i for i, key in enumerate([PREAMBLE, *(s.key for s in profile.sections)])}
        record.sections.sort(key=lambda s: order.get(s.key or "", len(order)))
    return Parsed(record, ctx.problems, ctx.lines, ctx.zoneless, ctx.stated_duration)
