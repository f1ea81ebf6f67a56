"""Every real postmortem in ../shared/fixtures imports, and rendering it back loses no text."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from afteraction.document.html import markdown_to_html
from afteraction.model import Incident
from afteraction.profiles import Profile
from afteraction.service import documents as service
from tests.conftest import SHARED, shared_folder

# Without the shared folder, one case stands in for all and skips, saying why.
FIXTURES = sorted((SHARED / "fixtures" / "postmortems").rglob("*.md")) or [
    SHARED / "fixtures" / "postmortems" / "absent.md"
]
# Times are kept as datetimes and written back in one form, so the words of
# their old notation (month names, zone abbreviations) are not text.
TIME_WORDS = {
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "utc",
    "gmt",
    "cet",
    "cest",
    "pst",
    "pdt",
    "est",
    "edt",
}


def words(markdown: str) -> set[str]:
    """The words a reader sees: rendered text, lower-cased, without markup or numbers."""
    html = markdown_to_html(markdown)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return {w for w in re.findall(r"[a-z][a-z']+", text.lower()) if len(w) > 2} - TIME_WORDS


def record_text(record: Incident) -> str:
    """Every string the record holds (keys of extra columns included), one per line."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                found.append(str(key))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(record.model_dump(mode="json"))
    return "\n\n".join(found)


def vocabulary(profile: Profile) -> str:
    """The words a profile supplies: headings, labels, column headers and their aliases.

    A label read through an alias ("First detected" for "Detected") is written
    back in the profile's words: normalised, not lost.
    """
    parts = [w for f in profile.header for w in (f.label, *f.aliases)]
    for spec in profile.sections:
        parts += [spec.heading, spec.text or "", *spec.aliases]
        parts += [w for f in spec.fields for w in (f.label, *f.aliases)]
        parts += [w for c in spec.columns for w in (c.header, *c.aliases)]
    return "\n\n".join(parts)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name[:60])
def test_real_postmortem_imports_without_losing_text(path: Path, registry):
    shared_folder("fixtures")
    loaded = service.load(path, registry)
    rendered = service.render(loaded.record, loaded.profile, "md")
    source = words(path.read_text(encoding="utf-8"))
    not_kept = source - words(record_text(loaded.record)) - words(vocabulary(loaded.profile))
    assert not not_kept, f"words not kept in the record: {sorted(not_kept)[:20]}"
    not_written = source - words(rendered) - words(vocabulary(loaded.profile))
    assert not not_written, f"words lost on rendering: {sorted(not_written)[:20]}"


FILLED_IN = [p for p in FIXTURES if p.parent.name == "postmortems"]
