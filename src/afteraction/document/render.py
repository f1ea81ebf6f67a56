"""Record -> Markdown, driven by a profile; deterministic.

A record in its profile's layout is written section by section as the profile
lays them out. A generic reading (``layout == "document"``) is written back in
the document's own shape: its sections in the order and words it wrote them,
and no section, field or zone statement it did not have.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from afteraction.document.blocks import join_sources, open_fence, split_blocks
from afteraction.document.context import Context
from afteraction.document.frontmatter import read_front_matter
from afteraction.document.group_items import place_group_items, stated_items
from afteraction.document.kinds import KINDS
from afteraction.document.kinds.fields import render_lines
from afteraction.document.markdown import read_markdown
from afteraction.document.paths import get_path
from afteraction.document.readings import as_written
from afteraction.document.reference import reference_date
from afteraction.document.templates import render_template, slots
from afteraction.document.zones import document_zone, resolve_zone, stated_zone
from afteraction.errors import AfteractionError
from afteraction.model import Incident, Section
from afteraction.profiles.schema import Profile, SectionSpec

PREAMBLE = "preamble"
#: The section holding text written before the title (a template's attribution).
LEAD = "lead"
#: The field holding a document's front matter, fences included, written back verbatim.
FRONT_MATTER = "front_matter"
UNTITLED = "Untitled postmortem"
# Kinds whose template prompt a draft writes when the section is empty.
_PROMPTED = ("prose", "list", "checklist", "code", "table", "group", "fields")


def _note(record: Incident, key: str) -> Section | None:
    return next((s for s in record.sections if s.key == key), None)


def _front_matter(front: str | None) -> dict[str, object]:
    """Return the keys of a written front matter (empty when there is none or it is not valid)."""
    if not front:
        return {}
    try:
        return read_markdown(front).front_matter
    except AfteractionError:
        return {}


def _stated(heading: str, body: str) -> str | None:
    """Return the zone a section's heading or opening text states, as parsing finds it."""
    return stated_zone(heading) or stated_zone(body.strip()[:300])


def _document_stated(record: Incident) -> str | None:
    """Return the zone the document states for all its times, as the reader finds it.

    The reader looks at the whole text: headings kept as written count
    ("## Timeline (All Times in COT)").
    """
    return document_zone("\n\n".join(f"{s.heading}\n\n{s.body}" for s in record.sections))


def _heading_first(record: Incident) -> bool:
    """Say whether the first thing written after the front matter is a first-level heading.

    A reader takes that heading for the title, so the title must be written
    before it, even when the front matter names it too.
    """
    for section in record.sections:
        if section.key == LEAD:
            continue
        if not section.heading:
            # Text before the first heading (a summary written without one counts).
            if section.body.strip() or section.key not in (None, PREAMBLE):
                return False
            continue
        return section.level == 1
    return False


def _written_after(note: str, *, timeline: bool) -> tuple[str, str]:
    """Split off what a section's kept text ends with that must follow the content.

    A code fence the text leaves open would take in the content written after
    it; a timeline's trailing heading (a day with no entries) would take in
    its entries as that day's. Both are written after the content, where the
    document had them.
    """
    if not note or ("```" not in note and "~~~" not in note and not timeline):
        return note, ""
    blocks = split_blocks(note)
    cut = len(blocks)
    if cut and open_fence(blocks[-1]):
        cut -= 1
    while timeline and cut and blocks[cut - 1].kind == "heading":
        cut -= 1
    if cut == len(blocks):
        return note, ""
    return join_sources(blocks[:cut]), join_sources(blocks[cut:])


def _merges(first: str, second: str) -> bool:
    """Say whether ``second`` written after ``first`` would join its last list."""
    before, after = split_blocks(first), split_blocks(second)
    return (
        bool(before and after)
        and before[-1].kind == after[0].kind == "list"
        and (before[-1].ordered == after[0].ordered)
    )


def _holds_list_like(note: str, content: str) -> bool:
    """Say whether ``note`` holds, after its opening, a list of the kind ``content`` opens with.

    A kind reads the first such list as its own; the note's list must come after it.
    """
    if not note or not content:
        return False
    first = split_blocks(content)[0]
    blocks = split_blocks(note)
    return (
        first.kind == "list"
        and blocks[0].kind != "list"
        and any(b.kind == "list" and b.ordered == first.ordered for b in blocks[1:])
    )


def _section_text(
    spec: SectionSpec, note: Section | None, record: Incident, ctx: Context, *, own: bool
) -> str:
    """Write a profile section's body: its fixed text, the written note and the kind's content.

    A timeline whose heading or note states a zone is written in that zone, and
    the profile's own zone statement is left out (the section states one).
    """
    written = note.body if note else ""
    heading = note.heading if note and note.heading else spec.heading
    zone = (_stated(heading, written) or ctx.document_zone) if spec.kind == "timeline" else None
    kind_ctx = replace(ctx, zone=resolve_zone(zone)) if zone else ctx
    content = KINDS[spec.kind].render(spec, record, kind_ctx)
    # A profile's own zone statement gives way to the one the document states.
    restated = (zone or ctx.document_zone) and stated_zone(spec.text or "")
    fixed = "" if own or restated else spec.text or ""
    if fixed and written and _merges(fixed, written):
        fixed = ""  # the written list stands in the template's (an edited copy of it)
    if ctx.hints and not written and spec.hint and spec.kind in _PROMPTED and not content:
        return "\n\n".join(b for b in (fixed, spec.hint) if b)
    lead = written or (spec.lead if ctx.hints and spec.lead else "")
    written, after = (
        _written_after(written, timeline=spec.kind == "timeline") if content else (written, "")
    )
    body = [lead, fixed, content] if spec.lead else [fixed, written, content, after]
    if not spec.lead and _holds_list_like(written, content):
        # Else the note's list would be read as the content.
        body = [fixed, content, written, after]
    return "\n\n".join(b for b in body if b)


def _profile_sections(record: Incident, profile: Profile, ctx: Context) -> list[str]:
    """Write every section of the profile in its order, then the sections it does not know."""
    parts: list[str] = []
    for spec in profile.sections:
        note = _note(record, spec.key)
        text = _section_text(spec, note, record, ctx, own=False)
        if spec.rule or (profile.separators and spec.level == 2):
            parts.append("---")
        heading = note.heading if note and note.heading else spec.heading
        if spec.heading_value and any(
            get_path(record, slot.path) for slot in slots(spec.heading_value)
        ):
            heading = render_template(spec.heading_value, record, ctx)
        parts.append(f"{'#' * spec.level} {heading}")
        if text:
            parts.append(text)
    for section in record.sections:
        if section.key is None:
            parts.append(f"{'#' * section.level} {section.heading}")
            if section.body:
                parts.append(section.body)
    return parts


def _own_sections(record: Incident, profile: Profile, ctx: Context) -> list[str]:
    """Write the sections in the order the document wrote them, each at its written level.

    A profile section with content and no place in the document (a record
    changed after reading) comes last, under the profile's heading, unless all
    it would write is the profile's blank form or what the front matter says.
    """
    parts: list[str] = []
    specs = {spec.key: spec for spec in profile.sections}
    placed: set[str] = set()
    implied = Incident(profile=record.profile, layout=record.layout)
    read_front_matter(_front_matter(record.fields.get(FRONT_MATTER)), implied)
    # Items listed under a group heading go back there; the action items section has the rest.
    groups = place_group_items(record, profile)
    taken = [item for _, items in groups.values() for item in items]
    taken += stated_items(record, profile)
    rest = record.model_copy(
        update={"action_items": [i for i in record.action_items if all(i is not t for t in taken)]}
    )
    for index, section in enumerate(record.sections):
        spec = specs.get(section.key or "")
        if section.key == LEAD:
            continue  # written before the title
        if section.key == PREAMBLE or (spec is None and not section.heading):
            parts.append(section.body)
            continue
        if section.heading:
            parts.append(f"{'#' * max(section.level, 1)} {section.heading}")
        if spec is None:
            parts += [groups[index][0] if index in groups else "", section.body]
            continue
        placed.add(spec.key)
        parts.append(_section_text(spec, section, rest, ctx, own=True))
    for spec in profile.sections:
        if spec.key in placed:
            continue
        text = _section_text(spec, None, rest, ctx, own=True)
        if text and text != _section_text(spec, None, implied, ctx, own=True):
            parts += [f"{'#' * spec.level} {spec.heading}", text]
    return [p for p in parts if p]


def render_markdown(
    record: Incident, profile: Profile, *, hints: bool = False, front_matter: bool = True
) -> str:
    """Write ``record`` as Markdown in ``profile``; ``hints`` writes the template's prompts.

    ``front_matter=False`` leaves out the document's front matter (for HTML).
    Times are written in the zone the reader will read them in: the first
    "All times ..." statement of the text written (the document's own, or
    the profile's), else the profile's zone.
    """
    record = as_written(record)
    stated = _document_stated(record)
    text = _render(record, profile, hints, front_matter, stated)
    read_as = document_zone(text)
    if read_as is not None and not _same_zone(read_as, stated or profile.zone, record):
        text = _render(record, profile, hints, front_matter, read_as)
    return text


def _same_zone(first: str, second: str, record: Incident) -> bool:
    """Say whether two zone names give the same offset at the incident's start."""
    at = record.times.started or datetime(2000, 1, 1, tzinfo=UTC)
    return resolve_zone(first).utcoffset(at) == resolve_zone(second).utcoffset(at)


def _render(
    record: Incident, profile: Profile, hints: bool, front_matter: bool, zone: str | None
) -> str:
    """Write the document, every time in ``zone`` when it is given."""
    own = record.layout == "document" and not hints
    ctx = Context.for_profile(profile, hints=hints, sparse=own)
    ctx.document_zone = zone
    if zone is not None:
        ctx.zone = resolve_zone(zone)
    ctx.ref_date = reference_date(record, profile, ctx)
    front = record.fields.get(FRONT_MATTER)
    parts = [front] if front and front_matter else []
    opening = _note(record, LEAD)
    if opening and opening.body:
        parts.append(opening.body)
    title = render_template(profile.title, record, ctx)
    if not title.strip(" :—-"):
        title = record.title or (profile.title_aliases[0] if profile.title_aliases else UNTITLED)
    if not own:
        parts.append(f"# {title}")
    elif record.title and (
        record.title != _front_matter(front).get("title")
        or _heading_first(record)
        or bool(opening and opening.body)  # text written before the title needs the title
    ):
        parts.append(f"# {record.title}")
    header = render_lines(profile.header, profile.header_style, False, record, ctx)
    if header:
        parts.append(header)
    if own:
        parts += _own_sections(record, profile, ctx)
    else:
        preamble = _note(record, PREAMBLE)
        if preamble and preamble.body:
            parts.append(preamble.body)
        parts += _profile_sections(record, profile, ctx)
    if profile.footer:
        parts += ["---", profile.footer.strip()]
    return "\n\n".join(parts).rstrip() + "\n"
