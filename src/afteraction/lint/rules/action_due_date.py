"""AAR203: an action item's due date can be read as a date."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import column_of, item_label


class ActionDueDate(Rule):
    """A due date written so that no tool (and no reader) can tell which day it is."""

    id = "AAR203"
    name = "action-due-date"
    summary = "An action item's due date is a date that can be read."
    rationale = (
        "A due date such as 'next sprint', 'Q3' or '2026-02-30' cannot be checked: no"
        " reminder fires, no overdue report lists it, and two readers understand two"
        " different days. Writing the day as YYYY-MM-DD makes the commitment unambiguous"
        " across teams and time zones, and lets the follow-up review see what slipped."
    )

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each due date the reader could not read, at its item's line."""
        del ctx
        titles = {
            doc.parsed.lines.get(f"action_items[{i}]"): item_label(item)
            for i, item in enumerate(doc.record.action_items)
        }
        seen: set[tuple[int | None, str]] = set()
        for problem in doc.parsed.problems:
            if problem.code != "date" or problem.field != "due":
                continue
            if (problem.line, problem.message) in seen:
                continue
            seen.add((problem.line, problem.message))
            value = problem.value
            written = f"'{value}'" if value else "a value"
            real = "not a real date" in problem.message
            why = "which is not a real day" if real else "which is not a date"
            advice = "write a day that exists" if real else "write the day it is due"
            title = titles.get(problem.line)
            whose = f"action item '{title}'" if title else "an action item"
            line = problem.line or 1
            col = column_of(doc, line, value) if value else None
            yield self.finding(
                doc,
                line,
                f"{whose} is due {written}, {why}: {advice} as YYYY-MM-DD",
                col=col,
                needle=title,
            )
