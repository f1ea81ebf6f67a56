"""Inline suppressions: ``<!-- aar: disable=RULE -->`` comments in the document.

- ``<!-- aar: disable=AAR101,loaded-words -->`` turns rules off from that line
  until ``<!-- aar: enable=... -->`` (no rules named: all of them);
- ``<!-- aar: disable-next-line=RULE -->`` for the following line only;
- ``<!-- aar: disable-line=RULE -->`` for the line the comment is on;
- ``<!-- aar: disable-file=RULE -->`` for the whole file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
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
    # The ranges by rule, built on the first lookup (a scan per finding would be quadratic).
    _indexed: tuple[int, dict[str, _Spans]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

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
        rule, line = finding.rule, finding.line
        for names in (self.file_wide, self.by_line.get(line, ())):
            if ALL in names or rule in names:
                return True
        if not self.ranges:
            return False
        index = self._index()
        return any(name in index and index[name].holds(line) for name in (ALL, rule))

    def _index(self) -> dict[str, _Spans]:
        """Return each rule's ranges, indexed once (again only if ranges were added since)."""
        if self._indexed is None or self._indexed[0] != len(self.ranges):
            spans: dict[str, list[tuple[int, int]]] = {}
            for first, last, names in self.ranges:
                for name in names:
                    spans.setdefault(name, []).append((first, last))
            self._indexed = (len(self.ranges), {n: _Spans(found) for n, found in spans.items()})
        return self._indexed[1]


class _Spans:
    """Line ranges, some maybe overlapping, that say in O(log n) whether one holds a line."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.firsts = [first for first, _ in spans]
        # The furthest any range starting at or before each one reaches.
        self.reach = list(accumulate((last for _, last in spans), max))

    def holds(self, line: int) -> bool:
        """Say whether a range holds ``line``: of those starting by it, one reaches it."""
        at = bisect_right(self.firsts, line)
        return at > 0 and self.reach[at - 1] >= line


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
