"""AAR403: a final postmortem has no blocking action item still open."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import item_label


class FinalOpenBlocking(Rule):
    """A document marked final while an item that blocks it is still open."""

    id = "AAR403"
    name = "final-open-blocking"
    blocks_final = True
    summary = "A postmortem marked final has no blocking action item still open."
    rationale = (
        "A blocking action item is one the team agreed must be done before the incident is"
        " closed: the fix that stops a repeat, the check before the next drill. Marking the"
        " postmortem final while such an item is open closes the review on a risk that is"
        " still live. Finish or cancel the item (saying why), or keep the document in review."
        " Items marked blocking count, and so do items with a priority listed in the"
        ' `priorities` option (e.g. ["P0"]).'
    )
    options = {"priorities": []}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each open blocking item of a final document, at the item's line."""
        del ctx
        status = (doc.record.status or "").strip()
        finals = {s.lower() for s in doc.profile.final_statuses()}
        if not status or status.lower() not in finals:
            return
        urgent = {str(p).strip().lower() for p in self.settings["priorities"]}
        back = next((s.name for s, n in pairwise(doc.profile.statuses) if n.final), None)
        advice = f", or set the status back to {back}" if back else ""
        for index, item in enumerate(doc.record.action_items):
            if item.closed:
                continue
            by_priority = (item.priority or "").strip().lower() in urgent
            if not item.blocking and not by_priority:
                continue
            why = (
                "is marked blocking"
                if item.blocking
                else f"has priority {item.priority}, which this project counts as blocking,"
            )
            label = item_label(item)
            yield self.finding(
                doc,
                doc.line_of(f"action_items[{index}]"),
                f"action item '{label}' {why} and is still open, but the status is {status}:"
                f" finish or cancel it{advice}",
                needle=label,
            )
