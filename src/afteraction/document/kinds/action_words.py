"""What an action item's sentence says about it: who does it, and whether it is done.

Items are often written as sentences rather than marked up: ``Nóva to send
the list``, ``The IPS team is reviewing access``, ``The action has been
disabled``, ``We have removed the bot's access``, or as a headline
``Alerts configured``. The owner read here stays in the title (it is part
of the sentence); a done statement only sets the status.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

# Every pattern is anchored or bounded ({1,n}) and runs on a cut of the text: linear time.
_DONE_WORDS = re.compile(
    r"\b(?P<before>\w{1,12}[ \t]{1,4})?(?:has|have)[ \t]{1,4}been[ \t]{1,4}"
    r"(?:done|completed|fixed)\b"
    r"|\b(?:done|completed|fixed)[ \t]{1,4}during[ \t]{1,4}(?:this|the)[ \t]{1,4}incident\b"
    r"|\balready[ \t]{1,4}(?:done|completed|fixed)\b",
    re.IGNORECASE,
)
_IRREGULAR = "done|made|taken|written|rewritten|built|rebuilt|sent|set|shut|run|put|moved"
# "has been disabled", "We have removed": the present perfect says the work is behind us.
_PERFECT = re.compile(
    r"\b(?P<before>\w{1,12}[ \t]{1,4})?(?:has|have)[ \t]{1,4}(?:been[ \t]{1,4})?"
    rf"(?:\w{{2,30}}ed|{_IRREGULAR})\b",
    re.IGNORECASE,
)
_PARTICIPLE = re.compile(rf"(?:\w{{2,30}}ed|{_IRREGULAR})", re.IGNORECASE)
_HYPOTHETICAL = {"could", "should", "would", "must", "might", "may", "to", "not", "never"}
# Words after which a perfect tense is not the item's own statement ("Re-enable what has failed").
_SUBORDINATE_TEXT = """
    that which who whom whose when where whether if unless until because since once as
"""
_SUBORDINATE = frozenset(_SUBORDINATE_TEXT.split())
# Words a headline ("Cron cleanup scheduled") does not hold: it is a noun and its participle.
_NOT_HEADLINE_TEXT = """
    to be is are was were been being not no should must will can could would may might
    more less most least very too for of on in at by with from about than into after before
    we i you they it he she our
"""
_NOT_HEADLINE = _SUBORDINATE | frozenset(_NOT_HEADLINE_TEXT.split())
NameCheck = Callable[[str, Collection[str]], bool]
_SENTENCE_END = re.compile(r"[.!?](?:[ \t\n]|$)|\n")

_TEAM = re.compile(
    r"(?:(?:[Tt]he|[Oo]ur)[ \t]{1,4})?(?P<owner>(?:[^\W\d_][\w.'&-]{0,30}[ \t]{1,4}){1,3}"
    r"[Tt]eams?)[ \t]{1,4}[a-z]"
)
_TO = re.compile(
    r"(?P<owner>@?[^\W\d_][\w.'-]{0,30}(?:[ \t]{1,4}@?[^\W\d_][\w.'-]{0,30}){0,2})"
    r"[ \t]{1,4}to[ \t]{1,4}(?P<next>[a-z][\w'-]{0,30})\b"
)
# "Need to add", "Migrate to the new cluster": an imperative verb, not a name, before "to".
_VERBS_BEFORE_TO_TEXT = """
    able add aim apply ask attempt begin bump change choose commit connect continue copy
    decide default difficult downgrade due easy ensure escalate fail failed get go had hard
    have help keep learn limit link listen make migrate move need needs plan point post
    prepare push reach redirect remember rename respond return revert roll send set start
    stick subscribe switch talk time try upgrade use want write
"""
_VERBS_BEFORE_TO = frozenset(_VERBS_BEFORE_TO_TEXT.split())
# Words after "to" that make it a preposition ("to the", "to production"), not a verb's sign.
_NOT_VERBS_AFTER_TO_TEXT = "a an the this that these those our their its all any each every be have"
_NOT_VERBS_AFTER_TO = frozenset(_NOT_VERBS_AFTER_TO_TEXT.split())


def first_sentence(text: str) -> str:
    """Return the first sentence of ``text`` (at most 300 characters)."""
    head = text[:300]
    end = _SENTENCE_END.search(head)
    return head[: end.start()] if end else head


def done_in_words(text: str) -> bool:
    """Say whether the text states the item was done ("This has been done.", "already fixed")."""
    # Such words stand near the title; a long note is not searched through.
    head = text[:2000].casefold()
    if "been" not in head and "during" not in head and "already" not in head:
        return False  # each statement has one of these words: most items end here
    return any(_plain(m["before"]) for m in _DONE_WORDS.finditer(text, 0, 2000))


def done_in_tense(text: str) -> bool:
    """Say whether the item's first sentence is in the present perfect ("We have removed ...").

    Not under "should" or "not", nor in a clause ("... that has been disabled").
    """
    sentence = first_sentence(text)
    if "ha" not in sentence.casefold():
        return False  # no "has" or "have": most items end here
    for match in _PERFECT.finditer(sentence):
        lead = (sentence[: match.start()] + (match["before"] or "")).casefold().split()
        if _plain(match["before"]) and not _SUBORDINATE.intersection(lead):
            return True
    return False


def _plain(before: str | None) -> bool:
    return (before or "").strip().casefold() not in _HYPOTHETICAL


def headline_done(title: str) -> bool:
    """Say whether a title is a headline saying the work is done: ``Alerts configured``.

    Two to five words, the last a past participle, none a word a headline of
    that shape leaves out (``to``, ``is``, ``for``, ``when`` ...).
    """
    words = title.strip().rstrip(".").split()
    if not 2 <= len(words) <= 5 or not words[0][:1].isupper():
        return False
    if any(w.casefold() in _NOT_HEADLINE for w in words):
        return False
    if _PARTICIPLE.fullmatch(words[0]):
        return False
    return _PARTICIPLE.fullmatch(words[-1]) is not None


def subject_owner(title: str, is_name: NameCheck, known: Collection[str] = ()) -> str | None:
    """Return the owner a sentence names as its subject: ``Nóva to send ...``, ``The IPS team ...``.

    ``is_name`` says whether words read as an owner's name.
    """
    team = _TEAM.match(title)
    if team is not None:
        names = team["owner"].split()[:-1]
        if all(is_name(w, known) for w in names):
            return team["owner"]
    to = _TO.match(title)
    if to is None or to["next"] in _NOT_VERBS_AFTER_TO:
        return None
    owner = to["owner"]
    if any(w.casefold().lstrip("@") in _VERBS_BEFORE_TO for w in owner.split()):
        return None
    return owner if is_name(owner, known) else None
