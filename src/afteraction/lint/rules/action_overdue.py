"""AAR205: no open action item is past its due date."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import column_of, is_closed, item_label


class ActionOverdue(Rule):
    """An action item still open after the day it was due."""

    id = "AAR205"
    name = "action-overdue"
    summary = "No open action item is past its due date."
    rationale = (
        "A postmortem is only worth the follow-up it produces. An item still open after its"
        " due date is either forgotten, blocked, or re-planned without the document saying"
        " so; each of those is worth a conversation, not blame. Finish the item, mark it done"
        " or cancelled, or agree a new date with its owner and write it down. 'Today' is the"
        " run's date (`--today`); `grace_days` allows a few days of slack."
    )
    options = {"grace_days": 0}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each open action item whose due date is before today (less the grace)."""
        grace = max(0, int(self.settings["grace_days"]))
        for index, item in enumerate(doc.record.action_items):
            if item.due is None or is_closed(item):
                continue
            late = (ctx.today - item.due).days
            if late <= grace:
                continue
            line = doc.line_of(f"action_items[{index}]")
            label = item_label(item)
            days = "1 day" if late == 1 else f"{late} days"
            state = "is not marked done" if item.status is None else "is still open"
            yield self.finding(
                doc,
                line,
                f"action item '{label}' was due {item.due.isoformat()}, {days} ago, and"
                f" {state}: finish it, or agree a new date with its owner and write it",
                col=column_of(doc, line, item.due.isoformat()) if line else None,
                needle=label,
            )
