"""AAR304: every time has a zone, stated by the entry, its section or the format."""

from __future__ import annotations

import re
from collections.abc import Iterator

from afteraction.document.kinds.common import section_zone_text
from afteraction.document.zones import stated_zone
from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import section_at, shown_time, written_time
from afteraction.profiles import Profile

_INDEX = re.compile(r"^timeline\[(\d+)\]$")
# Emphasis around a statement ("_All times in EEST_") is markup, not part of its words.
_EMPHASIS = re.compile(r"[*_]+")


class TimeZone(Rule):
    """Times read with no zone in a document and format that state none."""

    id = "AAR304"
    name = "time-zone"
    summary = "Times say which zone they are in."
    rationale = (
        "'14:02' is a different moment in London, Bogotá and San Francisco. With"
        " responders in several places, logs in UTC and chat tools showing local time, an"
        " unzoned timeline is easy to misread by hours, and a misread can make a quick"
        " response look slow. One statement is enough: a zone in the timeline heading ('##"
        " Timeline (UTC)'), a line such as 'All times in UTC', a column header 'Time"
        " (PST)', or a zone on each time. Times are fine when the postmortem's format"
        " states their zone."
    )

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report, once per section, the times read with no zone stated anywhere."""
        del ctx
        if not doc.parsed.zoneless or _format_states_zone(doc):
            return
        if stated_zone(_EMPHASIS.sub(" ", doc.text)) is not None:
            return  # the document says it once, somewhere ("_All times are in CET_")
        groups: dict[int | None, list[tuple[int, str]]] = {}
        for path in doc.parsed.zoneless:
            line = doc.line_of(path)
            if line is None:
                continue
            spec = section_at(doc, line)
            heading = doc.line_of(f"section.{spec.key}") if spec else None
            groups.setdefault(heading, []).append((line, path))
        for heading, found in sorted(groups.items(), key=lambda kv: min(kv[1])):
            found.sort()
            line, path = found[0]
            yield self.finding(
                doc,
                line,
                _message(doc, heading, found),
                needle=_needle(doc, path),
            )


def _format_states_zone(doc: LintDocument) -> bool:
    """Say whether the document's profile states the zone of the times it holds."""
    if not doc.recognized:
        return False
    profile: Profile = doc.profile
    if profile.zone_label:
        return True
    texts: list[str] = []
    for spec in profile.sections:
        if spec.kind == "timeline":
            texts += [section_zone_text(spec), *(c.header for c in spec.columns)]
        if spec.kind == "fields":
            texts += [section_zone_text(spec), *(f.label for f in spec.fields)]
    texts += [f.label for f in profile.header]
    return any(stated_zone(text) for text in texts)


def _needle(doc: LintDocument, path: str) -> str | None:
    """Return the time as written for a record path (an entry's time, a key time's value)."""
    match = _INDEX.match(path)
    if match:
        return written_time(doc, int(match[1]))
    line = doc.line_of(path)
    span = doc.value_span(line) if line else None
    if line is None or span is None or span[0] == span[1]:
        return None
    return doc.line_text(line)[span[0] : span[1]]


def _message(doc: LintDocument, heading: int | None, found: list[tuple[int, str]]) -> str:
    count = len(found)
    if all(path.startswith("timeline[") for _, path in found):
        what = f"{count} timeline entr{'y' if count == 1 else 'ies'}"
    elif all(path.startswith("times.") for _, path in found):
        what = f"{count} key time{'' if count == 1 else 's'}"
    else:
        what = f"{count} time{'' if count == 1 else 's'}"
    written = _needle(doc, found[0][1])
    first = f" (the first: {shown_time(written)})" if written else ""
    problem = f"{what} {'has' if count == 1 else 'have'} no time zone{first} and nothing states one"
    if heading is None:
        return (
            f"{problem}: write the zone after the time, e.g. '2026-11-03 14:02 UTC',"
            " or state 'All times in UTC.'"
        )
    title = doc.line_text(heading).strip()
    if not title.startswith("#"):
        title = _LABEL_MARKUP.sub("", title).strip()
    return f"{problem}: write the zone in the heading, e.g. '{title} (UTC)'"


_LABEL_MARKUP = re.compile(r"^[-*+]\s+|[*_]|:\s*$")
