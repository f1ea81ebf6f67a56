"""The root cause a document states outside a root-cause section.

Two places say it: a labelled line kept as written (``**Root Causes**: the
job that creates notifications crashed``, with the lines of its paragraph
that follow) and a sentence that names it ("We identified the root cause as
expired TLS certificates", "The ultimate cause of this incident was a bug
in ..."). Either is recorded as an inferred reading with its line; a
root-cause section always wins. Contributing factors are not a root cause:
a document that lists factors and names no cause says no single one was it.
"""

from __future__ import annotations

import re

from afteraction.document.infer import record_inferred
from afteraction.document.kinds.common import norm
from afteraction.document.kinds.fields import split_labelled
from afteraction.model import Incident

_LABELS = frozenset(("root cause", "root causes", "cause", "causes", "underlying cause"))

# "identified the root cause as ...", "the ultimate cause of this incident was ...":
# literal words with one bounded run, so a line of any length is read in linear time.
_NAMES = re.compile(
    r"\b(?:(?:identif(?:y|ied|ies)|found|determined|traced) the root cause (?:as|to be)\b|"
    r"the (?:root|ultimate|underlying) cause (?:of [^.\n]{1,80}? )?(?:was|is|were)\b"
    r"(?! (?:not|still|unknown|unclear|yet|being|under)\b))",
    re.IGNORECASE,
)
# A sentence ends at a full stop, question or exclamation mark before a space.
_SENTENCE_END = re.compile(r"[.!?](?=\s)")
# A sentence is read up to this many characters from its start.
_LONGEST = 2000


def _paragraphs(lines: list[tuple[str, int]]) -> list[tuple[list[str], int]]:
    """Group kept lines into paragraphs (runs of adjacent non-blank lines)."""
    found: list[tuple[list[str], int]] = []
    last = -2
    for text, line in lines:
        if not text.strip():
            last = -2
            continue
        if line == last + 1 and found:
            found[-1][0].append(text)
        else:
            found.append(([text], line))
        last = line
    return found


def _labelled(lines: list[str]) -> tuple[str, int] | None:
    """Return the root cause a cause label in a paragraph states, and the label's index.

    The lines of the paragraph that follow the label, up to the next label, go with it.
    """
    for index, text in enumerate(lines):
        if "cause" not in text.casefold():
            continue  # every cause label says so
        pair = split_labelled(" ".join(text.split()), plain=True)
        if pair is None or norm(pair[0]) not in _LABELS or not pair[1]:
            continue
        rest = []
        for more in lines[index + 1 :]:
            if split_labelled(" ".join(more.split()), plain=True):
                break
            rest.append(more.strip())
        return "\n".join([pair[1], *rest]), index
    return None


def _named(text: str) -> str | None:
    """Return the sentence of ``text`` that names the root cause, if one does."""
    match = _NAMES.search(text) if "cause" in text.casefold() else None
    if match is None:
        return None
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, match.start())]
    start = ends[-1] if ends else 0
    end = _SENTENCE_END.search(text, match.end(), match.end() + _LONGEST)
    return text[start : end.end() if end else match.end() + _LONGEST].strip()


def infer_root_cause(record: Incident, labelled: list[tuple[str, int]]) -> None:
    """Fill the root cause a record does not state from a cause label or a naming sentence."""
    if record.root_cause:
        return
    # A paragraph a generic reading took for the summary is written back as the summary.
    summary = record.summary or ""
    paragraphs = [p for p in _paragraphs(labelled) if p[0][0].strip() not in summary]
    for lines, line in paragraphs:
        found = _labelled(lines)
        if found is not None:
            cause, index = found
            written = "\n".join(x.strip() for x in lines[index:])
            record_inferred(record, "root_cause", cause, written, line + index)
            return
    for lines, line in paragraphs:
        sentence = _named(" ".join(" ".join(lines).split()))
        if sentence:
            record_inferred(record, "root_cause", sentence, sentence, line)
            return
