"""Apply the edits of fixable findings to a document's text."""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterable

from afteraction.lint.finding import Edit, Finding


def apply_fixes(text: str, findings: Iterable[Finding]) -> tuple[str, int]:
    """Return ``text`` with every fix that does not overlap an earlier one applied.

    A finding's edits are applied all together or not at all; the count of
    findings fixed is returned beside the new text. Overlapping fixes wait
    for the next pass, when the rules run again on the new text.
    """
    taken = _Taken()
    decided: dict[int, bool] = {}  # a fix shared by several findings is looked at once
    fixed = 0
    for finding in sorted((f for f in findings if f.edits), key=lambda f: f.edits[0].start):
        if decided.get(id(finding.edits)) is False:
            continue
        if id(finding.edits) in decided or any(taken.overlaps(edit) for edit in finding.edits):
            decided[id(finding.edits)] = False  # taken already, or overlapping what is
            continue
        decided[id(finding.edits)] = True
        taken.extend(finding.edits)
        fixed += 1
    return taken.apply(text), fixed


class _Taken:
    """The edits taken so far, kept in order so an overlap is found by bisection.

    Taken edits never overlap each other, so in (start, end) order their ends
    rise too. An overlapping pair can only come from one finding's own edits;
    from then on the edits are compared one by one, as written.
    """

    def __init__(self) -> None:
        self.edits: list[Edit] = []
        self.spans: set[tuple[int, int]] = set()
        self.ordered = True

    def overlaps(self, edit: Edit) -> bool:
        if not self.ordered:
            return any(_overlaps(edit, other) for other in self.edits)
        if (edit.start, edit.end) in self.spans:
            return True
        # The first taken edit ending after this one starts has the smallest start of those.
        at = bisect_right(self.edits, edit.start, key=lambda e: e.end)
        return at < len(self.edits) and self.edits[at].start < edit.end

    def extend(self, edits: Iterable[Edit]) -> None:
        for edit in edits:
            if self.ordered and self.overlaps(edit):
                self.ordered = False
            if self.ordered:
                insort(self.edits, edit)
            else:
                self.edits.append(edit)
            self.spans.add((edit.start, edit.end))

    def apply(self, text: str) -> str:
        if not self.ordered:  # overlapping edits, applied one by one from the end as before
            for edit in sorted(self.edits, reverse=True):
                text = text[: edit.start] + edit.replacement + text[edit.end :]
            return text
        parts: list[str] = []
        at = 0
        for edit in self.edits:  # in order, none overlapping: the text is cut once
            parts += [text[at : edit.start], edit.replacement]
            at = edit.end
        parts.append(text[at:])
        return "".join(parts)


def _overlaps(a: Edit, b: Edit) -> bool:
    return (a.start < b.end and b.start < a.end) or (a.start == b.start and a.end == b.end)
