"""Line ends in table cells: LF, CRLF and a lone CR all stay inside the cell, and read back."""

from __future__ import annotations

import pytest

from afteraction.demo import demo_record
from afteraction.document.parse import parse_markdown
from afteraction.document.render import render_markdown
from afteraction.model import Incident
from tests.conftest import BUILTIN
from tests.test_roundtrip import import_render_import

ENDS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


def _with_breaks(record: Incident, end: str) -> Incident:
    """The record with line ends in its first timeline entry, action item and item note."""
    changed = record.model_copy(deep=True)
    changed.timeline[0].text = f"Alerts fired{end}pager sent"
    changed.action_items[0].title = f"Validate the config{end}before each deploy"
    changed.action_items[0].extra["Notes"] = f"shipped{end}see PR 7{end}"
    return changed


@pytest.mark.parametrize("end", ENDS.values(), ids=ENDS.keys())
@pytest.mark.parametrize("name", BUILTIN)
def test_line_ends_in_cells_keep_each_row_on_one_line(name, end, registry):
    profile = registry.get(name)
    record = _with_breaks(demo_record(profile), end)
    markdown = render_markdown(record, profile)
    assert not any("\r" in line for line in markdown.split("\n") if line.startswith("|"))
    rows = [line for line in markdown.split("\n") if "Alerts fired" in line]
    assert rows == [rows[0]] and rows[0].startswith("|") and rows[0].endswith("|")
    assert "Alerts fired<br>pager sent" in rows[0]
    back = parse_markdown(markdown, profile)
    assert back.timeline[0].text == "Alerts fired\npager sent"
    assert back.action_items[0].title == "Validate the config\nbefore each deploy"
    assert len(back.timeline) == len(record.timeline)
    assert len(back.action_items) == len(record.action_items)
    assert parse_markdown(render_markdown(back, profile), profile) == back


@pytest.mark.parametrize("end", ENDS.values(), ids=ENDS.keys())
def test_a_note_with_line_ends_stays_in_its_cell_and_imports_again(end, registry):
    profile = registry.get("default")
    markdown = render_markdown(_with_breaks(demo_record(profile), end), profile)
    row = next(line for line in markdown.split("\n") if "Validate the config" in line)
    assert row.endswith("| shipped<br>see PR 7<br> |")
    first, again = import_render_import(markdown, registry)
    item = first.action_items[0]
    assert (item.title, item.extra["Notes"]) == (
        "Validate the config\nbefore each deploy",
        "shipped\nsee PR 7\n",
    )
    assert again == first
