"""AAR204: an action item's priority is on the profile's scale."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import column_of, item_label


class ActionPriority(Rule):
    """A priority the team's scale does not have."""

    id = "AAR204"
    name = "action-priority"
    summary = "An action item's priority is one of the profile's priorities."
    rationale = (
        "Priorities only help when everyone reads them the same way: a 'High' beside P0-P3,"
        " or an 'urgent!!' nobody defined, cannot be sorted, compared across postmortems or"
        " tied to a response time. Using the scale the team agreed on keeps the follow-up"
        " work comparable from one incident to the next. The scale is the profile's"
        " priorities, or the `scale` option; documents that follow no known profile are"
        " checked only when `scale` is set."
    )
    options = {"scale": []}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each action item whose priority is not on the scale."""
        del ctx
        scale = [str(p) for p in self.settings["scale"]]
        if not scale and doc.recognized:
            scale = list(doc.profile.priorities)
        if not scale:
            return
        listed = ", ".join(scale)
        for index, item in enumerate(doc.record.action_items):
            priority = (item.priority or "").strip()
            if not priority or priority in scale:
                continue
            same = next((p for p in scale if p.lower() == priority.lower()), None)
            advice = f"write it as '{same}'" if same else f"use one of {listed}"
            line = doc.line_of(f"action_items[{index}]")
            label = item_label(item)
            yield self.finding(
                doc,
                line,
                f"action item '{label}' has priority '{priority}', which is not on the"
                f" scale: {advice}",
                col=column_of(doc, line, priority) if line else None,
                needle=label,
            )
