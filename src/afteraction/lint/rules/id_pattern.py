"""AAR404: the incident ID follows the profile's pattern and holds a real date."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import column_of
from afteraction.profiles.ids import id_regex

# A written ID's date and sequence number, however they are separated: INC-2026-11-03-7.
_LOOSE = re.compile(r"(?P<year>\d{4})-?(?P<month>\d{2})-?(?P<day>\d{2})\D+(?P<seq>\d+)\D*$")
_TOKEN = re.compile(r"\{([A-Z#]+)\}")


class IdPattern(Rule):
    """An incident ID in the wrong shape, or with a date that does not exist."""

    id = "AAR404"
    name = "id-pattern"
    blocks_final = True
    summary = "The incident ID follows the profile's ID pattern and its date is a real day."
    rationale = (
        "Incident IDs are how postmortems, tickets, dashboards and later incidents refer to"
        " each other. An ID in a different shape (INC-2026-1103-1 where the team writes"
        " INC-20261103-001) is missed by every search and link checker, and a date that does"
        " not exist (month 13) sorts the incident into the wrong place. The pattern is the"
        " profile's `id_pattern`, or the `pattern` option in the same syntax ({YYYY}, {MM},"
        " {DD}, {NNN}); documents that follow no known profile are checked only when"
        " `pattern` is set."
    )
    options = {"pattern": ""}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report an ID that does not match the pattern, or whose date is not a real day."""
        pattern = str(self.settings["pattern"]).strip()
        if not pattern:
            if not doc.recognized:
                return
            pattern = doc.profile.id_pattern
        written = (doc.record.id or "").strip()
        if not written:
            return
        line = doc.line_of("id")
        col = column_of(doc, line, written) if line else None
        match = id_regex(pattern).fullmatch(written)
        if match is None:
            yield self.finding(
                doc,
                line,
                f"incident ID '{written}' does not follow the pattern {pattern}:"
                f" {_advice(pattern, written, doc.record.incident_date())}",
                col=col,
                needle=written,
            )
            return
        parts = match.groupdict()
        if all(parts.get(k) for k in ("year", "month", "day")):
            try:
                date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
            except ValueError:
                day = f"{parts['year']}-{parts['month']}-{parts['day']}"
                yield self.finding(
                    doc,
                    line,
                    f"incident ID '{written}' holds the date {day}, which is not a real day:"
                    " write the day the incident started",
                    col=col,
                    needle=written,
                )


def _advice(pattern: str, written: str, day: date | None) -> str:
    """Say how to write the ID: the same date and number in the pattern, else an example.

    The example takes the incident's date, or keeps the pattern's date tokens
    when the document gives none (a finding never depends on the run's date).
    """
    loose = _LOOSE.search(written)
    if loose is not None:
        try:
            date(int(loose["year"]), int(loose["month"]), int(loose["day"]))
        except ValueError:
            loose = None
    values = (
        {k: loose[k] for k in ("year", "month", "day", "seq")}
        if loose
        else {"year": f"{day:%Y}", "month": f"{day:%m}", "day": f"{day:%d}", "seq": "1"}
        if day
        else {"year": "YYYY", "month": "MM", "day": "DD", "seq": "1"}
    )

    def fill(token: re.Match[str]) -> str:
        name = {"YYYY": "year", "MM": "month", "DD": "day"}.get(token[1], "seq")
        return values[name].zfill(len(token[1])) if name == "seq" else values[name]

    example = _TOKEN.sub(fill, pattern)
    if loose is not None and id_regex(pattern).fullmatch(example):
        return f"write it as {example}"
    return f"write it in that shape, e.g. {example}"
