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

from afteraction.document.blocks import Block, join_sources, split_blocks
from afteraction.document.context import Context
from afteraction.document.kinds import KINDS
from afteraction.document.kinds.common import norm
from afteraction.document.kinds.fields import parse_labelled
from afteraction.document.markdown import RawDocument, RawSection, read_markdown
from afteraction.document.render import PREAMBLE, UNTITLED
from afteraction.document.templates import _pattern, parse_template
from afteraction.document.timetext import date_heading
from afteraction.document.values import combine
from afteraction.document.zones import resolve_zone, stated_zone
from afteraction.model import Incident, Section, compute_metrics
from afteraction.model.metrics import format_duration
from afteraction.profiles.schema import Profile, SectionSpec


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def match_spec(heading: str, profile: Profile, used: set[str]) -> SectionSpec | None:
    """Return the profile section a written heading stands for."""
    key = norm(heading)
    if not key:
        return None
    exact = [s for s in profile.sections if norm(s.heading) == key]
    alias = [s for s in profile.sections if key in {norm(a) for a in s.aliases}]
    for spec in [*exact, *alias]:
        if spec.key not in used:
            return spec
    return None


def _strip_fixed(spec: SectionSpec, blocks: list[Block]) -> list[Block]:
    """Drop the section's fixed text and any untouched template prompt."""
    kept = [b for b in blocks if b.kind != "hr"]
    if spec.text:
        fixed = {_squash(b.source) for b in split_blocks(spec.text)}
        kept = [b for b in kept if _squash(b.source) not in fixed]
    if spec.hint:
        if _squash(join_sources(kept)) == _squash(spec.hint):
            return []
        hinted = {_squash(b.source) for b in split_blocks(spec.hint)}
        kept = [b for b in kept if _squash(b.source) not in hinted]
    return kept


def _strip_footer(raw: RawDocument, profile: Profile) -> None:
    if not profile.footer or not raw.all_sections():
        return
    last = raw.all_sections()[-1]
    body = "\n".join(last.body_lines).rstrip()
    footer = profile.footer.strip()
    if body.endswith(footer):
        last.body_lines = body[: -len(footer)].rstrip().rstrip("-").rstrip().split("\n")


def _parse_title(raw: RawDocument, profile: Profile, record: Incident, ctx: Context) -> None:
    title = raw.title
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


def _sections(raw: RawDocument, profile: Profile, record: Incident, ctx: Context) -> None:
    used: set[str] = set()

    def visit(section: RawSection) -> None:
        spec = match_spec(section.heading, profile, used)
        if spec is None:
            record.sections.append(
                Section(key=None, heading=section.heading, level=section.level, body=section.body())
            )
            for child in section.children:
                visit(child)
            return
        used.add(spec.key)
        kind = KINDS[spec.kind]
        source = section.subtree_markdown() if kind.consumes_subsections else section.body()
        zone = stated_zone(section.heading) or stated_zone(source[:300])
        ctx.section_zone = resolve_zone(zone) if zone else None
        blocks = _strip_fixed(spec, split_blocks(source, section.body_line))
        leftover = kind.parse(spec, blocks, record, ctx)
        note = join_sources(leftover)
        if note or section.heading != spec.heading:
            record.sections.append(
                Section(key=spec.key, heading=section.heading, level=spec.level, body=note)
            )
        if not kind.consumes_subsections:
            for child in section.children:
                visit(child)

    for section in raw.sections:
        visit(section)


def _document_day(raw: RawDocument, file: str | None) -> date | None:
    """Return a date the document states outside its fields (front matter, title, file name)."""
    for key in ("date", "start_time", "started", "incident_date"):
        value = raw.front_matter.get(key)
        if value is not None:
            text = str(value)[:10]
            day = date_heading(text)
            if day is not None:
                return day
    for text in (raw.title or "", file or ""):
        found = re.search(r"(\d{4}-\d{2}-\d{2})", text)
        if found:
            return date_heading(found[1])
    return None


def _finish(record: Incident, ctx: Context, day_hint: date | None) -> None:
    started = ctx.partials.get("times.started")
    ref = started.day if started and started.day else None
    if ref is None and record.fields.get("date"):
        ref = date_heading(record.fields["date"])
    ref = ref or day_hint
    for path, part in ctx.partials.items():
        day = part.day or ref
        name = path.split(".")[1]
        if part.clock is None or day is None:
            if part.day is not None and name == "started":
                record.fields["date"] = part.day.isoformat()
            elif part.clock is not None:
                ctx.fail(
                    f"time {part.clock:%H:%M} has no date: write the incident date", part.line, path
                )
            continue
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
    previous = None
    for pending in ctx.pending_events:
        day = pending.day or ref
        if pending.clock is None or day is None:
            if pending.clock is not None or pending.day is not None:
                written = f"{pending.day or ''} {pending.clock or ''}".strip()
                pending.event.extra.setdefault("Time", written)
            continue
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
    if ctx.stated_duration:
        duration = compute_metrics(record.times).duration
        if duration is None or format_duration(duration) != ctx.stated_duration:
            record.fields["duration"] = ctx.stated_duration


@dataclass
class Parsed:
    """A record read from a document, with what the reading had to guess."""

    record: Incident
    warnings: list[str] = field(default_factory=list)


def parse_markdown(
    text: str, profile: Profile, *, file: str | None = None, strict: bool = True
) -> Incident:
    """Read a Markdown postmortem written in ``profile`` into a record."""
    return read_document(text, profile, file=file, strict=strict).record


def read_document(
    text: str, profile: Profile, *, file: str | None = None, strict: bool = True
) -> Parsed:
    """Read a Markdown postmortem, returning the record and any warnings."""
    raw = read_markdown(text, file)
    ctx = Context.for_profile(profile, file=file, strict=strict)
    record = Incident(profile=profile.name)
    _strip_footer(raw, profile)
    _parse_title(raw, profile, record, ctx)
    preamble = [
        b for b in split_blocks("\n".join(raw.preamble_lines), raw.preamble_line) if b.kind != "hr"
    ]
    leftover = parse_labelled(profile.header, preamble, record, ctx)
    if leftover:
        record.sections.append(
            Section(key=PREAMBLE, heading="", level=1, body=join_sources(leftover))
        )
    _sections(raw, profile, record, ctx)
    _finish(record, ctx, _document_day(raw, file))
    if raw.front_matter:
        for key, value in raw.front_matter.items():
            if key != "title" or record.title != str(value):
                record.fields.setdefault(f"front_matter.{key}", str(value))
    return Parsed(record, ctx.warnings)
