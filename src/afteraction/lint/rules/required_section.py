"""AAR102: every section the profile requires, for the document's status, is there and filled."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.document.context import Context
from afteraction.document.placeholders import is_placeholder
from afteraction.document.templates import render_template
from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.model import Incident
from afteraction.profiles import Profile, SectionSpec


def _bound(record: Incident, bind: str) -> object:
    holder: object = record
    for part in bind.split("."):
        holder = getattr(holder, part)
    return holder


def _children(profile: Profile, spec: SectionSpec) -> list[SectionSpec]:
    """Return the sections under a group: those after it, deeper, until one as high."""
    after = profile.sections[profile.sections.index(spec) + 1 :]
    found = []
    for other in after:
        if other.level <= spec.level:
            break
        found.append(other)
    return found


def filled(doc: LintDocument, spec: SectionSpec, ctx: Context) -> bool:
    """Say whether the document wrote something of its own in section ``spec``."""
    record = doc.record
    for note in record.sections:
        if note.key == spec.key and note.body.strip() and not is_placeholder(note.body):
            return True
    if spec.bind is not None and _bound(record, spec.bind):
        return True
    if spec.heading_value and render_template(spec.heading_value, record, ctx):
        return True
    if any(render_template(f.value, record, ctx) for f in spec.fields):
        return True
    return spec.kind == "group" and any(
        filled(doc, child, ctx) for child in _children(doc.profile, spec)
    )


class RequiredSection(Rule):
    """A section the format requires is missing or empty."""

    id = "AAR102"
    name = "required-section"
    blocks_final = True
    summary = "Every section the profile requires, at the document's status, is present and filled."
    rationale = (
        "Each postmortem format names the sections a finished postmortem must have: a root"
        " cause, action items, a timeline. A profile marks a section `required` (needed once"
        " the document is final) or `required_from` a status (needed from review on, say), so"
        " drafts are not nagged about what is not due yet. A heading with nothing under it"
        " counts as missing: write the section, or say why it does not apply."
    )

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each required section that is absent or empty."""
        del ctx
        status = doc.record.status
        render_ctx = Context.for_profile(doc.profile)
        for spec in doc.profile.sections:
            if not doc.profile.requires(spec, status):
                continue
            when = f" once the document is {status}" if status else ""
            line = doc.parsed.lines.get(f"section.{spec.key}")
            if line is None:
                yield self.finding(
                    doc,
                    doc.line_of("title") or 1,
                    f"section '{spec.heading}' is required{when} and is missing: add it",
                )
            elif not filled(doc, spec, render_ctx):
                yield self.finding(
                    doc,
                    line,
                    f"section '{spec.heading}' is required{when} and is empty: fill it in",
                    needle=spec.heading,
                )
