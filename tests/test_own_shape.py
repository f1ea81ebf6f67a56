"""A document of no known profile is read without loss and written back in its own shape."""

from __future__ import annotations

from textwrap import dedent

from afteraction.document.parse import read_document


def generic(registry, text: str):
    """Read ``text`` the way an unknown shape is read: default profile, lenient."""
    return read_document(dedent(text), registry.get("default"), strict=False).record


PAGE = """\
---
title: "Global outage"
resources:
- src: "**.png"
---

On Tuesday the service was unresponsive around the globe.

![graph](graph.png)

# Timeline

- **18:53** first report
"""


def test_opening_text_before_a_first_heading_is_kept(registry):
    record = generic(registry, PAGE)
    assert record.summary is not None
    assert "unresponsive around the globe" in record.summary
    assert "![graph](graph.png)" in record.summary
    assert record.title == "Global outage"  # the front matter's: "# Timeline" is a section
    assert [e.text for e in record.timeline] == ["first report"]


def test_a_first_heading_after_a_comment_is_still_the_title(registry):
    record = generic(registry, "<!-- draft -->\n\n# Disk full\n\n## Summary\n\nIt filled.\n")
    assert record.title == "Disk full"
    assert record.summary == "It filled."


def test_a_bracketed_value_in_a_generic_reading_is_kept_as_written(registry):
    text = "# Nap\n\n**Severity:** [High]\n\n**Status:** Final\n\n## Summary\n\nDown.\n"
    record = generic(registry, text)
    assert record.status == "Final"
    preamble = next(s for s in record.sections if s.key == "preamble")
    assert preamble.body == "**Severity:** [High]"


def test_crlf_line_endings_read_as_plain_newlines(registry):
    text = "# Nap\n\n**Severity:** [High]\n\n## Summary\n\nDown for\nan hour.\n"
    assert generic(registry, text.replace("\n", "\r\n")) == generic(registry, text)
