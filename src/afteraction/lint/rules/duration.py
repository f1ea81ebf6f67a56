"""AAR306: the stated duration matches the impact start and end, and is filled in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

from afteraction.document.context import Context
from afteraction.document.kinds.fields import find_field, split_labelled
from afteraction.document.reference import reference_date
from afteraction.document.templates import _pattern, render_template
from afteraction.ends import common_ends
from afteraction.lint.document import LintDocument, cell_spans
from afteraction.lint.finding import Edit, Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import profile_time
from afteraction.model import compute_metrics
from afteraction.model.metrics import format_duration
from afteraction.profiles import Profile
from afteraction.profiles.schema import FieldSpec

_SLOT = "{derived.duration}"
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_WORDS = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
]  # fmt: skip
_PART = re.compile(
    r"(?<![\w.,])(?P<n>(?:\d{1,3}(?:,\d{3})+|\d+(?:[.,]\d+)?)\s*|(?:half\s+)?an?\s+|(?:"
    + "|".join(_WORDS)
    + r")\s+)"
    r"(?P<unit>d(?:ays?)?|h(?:ours?|rs?)?|m(?:in(?:ute)?s?)?|s(?:ec(?:ond)?s?)?)(?![a-z])",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"^(\d+):(\d{2})(?::(\d{2}))?$")
_ROUGH = re.compile(
    r"~|≈|\b(?:about|approx\w*|around|roughly|almost|nearly|over|under|more than|less than|some)\b"
    r"|\+$",
    re.IGNORECASE,
)


class Duration(Rule):
    """A stated duration that disagrees with the key times, or an empty duration slot."""

    id = "AAR306"
    name = "duration"
    summary = "The stated duration matches the impact start and end, and is filled in."
    rationale = (
        "Readers quote the duration first ('an 88-minute outage'), so it must agree with the"
        " times the timeline and the response figures are built from. When the two disagree"
        " one of them is wrong, and only the authors can say which. When the format has a"
        " place for the duration and the start and end are known, the fix writes it in."
        " Durations written loosely ('about 2 hours') are allowed the slack their wording"
        " gives; option `tolerance_minutes` sets the slack for exact ones."
    )
    fixable = True
    options = {"tolerance_minutes": 1}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report a duration that disagrees with start and end, or an empty one to fill."""
        del ctx
        line = doc.parsed.lines.get("derived.duration")
        if line is None:
            return
        times = doc.record.times
        actual = compute_metrics(times).duration
        if actual is None or actual < timedelta(0):
            return
        end_name = "resolution" if times.resolved else "mitigation"
        assert times.started is not None
        end = times.resolved or times.mitigated
        assert end is not None
        start_text, end_text = profile_time(doc, times.started), profile_time(doc, end)
        if start_text[:10] == end_text[:10]:
            end_text = end_text[11:]
        ran = f"impact start {start_text} to {end_name} {end_text} is {format_duration(actual)}"
        stated = doc.parsed.stated_duration
        if stated:
            said = parse_duration(stated)
            if said is None:
                return
            slack = max(timedelta(minutes=self.settings["tolerance_minutes"]), _slack(stated))
            if abs(said - actual) > slack:
                yield self.finding(
                    doc,
                    line,
                    f"the stated duration '{stated}' does not match the times: {ran};"
                    " correct the duration or the times",
                    needle=stated,
                )
            return
        spec = _duration_field(doc.profile, doc.line_text(line))
        at = doc.value_span(line)
        if spec is None or at is None:
            return
        if _slot_text(spec.value, doc.line_text(line)[at[0] : at[1]]) != "":
            return  # a placeholder or a value that does not read: other rules say so
        edit = _fill(doc, line, spec, format_duration(actual))
        yield self.finding(
            doc,
            line,
            f"the duration is empty: {ran}; write '{format_duration(actual)}'",
            col=at[0] + 1,
            edits=[edit] if edit else [],
        )


def parse_duration(text: str) -> timedelta | None:
    """Read a written duration: '1h 28m', '88 minutes', '1.5 hours', 'about 2 hours', '1:28'."""
    plain = text.strip().lower().strip("~≈ ")
    clock = _CLOCK.match(plain)
    if clock:
        hours, minutes, seconds = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    total = 0.0
    found = False
    for part in _PART.finditer(plain):
        number = part["n"].strip().lower()
        if number in _WORDS:
            value = float(_WORDS.index(number) + 1)
        elif number[0].isdigit():
            thousands = re.fullmatch(r"\d{1,3}(?:,\d{3})+", number)
            value = float(number.replace(",", "" if thousands else "."))
        else:
            value = 0.5 if number.startswith("half") else 1.0
        total += value * _UNITS[part["unit"][0].lower()]
        found = True
    return timedelta(seconds=round(total)) if found else None


def _slack(text: str) -> timedelta:
    """Return how far off a loosely worded duration may be: half its smallest unit."""
    if not _ROUGH.search(text):
        return timedelta(0)
    units = [_UNITS[p["unit"][0].lower()] for p in _PART.finditer(text.lower())]
    return timedelta(seconds=min(units) / 2) if units else timedelta(0)


def _duration_field(profile: Profile, written: str) -> FieldSpec | None:
    """Return the field holding the duration on a written line (by its label when several)."""
    fields = [
        f
        for f in [*profile.header, *(f for s in profile.sections for f in s.fields)]
        if _SLOT in f.value
    ]
    if len(fields) <= 1:
        return fields[0] if fields else None
    if written.lstrip().startswith("|"):
        cells = cell_spans(written)
        label = written[cells[0][0] : cells[0][1]] if cells else ""
    else:
        split = split_labelled(written, plain=True)
        label = split[0] if split else ""
    return find_field(label, fields)


def _slot_text(template: str, written: str) -> str | None:
    """Return what a written value holds in the duration's place ('' when empty, None: no fit)."""
    pattern, names = _pattern(template)
    match = pattern.fullmatch(written.strip()) or pattern.fullmatch(written.strip() + " ")
    if match is None:
        return None
    index = next(i for i, slot in enumerate(names) if slot.path == "derived.duration")
    return (match.group(f"s{index}") or "").strip()


def _fill(doc: LintDocument, line: int, spec: FieldSpec, duration: str) -> Edit | None:
    """Return the edit writing the duration into its empty place on ``line``, if it is safe."""
    span = doc.value_span(line)
    if span is None:
        return None
    text = doc.line_text(line)
    start, end = span
    if spec.value.strip() == _SLOT:
        if start != end:
            return None
        if text.lstrip().startswith("|"):
            left, right = text.rfind("|", 0, start + 1), text.find("|", start)
            if start == right:
                left = text.rfind("|", 0, start)
            if left < 0 or right < 0:
                return None
            return Edit(doc.offset(line, left + 2), doc.offset(line, right + 1), f" {duration} ")
        gap = "" if start == 0 or text[start - 1] in " \t" else " "
        return Edit(doc.offset(line, start + 1), doc.offset(line, end + 1), gap + duration)
    # A value built around the duration ("14:02 to 15:30 (1h 28m)"): insert only the
    # duration and the template text around it, never rewrite the times.
    profile = doc.profile
    context = Context.for_profile(profile)
    context.ref_date = reference_date(doc.record, profile, context)
    wanted = render_template(spec.value, doc.record, context, spec.choices)
    written = text[start:end]
    head, tail = common_ends(written, wanted)
    added = wanted[head : len(wanted) - tail]
    if head + tail != len(written) or duration not in added:
        return None
    if re.search(r"\w", added.replace(duration, "")):
        return None
    at = doc.offset(line, start + head + 1)
    return Edit(at, at, added)
