"""Find template placeholders in a line of prose, telling them from links, times and tags.

A bracket is a prompt (``[Name]``, ``[Describe the impact]``) unless it is
Markdown (a link, an image, a checkbox, a footnote, a citation, a label the
document defines as a reference link), data written in brackets (a chat
timestamp ``[1:26 PM]``, ``[3 hours ago]``, an identifier ``[CVE-2019-15226]``,
a choice made ``[High]``, a list of names), or a tag that starts a line of
prose (``[Action Item] launches are ...``). Every pattern here runs in time
linear in the line: bounded runs, no nested quantifiers, comments and code
spans found by scanning.
"""

from __future__ import annotations

import re

from afteraction.lint.rules.common import blank_comments

# A bracket with what it holds (at most 160 characters, no bracket or line break inside).
_BRACKET = re.compile(r"\$?\[([^\[\]\n]{1,160})\]")
# A reference definition: ``[label]: https://...`` at the start of a line.
_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]\n]{1,160})\]:")
_BRACE = re.compile(r"\{[A-Za-z][^{}\n]{0,80}\}")
_ANGLE = re.compile(r"<([A-Za-z][\w -]{1,60})>")
# Other prompts, each with a part it cannot go without (a quick test before the pattern).
_OTHER = [
    ("___", re.compile(r"(?<!\\)_{3,}")),
    ("YYYY", re.compile(r"\bYYYY(?:[-/]?MM(?:[-/]?DD)?)?\b|\b(?:DD/MM|MM/DD)/YYYY\b")),
    ("HH:MM", re.compile(r"\bHH:MM(?::SS)?\b")),
    (" ", re.compile(r"\b[XYN] (?:hours?|minutes?|mins?|days?|seconds?|weeks?)\b")),  # X hours
    ("*(", re.compile(r"\*\((?:[^()\n]|\([^()\n]*\))*\)\*")),  # *(describe or "None")*
    ("TB", re.compile(r"\bTB[AD]\b")),
    ("orem ipsum", re.compile(r"\b[Ll]orem ipsum\b")),
]
# YES / NO, PASS/FAIL: a choice offered, checked against the profile's words.
_CHOICE = re.compile(r"\b[A-Za-z]+(?:\s?/\s?[A-Za-z]+)+\b")
# What a choice offered as a value follows: the start, a label's colon, a cell, a bracket.
_VALUE_START = re.compile(r"(?:^|[:|(\[]|\*\*|__)[\s*_]*$")

# Data people write in brackets: times, dates, durations ago, numbers, identifiers.
_DATA_TOKEN = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4}"
    r"|\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:\s?[AaPp]\.?[Mm]\.?)?"
    r"|\d+\s?(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|weeks?|months?"
    r"|years?)\s+ago\b"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s\d{1,2}"
    r"(?:st|nd|rd|th)?\b"
    r"|\b[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*-\d+\b"  # CVE-2019-15226, INC-42
    r"|#?\bv?\d+(?:[.,]\d+)*\b"  # 42, #1234, v1.2.3
    r"|\b(?:UTC|GMT|Z|[ECMP][SD]?T|CES?T|BST|IST|JST|AES?T|AEDT|AM|PM|am|pm|ago)\b"
)
_DATA_REST = re.compile(r"[\s,.;:/@+()~–-]*")
# Words of a prompt: a template asks for a name, it does not give one.
_PROMPT_WORDS = {
    "name", "names", "first", "last", "surname", "full", "person", "people", "owner",
    "author", "authors", "team", "role", "title", "reviewer", "commander", "lead",
}  # fmt: skip
_NAME = re.compile(r"[A-Z][^\W\d_]+(?:['\u2019-][^\W\d_]+)?")
_NAME_SPLIT = re.compile(r",|&|\band\b")
# HTML elements: ``<br>`` and ``<details>`` are markup, ``<owner>`` is a prompt.
_HTML = {
    "a", "abbr", "b", "big", "blockquote", "body", "br", "center", "cite", "code", "col",
    "dd", "del", "details", "div", "dl", "dt", "em", "figure", "font", "h1", "h2", "h3",
    "h4", "h5", "h6", "head", "hr", "html", "i", "img", "input", "ins", "kbd", "li",
    "mark", "ol", "p", "picture", "pre", "q", "s", "samp", "small", "source", "span",
    "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "tt", "u", "ul", "var", "video", "wbr",
}  # fmt: skip
# A line's opening markup before a leading tag: indent, quote, list marker, heading, emphasis.
_LEAD = re.compile(r"[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|#{1,6}[ \t]+)?(?:\*\*|__)?")


def reference_labels(lines: list[str]) -> frozenset[str]:
    """Return the labels a document defines as reference links (``[label]: url``), folded."""
    return frozenset(_fold(m[1]) for line in lines if (m := _DEFINITION.match(line)))


def find_placeholders(line: str, words: frozenset[str], labels: frozenset[str]) -> list[str]:
    """Return the placeholders on a line of prose, in order.

    ``words`` are the choice words a template may offer (``YES / NO``) and
    ``labels`` the reference-link labels the document defines.
    """
    text = blank_markup(line)
    found: list[tuple[int, str]] = []
    for match in _BRACKET.finditer(text) if "[" in text else ():
        if _is_prompt_bracket(text, match, words, labels):
            found.append((match.start(), match[0]))
    for match in _BRACE.finditer(text) if "{" in text else ():
        if "=" not in match[0] and '":' not in match[0]:  # not a label set, not JSON
            found.append((match.start(), match[0]))
    for match in _ANGLE.finditer(text) if "<" in text else ():
        inner = match[1]
        if inner.split()[0].lower() not in _HTML or inner.isupper():
            found.append((match.start(), match[0]))
    for probe, pattern in _OTHER:
        if probe in text:
            found += [(m.start(), m[0]) for m in pattern.finditer(text)]
    for match in _CHOICE.finditer(text) if "/" in text else ():
        if _offers_choice(text, match, words):
            found.append((match.start(), match[0]))
    return _without_leading_tag(text, _outermost(found))


def _outermost(found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Return the placeholders in order, without those inside another (``[X hours]``)."""
    kept: list[tuple[int, str]] = []
    end = 0
    for start, value in sorted(found, key=lambda f: (f[0], -len(f[1]))):
        if start >= end:
            kept.append((start, value))
            end = start + len(value)
    return kept


def _offers_choice(text: str, match: re.Match[str], words: frozenset[str]) -> bool:
    """Say whether ``YES / NO`` is a choice left open, not a "yes/no" in a sentence.

    Capitals are always a prompt; otherwise the choice must stand where a value
    starts (the line's start, after a label's colon, a cell's bar or a bracket).
    """
    parts = [p.strip().lower() for p in match[0].split("/")]
    if not all(p in words for p in parts) or len(set(parts)) < 2:
        return False
    return match[0].isupper() or bool(
        _VALUE_START.search(text[max(0, match.start() - 8) : match.start()])
    )


def _is_prompt_bracket(
    text: str, match: re.Match[str], words: frozenset[str], labels: frozenset[str]
) -> bool:
    """Say whether a bracket is a template prompt rather than Markdown or bracketed data."""
    inner = match[1]
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if before in ("[", "]", "!", "\\") or after in ("(", "[", "]"):
        return False  # a link, an image, a reference, nested or escaped brackets
    if after == ":" and not text[: match.start()].strip():
        return False  # a reference definition: [label]: https://...
    if inner in (" ", "x", "X") or inner.startswith("^") or inner.isdigit():
        return False  # a checkbox, a footnote, a citation
    if not any(c.isalpha() for c in inner) or _fold(inner) in labels:
        return False
    return not (_is_data(inner) or inner.strip().lower() in words or _is_name_list(inner))


def _is_data(inner: str) -> bool:
    """Say whether bracketed text is a time, a date, a number or an identifier."""
    return any(c.isdigit() for c in inner) and bool(
        _DATA_REST.fullmatch(_DATA_TOKEN.sub(" ", inner))
    )


def _is_name_list(inner: str) -> bool:
    """Say whether bracketed text lists people by name: ``[Abhi Aiyer, Yujohn Nattrass]``."""
    parts = [p.split() for p in _NAME_SPLIT.split(inner)]
    return len(parts) > 1 and all(
        1 < len(p) < 5 and all(_NAME.fullmatch(w) and w.lower() not in _PROMPT_WORDS for w in p)
        for p in parts
    )


def _without_leading_tag(text: str, found: list[tuple[int, str]]) -> list[str]:
    """Drop a bracket that tags a line of prose (``[CVE-1] Fix``) when nothing else is a prompt.

    In a heading the tag goes even then: ``# [Postmortem] [Title]`` asks only for the title.
    """
    values = [value for _, value in found]
    if not found or text.lstrip().startswith("|"):
        return values
    lead = _LEAD.match(text)
    start = lead.end() if lead else 0
    at, value = found[0]
    rest = text[at + len(value) :].strip(" *_:-–—")
    if at != start or not value.startswith("[") or not rest:
        return values
    heading = text.lstrip(" >").startswith("#")
    return values[1:] if heading or len(values) == 1 else values


def blank_markup(line: str) -> str:
    """Return ``line`` with HTML comments and code spans blanked out, columns kept."""
    return _blank_code_spans(blank_comments(line))


_TICKS = re.compile(r"`+")


def _blank_code_spans(line: str) -> str:
    """Blank each code span: a run of backticks up to the next run of the same length."""
    if "`" not in line:
        return line
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(line)]
    # For each run, the index of the next run of the same length (scanned from the end).
    following: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        size = runs[index][1] - runs[index][0]
        following[index] = last.get(size)
        last[size] = index
    chars = list(line)
    index = 0
    while index < len(runs):
        close = following[index]
        if close is None:
            index += 1
            continue
        start, end = runs[index][0], runs[close][1]
        chars[start:end] = " " * (end - start)
        index = close + 1
    return "".join(chars)


def _fold(label: str) -> str:
    return " ".join(label.split()).casefold()
