"""Regular expressions compiled when first used, not when their module is imported.

Reading a postmortem imports every reader, and a few of their patterns (long
alternations of date forms, zone words and month names, case-insensitive)
each take milliseconds to compile, while most documents never need them:
a date written only on its own line, a placeholder clock, a range of
clocks. Those are :class:`LazyPattern`; every other pattern is compiled
with its module as usual.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property


class LazyPattern:
    """A pattern compiled on its first match, with the matching methods the readers use."""

    def __init__(self, pattern: str, flags: int | re.RegexFlag = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        """Return the compiled pattern (compiled the first time it is asked for)."""
        return re.compile(self.pattern, self.flags)

    def match(self, string: str) -> re.Match[str] | None:
        """Match at the start of ``string`` (:meth:`re.Pattern.match`)."""
        return self.compiled.match(string)

    def fullmatch(self, string: str) -> re.Match[str] | None:
        """Match all of ``string`` (:meth:`re.Pattern.fullmatch`)."""
        return self.compiled.fullmatch(string)

    def search(self, string: str) -> re.Match[str] | None:
        """Find the first match in ``string`` (:meth:`re.Pattern.search`)."""
        return self.compiled.search(string)

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        """Find every match in ``string`` (:meth:`re.Pattern.finditer`)."""
        return self.compiled.finditer(string)
