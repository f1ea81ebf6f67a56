"""AAR501: a five-whys chain is as deep as the profile asks."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext

# How deep a chain goes where the profile has a whys section but does not say.
DEFAULT_DEPTH = 5


class WhysDepth(Rule):
    """A five-whys chain that stops before the profile's depth."""

    id = "AAR501"
    name = "whys-depth"
    summary = "A five-whys chain is at least as deep as the profile asks."
    rationale = (
        "The first answers to 'why?' describe what happened: the config was wrong, the"
        " check was missing. Only by asking again do you reach a cause the organisation"
        " can change (a process, a tool, an incentive), and that is where the useful"
        " action items are. A chain that stops early usually ends at a person or a"
        " symptom. The depth is the profile's `whys_min` (5 where it does not say);"
        " `min` sets another. An empty whys section is left to the rule on missing"
        " sections, which knows whether the document's status requires it."
    )
    options = {"min": 0}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report a whys section holding fewer whys than asked."""
        del ctx
        asked = int(self.settings["min"]) or doc.profile.whys_min
        for spec in doc.profile.sections:
            line = doc.parsed.lines.get(f"section.{spec.key}")
            if spec.kind != "whys" or line is None:
                continue
            depth = asked if asked is not None else DEFAULT_DEPTH
            count = len(doc.record.whys)
            if count >= depth or (count == 0 and not _has_text(doc, spec.key)):
                return
            if count == 0:
                have = "has no numbered whys"
            else:
                have = f"stops after {count} why" + ("" if count == 1 else "s")
            yield self.finding(
                doc,
                line,
                f"the five-whys chain {have} and {depth} are asked: keep asking why"
                " until you reach a cause the organisation can change",
                needle=doc.line_text(line).lstrip("#").strip() or None,
            )
            return


def _has_text(doc: LintDocument, key: str) -> bool:
    """Say whether the section ``key`` holds text other than whys (a chain not yet numbered)."""
    return any(s.key == key and s.body.strip() for s in doc.record.sections)
