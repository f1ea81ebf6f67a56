"""Markdown -> record, driven by a profile.

Every line of the input lands somewhere: in a structured field, in the note
of the profile section it was found in, or in a section the profile does
not know. ``strict`` decides whether a bad value is an error (a document in
a known format) or a warning (a generic reading of an unknown shape).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from afteraction.document.blocks import (
    Block,
    besides,
    join_as_written,
    join_sources,
    split_blocks,
)
from afteraction.document.bullets import bullets_as_sections
from afteraction.document.causes import infer_root_cause
from afteraction.document.context import Context, Problem
from afteraction.document.docdate import document_day
from afteraction.document.frontmatter import FRONT_SUMMARY, read_front_matter
from afteraction.document.infer import infer_impact, infer_key_times, labelled_pairs
from afteraction.document.kinds import KINDS, Kind
from afteraction.document.kinds.action_groups import kept_with_stated
from afteraction.document.kinds.action_stated import (
    action_group,
    stated_in_text,
    take_stated_here,
)
from afteraction.document.kinds.body import bind_prose
from afteraction.document.kinds.common import match_columns, norm
from afteraction.document.kinds.fields import parse_labelled, split_labelled
from afteraction.document.kinds.timeline import GENERIC_COLUMNS
from afteraction.document.markdown import RawDocument, RawSection, nest_headings, read_markdown
from afteraction.document.placing import place_times
from afteraction.document.render import FRONT_MATTER, LEAD, PREAMBLE, UNTITLED
from afteraction.document.templates import _pattern, parse_template
from afteraction.document.timetext import (
    guess_dayfirst,
    leading_moment,
)
from afteraction.document.zones import document_zones, resolve_zone, stated_zone
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


# Section templates come from profiles, which a server may load without end.
_SECTIONS_KEPT = 1024


@lru_cache(maxsize=_SECTIONS_KEPT)
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


# Kinds whose text is kept whole: the text that states items stays where it was written.
_KEPT_AS_TEXT = frozenset({"prose", "group", "list", "checklist", "code"})

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
        if not kind.claims(child.heading, ctx) and (
            match_spec(child.heading, profile, used) or action_group(child.heading, ctx)
        ):
            break
        count += 1
    return count


def _read_action_group(
    raw: RawDocument,
    section: RawSection,
    own: int,
    spec: SectionSpec,
    record: Incident,
    ctx: Context,
) -> None:
    """Read the items of a subsection headed as action items; its other text stays put.

    The section is kept, empty when items were all it held: it is where the
    document's own shape writes them back.
    """
    source = section.source_with(section.children[:own])
    heading = Block(kind="heading", source="", line=section.line, text=section.heading)
    blocks = _blocks(raw, section, own, source)
    leftover = KINDS["actions"].parse(spec, [heading, *blocks], record, ctx)
    kept = kept_with_stated(blocks, leftover)
    record.sections.append(
        Section(key=None, heading=section.heading, level=section.level, body=join_as_written(kept))
    )


def _untitled_prose(
    blocks: list[Block], raw: RawDocument, profile: Profile, summary: SectionSpec
) -> bool:
    """Say whether text before any heading is the summary (no section says it is)."""
    headed = any(
        match_spec(s.heading, profile, set(), prefix=True) == summary for s in raw.all_sections()
    )
    stated = any(raw.front_matter.get(key) for key in FRONT_SUMMARY)
    return not headed and not stated and any(_prose(b) for b in blocks)


def _prose(block: Block) -> bool:
    """Say whether a block is prose: a paragraph not made only of ``**Label:** value`` lines."""
    return block.kind == "paragraph" and not all(
        split_labelled(line) for line in block.source.split("\n") if line.strip()
    )


@dataclass
class _KeptText:
    """A section's kept text: what states items, written first, then the rest.

    The timeline's grows with every section that continues it.
    """

    stated: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)

    def body(self) -> str:
        """Return the text as the section's note."""
        return "\n\n".join(t for t in (*self.stated, *self.left) if t)


def _timeline_end(
    section: RawSection, level: int, profile: Profile, used: set[str], ctx: Context
) -> tuple[int, list[RawSection]]:
    """Find where a section that continues the timeline ends; return that line and what follows.

    It ends at the first subsection, at any depth, that is not headed by a
    moment and is a section of the profile, a group of action items, or at the
    timeline's own level or above. What follows is that subsection and every
    later one, each to be read in its own right.
    """

    def ends(child: RawSection) -> bool:
        return not KINDS["timeline"].claims(child.heading, ctx) and bool(
            child.level <= level
            or match_spec(child.heading, profile, used)
            or action_group(child.heading, ctx)
        )

    def cut(children: list[RawSection]) -> tuple[int, list[RawSection]] | None:
        for n, child in enumerate(children):
            if ends(child):
                return child.line, children[n:]
            found = cut(child.children)
            if found is not None:
                return found[0], found[1] + children[n + 1 :]
        return None

    return cut(section.children) or (section.end_line, [])


def _continue_timeline(
    raw: RawDocument,
    section: RawSection,
    stop: int,
    spec: SectionSpec,
    text: _KeptText,
    record: Incident,
    ctx: Context,
) -> None:
    """Read a sibling section headed by a moment (``## Feb 21, 13:00``) as more timeline.

    It runs from its heading to line ``stop``. Items it states join those the
    timeline's own text states.
    """
    if section.end_line:
        blocks = raw.blocks_between(section.line, stop)
    else:  # a section made from a labelled bullet: its text was re-indented
        source = "\n".join(section.heading_lines) + "\n" + section.source_with(section.children)
        blocks = split_blocks(source, section.line)
    kept = take_stated_here(blocks, record, ctx)
    text.stated.append(join_as_written(besides(blocks, kept)))
    text.left.append(join_sources(KINDS["timeline"].parse(spec, kept, record, ctx)))
    body = text.body()
    if not body:
        return
    note = next((s for s in record.sections if s.key == spec.key), None)
    if note is None:
        record.sections.append(
            Section(key=spec.key, heading=spec.heading, level=spec.level, body=body)
        )
    else:
        note.body = body


def _blocks(raw: RawDocument, section: RawSection, own: int, source: str) -> list[Block]:
    """Return the blocks of a section and its first ``own`` subsections (parsed once)."""
    if not section.end_line:  # a section made from a labelled bullet: its text was re-indented
        return split_blocks(source, section.body_line)
    stop = section.children[own].line if own < len(section.children) else section.end_line
    return raw.blocks_between(section.body_line, stop)


def _sections(
    raw: RawDocument, profile: Profile, record: Incident, ctx: Context
) -> dict[int, tuple[int, int]]:
    """Read every section; return where each section the profile does not know was written."""
    used: set[str] = set()
    own_shape = record.layout == "document"
    timeline: SectionSpec | None = None
    timeline_level = 0  # the level of the timeline's own heading
    timeline_text = _KeptText()
    # Where each section the profile does not know was written: heading line, first body line.
    unnamed: dict[int, tuple[int, int]] = {}

    def visit(section: RawSection) -> None:
        nonlocal timeline, timeline_level, timeline_text
        spec = match_spec(section.heading, profile, used, prefix=not ctx.strict)
        if spec is None and timeline is not None and KINDS["timeline"].claims(section.heading, ctx):
            stop, rest = _timeline_end(section, timeline_level, profile, used, ctx)
            _continue_timeline(raw, section, stop, timeline, timeline_text, record, ctx)
            for later in rest:
                visit(later)
            return
        timeline = None
        group = action_group(section.heading, ctx) if spec is None else None
        if group is not None:
            own = _own_children(section, KINDS["actions"], profile, used, ctx)
            # A subsection that groups items itself is read as its own group, in its place.
            own = next(
                (n for n, c in enumerate(section.children[:own]) if action_group(c.heading, ctx)),
                own,
            )
            _read_action_group(raw, section, own, group, record, ctx)
            for child in section.children[own:]:
                visit(child)
            return
        if spec is None:
            # Other sections are written after the profile's, at the second level
            # (a first-level one would take in those after it), each with the
            # subsections that are not the profile's.
            own = _own_children(section, KINDS["group"], profile, used, ctx)
            source = section.source_with(section.children[:own])
            stated_in_text(source, lambda: _blocks(raw, section, own, source), record, ctx)
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
        zone = stated_zone(section.heading) or stated_zone(source[:1000].strip()[:300])
        ctx.section_zone = resolve_zone(zone) if zone else None
        following = section.children[own:]
        if spec.kind == "timeline" and section.end_line:
            # A section of its own nested under an entry ("#### Action Items") ends the timeline.
            stop, following = _timeline_end(section, section.level, profile, used, ctx)
            blocks = raw.blocks_between(section.body_line, stop)
        else:
            blocks = _blocks(raw, section, own, source)
        blocks = _strip_fixed(spec, blocks, keep_text=own_shape)
        stated: list[Block] = []
        as_written = False
        if spec.kind != "actions":
            kept = take_stated_here(blocks, record, ctx)
            if spec.kind in _KEPT_AS_TEXT:
                # Text that states items stays whole, its lines as written.
                as_written = len(kept) < len(blocks)
            else:
                # The text that stated items stays in the section, written before its content.
                stated = besides(blocks, kept)
                blocks = kept
        leftover = kind.parse(spec, blocks, record, ctx)
        if as_written and spec.kind == "prose":
            bind_prose(spec, record, join_as_written(blocks))
        ctx.left_as_written[spec.key] = leftover
        join_left = join_as_written if as_written else join_sources
        parts = _KeptText([join_as_written(stated)], [join_left(leftover)])
        if not own_shape and section.level < spec.level:
            # Its subsections stay under it.
            parts.stated = [nest_headings(t, spec.level) for t in parts.stated]
            parts.left = [nest_headings(t, spec.level) for t in parts.left]
            _nest_bound_text(spec, record)
        note = parts.body()
        if own_shape or note or (section.heading != spec.heading and not valued):
            level = section.level if own_shape else spec.level
            # A heading with its value written in is the profile's, written from the value.
            heading = spec.heading if valued and not own_shape else section.heading
            record.sections.append(Section(key=spec.key, heading=heading, level=level, body=note))
        timeline = spec if spec.kind == "timeline" and not following else None
        timeline_level, timeline_text = section.level, parts
        for child in following:
            visit(child)

    for section in raw.sections:
        visit(section)
    if not ctx.strict:
        _find_timeline(profile, record, ctx, used, unnamed)
    return unnamed


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
    """Read an unnamed section made of time-led entries ("Context") as the timeline.

    The entries are bullets, paragraphs or headings that start with a clock
    (``14:02 - Deploy starts``); at least three, and at least half of them.
    """
    spec = next((s for s in profile.sections if s.kind == "timeline"), None)
    if spec is None or spec.key in used or record.timeline:
        return
    for section in record.sections:
        if section.key is not None:
            continue
        heading_line, body_line = unnamed.get(id(section), (None, 1))
        blocks = split_blocks(section.body, body_line)
        items = [i.text for b in blocks if b.kind == "list" for i in b.items]
        paragraphs = [b.text for b in blocks if b.kind == "paragraph"]
        led = [t for t in items if leading_moment(t, dayfirst=ctx.dayfirst)]
        timed = [t for t in paragraphs if _clock_led(t, ctx)]
        # Entries written as headings (``### 2020-02-20 21:17``), as a timeline is written.
        headed = sum(1 for b in blocks if b.kind == "heading" and _clock_led(b.text, ctx))
        count = len(led) + len(timed) + headed
        entries = len(items) + len(paragraphs) + headed
        if (count < 3 or count * 2 < entries) and not _timed_table(blocks):
            continue
        ctx.locate(f"section.{spec.key}", heading_line)
        section.body = join_sources(KINDS["timeline"].parse(spec, blocks, record, ctx))
        section.key = spec.key
        return


def _clock_led(text: str, ctx: Context) -> bool:
    """Say whether a paragraph starts with a time of day (``14:02 - text``)."""
    moment = leading_moment(text, dayfirst=ctx.dayfirst)
    return moment is not None and moment.clock is not None


def _timed_table(blocks: list[Block]) -> bool:
    """Say whether a section holds a table of three or more rows with a time column."""
    return any(
        b.kind == "table"
        and len(b.rows) >= 3
        and "time" in match_columns(b.header, GENERIC_COLUMNS)
        for b in blocks
    )


def _kept_lines(
    raw: RawDocument, preamble: list[str], record: Incident, unnamed: dict[int, tuple[int, int]]
) -> list[tuple[str, int]]:
    """Return the lines kept as written outside the profile's fields, with their numbers.

    Those are the text before the title, the preamble and the unnamed sections.
    """
    lines = []
    if raw.lead_lines and raw.title_line is not None:
        first = raw.title_line - len(raw.lead_lines)
        lines += [(text, first + n) for n, text in enumerate(raw.lead_lines)]
    lines += [(text, raw.preamble_line + n) for n, text in enumerate(preamble)]
    for section in record.sections:
        where = unnamed.get(id(section))
        if section.key is None and where is not None:
            lines += [(text, where[1] + n) for n, text in enumerate(section.body.split("\n"))]
    return lines


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
    # "All times are in PST" anywhere: the zone of every time that states none. Labelled
    # lines take that zone, else the one the document states once ("Timeline (CET)").
    stated, once = document_zones(text)
    if stated is not None:
        ctx.zone = resolve_zone(stated)
    inferred_zone = resolve_zone(once) if once is not None else ctx.zone
    ctx.references = raw.references
    # The text before the first section, as the whole document's parse cut it.
    preamble = raw.blocks_between(raw.preamble_line, raw.preamble_line + len(raw.preamble_lines))
    if not strict:
        preamble = bullets_as_sections(raw, profile, preamble)
    preamble_lines = list(raw.preamble_lines)
    record = Incident(profile=profile.name, layout="profile" if strict else "document")
    _strip_footer(raw, profile)
    lead = "\n".join(raw.lead_lines).strip("\n").rstrip()
    if lead:
        record.sections.append(Section(key=LEAD, heading="", level=1, body=lead))
    _parse_title(raw, profile, record, ctx)
    leftover = parse_labelled(profile.header, [b for b in preamble if b.kind != "hr"], record, ctx)
    summary = next((s for s in profile.sections if s.bind == "summary"), None)
    if (
        leftover
        and not ctx.strict
        and summary is not None
        and _untitled_prose(leftover, raw, profile, summary)
    ):
        # Lines of labelled values (``**Date:** ...``) stay where they are, not in the summary.
        labels = [b for b in leftover if b.kind == "paragraph" and not _prose(b)]
        blocks = _strip_fixed(summary, [b for b in leftover if b not in labels])
        leftover = labels + KINDS[summary.kind].parse(summary, blocks, record, ctx)
        # Written without a heading, where the document has it.
        record.sections.append(Section(key=summary.key, heading="", level=1))
    if leftover:
        record.sections.append(
            Section(key=PREAMBLE, heading="", level=1, body=join_sources(leftover))
        )
    unnamed = _sections(raw, profile, record, ctx)
    ref = place_times(record, ctx, lambda: document_day(raw, record, file, dayfirst=ctx.dayfirst))
    if raw.front_matter_source:
        record.fields[FRONT_MATTER] = raw.front_matter_source
        read_front_matter(raw.front_matter, record)
    _keep_stated_duration(record, ctx)
    record.readings = list(ctx.readings)
    kept = _kept_lines(raw, preamble_lines, record, unnamed)
    pairs = labelled_pairs(kept)
    infer_key_times(record, pairs, ctx.lines, ref, inferred_zone, dayfirst=ctx.dayfirst)
    infer_impact(
        record, pairs, ctx.left_as_written.get("impact", []), ctx.lines.get("section.impact")
    )
    infer_root_cause(record, kept)
    record.readings.sort(key=lambda r: r.field)
    if record.layout == "profile":  # in the order the profile writes them
        order = {
            key: i for i, key in enumerate([LEAD, PREAMBLE, *(s.key for s in profile.sections)])
        }
        record.sections.sort(key=lambda s: order.get(s.key or "", len(order)))
    return Parsed(record, ctx.problems, ctx.lines, ctx.zoneless, ctx.stated_duration)
