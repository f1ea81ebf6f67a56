"""Words a document uses for severity and status, mapped onto a profile's scale.

A real document says "Critical", "SEV-2", "[High]" or "Resolved" where a
profile's scale has SEV1..SEV4 and Draft/Final. Where the meaning is plain
the word is mapped onto the scale; anything else is left alone.
"""

from __future__ import annotations

import re

from afteraction.profiles.schema import Profile

# Severity words by their place on a scale, the most severe first; the last place
# stands for the bottom of any scale.
_SEVERITY_WORDS: tuple[frozenset[str], ...] = (
    frozenset(("critical", "highest", "urgent", "emergency", "blocker", "catastrophic", "p0")),
    frozenset(("high", "major", "p1")),
    frozenset(("medium", "moderate", "normal", "p2")),
)
_BOTTOM = frozenset(("low", "lowest", "minor", "trivial", "cosmetic"))
_NUMBERED = re.compile(r"^(?:sev|severity|s|level|p)(\d)$")
_FINAL = frozenset(
    ("resolved", "closed", "final", "done", "complete", "completed", "finished", "published")
)
_OPEN = frozenset(("draft", "wip", "work in progress", "in progress", "ongoing", "open", "active"))
_LONGEST = 60
_REVIEW = frozenset(("review", "in review", "under review", "for review", "reviewing"))


def _key(text: str) -> str:
    """Normalise a written value: markup, brackets, a trailing note in parentheses, case."""
    text = re.sub(r"[*_`\[\]]", "", text)
    text = re.sub(r"\([^)]*\)\s*$", "", text).strip().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _severity(word: str, profile: Profile) -> str | None:
    levels = sorted(profile.severity, key=lambda s: s.rank)
    if not levels:
        return None
    squashed = word.replace(" ", "")
    for level in levels:
        if squashed in {_key(level.name).replace(" ", ""), _key(level.label or "")}:
            return level.name
    numbered = _NUMBERED.match(squashed)
    if numbered and not squashed.startswith("p"):
        same = [lv for lv in levels if re.sub(r"\D", "", lv.name) == numbered[1]]
        return same[0].name if len(same) == 1 else None
    for place, words in enumerate(_SEVERITY_WORDS):
        if squashed in words or word in words:
            return levels[min(place, len(levels) - 1)].name
    if word in _BOTTOM or (numbered and squashed.startswith("p")):
        return levels[-1].name
    return None


def _status(word: str, profile: Profile) -> str | None:
    names = [s.name for s in profile.statuses]
    if not names:
        return None
    if word in _FINAL:
        return next((s.name for s in profile.statuses if s.final), None)
    if word in _REVIEW:
        return next((n for n in names if "review" in n.lower()), None)
    if word in _OPEN:
        return names[0]
    return None


def map_onto_scale(path: str, value: str, profile: Profile) -> str | None:
    """Return the profile's level or status a written value plainly means, else None.

    ``Critical``, ``Highest`` and ``P0`` are the top severity, ``High`` the
    next, ``SEV-2`` the level numbered 2; ``Resolved``, ``Closed`` and
    ``Final`` the final status, ``Draft`` and ``In progress`` the first.
    """
    if len(value) > _LONGEST:
        return None  # a sentence, not a level
    word = _key(value)
    if not word:
        return None
    if path == "severity":
        return _severity(word, profile)
    if path == "status":
        return _status(word, profile)
    return None
