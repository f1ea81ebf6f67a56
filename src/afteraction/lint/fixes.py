"""Apply the edits of fixable findings to a document's text."""

from __future__ import annotations

from collections.abc import Iterable

from afteraction.lint.finding import Edit, Finding


def apply_fixes(text: str, findings: Iterable[Finding]) -> tuple[str, int]:
    """Return ``text`` with every fix that does not overlap an earlier one applied.

    A finding's edits are applied all together or not at all; the count of
    findings fixed is returned beside the new text. Overlapping fixes wait
    for the next pass, when the rules run again on the new text.
    """
    taken: list[Edit] = []
    fixed = 0
    for finding in sorted((f for f in findings if f.edits), key=lambda f: f.edits[0].start):
        if any(_overlaps(edit, other) for edit in finding.edits for other in taken):
            continue
        taken.extend(finding.edits)
        fixed += 1
    for edit in sorted(taken, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text, fixed


def _overlaps(a: Edit, b: Edit) -> bool:
    return (a.start < b.end and b.start < a.end) or (a.start == b.start and a.end == b.end)
