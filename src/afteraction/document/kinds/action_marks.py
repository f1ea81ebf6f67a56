"""What an action item's own text says besides its title: owner, priority, done.

Teams write these inline: ``Hypha: upgrade the hub``, ``@alice rotate keys``,
``[P2] add an alert``, ``**DONE** revert the driver``, ``... (owner: bob)``,
``... `@dma` ``, ``~~drop the cache~~``; an issue reference opening it
(``[#2226]: ...``) or a link closing it (``... (https://...)``) is its
tracking link. A mark at the start or the end of
the item's first line is read into its attribute and taken out of the
title; words that say more than a mark ("Done during this incident",
struck-through text) stay in the title and only set the status.

An owner prefix is a name, not a label: one to three capitalised words or
a handle, none of them a word that opens a sentence or names a topic
("Note:", "Root cause:", "Monitoring:"), unless the document names that
owner elsewhere (an Owner column).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from afteraction.document.kinds.action_words import (
    done_in_tense,
    done_in_words,
    headline_done,
    subject_owner,
)

# Every pattern is anchored and bounded ({1,n}), so a long line costs linear time.
_BOLD = re.compile(r"(?:\*\*|__)(?P<inner>[^*_\n]{1,40})(?:\*\*|__)")
_BRACKET = re.compile(r"\[(?P<inner>[^\]\[\n]{1,40})\](?![(\[:])")
_PAREN = re.compile(r"\((?P<inner>[^()\n]{1,40})\)")
_LABEL = re.compile(r"(?P<inner>[^:\n`*_\[\]()]{1,40}):(?=[ \t])")
_HANDLE = re.compile(r"@(?P<inner>[A-Za-z0-9][\w.-]{0,38})(?![\w@])")
# An issue reference opening the item: ``[#2226]:``, ``[OPS-12]``, ``[KM484](https://...) -``
# (not ``[Q3]`` or ``[EC2]``: a key has two letters and two digits, or a dash).
_REF = re.compile(
    r"\[(?P<ref>#\d{1,7}|[A-Z][A-Z0-9]{1,9}-\d{1,7}|[A-Z]{2,10}\d{2,7})\]"
    r"(?P<url>\(https?://[^\s()]{1,500}\))?"
)
_GAP = re.compile(r"[ \t]{0,40}(?:[-\u2013\u2014:][ \t]{0,40})?")

_TAIL_OWNER = re.compile(
    r"(?:\(|[,;.]?[ \t]{0,8}\b)owners?[ \t]{0,8}[:=][ \t]{0,8}(?P<owner>[^()\n:]{1,60}?)\)?[.]?$",
    re.IGNORECASE,
)
_TAIL_HANDLE = re.compile(
    r"(?:`@(?P<code>[\w.-]{1,39})`|[-\u2013\u2014][ \t]{0,8}@(?P<dash>[\w.-]{1,39}))$"
)
# A tracking link closing the line: ``... https://x/issues/7`` or ``... (https://x/pull/8)``.
_TAIL_LINK = re.compile(
    r"[ \t](?:\((?P<paren>https?://[^\s()]{1,300})\)|(?P<bare>https?://[^\s()]{1,300}))$"
)
_TAIL_MARK = re.compile(r"(?:\*\*|__|\(|\[)(?P<inner>[^*_()\[\]\n]{1,20})(?:\*\*|__|\)|\])$")
_TAIL_CHECK = re.compile(r"[ \t]{0,8}(?:✅|✔️?|☑️?)$")
_CHECKS = ("✅", "✔", "✔️", "☑", "☑️")
_LEAD_CHECK = re.compile(r"(?:✅|✔️?|☑️?)[ \t]*")
_STRUCK = re.compile(r"~~[^~\n]+~~")

STATE_WORDS = {
    "done": "done",
    "complete": "done",
    "completed": "done",
    "fixed": "done",
    "closed": "done",
    "resolved": "done",
    "shipped": "done",
    "todo": "open",
    "to do": "open",
    "open": "open",
    "planned": "open",
    "not started": "open",
    "wip": "in_progress",
    "in progress": "in_progress",
    "in-progress": "in_progress",
    "ongoing": "in_progress",
    "started": "in_progress",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "won't do": "cancelled",
    "wontfix": "cancelled",
    "dropped": "cancelled",
}
# Only these state words open an item as ``WORD: ...`` (``Fixed: the cache`` is a title).
_LABEL_STATES = {"done", "todo", "to do", "wip", "in progress", "cancelled", "canceled"}
_PRIORITY_CODE = re.compile(r"(?:P|SEV|S)[0-5]", re.IGNORECASE)
PRIORITY_WORDS = {"critical", "urgent", "highest", "high", "medium", "normal", "low", "lowest"}
# Words that open a sentence or name a topic: ``Note: ...`` is not an owner.
_NOT_NAME_WORDS = """
    a about action actions after again alert alerts all also alternative an and answer any
    as at background be because before bug but by cause causes caveat changes check code
    comms communication communications concern context contributing customer customers
    dashboard dashboards decision description design detail details detect detection do
    docs documentation done e.g edit edited eg else example excerpt factor factors fix
    fixes follow follow-up followup for from future goal goals how i idea ideas if
    immediate impact important improvements in info infra infrastructure issue it items
    later learned learnings lesson lessons link links long-term medium-term metrics
    mitigate mitigation monitoring more must nb next no not note notes now of on option or
    our outcome owner owners phase plan please prevent prevention priority problem process
    proposal ps question questions reason reasons recovery related resolution response
    result review reviews risk root runbook runbooks see short-term so solution status step
    steps summary takeaways tasks tbd technical test testing tests that the then there
    these this thoughts timeline tip to today todo tomorrow tooling up update updates user
    users warning we what when where which who why work yes
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
# Words no name starts with.
_FUNCTION_WORD_TEXT = """
    a an and all also but for how i if in it next no not of on or our please see so some
    that the then these this to we what when where which who why
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_TEXT.split())
_TOPIC_ENDINGS = ("ing", "tion", "sion", "ment", "ness", "ity", "ics", "ance", "ence", "ogy")
_HANDLE_WORD = re.compile(r"@[\w.-]{1,39}")


def state_word(text: str) -> str | None:
    """Return the state a marker word means (``DONE``, ``wip``), or None."""
    return STATE_WORDS.get(" ".join(text.strip().strip("*_`~").casefold().split()))


def priority_word(text: str) -> str | None:
    """Return a priority as written (``P1``, ``HIGH``) when ``text`` is one, else None."""
    bare = text.strip().strip("*_`")
    if _PRIORITY_CODE.fullmatch(bare):
        return bare.upper()
    return bare if bare.casefold() in PRIORITY_WORDS else None


def is_owner_name(text: str, known: Collection[str] = ()) -> bool:
    """Say whether ``text`` reads as an owner: a known owner, a handle, or 1-3 name words."""
    name = text.strip()
    if not name or len(name) > 40:
        return False
    if name.casefold() in {k.casefold() for k in known}:
        return True
    words = name.split()
    if not 1 <= len(words) <= 3 or not all(_name_word(w) for w in words):
        return False
    # "Risk Desk" is a team, "Root Cause" and "Next Steps" are labels: a name ends in a name word.
    if words[-1].casefold() in _NOT_NAMES or words[0].casefold() in _FUNCTION_WORDS:
        return False
    if priority_word(name) or state_word(name):
        return False
    first = words[0].lstrip("@")
    return words[0].startswith("@") or not (
        len(words) == 1 and len(first) > 6 and first.casefold().endswith(_TOPIC_ENDINGS)
    )


@dataclass(frozen=True)
class _Marks:
    """What marks are read as: owners the document knows, the priority scale if strict."""

    known: Collection[str]
    scale: Collection[str] | None

    def priority(self, text: str) -> str | None:
        """Return the priority ``text`` is, spelled as the scale spells it, or None."""
        found = priority_word(text)
        if found is None or self.scale is None:
            return found
        return next((p for p in self.scale if p.casefold() == found.casefold()), None)


def _name_word(word: str) -> bool:
    """Say whether a word can be part of a name: capitalised (``Nóva``, ``O'Neil``) or a handle."""
    if _HANDLE_WORD.fullmatch(word):
        return True
    return word[0].isupper() and all(c.isalnum() or c in ".'-" for c in word)


def _owner_of(inner: str, known: Collection[str]) -> str | None:
    handle = _HANDLE.fullmatch(inner.strip())
    if handle:
        return inner.strip()
    return inner.strip() if is_owner_name(inner, known) else None


def _lead(line: str, values: dict[str, str], marks: _Marks) -> str:
    """Take the marks off the start of a line, into ``values``; return the rest."""
    for _ in range(4):
        check = _LEAD_CHECK.match(line)
        if check:
            values.setdefault("status", "done")
            line = line[check.end() :]
            continue
        taken = _lead_one(line, values, marks)
        if taken == 0:
            break
        rest = line[taken:]
        gap = _GAP.match(rest)
        line = rest[gap.end() if gap else 0 :]
    return line


def _lead_one(line: str, values: dict[str, str], marks: _Marks) -> int:
    """Read one mark at the start of ``line`` into ``values``; return its length (0: none)."""
    ref = _REF.match(line)
    if ref and "link" not in values and not priority_word(ref["ref"]):
        values["link"] = ref.group(0) if ref["url"] else ref["ref"]
        return ref.end()
    for pattern in (_BOLD, _BRACKET, _PAREN, _LABEL):
        match = pattern.match(line)
        if match is None:
            continue
        inner = match["inner"]
        state = state_word(inner)
        if state and "status" not in values and (pattern is not _LABEL or _label_state(inner)):
            values["status"] = state
            return match.end()
        priority = marks.priority(inner)
        if priority and "priority" not in values:
            values["priority"] = priority
            return match.end()
        if pattern in (_BRACKET, _LABEL) and "owner" not in values:
            owner = _owner_of(inner, marks.known)
            if owner:
                values["owner"] = owner
                return match.end()
        return 0
    handle = _HANDLE.match(line)
    if handle and "owner" not in values and line[handle.end() : handle.end() + 1] in " \t:":
        values["owner"] = handle.group(0)
        return handle.end()
    return 0


def _label_state(inner: str) -> bool:
    return " ".join(inner.casefold().split()) in _LABEL_STATES


def _tail(line: str, values: dict[str, str], marks: _Marks) -> str:
    """Take the marks off the end of a line, into ``values``; return the rest."""
    for _ in range(4):
        line = line.rstrip()
        # Only the end of the line is searched: the patterns stay cheap on long lines.
        # Each mark has a sign the line is first checked for, at the cost of a string search.
        cut = max(0, len(line) - 120)
        tail = line[cut:]
        check = _TAIL_CHECK.search(tail) if line.endswith(_CHECKS) else None
        if check:
            values.setdefault("status", "done")
            line = line[: cut + check.start()]
            continue
        wanted = "owner" not in values
        owner = _TAIL_OWNER.search(tail) if wanted and "owner" in tail.casefold() else None
        if owner and owner["owner"].strip():
            values["owner"] = owner["owner"].strip().rstrip(".")
            line = line[: cut + owner.start()]
            continue
        wide = max(0, len(line) - 400)
        link = None
        if "link" not in values and "http" in line[wide:]:
            link = _TAIL_LINK.search(line, wide)
        if link:
            values["link"] = link["paren"] or link["bare"]
            line = line[: link.start()]
            continue
        handle = _TAIL_HANDLE.search(tail) if wanted and "@" in tail else None
        if handle:
            values["owner"] = "@" + (handle["code"] or handle["dash"])
            line = line[: cut + handle.start()]
            continue
        mark = _TAIL_MARK.search(tail) if line.endswith(("*", "_", ")", "]")) else None
        if mark is None:
            break
        state, priority = state_word(mark["inner"]), marks.priority(mark["inner"])
        if state and "status" not in values:
            values["status"] = state
        elif priority and "priority" not in values:
            values["priority"] = priority
        else:
            break
        line = line[: cut + mark.start()]
    return line.rstrip(" \t-\u2013\u2014:,;")


def read_marks(
    text: str,
    known: Collection[str] = (),
    scale: Collection[str] | None = None,
    *,
    sentences: bool = True,
) -> dict[str, str]:
    """Split an item's text into title, owner, priority and status, as written.

    ``known`` are owners the document names elsewhere; a prefix that is one of
    them is an owner even when it looks like a word. With a ``scale``, only
    its priorities are read as marks (others stay in the title). With
    ``sentences``, the item's wording is read too: its subject as the owner,
    a statement that it is done as its status.
    """
    first, newline, rest = text.partition("\n")
    values: dict[str, str] = {}
    marks = _Marks(known, scale)
    title = _tail(_lead(first.strip(), values, marks), values, marks)
    if not title.strip():
        return {"title": text}
    values["title"] = title + newline + rest
    owner = subject_owner(title, is_owner_name, known) if sentences else None
    if owner and "owner" not in values:
        values["owner"] = owner
    said_done = done_in_words(values["title"]) or (
        sentences and (done_in_tense(values["title"]) or headline_done(title))
    )
    if "status" not in values and (_STRUCK.fullmatch(title.strip()) or said_done):
        values["status"] = "done"
    return values
