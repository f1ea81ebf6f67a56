"""AAR205: no open action item is past its due date."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Corpus, Facts, FactsRule, Mention, RuleContext
from afteraction.lint.rules.common import column_of, item_label


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
        " run's date (`--today`). An item with no due date written is due when the due policy"
        " says (`[actions.due]`, else the profile's spans per priority or horizon), as in"
        " `aar actions`; `[actions] grace_days` allows a few days of slack, and this rule's"
        " `grace_days`, when set, gives lint its own."
    )
    options = {"grace_days": None}
    option_types = {"grace_days": int}

    def gather(self, doc: LintDocument, ctx: RuleContext) -> list[list[Any]]:
        """Keep each open item with a due date (written or by policy) and its place."""
        kept = []
        start = doc.record.incident_date()
        for index, item in enumerate(doc.record.action_items):
            due = ctx.policy.due_date(item, doc.profile, start)
            if due is None or item.closed:
                continue
            found = doc.line_of(f"action_items[{index}]")
            label, written = item_label(item), item.due is not None
            line = found or 1
            col = column_of(doc, line, due.isoformat()) if found and written else None
            kept.append(
                [
                    label,
                    due.isoformat(),
                    written,
                    item.status is not None,
                    line,
                    col or doc.column(line, label),
                ]
            )
        return kept

    def check_facts(self, facts: Facts, corpus: Corpus, ctx: RuleContext) -> Iterator[Finding]:
        """Report each open action item whose due date is before today (less the grace)."""
        del corpus
        policy = ctx.policy
        if self.settings["grace_days"] is not None:
            policy = replace(policy, grace_days=max(0, int(self.settings["grace_days"])))
        for label, due, written, has_status, line, col in facts.gathered.get(self.id, []):
            late = policy.days_late(date.fromisoformat(due), ctx.today)
            if not late:
                continue
            days = "1 day" if late == 1 else f"{late} days"
            state = "is still open" if has_status else "is not marked done"
            when = f"was due {due}" if written else f"was due {due} by the due policy"
            yield self.at(
                facts.path,
                Mention(label, line, col),
                f"action item '{label}' {when}, {days} ago, and"
                f" {state}: finish it, or agree a new date with its owner and write it",
            )
