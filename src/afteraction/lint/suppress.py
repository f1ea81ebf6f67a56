"""Inline suppressions: ``<!-- aar: disable=RULE -->`` comments in the document.

- ``<!-- aar: disable=AAR101,loaded-words -->`` turns rules off from that line
  until ``<!-- aar: enable=... -->`` (no rules named: all of them);
- ``<!-- aar: disable-next-line=RULE -->`` for the following line only;
- ``<!-- aar: disable-line=RULE -->`` for the line the comment is on;
- ``<!-- aar: disable-file=RULE -->`` for the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from afteraction.lint.finding import Finding
from afteraction.lint.registry import RuleRegistry

# What an HTML comment says to turn rules off; the comments are found by scanning.
_DIRECTIVE = re.compile(
    r"\s*aar:\s*(?P<verb>disable-next-line|disable-line|disable-file|disable|enable)"
    r"(?:\s*=(?P<rules>[\w\s,-]*)|\s*)",
    re.IGNORECASE,
)
ALL = "*"


@dataclass
class Suppressions:
    """Which rules are off on which lines of one document."""

    file_wide: set[str] = field(default_factory=set)
    by_line: dict[int, set[str]] = field(default_factory=dict)
    ranges: list[tuple[int, int, set[str]]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any] | None:
        """Return the comments' effect as JSON-ready data (None when there are none)."""
        if not (self.file_wide or self.by_line or self.ranges):
            return None
        return {
            "file": sorted(self.file_wide),
            "lines": {str(n): sorted(names) for n, names in self.by_line.items()},
            "ranges": [[first, last, sorted(names)] for first, last, names in self.ranges],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Suppressions:
        """Rebuild suppressions from :meth:`to_dict`."""
        if data is None:
            return cls()
        return cls(
            set(data["file"]),
            {int(n): set(names) for n, names in data["lines"].items()},
            [(first, last, set(names)) for first, last, names in data["ranges"]],
        )

    def hides(self, finding: Finding) -> bool:
        """Say whether a comment turns off ``finding``'s rule where it is."""
        rule = finding.rule
        sets = [self.file_wide, self.by_line.get(finding.line, set())]
        sets += [names for first, last, names in self.ranges if first <= finding.line <= last]
        return any(ALL in names or rule in names for names in sets)


def read_suppressions(text: str, registry: RuleRegistry) -> Suppressions:
    """Read the suppression comments in ``text`` (rule names become IDs)."""
    found = Suppressions()
    if "aar:" not in text:
        return found
    open_ranges: dict[str, int] = {}
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        for match in _directives(line):
            words = {w for w in re.split(r"[\s,]+", match["rules"] or "") if w}
            names = {_id(w, registry) for w in words} or {ALL}
            verb = match["verb"].lower()
            if verb == "disable-file":
                found.file_wide |= names
            elif verb == "disable-line":
                found.by_line.setdefault(number, set()).update(names)
            elif verb == "disable-next-line":
                found.by_line.setdefault(number + 1, set()).update(names)
            elif verb == "disable":
                for name in names:
                    open_ranges.setdefault(name, number)
            else:
                closing = set(open_ranges) if ALL in names else names
                for name in closing & set(open_ranges):
                    found.ranges.append((open_ranges.pop(name), number, {name}))
    for name, first in open_ranges.items():
        found.ranges.append((first, len(lines), {name}))
    return found


def _directives(line: str) -> Iterator[re.Match[str]]:
    """Yield the suppression directive of each ``<!-- ... -->`` comment on ``line``."""
    at = line.find("<!--")
    while at >= 0:
        end = line.find("-->", at + 4)
        if end < 0:
            return
        match = _DIRECTIVE.fullmatch(line, at + 4, end)
        if match is not None:
            yield match
        at = line.find("<!--", end + 3)


def _id(word: str, registry: RuleRegistry) -> str:
    rule = registry.find(word)
    return rule.id if rule is not None else word
