"""CSV formula injection: every CSV output neutralises formula-like text, and reads back."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from afteraction.csvcell import csv_text, neutralise_cell, restore_cell
from tests.test_cli import aar

TITLE = '=HYPERLINK("http://x","y")'
OWNER = "@SUM(A1)"
INCIDENT = "@here feed outage"  # no ID: the keys are "@here feed outage#N"
SEVERITY = '=HYPERLINK("http://x","sev")'  # kept as written: the document has no profile's scale
DOCUMENT = f"""\
# {INCIDENT}

**Severity:** {SEVERITY}

## Action items

| # | Action | Owner | Status |
|---|---|---|---|
| 1 | {TITLE} | {OWNER} | Open |
| 2 | Write the runbook | li | Open |
"""


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "pm"
    folder.mkdir()
    (folder / "pm.md").write_text(DOCUMENT)
    return folder


def _table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),  # text from a document, even when it reads as a number
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=1", "''=1"),  # one more quote, so reading back is exact
        ("'quoted", "'quoted"),
        ("a=b", "a=b"),
        ("", ""),
        (-3, -3),  # numbers the program wrote stay numbers
        (-0.5, -0.5),
        (Decimal("-1.25"), Decimal("-1.25")),
        (None, None),
        (False, False),
    ],
)
def test_a_cell_is_neutralised_only_when_it_is_formula_like_text(cell, written):
    assert neutralise_cell(cell) == written
    if isinstance(cell, str):
        assert restore_cell(written) == cell


def test_csv_text_writes_numbers_as_numbers_and_text_quoted():
    text = csv_text([["days_late", "note"], [-3, "-3"], [None, "=A1"]])
    assert text == "days_late,note\n-3,'-3\n,'=A1\n"


def test_the_actions_csv_neutralises_titles_owners_and_keys(tmp_path):
    listed = aar("actions", str(_folder(tmp_path)), "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    first = _table(listed.stdout)[0]
    assert (first["title"], first["owner"]) == (f"'{TITLE}", f"'{OWNER}")
    assert first["key"] == f"'{INCIDENT}#1"
    assert first["number"] == "1"


@pytest.mark.parametrize(
    ("fmt", "title", "owner", "key"),
    [("jira", "Summary", "Assignee", "Postmortem Key"), ("linear", "Title", "Assignee", "Id")],
)
def test_the_tracker_exports_neutralise_titles_and_owners(tmp_path, fmt, title, owner, key):
    exported = aar("actions", "export", fmt, str(_folder(tmp_path)))
    assert exported.returncode == 0, exported.stderr
    first = _table(exported.stdout)[0]
    assert (first[title], first[owner], first[key]) == (f"'{TITLE}", f"'{OWNER}", f"'{INCIDENT}#1")
    for row in _table(exported.stdout):
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())


def test_the_report_csv_neutralises_group_names_and_keeps_figures_numbers(tmp_path):
    reported = aar("report", str(_folder(tmp_path)), "--format", "csv", "--by", "severity")
    assert reported.returncode == 0, reported.stderr
    overall, group = _table(reported.stdout)
    assert group["group"] == f"'{SEVERITY}"
    assert (group["actions"], group["completion_rate"]) == ("2", "0.0")  # numbers, no quote
    assert overall["group"] == "all"


def test_an_export_neutralised_for_a_spreadsheet_comes_back_through_pull(tmp_path):
    folder = _folder(tmp_path)
    exported = aar("actions", "export", "linear", str(folder))
    assert exported.returncode == 0, exported.stderr
    table = _table(exported.stdout)
    assert (table[0]["Id"], table[0]["Title"]) == (f"'{INCIDENT}#1", f"'{TITLE}")
    table[0]["Status"] = "Done"  # the tracker closes the formula-titled item
    tracker = tmp_path / "linear.csv"
    with tracker.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerow(table[0])
    pulled = aar("actions", "pull", str(tracker), "--in", str(folder))
    assert pulled.returncode == 0, pulled.stderr
    assert "1 changed, 0 already so, 0 unknown" in pulled.stdout
    listed = _table(aar("actions", str(folder), "--format", "csv").stdout)
    assert [(r["key"], r["title"], r["status"]) for r in listed] == [
        (f"'{INCIDENT}#1", f"'{TITLE}", "done"),
        (f"'{INCIDENT}#2", "Write the runbook", "open"),
    ]
