"""AAR001: every value is written so that it can be read."""

from __future__ import annotations

import re
from collections.abc import Iterator

from afteraction.document.context import Problem
from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import column_of

# What to write instead, by the kind of value the reader expected.
_ADVICE = {
    "date": "write the date as YYYY-MM-DD",
    "time": "write the time as HH:MM",
    "datetime": "write it as YYYY-MM-DD HH:MM with its zone (e.g. 2026-11-03 14:02 UTC)",
    "bool": "write one of the two answers the template offers",
    "int": "write a whole number",
    "money": "write an amount with its currency (e.g. $18,250.00)",
    "form": "write it in that form",
}
_NEITHER = re.compile(r"is neither (?P<yes>.+) nor (?P<no>.+)$")
_EXPECTED = re.compile(r"\(expected (?P<shape>[^)]*)\)")
_MOMENTS = {
    "started": "start",
    "detected": "detection",
    "acknowledged": "acknowledgement",
    "mitigated": "mitigation",
    "resolved": "resolution",
    "closed": "closing",
}
# A template slot as a person reads it: {times.started:time} -> HH:MM.
_SLOT = re.compile(r"\{(?P<path>[\w.]+)(?::(?P<fmt>\w+))?\}")
_SLOT_WORDS = {
    "date": "YYYY-MM-DD",
    "time": "HH:MM",
    "datetime": "YYYY-MM-DD HH:MM",
    "money": "amount",
    "int": "number",
}


class UnreadableValue(Rule):
    """A value the reader could not read (a date, time, yes/no, number or form)."""

    id = "AAR001"
    name = "unreadable-value"
    blocks_final = True
    summary = "Every value is written in a form the reader can read."
    rationale = (
        "A value that cannot be read is a value lost: a start time that is not a time"
        " leaves the duration and the timeline unchecked, a yes/no that is neither stays"
        " unanswered in every report, and a field not in its template's form is kept as"
        " text nobody can query. Writing values as the template asks keeps the postmortem"
        " comparable with the others. Due dates, priorities and choice fields have rules of"
        " their own (AAR203, AAR204, AAR401)."
    )

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each value the reader could not read, with the reader's reason."""
        del ctx
        seen: set[tuple[int | None, str | None, str]] = set()
        dates = any(p.code == "date" and p.field != "due" for p in doc.parsed.problems)
        undated = [p for p in doc.parsed.problems if _for_want_of_a_date(p)]
        for problem in doc.parsed.problems:
            if _covered(problem) or _for_want_of_a_date(problem):
                continue
            key = (problem.line, problem.field, problem.message)
            if key in seen:
                continue
            seen.add(key)
            line = problem.line or 1
            yield self.finding(
                doc,
                line,
                _message(problem),
                col=column_of(doc, line, problem.value) if problem.value else None,
            )
        if undated and not dates:
            # Times with no date anywhere: one finding, since one date fixes them all.
            first = undated[0]
            if len(undated) == 1:
                message = _message(first)
            else:
                listed = ", ".join(
                    f"{p.value} ({_field_name(p.field).rstrip(': ')})" for p in undated
                )
                message = f"times {listed} have no date: write the incident date"
            at = first.line or 1
            yield self.finding(
                doc, at, message, col=column_of(doc, at, first.value) if first.value else None
            )


def _covered(problem: Problem) -> bool:
    """Say whether another rule reports this problem (due dates, priorities, choices)."""
    return problem.code in ("choice", "priority") or (
        problem.code == "date" and problem.field == "due"
    )


def _for_want_of_a_date(problem: Problem) -> bool:
    """Say whether a problem is a key time left without a date."""
    return problem.code == "time" and problem.value is not None


def _message(problem: Problem) -> str:
    """Say what could not be read, and how to write it."""
    text = problem.message
    if problem.code == "form":
        text = _SLOT.sub(lambda m: _SLOT_WORDS.get(m["fmt"] or "", m["path"].split(".")[-1]), text)
    advice = _ADVICE.get(problem.code)
    expected = _EXPECTED.search(text)
    if expected is not None:
        text = text[: expected.start()].rstrip() + text[expected.end() :]
        shape = expected["shape"]
        advice = (
            f"write it like {shape[5:]}" if shape.startswith("e.g. ") else f"write it as {shape}"
        )
    elif ": write" in text:
        advice = None
    elif (choice := _NEITHER.search(text)) is not None:
        advice = f"write {choice['yes']} or {choice['no']}"
    elif " not a real " in text:
        advice = "write one that exists"
    return f"{_field_name(problem.field)}{text}{': ' + advice if advice else ''}"


def _field_name(field: str | None) -> str:
    """Return how a message names the field: its label, or 'start time' for times.started."""
    if not field:
        return ""
    if field.startswith("times."):
        key = field.split(".", 1)[1]
        return f"{_MOMENTS.get(key, key)} time: "
    return f"{field}: "
