"""AAR206: action item IDs are numbered 1 to n in document order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from afteraction.lint.document import LintDocument, cell_spans
from afteraction.lint.finding import Edit, Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import span_of

# Bold, italic and code markup around an ID.
_MARKUP = "*_`"
_DIGITS = "0123456789"


@dataclass(frozen=True)
class _Numbered:
    """An action item's ID (without markup), split into prefix and number, and its line."""

    line: int
    written: str
    prefix: str
    digits: str

    @property
    def number(self) -> int:
        return int(self.digits)


class ActionNumbering(Rule):
    """Action item IDs with gaps, duplicates or out of order."""

    id = "AAR206"
    name = "action-numbering"
    summary = "Action item IDs run 1 to n in the order the items are written."
    rationale = (
        "People refer to action items by their number in reviews, tickets and chat ('AI-3"
        " is blocked'). Two items with the same number, or numbers that skip or run"
        " backwards, make those references ambiguous and suggest an item was lost when the"
        " document was edited. IDs that share a prefix ('1', '2' or 'AI-1', 'AI-2') are"
        " checked together; numbers far above the item count are taken to be tracker"
        " references, not a numbering, and left alone. `--fix` renumbers the items 1 to n in"
        " document order, keeping the prefix and zero padding and changing nothing else."
        " Renumbering changes the keys (`INC-...#3`) of items already exported to a tracker;"
        " `aar actions pull` still finds each one by the title the tracker holds, so the"
        " state comes back to the item it was exported from."
    )
    fixable = True

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each item whose ID is not its place in a 1..n numbering, with the fix."""
        del ctx
        groups: dict[str, list[_Numbered]] = {}
        for index, item in enumerate(doc.record.action_items):
            written = (item.id or "").strip().strip(_MARKUP)
            line = doc.parsed.lines.get(f"action_items[{index}]")
            # An ID is a prefix ("", "AI-", "#") and a number ending it.
            prefix = written.rstrip(_DIGITS)
            if prefix == written or line is None:
                continue
            groups.setdefault(prefix, []).append(
                _Numbered(line, written, prefix, written[len(prefix) :])
            )
        for prefix, members in groups.items():
            yield from self._check_group(doc, prefix, sorted(members, key=lambda m: m.line))

    def _check_group(
        self, doc: LintDocument, prefix: str, members: list[_Numbered]
    ) -> Iterator[Finding]:
        """Check one prefix's IDs, in document order."""
        numbers = [m.number for m in members]
        count = len(members)
        if count < 2 or numbers == list(range(1, count + 1)) or min(numbers) > count:
            return
        padded = [len(m.digits) for m in members if len(m.digits) > 1 and m.digits[0] == "0"]
        width = max(padded, default=1)
        sequence = ", ".join(m.written for m in members)
        first, last = f"{prefix}{1:0{width}d}", f"{prefix}{count:0{width}d}"
        for place, member in enumerate(members, 1):
            wanted = f"{prefix}{place:0{width}d}"
            if member.written == wanted:
                continue
            span = _id_span(doc, member.line, member.written)
            edits = []
            if span is not None:
                start = doc.offset(member.line, span[0] + 1)
                edits.append(Edit(start, start + len(member.written), wanted))
            yield self.finding(
                doc,
                member.line,
                f"action item ID '{member.written}' breaks the numbering (the IDs read"
                f" {sequence}; expected {first} to {last} in order):"
                f" renumber it '{wanted}'",
                col=span[0] + 1 if span else None,
                edits=edits,
            )


def _id_span(doc: LintDocument, line: int, written: str) -> tuple[int, int] | None:
    """Return the 0-based span of the ID on its item's line, or None when it is not certain.

    In a table row it is the cell holding the ID (bold or code markup around it
    is left alone); on other lines, the first place the ID stands as a word.
    """
    text = doc.line_text(line)
    if not text.lstrip().startswith("|"):
        return span_of(doc, line, written)
    for start, end in cell_spans(text):
        bare = text[start:end].strip(_MARKUP)
        if bare == written:
            at = text.index(written, start, end)
            return at, at + len(written)
    return None
