"""The words a timeline entry uses for a key moment: an alert, an acknowledgement, a fix.

Each key time has its phrases; an entry that negates one ("found no alerts
triggered") or only tries it ("rollback attempted", "preparing a hot fix")
does not count. Every pattern is a plain alternation of words, so a line of
any length is read in linear time. The patterns are written in lower case and
read the entry lowered once: a case-insensitive alternation of this many words
takes twice as long.
"""

from __future__ import annotations

import re

# Words before a phrase that take it back: "no alerts fired", "did not resolve".
_NEGATION = re.compile(r"\b(?:no|not|never|without|nothing|n't|cannot|unable to)\W+(?:\w+\W+)?$")
# Words that make a fix a try, a plan or a failure rather than the fix itself.
_TENTATIVE = re.compile(
    r"\b(?:attempt\w*|tr(?:y|ies|ied|ying)|fail(?:s|ed)?\b(?![ -]?over)|"
    r"begins?|began|beginning|start(?:s|ed|ing)? (?:to|reverting|rolling|working)|"
    r"decid\w*|decision|prepar\w*|plan(?:s|ned|ning)?|propos\w*|suggest\w*|"
    r"not effective|ineffective|unsuccessful\w*|did not|didn't|partial\w*|"
    r"still (?:down|failing|broken|persists?)|persists?|"
    r"believ\w*|think\w*|thought|seems?|seemed|appears?|maybe|possibl\w*|"
    r"to (?:mitigate|fix|resolve|roll ?back|revert|restore))\b"
)

_PHRASES: dict[str, re.Pattern[str]] = {
    "closed": re.compile(
        r"\b(?:incident (?:is |was )?closed|closed the incident|"
        r"post-?mortem (?:phase )?(?:begins|started))\b"
    ),
    "resolved": re.compile(
        r"\b(?:resolved|all[ -]clear|fixed|"
        r"fix (?:is |was )?(?:deployed|released|live|rolled out|lands|landed)|"
        r"(?:back|returns?|returned|went back) to normal|"
        r"fully (?:restored|recovered|operational|functional)|"
        r"end of (?:the )?(?:outage|incident|impact)|outage (?:ends|ended|is over|was over)|"
        r"(?:systems?|services?) (?:(?:verified|are|is|were|was|fully|back) )*operational)\b"
    ),
    "mitigated": re.compile(
        r"\b(?:mitigat\w*|roll(?:ed|s)? ?back|rollback|revert(?:s|ed)?|"
        r"fail(?:ed|s)?[ -]?over|hot ?fix\w*|work-?around\w*|restored|recovered|"
        r"repaired|stabili[sz]ed|back up(?: and running)?|drained|"
        r"disabled (?:the )?(?:feature|flag)|(?:temporary|quick) (?:fix|patch)|monkey-?patch\w*)\b"
    ),
    "acknowledged": re.compile(
        r"\b(?:acknowledg\w*|ack(?:ed|'d)|(?:on-?call|engineer|responder)s? respond\w*|"
        r"(?:team|provider|vendor|support) (?:\w+ ){0,4}respond(?:s|ed)\b|"
        r"(?:begins?|began|start(?:s|ed)?|launch(?:es|ed)?) (?:an? )?investigat\w*|"
        r"investigation (?:is )?(?:launched|started|begins|began)|"
        r"incident (?:is |was )?declared|declared an incident|war room)\b"
    ),
    "detected": re.compile(
        r"\b(?:alert(?:s|ed)? (?:fired|firing|fires|triggered|went off)|alerted|alarm\w*|"
        r"paged|pages? (?:sent|triggered)|"
        r"incident (?:is |was )?declared|declared an incident|"
        r"(?:users?|customers?|community|members?|clients?) (?:\w+ ){0,2}"
        r"(?:report\w*|notic\w*|notif(?:y|ies|ied)|complain\w*|reach(?:ed|es)? out|"
        r"e-?mails?|contact\w*)|report(?:s|ed)? that|"
        r"report(?:s|ed)? (?:from|by) (?:an? |the )?(?:users?|customers?|community)|"
        r"report(?:s|ed)? (?:of )?(?:the|an|a) (?:issue|problem|bug|outage|incident)|"
        r"(?:another|first|new) report|ticket\b(?:[^.\n]|\.\S){0,80}?\bopened|"
        r"notic(?:es|ed)|(?:we|they|i|team|engineers?|admins?) notice|"
        r"became aware|becomes aware|(?:was|were|is|are) made aware|"
        r"(?:triggered|raised|fired|sent) an? (?:\w+ )?(?:alert|alarm|page)|detect(?:s|ed)|"
        r"discover(?:s|ed)|spotted|observ(?:e|es|ed)|"
        r"automated (?:warning|message|alert|notification)|"
        r"receiv(?:es|ed) an? (?:e-?mail|report|message|ticket)|ticket (?:is |was )?opened)\b"
    ),
    "started": re.compile(
        r"\b(?:outage|downtime|errors?|fail(?:s|ed|ing|ures?)|degrad\w*|unavailable|"
        r"unreachable|unresponsive|(?:is|are|was|were|went|goes) down|crash\w*|"
        r"5\d\d(?:s| errors?)|time-?outs?|timing out|saturat\w*|exhaust\w*|"
        r"drop(?:s|ped)?|dip|spik(?:e|es|ed)|reach(?:es|ed)? 0\b|"
        r"impact (?:began|begins|started|starts)|(?:was |were |is |are )?exploited)\b"
    ),
}

# An entry told after the fact ("incident declared retroactively") marks no moment.
_AFTER_THE_FACT = re.compile(r"\b(?:retroactive\w*|after the fact)\b")

# An entry says what moment it is in its first sentences; a longer one is read that far.
_READ = 1000

#: The key moments a timeline entry can mark, the most decisive first.
MOMENTS = tuple(_PHRASES)


# Words every phrase of a moment holds one of, for the moments most entries do not mark:
# an entry without any is not searched (a string search costs far less than the pattern).
_SIGNS: dict[str, tuple[str, ...]] = {
    "closed": ("closed", "mortem"),
    "acknowledged": ("ack", "respond", "investigat", "declared", "war room"),
}


def _says(name: str, text: str) -> bool:
    """Say whether ``text`` uses a phrase of ``name`` that is not negated."""
    signs = _SIGNS.get(name)
    if signs is not None and not any(sign in text for sign in signs):
        return False
    for match in _PHRASES[name].finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        if not _NEGATION.search(before):
            return True
    return False


class EntryWords:
    """The words of one timeline entry, lowered once, asked for one moment at a time.

    A fix or a resolution only counts when the entry does not say it was
    tried, planned or failed; an entry told after the fact marks nothing.
    Only the first thousand characters are read.
    """

    __slots__ = ("_tentative", "_text", "_void", "_written")

    def __init__(self, text: str) -> None:
        self._written = text
        self._text = ""
        self._void: bool | None = None  # read on the first question
        self._tentative: bool | None = None

    def says(self, name: str) -> bool:
        """Say whether the entry marks the key moment ``name``."""
        if self._void is None:
            self._text = self._written[:_READ].lower()
            self._void = bool(_AFTER_THE_FACT.search(self._text))
        if self._void:
            return False
        if name in ("mitigated", "resolved"):
            if self._tentative is None:
                self._tentative = bool(_TENTATIVE.search(self._text))
            if self._tentative:
                return False
        return _says(name, self._text)


def moments_in(text: str) -> list[str]:
    """Return the key moments an entry's words mark, the most decisive first."""
    words = EntryWords(text)
    return [name for name in MOMENTS if words.says(name)]
