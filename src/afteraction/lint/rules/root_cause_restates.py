"""AAR502: the root cause says why it happened, not again what happened."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from afteraction.document.placeholders import is_placeholder
from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import bound_line, locate, mask_markup

_WORD = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")
_POSSESSIVE = re.compile(r"['\u2019]s?$")
# Words that say nothing about this incident: grammar, and the words every cause uses.
_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    incident issue problem outage root cause caused causes due result resulted resulting led
    happened occurred
        """,
    )
)


def content_words(text: str) -> set[str]:
    """Return the text's words without stopwords or markup, lowercased and lightly stemmed."""
    words: set[str] = set()
    for word in _WORD.findall(mask_markup(text).lower()):
        word = _POSSESSIVE.sub("", word)
        if word not in _STOPWORDS:
            words.add(_stem(word))
    return words


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _flat(text: str) -> str:
    return " ".join(_WORD.findall(mask_markup(text).lower()))


class RootCauseRestates(Rule):
    """A root cause that only says again what the summary (or the impact) said."""

    id = "AAR502"
    name = "root-cause-restates"
    summary = "The root cause explains why it happened instead of repeating the summary."
    rationale = (
        "A root cause that repeats the summary ('the gateway rejected orders') records what"
        " happened, which the reader already knows; it gives the review nothing to act on."
        " The root cause should name the conditions that made the failure possible: the"
        " missing check, the unsafe default, the process gap. The rule compares the content"
        " words of the root cause with those of the summary and of the impact: when at least"
        " `threshold` percent of them are already there and it adds fewer than"
        " `min_new_words` new ones (or is a plain excerpt), it says so."
    )
    options = {"threshold": 80, "min_new_words": 4}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report a root cause whose words are nearly all in the summary or the impact."""
        del ctx
        cause = doc.record.root_cause or ""
        if is_placeholder(cause):
            return
        words = content_words(cause)
        if len(words) < 2:
            return
        for label, other in (
            ("summary", doc.record.summary),
            ("impact", doc.record.impact.description),
        ):
            if other and not is_placeholder(other) and self._restates(cause, words, other):
                yield self.finding(
                    doc,
                    _cause_line(doc, cause),
                    f"the root cause repeats the {label}: say why it happened, not what"
                    " happened (the missing check, the unsafe default, the process gap)",
                )
                return

    def _restates(self, cause: str, words: set[str], other: str) -> bool:
        """Say whether ``cause`` adds little to ``other``."""
        if f" {_flat(cause)} " in f" {_flat(other)} ":
            return True
        seen = content_words(other)
        new = words - seen
        shared = len(words) - len(new)
        threshold, min_new = int(self.settings["threshold"]), int(self.settings["min_new_words"])
        return shared * 100 >= threshold * len(words) and len(new) < min_new


def _cause_line(doc: LintDocument, cause: str) -> int | None:
    """Return the line of the root cause's first line of text, else its heading."""
    heading = bound_line(doc, "root_cause")
    first = next((ln.strip() for ln in cause.splitlines() if ln.strip()), "")
    fragments = [first, first[:60]] if first else []
    return locate(doc, fragments, heading)
