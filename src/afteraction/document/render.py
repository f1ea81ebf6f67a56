"""Record -> Markdown, driven by a profile; deterministic."""

from __future__ import annotations

from afteraction.document.context import Context
from afteraction.document.kinds import KINDS
from afteraction.document.kinds.fields import render_lines
from afteraction.document.paths import get_path
from afteraction.document.readings import as_written
from afteraction.document.reference import reference_date
from afteraction.document.templates import render_template, slots
from afteraction.model import Incident, Section
from afteraction.profiles.schema import Profile

PREAMBLE = "preamble"
#: The section holding text written before the title (a template's attribution).
LEAD = "lead"
#: The field holding a document's front matter, fences included, written back verbatim.
FRONT_MATTER = "front_matter"
UNTITLED = "Untitled postmortem"


def _note(record: Incident, key: str) -> Section | None:
    return next((s for s in record.sections if s.key == key), None)


def render_markdown(
    record: Incident, profile: Profile, *, hints: bool = False, front_matter: bool = True
) -> str:
    """Write ``record`` as Markdown in ``profile``; ``hints`` writes the template's prompts.

    ``front_matter=False`` leaves out the document's front matter (for HTML).
    """
    record = as_written(record)
    ctx = Context.for_profile(profile, hints=hints)
    ctx.ref_date = reference_date(record, profile, ctx)
    title = render_template(profile.title, record, ctx)
    if not title.strip(" :—-"):
        title = record.title or (profile.title_aliases[0] if profile.title_aliases else UNTITLED)
    written = record.fields.get(FRONT_MATTER) if front_matter else None
    parts = [written] if written else []
    opening = _note(record, LEAD)
    if opening and opening.body:
        parts.append(opening.body)
    parts.append(f"# {title}")
    header = render_lines(profile.header, profile.header_style, False, record, ctx)
    if header:
        parts.append(header)
    preamble = _note(record, PREAMBLE)
    if preamble and preamble.body:
        parts.append(preamble.body)
    for spec in profile.sections:
        note = _note(record, spec.key)
        written = note.body if note else ""
        lead = written or (spec.lead if hints and spec.lead else "")
        body = (
            [lead, spec.text or "", KINDS[spec.kind].render(spec, record, ctx)]
            if spec.lead
            else [spec.text or "", written, KINDS[spec.kind].render(spec, record, ctx)]
        )
        text = "\n\n".join(b for b in body if b)
        if (
            hints
            and not (note and note.body)
            and spec.hint
            and spec.kind in ("prose", "list", "checklist", "code", "table", "group", "fields")
            and not KINDS[spec.kind].render(spec, record, ctx)
        ):
            text = "\n\n".join(b for b in (spec.text, spec.hint) if b)
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
    if profile.footer:
        parts += ["---", profile.footer.strip()]
    return "\n\n".join(parts).rstrip() + "\n"
