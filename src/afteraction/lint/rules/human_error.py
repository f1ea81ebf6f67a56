"""AAR602: "human error" is not given as a cause."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import (
    cause_passages,
    clause_before,
    locate,
    mask_markup,
    present,
)

PHRASES = [
    "human error",
    "human mistake",
    "operator error",
    "user error",
    "pilot error",
    "PEBKAC",
    "mistake by the engineer",
    "mistake by the operator",
    "the engineer made a mistake",
    "the operator made a mistake",
]

# Words that, just before the phrase, say it is NOT the cause ("not human error").
_NEGATED = re.compile(
    r"\b(?:not|no|never|rather\s+than|instead\s+of|beyond|than)\s+(?:\w+\s+){0,2}$|n['\u2019]t\s+$",
    re.IGNORECASE,
)
# What, in ordinary prose, gives the phrase as the cause ("triggered by human error").
_CAUSAL = (
    r"(?:(?:caused|triggered|brought\s+(?:on|about)|started|introduced)\s+by"
    r"|due\s+to|because\s+of|owing\s+to|(?:a\s+)?result\s+of|consequence\s+of"
    r"|attributed\s+to|blamed\s+on|down\s+to|traced\s+(?:back\s+)?to"
    r"|(?:root\s+)?causes?\s+(?:is|was|being)|(?:root\s+)?causes?\**\s*[:\u2013\u2014-]\**)"
    r"\s+(?:(?:an?|the|simple|plain|single|momentary)\s+){0,2}$"
)
_CAUSAL_END = re.compile(r"\b" + _CAUSAL, re.IGNORECASE)


# How many space-separated words a match of _CAUSAL_END can take ("traced back to the").
_CAUSAL_WORDS = 5


def _causal_end(plain: str, offset: int) -> re.Match[str] | None:
    """Return ``_CAUSAL_END.search(plain[:offset])``, reading only the words before ``offset``.

    A match ends at ``offset`` and takes at most a few words, so the search
    starts that many words back: a long line with many phrases is not read
    again from its start for each.
    """
    at = offset
    for _ in range(_CAUSAL_WORDS + 1):
        while at > 0 and plain[at - 1].isspace():
            at -= 1
        while at > 0 and not plain[at - 1].isspace():
            at -= 1
    return _CAUSAL_END.search(plain, at, offset)


@lru_cache(maxsize=32)
def _pattern(phrases: tuple[str, ...], *, folded: bool = False) -> re.Pattern[str]:
    """Return a pattern matching any of ``phrases`` as whole words, spaces flexible.

    It ignores case, or with ``folded`` matches lowercased text only (faster).
    """
    parts = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in parts)
    flags = 0 if folded else re.IGNORECASE
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


class HumanError(Rule):
    """'Human error' written as the cause of the incident."""

    id = "AAR602"
    name = "human-error"
    summary = "The root cause, whys and contributing factors do not stop at 'human error'."
    rationale = (
        "'Human error' ends the analysis exactly where it should begin. People make slips"
        " all the time; the question is why this slip was possible, why it was likely, and"
        " why nothing caught it before it hurt: a confirmation that was missing, a tool that"
        " accepted any input, a runbook that was unclear at 3 a.m. Naming the error as the"
        " cause also tells the people involved that the review is about them, and the next"
        " review will hear less. The rule looks at the root cause, the whys answers and the"
        " contributing factors, and at prose that gives the phrase as a cause ('triggered by"
        " human error'). `phrases` replaces the list of phrases it looks for."
    )
    options = {"phrases": PHRASES}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each place 'human error' (or a phrase like it) is given as a cause."""
        del ctx
        lowered = doc.text.lower()
        phrases = present([str(p) for p in self.settings["phrases"]], lowered)
        if not phrases:
            return
        pattern = _pattern(phrases)
        seen: set[tuple[int, int]] = set()
        for passage in cause_passages(doc):
            if not pattern.search(passage.text):
                continue
            for text_line in passage.text.splitlines():
                plain = mask_markup(text_line)
                # Where the line is written, per document line: found once, not per phrase.
                written: dict[int, int] = {}
                for match in pattern.finditer(plain):
                    if _NEGATED.search(clause_before(plain, match.start())):
                        continue
                    phrase = text_line[match.start() : match.end()]
                    line = locate(doc, [text_line, phrase], passage.line)
                    if line is None:
                        continue
                    if line not in written:
                        written[line] = doc.line_text(line).find(text_line)
                    at = written[line]
                    col = at + match.start() + 1 if at >= 0 else doc.column(line, phrase)
                    if (line, col) in seen:
                        continue
                    seen.add((line, col))
                    yield self._report(doc, line, col, phrase, f"as {passage.place}")
        if len(lowered) == len(doc.text):
            hits = _pattern(phrases, folded=True).finditer(lowered)
        else:
            hits = pattern.finditer(doc.text)
        masked: tuple[int, str] = (0, "")  # the line of the last hit, masked once for its hits
        for hit in hits:
            line, col = doc.position(hit.start())
            offset = col - 1
            if line in doc.code_lines or (line, offset + 1) in seen:
                continue
            if masked[0] != line:
                masked = (line, mask_markup(doc.line_text(line)))
            plain = masked[1]
            found = pattern.match(plain, offset)
            lead = _causal_end(plain, offset)
            if found is None or lead is None:
                continue  # inside code, or not given as a cause
            if _NEGATED.search(clause_before(plain, lead.start())):
                continue
            seen.add((line, offset + 1))
            yield self._report(doc, line, offset + 1, found.group(0), "as the cause")

    def _report(self, doc: LintDocument, line: int, col: int, phrase: str, place: str) -> Finding:
        """Build the finding for ``phrase`` at ``line``:``col``."""
        return self.finding(
            doc,
            line,
            f"'{phrase}' is given {place}: ask why the system made the error possible and"
            " name the missing guard rail (a check, a confirmation, a safer default)",
            col=col,
        )
