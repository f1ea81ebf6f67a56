"""AAR202: every open action item has a due date."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.document.kinds.actions import GENERIC_COLUMNS
from afteraction.document.kinds.common import item_attrs, match_columns
from afteraction.lint.document import LintDocument, cell_spans
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import action_section, item_label


class ActionDue(Rule):
    """An open action item with no date to be done by."""

    id = "AAR202"
    name = "action-due"
    summary = "Every open action item has a due date."
    rationale = (
        "An action item with no date has no moment at which anyone notices it slipped: it"
        " drifts behind new work until the same incident happens again. A date agreed with"
        " the owner turns the follow-up into a commitment the next review can check. The rule"
        " applies to items that are not done or cancelled, where the section they are written"
        " in has a place for the date (a Due column, a {due} in the item's form); a date that"
        " is written but cannot be read is reported by AAR203 instead."
    )

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each open action item with no due date where one can be written."""
        del ctx
        unreadable = {p.line for p in doc.parsed.problems if p.code == "date" and p.field == "due"}
        for index, item in enumerate(doc.record.action_items):
            if item.due is not None or item.closed:
                continue
            line = doc.parsed.lines.get(f"action_items[{index}]")
            if line in unreadable:
                continue
            place = _due_place(doc, index, line)
            if place is None:
                continue
            label = item_label(item)
            yield self.finding(
                doc,
                line or doc.line_of(f"action_items[{index}]"),
                f"action item '{label}' is not done and has no due date: agree a date with"
                " its owner and write it as YYYY-MM-DD",
                col=place or None,
                needle=label,
            )


def _due_place(doc: LintDocument, index: int, line: int | None) -> int | None:
    """Return where item ``index`` has a place for a due date, or None when it has none.

    A table row has one when its table has a due column (the cell's column is
    returned); a list item when the section's item form names ``{due}`` (0 is
    returned: no column of its own). A bullet under a table section has none.
    """
    spec = action_section(doc, index)
    table = doc.table_at(line) if line is not None else None
    if table is not None and line is not None:
        columns = [*(spec.columns if spec else []), *GENERIC_COLUMNS]
        attrs = match_columns(table.header, columns)
        if "due" not in attrs:
            return None
        cells = cell_spans(doc.line_text(line))
        at = attrs.index("due")
        if at >= len(cells):
            return 0
        start, end = cells[at]
        return start + 1 if start < end else max(start, 1)
    if spec is None:
        return None
    if "due" in spec.filter or (spec.item and "due" in item_attrs(spec.item)):
        return 0
    return None
