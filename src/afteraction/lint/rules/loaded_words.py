"""AAR603: the postmortem's prose uses no blaming words."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, ClassVar

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import clause_before, mask_markup, present
from afteraction.profiles import Profile
from afteraction.profiles.memo import per_profile

_SLIP = (
    "describe the conditions that made the slip likely (fatigue, unclear runbook, missing check)"
)
_HINDSIGHT = "say what information was not available at the time and why"
_JUDGEMENT = "describe the action and what made it reasonable at the time, not the person"
_NOTICE = "say what made the signal hard to see (noise, a missing alert, a busy channel)"

#: The default words, each with what to write instead.
WORDS: dict[str, str] = {
    "careless": _SLIP,
    "carelessness": _SLIP,
    "negligent": _SLIP,
    "negligence": _SLIP,
    "sloppy": _SLIP,
    "reckless": _JUDGEMENT,
    "lazy": _JUDGEMENT,
    "incompetent": _JUDGEMENT,
    "stupid": _JUDGEMENT,
    "idiot": _JUDGEMENT,
    "should have known": _HINDSIGHT,
    "should've known": _HINDSIGHT,
    "fault of": "name the conditions and the missing safeguard, not whose fault it was",
    "at fault": "name the conditions and the missing safeguard, not who was at fault",
    "dropped the ball": "say which step was missed and what would have made it hard to miss",
    "failed to notice": _NOTICE,
    "didn't bother": "say what made the step seem unnecessary or costly at the time",
}
_GENERIC = "describe what happened and the conditions that made it likely, not the person"

# A word is not blame when a negation comes just before it ("no one was at fault").
_NEGATED = re.compile(
    r"\b(?:not|no|never|nobody|none|neither|nor|without)\s+(?:\S+\s+){0,3}$"
    r"|\bno[\s-]?one\s+(?:\S+\s+){0,2}$|n['\u2019]t\s+(?:\S+\s+){0,2}$",
    re.IGNORECASE,
)
# "lazy" in a technical sense: lazy loading, lazy evaluation, a lazy iterator.
# (Matched where "lazy" ends, so it holds no "^".)
_LAZY_TECH = re.compile(
    r"[\s-]+(?:load|eval|init|instantiat|compil|fetch|import|propert|val|iterat|stream|seq"
    r"|list|bind|mode|propagat|pars|resol|read|hydrat|render|mount|allocat|delet|expir"
    r"|migrat|cach|default|evaluat|computation|initiali|static|constant|module|chunk|ref)",
    re.IGNORECASE,
)


def _word_pattern(word: str) -> str:
    """Return a pattern for ``word``: spaces flexible, any apostrophe."""
    parts = [re.escape(w).replace("'", "['\u2019]") for w in word.split()]
    return r"\s+".join(parts).replace("didn['\u2019]t", "(?:didn['\u2019]t|did\\s+not)")


@lru_cache(maxsize=32)
def _words_pattern(words: tuple[str, ...], *, folded: bool = False) -> re.Pattern[str]:
    """Return one pattern matching any of ``words`` (lowercase) as whole words.

    It ignores case, or with ``folded`` matches lowercased text only, which is
    twice as fast for the scan of a whole document.
    """
    body = "|".join(_word_pattern(w) for w in words)
    flags = 0 if folded else re.IGNORECASE
    return re.compile(rf"(?<![\w'\u2019-])(?:{body})(?![\w-])", flags)


@per_profile
def fixed_lines(profile: Profile) -> frozenset[str]:
    """Return the lines of text the profile itself writes (headings, leads, hints, footer)."""
    texts: list[str | None] = [profile.title, profile.footer]
    for field in profile.header:
        texts += [field.label, field.hint]
    for spec in profile.sections:
        texts += [spec.heading, spec.heading_value, spec.text, spec.lead, spec.hint]
        texts += [column.header for column in spec.columns]
        for field in spec.fields:
            texts += [field.label, field.hint]
    return frozenset(
        _key(line) for text in texts if text for line in text.splitlines() if _key(line)
    )


def _key(line: str) -> str:
    """Return a line without markup, for comparing a document's line with the profile's."""
    return " ".join(re.sub(r"[>#*_|`-]+", " ", line).split()).lower()


class LoadedWords(Rule):
    """A blaming word in the prose."""

    id = "AAR603"
    name = "loaded-words"
    summary = "The prose avoids blaming words such as 'careless', 'negligent' and 'at fault'."
    rationale = (
        "Words like 'careless', 'negligent' or 'should have known' judge a person instead of"
        " describing a situation. They are written with hindsight, which the people in the"
        " incident did not have, and they teach readers that the review is about who to"
        " blame, so the next review hears less. Each finding suggests what to write"
        " instead. Code blocks, front matter and the text the profile itself writes (such"
        " as a blameless-methodology footer) are not checked, nor is a word just after a"
        " negation ('no one was at fault'). The list: careless, carelessness, negligent,"
        " negligence, sloppy, reckless, lazy (not lazy loading), incompetent, stupid, idiot,"
        " should have known, should've known, fault of, at fault, dropped the ball, failed"
        " to notice, didn't bother. `words` replaces it; `extra_words` adds to it."
    )
    options: ClassVar[Mapping[str, Any]] = {"words": [], "extra_words": []}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each loaded word in the document's prose."""
        del ctx
        chosen = [str(w) for w in self.settings["words"]] or list(WORDS)
        chosen += [str(w) for w in self.settings["extra_words"]]
        words = sorted({w.strip().lower() for w in chosen if w.strip()}, key=len, reverse=True)
        if not words:
            return
        lowered = doc.text.lower()
        candidates = present(words, lowered)
        if not candidates:
            return
        pattern = _words_pattern(candidates)
        if len(lowered) == len(doc.text):
            hits = _words_pattern(candidates, folded=True).finditer(lowered)
        else:
            hits = pattern.finditer(doc.text)
        read: tuple[int, str | None] = (0, None)  # the last hit's line: masked, or None if skipped
        for hit in hits:
            line, col = doc.position(hit.start())
            if read[0] != line:  # read once per line, however many hits it holds
                text = doc.line_text(line)
                skipped = line in doc.code_lines or _key(text) in fixed_lines(doc.profile)
                read = (line, None if skipped else mask_markup(text))
            plain = read[1]
            if plain is None:
                continue
            match = pattern.match(plain, col - 1)
            if match is None or _excused(plain, match):
                continue  # inside code or a link target, or not blame here
            word = match.group(0)
            normal = _normal(word)
            yield self.finding(
                doc,
                line,
                f"'{word}' is a loaded word: {WORDS.get(normal, _GENERIC)}",
                col=match.start() + 1,
            )


def _normal(word: str) -> str:
    """Return a matched word as the list writes it: lowercase, straight apostrophe."""
    normal = " ".join(word.lower().replace("\u2019", "'").split())
    return "didn't bother" if normal == "did not bother" else normal


def _excused(line: str, match: re.Match[str]) -> bool:
    """Say whether a match is not blame: negated, technical 'lazy', a device's 'fault of'."""
    normal = _normal(match.group(0))
    if _NEGATED.search(clause_before(line, match.start())):
        return True
    if normal == "lazy" and _LAZY_TECH.match(line, match.end()):
        return True
    return normal == "fault of" and _after_article(line, match.start())


_ARTICLE = re.compile(r"\ban?\s+$", re.IGNORECASE)


def _after_article(line: str, end: int) -> bool:
    """Say whether ``line[:end]`` ends with "a" or "an" and spaces, reading only that end."""
    at = end
    while at > 0 and line[at - 1].isspace():  # the article ends where these spaces start
        at -= 1
    return _ARTICLE.search(line, max(0, at - 2), end) is not None
