"""AAR101: no template placeholder is left in the document."""

from __future__ import annotations

import re
from collections.abc import Iterator

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.placeholder_text import find_placeholders, reference_labels
from afteraction.profiles import Profile
from afteraction.profiles.memo import per_profile

# Something every placeholder has, to skip the many lines that have none quickly.
_MAYBE = re.compile(r"[\[{_<*/]|YYYY|DD/|HH:MM|TB[AD]|orem ipsum|\b[XYN] [a-z]")
_EMPTY_BOX = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[ \]\s*$")
_BOX = re.compile(r"^\s*[-*+]\s+\[(?P<mark>[ xX])\]\s*(?P<label>.*?)\s*$")
# Words of a choice list a template offers ("YES / NO", "HIGH/MEDIUM/LOW").
CHOICE_WORDS = {
    "yes", "no", "y", "n", "pass", "fail", "high", "medium", "low", "true", "false",
    "open", "closed", "done", "draft", "final", "approved", "rejected", "partial", "none",
}  # fmt: skip


@per_profile
def _choice_words(profile: Profile) -> frozenset[str]:
    words = set(CHOICE_WORDS)
    words |= {s.name.lower() for s in profile.statuses}
    words |= {s.name.lower() for s in profile.severity}
    words |= {c.lower() for f in profile.header for c in (f.choices or [])}
    words |= {c.lower() for s in profile.sections for f in s.fields for c in (f.choices or [])}
    return frozenset(words)


@per_profile
def _template_boxes(profile: Profile) -> list[set[str]]:
    """Return each group of checkboxes the profile's template offers as a choice to tick."""
    groups: list[set[str]] = []
    for spec in profile.sections:
        for text in (spec.text, spec.hint):
            labels: set[str] = set()
            for line in [*(text or "").split("\n"), ""]:
                match = _BOX.match(line)
                if match and match["label"]:
                    labels.add(match["label"])
                elif labels:
                    if len(labels) > 1:
                        groups.append(labels)
                    labels = set()
    return groups


class Placeholder(Rule):
    """A template prompt nobody replaced."""

    id = "AAR101"
    name = "placeholder"
    blocks_final = True
    summary = "No template placeholder is left in the document."
    rationale = (
        "A postmortem that still says `[Owner]`, `{DATE}`, `HH:MM`, `$[amount]`, `X hours`,"
        " `___`, `*(describe ...)*` or `YES / NO` is not finished, and readers cannot tell a"
        " blank from a fact. Every placeholder style of the built-in templates is caught"
        " (also `<owner>`, `TBD` and filler text), as are template checklists where no box"
        " was ticked. Brackets that are Markdown or data are not prompts: links and"
        " reference links, chat timestamps such as `[1:26 PM]`, `[3 hours ago]`,"
        " identifiers such as `[CVE-2019-15226]`, a choice already made (`[High]`), a list"
        " of names, and a tag opening a line (`[Action Item] launches ...`). Fill the value"
        " in, or delete the line if it does not apply."
    )
    options = {"ignore": ["[sic]", "[...]", "[…]", "[redacted]", "[REDACTED]"]}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each line holding a placeholder, and untouched template checklists."""
        del ctx
        words = _choice_words(doc.profile)
        ignored = set(self.settings["ignore"])
        labels = reference_labels(doc.lines)
        for number, line in enumerate(doc.lines, 1):
            if number in doc.code_lines or not _MAYBE.search(line):
                continue
            found = [p for p in find_placeholders(line, words, labels) if p not in ignored]
            if _EMPTY_BOX.match(line):
                found.insert(0, "[ ]")
            if found:
                more = f" (and {len(found) - 1} more on this line)" if len(found) > 1 else ""
                yield self.finding(
                    doc,
                    number,
                    f"placeholder '{found[0]}' left in{more}: fill it in, or delete it",
                    needle=found[0],
                )
        yield from self._unticked(doc)

    def _unticked(self, doc: LintDocument) -> Iterator[Finding]:
        groups = _template_boxes(doc.profile)
        if not groups:
            return
        boxes: list[tuple[int, str, str]] = []
        for number, line in enumerate(doc.lines, 1):
            match = _BOX.match(line)
            if match:
                boxes.append((number, match["mark"], match["label"]))
        for labels in groups:
            written = [(n, mark) for n, mark, label in boxes if label in labels]
            if len(written) == len(labels) and all(mark == " " for _, mark in written):
                choices = ", ".join(sorted(labels))
                yield self.finding(
                    doc,
                    written[0][0],
                    f"no box ticked in the template's checklist ({choices}): tick what applies",
                )
