"""Read a document written as one list of bold-labelled bullets as sections.

Some teams write the whole postmortem as ``- **Impact**: ...``,
``- **Key events**`` with nested bullets, ``- **Resolution**:`` and so on.
When such a list opens the document and at least two of its labels name
sections of the profile, each item becomes a section of its own.
"""

from __future__ import annotations

import re
import textwrap

from afteraction.document.blocks import Block
from afteraction.document.kinds.common import norm
from afteraction.document.markdown import RawDocument, RawSection
from afteraction.profiles.schema import Profile

_MARKER = re.compile(r"^\s*[-*+]\s+")
# The label's line ends the label: nested lines stay on their own lines (kept for line numbers).
_LABEL = re.compile(
    r"^(?:\*\*|__)(?P<label>[^*_]+?):?(?:\*\*|__)[ \t]*:?[ \t]*(?P<rest>.*)$", re.DOTALL
)


def _known(label: str, profile: Profile) -> bool:
    key = norm(label)
    return any(
        key == norm(spec.heading) or key in {norm(a) for a in spec.aliases}
        for spec in profile.sections
    )


def bullets_as_sections(raw: RawDocument, profile: Profile, preamble: list[Block]) -> list[Block]:
    """Turn a leading list of ``**Label**`` bullets into sections, in place.

    ``preamble`` is the blocks of the text before the first section; the
    blocks left there are returned.
    """
    lists = [b for b in preamble if b.kind == "list"]
    if len(lists) != 1:
        return preamble
    block = lists[0]
    labelled = [(item, _LABEL.match(_MARKER.sub("", item.source))) for item in block.items]
    if not all(match for _, match in labelled):
        return preamble
    if sum(_known(match["label"], profile) for _, match in labelled if match) < 2:
        return preamble
    sections: list[RawSection] = []
    for item, match in labelled:
        assert match is not None
        first, _, nested = match["rest"].partition("\n")
        body = [first.strip(), *textwrap.dedent(nested).split("\n")] if nested else [first.strip()]
        sections.append(
            RawSection(
                heading=match["label"].strip(),
                level=2,
                line=item.line,
                body_lines=body,
                body_line=item.line,
            )
        )
    start = block.line - raw.preamble_line
    stop = start + len(block.source.split("\n"))
    raw.preamble_lines = raw.preamble_lines[:start] + raw.preamble_lines[stop:]
    raw.sections = sections + raw.sections
    return [b for b in preamble if b is not block]
