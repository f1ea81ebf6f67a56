"""Slack's message markup as plain text: mentions by name, links with their labels."""

from __future__ import annotations

import re
from collections.abc import Mapping

_MARKUP = re.compile(r"<([^<>\n]+)>")
_SNIPPET = 40


def plain(text: str, users: Mapping[str, str], channels: Mapping[str, str]) -> str:
    """Return Slack ``mrkdwn`` as a person reads it.

    ``<@U123>`` becomes ``@name`` (``users`` maps IDs to names), ``<#C123>``
    ``#channel``, ``<!channel>`` ``@channel``, ``<url|label>`` ``label (url)``,
    and ``&amp;``, ``&lt;``, ``&gt;`` their characters.
    """

    def token(match: re.Match[str]) -> str:
        target, _, label = match[1].partition("|")
        if target.startswith("@"):
            return "@" + users.get(target[1:], label.lstrip("@") or target[1:])
        if target.startswith("#"):
            return "#" + channels.get(target[1:], label.lstrip("#") or target[1:])
        if target.startswith("!"):
            return label or "@" + target[1:].split("^")[0]
        return _link(target, label)

    text = _MARKUP.sub(token, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def _link(url: str, label: str) -> str:
    if not label or label in (url, url.removeprefix("mailto:")):
        return label or url
    return f"{label} ({url})"


def snippet(text: str) -> str:
    """Return the start of a message's first line, cut at a word, to name it briefly."""
    line = text.strip().split("\n", 1)[0]
    if len(line) <= _SNIPPET:
        return line
    cut = line[:_SNIPPET].rsplit(" ", 1)[0] or line[:_SNIPPET]
    return cut.rstrip(" ,.;:") + "..."
