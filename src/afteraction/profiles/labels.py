"""Normalise headings and labels for matching: case, markup, numbering, punctuation.

Documents match their headings, column headers and labels this way, and
profiles their sign-off roles, so that both agree on what names the same.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _drop_parenthesised(text: str) -> str:
    """Remove each ``(...)`` up to its first ``)``, in one pass (a regex rescans each ``(``)."""
    kept: list[str] = []
    at = 0
    while (start := text.find("(", at)) >= 0 and (end := text.find(")", start)) >= 0:
        kept.append(text[at:start])
        at = end + 1
    kept.append(text[at:])
    return "".join(kept)


# Headings and labels as documents write them: no end to them in a server.
_NORMS_KEPT = 8192


@lru_cache(maxsize=_NORMS_KEPT)
def norm(text: str) -> str:
    """Normalise a heading or label for matching: case, markup, numbering, punctuation."""
    text = re.sub(r"[*_`]", "", text).lower()
    text = _drop_parenthesised(text)
    text = re.sub(r"^\s*(?:[0-9]+[a-z]?|[a-z])\s*(?:[.)\u2014\u2013-]|\s\u2014)\s*", "", text)
    text = text.replace("post-mortem", "postmortem").replace("&", "and")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()
