"""AAR401: severity, status, scope and other choice fields hold one of the profile's values."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import column_of


class FieldValue(Rule):
    """A severity, status, scope or choice that is not one of the profile's values."""

    id = "AAR401"
    name = "field-value"
    blocks_final = True
    summary = "Severity, status, scope and other choice fields use the profile's values."
    rationale = (
        "Severity, status and scope drive everything around the postmortem: who is paged,"
        " which reviews happen, what counts as final, which reports an incident shows up in."
        " A value outside the agreed scale ('Critical' where the scale is SEV1-SEV4, 'Done'"
        " where the workflow ends in 'Final') silently drops the document out of those"
        " reports. The allowed values are the profile's; documents that follow no known"
        " profile are not checked, since their scale is not known."
    )

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each value outside its allowed values, once per field and value."""
        del ctx
        if not doc.recognized:
            return
        seen: set[str] = set()
        for problem in doc.parsed.problems:
            if problem.code != "choice" or problem.value is None:
                continue
            value = problem.value
            field = problem.field or "the value"
            key = f"{field.lower()}\0{value.lower()}"
            if key in seen:
                continue
            seen.add(key)
            seen.add(f"\0{value.lower()}")
            line = problem.line or 1
            yield self.finding(
                doc,
                line,
                _message(field, value, list(problem.allowed)),
                col=column_of(doc, line, value),
            )
        record = doc.record
        profile = doc.profile
        stated = {
            "severity": (record.severity, profile.severity_names()),
            "status": (record.status, [s.name for s in profile.statuses]),
            "scope": (record.scope, profile.scopes),
        }
        for path, (stated_value, allowed) in stated.items():
            if not stated_value or not allowed or f"\0{stated_value.lower()}" in seen:
                continue
            if stated_value.lower() in {a.lower() for a in allowed}:
                continue
            seen.add(f"\0{stated_value.lower()}")
            at = doc.line_of(path)
            yield self.finding(
                doc,
                at,
                _message(path.capitalize(), stated_value, allowed),
                col=column_of(doc, at, stated_value) if at else None,
            )


def _message(field: str, value: str, allowed: list[str]) -> str:
    """Say which value is not allowed and list the ones that are."""
    listed = ", ".join(allowed)
    return f"{field} '{value}' is not one of the allowed values ({listed}): write one of them"
