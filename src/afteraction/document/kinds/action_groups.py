"""How action items are grouped and introduced, besides tables and plain lists.

Remediation plans group items by horizon (``### Immediate Actions (0-7
days)``, ``**Long-term:**``); a heading can be an item itself (``#### 1)
Cron cleanup `@malte_j` ``); a paragraph can state one (``Action point:
...``); and a list of priority definitions under the table is a legend,
not items.
"""

from __future__ import annotations

import re

from afteraction.document.blocks import Block
from afteraction.document.kinds.action_marks import state_word
from afteraction.document.kinds.common import norm
from afteraction.profiles.schema import Profile

# The horizons a heading can open with, and their names when the profile has none.
_HORIZONS = (
    ("immediate", "immediate"),
    ("short term", "short_term"),
    ("shortterm", "short_term"),
    ("medium term", "medium_term"),
    ("mediumterm", "medium_term"),
    ("mid term", "medium_term"),
    ("midterm", "medium_term"),
    ("long term", "long_term"),
    ("longterm", "long_term"),
)
_ACTION_ADJECTIVES = {
    "planned",
    "future",
    "corrective",
    "preventive",
    "preventative",
    "remediation",
    "remaining",
    "open",
    "pending",
}
_ACTION_NOUNS = {
    *("actions", "action", "steps", "items", "tasks", "work", "fixes", "measures", "measure")
}
# Nouns that name a list of items on their own, after any qualifier ("Root cause remediations").
_ITEM_NOUNS = {"remediations", "countermeasures"}
# "What we're doing about it", "What we will change": a heading that states the team's plan.
_PLAN = re.compile(
    r"what we (?:re|are|will|ll) (?:doing|do|changing|change|fixing|fix|improving|improve)\b"
)
# The second word of a label that introduces items, and the state it gives them.
_LABELLED = {
    "planned": "",
    "taken": "done",
    "item": "",
    "items": "",
    "point": "",
    "points": "",
    "todo": "",
    "done": "done",
}
_PAREN = re.compile(r"\((?P<inner>[^()\n]{1,40})\)")
_STATED = re.compile(
    r"(?:\*\*|__)?actions?[ \t]{1,4}(?P<kind>item|point|taken|planned)"
    r"(?::(?:\*\*|__)|(?:\*\*|__)?:)[ \t]{0,40}(?P<rest>\S)",
    re.IGNORECASE,
)
_STATED_BRACKET = re.compile(
    r"\[actions?[ \t]{1,4}(?P<kind>item|point|taken|planned)\][ \t:]{0,40}(?P<rest>\S)",
    re.IGNORECASE,
)
# A sentence that introduces a list of items and says whether they are done (on ``norm`` text).
_LEAD_IN = re.compile(
    r"(?:the )?following (?:[a-z]{1,20} ){0,2}"
    r"(?:fixes|actions|action items|steps|measures|mitigations|remediations|improvements)"
    r"(?: (?:(?P<done>were|have been|has been)|are|will be) [a-z]{2,30})?$"
)
_NUMBERED = re.compile(r"(?P<number>\d{1,3})[.)][ \t]{1,8}(?P<rest>\S)")
_BOX = re.compile(r"\[(?P<mark>[ xX])\][ \t]{1,8}(?P<rest>\S)")
_NONE = re.compile(
    r"(?:none|n/?a|tbd|nothing(?: to do)?|no(?: further| follow-up)? action(?: items?)?"
    r"(?: needed| required)?)\.?",
    re.IGNORECASE,
)
_LEGEND = re.compile(
    r"(?:\*\*|__)?\[?(?P<code>(?:P|SEV|S)[0-5])\]?(?:\*\*|__)?"
    r"[ \t]{0,8}(?:[-\u2013\u2014:=(]|\*\*|__)",
    re.IGNORECASE,
)
_LABEL = re.compile(r"(?:\*\*|__)(?P<label>[^*_\n]{1,60})(?:\*\*|__)[ \t]*:?[ \t]*$")


def horizon_of(heading: str, profile: Profile) -> str | None:
    """Return the horizon a group heading or label names (``Short-term improvements``)."""
    words = norm(heading.replace("-", " "))
    for start, name in _HORIZONS:
        if words == start or words.startswith(f"{start} "):
            for horizon in profile.horizons:
                if name in (horizon.name, norm(horizon.label).replace(" ", "_")):
                    return horizon.name
            return name
    return None


def action_heading(heading: str, profile: Profile) -> bool:
    """Say whether a heading announces action items.

    A horizon, ``Planned actions``, ``Corrective and preventative measures``,
    ``Root cause remediations``, ``TODO``, ``What we're doing about it``.
    """
    if horizon_of(heading, profile) is not None:
        return True
    key = norm(heading.replace("-", " "))
    words = key.split()
    if words[:1] in (["todo"], ["followups"]) or words[:2] in (["to", "do"], ["follow", "ups"]):
        return True
    if (words and words[-1] in _ITEM_NOUNS) or _PLAN.match(key):
        return True
    # Qualifiers ("corrective and preventive") and then what they qualify ("measures").
    qualifiers = 0
    for word in words:
        if word in _ACTION_ADJECTIVES:
            qualifiers += 1
        elif word not in ("and", "or") or not qualifiers:
            return bool(qualifiers) and word in _ACTION_NOUNS
    return False


def heading_state(heading: str) -> str | None:
    """Return the state a group heading gives its items: ``Immediate actions (completed)``."""
    for match in _PAREN.finditer(heading):
        state = state_word(match["inner"])
        if state:
            return state
        words = match["inner"].casefold().replace("-", " ").split()
        states = {state_word(w) for w in words if w not in ("or", "and")}
        if len(states) == 1 and None not in states:
            return states.pop()
    return None


def bold_label(block: Block) -> str | None:
    """Return the label of a paragraph that is only a bold label (``**Long-term:**``)."""
    if block.kind != "paragraph" or "\n" in block.text.strip():
        return None
    match = _LABEL.match(block.text.strip())
    return match["label"].strip().rstrip(":").strip() if match else None


def stated_item(block: Block) -> tuple[str, str, str] | None:
    """Return the item a paragraph states (``Action point: ...``, ``[Action item] ...``).

    Returned with its state and label: the state is ``done`` for ``Action
    taken: ...``, else empty; the label is what says more than "action item"
    (``Action planned``), else empty.
    """
    if block.kind != "paragraph":
        return None
    match = _STATED.match(block.text) or _STATED_BRACKET.match(block.text)
    if match is None:
        return None
    kind = match["kind"].casefold()
    label = f"Action {kind}" if kind in ("taken", "planned") else ""
    return block.text[match.start("rest") :], _LABELLED[kind], label


def kept_with_stated(blocks: list[Block], leftover: list[Block]) -> list[Block]:
    """Return what a group section keeps as text: its leftover, and the lines that state items.

    An item stated in a line of its own (``Action item: ...``) stays in the text as well.
    """
    ids = {id(b) for b in leftover}
    return [b for b in blocks if id(b) in ids or stated_item(b) is not None]


def action_label(block: Block) -> tuple[str, str] | None:
    """Read a label that introduces items (``**Actions planned:**``): (label, their state).

    The state is ``done`` for actions taken, else empty.
    """
    label = bold_label(block)
    if label is None:
        return None
    words = norm(label).split()
    if len(words) != 2 or words[0] not in ("action", "actions") or words[1] not in _LABELLED:
        return None
    return label, _LABELLED[words[1]]


def lead_in(block: Block) -> str | None:
    """Return the state a sentence introducing a list gives its items, else None.

    ``The following fixes were implemented:`` makes them done (``done``);
    ``The following actions are planned:`` leaves them as written (``""``).
    """
    if block.kind != "paragraph" or "\n" in block.text or not block.text.rstrip().endswith(":"):
        return None
    words = norm(block.text).split()
    match = _LEAD_IN.search(" ".join(words[:12]))
    if match is None:
        return None
    return "done" if match["done"] else ""


def heading_item(text: str) -> tuple[str | None, str | None, str] | None:
    """Read a heading that is an item: ``1) Title``, ``[x] Title``; (number, state, rest)."""
    numbered = _NUMBERED.match(text.strip())
    if numbered:
        return numbered["number"], None, text.strip()[numbered.start("rest") :]
    box = _BOX.match(text.strip())
    if box:
        state = "open" if box["mark"] == " " else "done"
        return None, state, text.strip()[box.start("rest") :]
    return None


def is_legend(block: Block) -> bool:
    """Say whether a list defines priorities (``P0 - Critical ...``) rather than listing items."""
    if block.kind != "list" or len(block.items) < 2:
        return False
    codes = []
    for item in block.items:
        match = _LEGEND.match(item.text)
        if match is None:
            return False
        codes.append(match["code"].upper())
    return len(set(codes)) == len(codes)


def attached(first: Block, second: Block) -> bool:
    """Say whether ``second`` is a note under ``first``: no blank line between, or after a colon."""
    return first.text.rstrip().endswith(":") or (
        second.line == first.line + first.source.count("\n") + 1
    )


def lines_only(blocks: list[Block]) -> bool:
    """Say whether an action section holds only one-line paragraphs (besides comments, headings).

    Those lines are its items.

    A line saying there are none ("None.", "No action items") is not an item.
    """
    lines = [b for b in blocks if b.kind == "paragraph"]
    return (
        bool(lines)
        and not any(_NONE.fullmatch(b.text.strip().strip("*_").strip()) for b in lines)
        and all(
            "\n" not in b.text and not b.text.rstrip().endswith(":") and stated_item(b) is None
            for b in lines
        )
        and all(b.kind in ("paragraph", "html", "heading") for b in blocks)
    )
