"""AAR205: no open action item is past its due date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Corpus, Facts, FactsRule, Mention, RuleContext
from afteraction.lint.rules.common import column_of, is_closed, item_label


class ActionOverdue(FactsRule):
    """An action item still open after the day it was due.

    The open items and their due dates are kept with the document's facts, so
    the cache stays valid from one day to the next and only this comparison
    runs again.
    """

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

    def gather(self, doc: LintDocument) -> list[list[Any]]:
        """Keep each open item with a due date: label, due day, whether it has a status, place."""
        kept = []
        for index, item in enumerate(doc.record.action_items):
            if item.due is None or is_closed(item):
                continue
            found = doc.line_of(f"action_items[{index}]")
            label, due = item_label(item), item.due.isoformat()
            line = found or 1
            col = column_of(doc, line, due) if found else None
            kept.append([label, due, item.status is not None, line, col or doc.column(line, label)])
        return kept

    def check_facts(self, facts: Facts, corpus: Corpus, ctx: RuleContext) -> Iterator[Finding]:
        """Report each open action item whose due date is before today (less the grace)."""
        del corpus
        grace = max(0, int(self.settings["grace_days"]))
        for label, due, has_status, line, col in facts.gathered.get(self.id, []):
            late = (ctx.today - date.fromisoformat(due)).days
            if late <= grace:
                continue
            days = "1 day" if late == 1 else f"{late} days"
            state = "is still open" if has_status else "is not marked done"
            yield self.at(
                facts.path,
                Mention(label, line, col),
                f"action item '{label}' was due {due}, {days} ago, and"
                f" {state}: finish it, or agree a new date with its owner and write it",
            )
