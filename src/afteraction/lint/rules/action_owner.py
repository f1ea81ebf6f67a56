"""AAR201: every action item has an owner."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import action_section, holds


class ActionOwner(Rule):
    """An action item nobody owns."""

    id = "AAR201"
    name = "action-owner"
    summary = "Every action item names an owner."
    rationale = (
        "An action item without an owner is a wish: nobody is asked about it at the next"
        " review, and it quietly never happens. Name one person or one team, not 'everyone'."
        " The rule applies where the postmortem's format has a place for the owner. An owner"
        " written with the item counts: `Hypha: upgrade the hub`, `@alice rotate the keys`,"
        " `[Risk Desk] ...`, `... (owner: bob)`, `... — @alice`; a label such as `Note:` or"
        " `Root cause:` is not an owner; nor is an item that opens with its owner"
        " ('Nóva to send the list') missing one."
    )

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each action item with no owner."""
        del ctx
        for index, item in enumerate(doc.record.action_items):
            if item.owner:
                continue
            if holds(action_section(doc, index), "owner"):
                line = doc.line_of(f"action_items[{index}]")
                yield self.finding(
                    doc,
                    line,
                    f"action item '{item.title}' has no owner: name the person or team doing it",
                    needle=item.title,
                )
