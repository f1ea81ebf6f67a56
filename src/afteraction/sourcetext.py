"""A file's text as read, and how to write an edited text back in the file's own form.

Every reader works on text with LF line endings and no byte-order mark;
:class:`SourceText` remembers what the file had (its line endings, a BOM, the
digest of its bytes) so that a writer gives back the same bytes for every line
it did not change, whatever the file used: CRLF, lone CR, or a mix of them.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from afteraction.ends import common_ends
from afteraction.inputs import decode_text

BOM = "\ufeff"
_ENDING = re.compile(r"\r\n|\r|\n")
# Beyond this many changed lines in a file of mixed endings, matching them is not
# worth its quadratic cost: the changed part takes the file's usual ending.
_MATCH_LIMIT = 20_000


def digest_of(data: bytes) -> str:
    """Return the SHA-256 of ``data`` as 64 hex digits (what conflicts are checked by)."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class SourceText:
    """A document's text with LF line endings, and the form its file had."""

    text: str
    newline: str
    bom: bool
    digest: str
    mixed: tuple[str, ...] = ()  # each line's own ending, when the file mixes them

    @classmethod
    def decode(cls, data: bytes, path: Path | str) -> SourceText:
        """Read a file's bytes as UTF-8 text, naming the line of a bad byte."""
        written = decode_text(data, path)
        bom = written.startswith(BOM)
        if bom:
            written = written[1:]
        crlf = written.count("\r\n")
        counts = {"\n": written.count("\n") - crlf, "\r\n": crlf, "\r": written.count("\r") - crlf}
        kinds = [k for k, n in counts.items() if n]
        if kinds in ([], ["\n"]):  # the common case: nothing to convert or remember
            return cls(written, "\n", bom, digest_of(data))
        newline = max(kinds, key=counts.__getitem__)
        mixed = tuple(_ENDING.findall(written)) if len(kinds) > 1 else ()
        return cls(_ENDING.sub("\n", written), newline, bom, digest_of(data), mixed)

    def encode(self, text: str) -> bytes:
        """Return ``text`` as this file's bytes: its BOM, its endings on every line kept."""
        if self.mixed:
            written = _with_endings(self.text, self.mixed, text, self.newline)
        elif self.newline != "\n":
            written = text.replace("\n", self.newline)
        else:
            written = text
        return ((BOM if self.bom else "") + written).encode("utf-8")


def _with_endings(old: str, endings: tuple[str, ...], new: str, usual: str) -> str:
    """Write ``new`` with the ending each unchanged line of ``old`` had; others get ``usual``."""
    before, after = old.split("\n"), new.split("\n")
    # Every line but the last ended with a newline; the matching runs on whole lines.
    own = [*endings, ""]
    start, end = common_ends(before, after)
    chosen = [usual] * len(after)
    chosen[:start] = own[:start]
    if end:
        chosen[len(after) - end :] = own[len(before) - end :]
    middle_old, middle_new = before[start : len(before) - end], after[start : len(after) - end]
    if middle_old and middle_new and len(middle_old) + len(middle_new) <= _MATCH_LIMIT:
        matcher = difflib.SequenceMatcher(None, middle_old, middle_new, autojunk=False)
        for block in matcher.get_matching_blocks():
            for offset in range(block.size):
                chosen[start + block.b + offset] = own[start + block.a + offset]
    chosen[-1] = ""
    return "".join(line + ending for line, ending in zip(after, chosen, strict=True))
