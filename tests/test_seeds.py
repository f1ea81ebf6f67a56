"""Each seed template imports, recognised, as an empty record of its own profile,
and a blank draft of each profile is its seed."""

from __future__ import annotations

import re

import pytest

from afteraction.document.parse import read_document
from afteraction.document.render import render_markdown
from afteraction.model import Incident
from afteraction.service import documents as service
from tests.conftest import BUILTIN, shared_folder

SEEDS = {
    "000": "trading-invariants",
    "001": "trading-resilience",
    "002": "trading-cot",
    "003": "lending-governance",
    "004": "sre",
}


@pytest.mark.parametrize(("prefix", "name"), sorted(SEEDS.items()))
def test_seed_imports_as_empty_record(prefix, name, registry):
    seed = next(shared_folder("seeds").glob(f"{prefix}_*.txt"))
    loaded = service.load(seed, registry)
    assert loaded.recognized
    assert loaded.profile.name == name
    assert loaded.profile.seed == seed.name
    assert loaded.record == Incident(profile=name)


def test_every_builtin_profile_is_listed(registry):
    assert sorted(BUILTIN) == registry.names()


def test_half_filled_seed_keeps_labels_and_drops_untouched_prompts(registry):
    """Fill one timeline row and one categorised action of seed 004; leave the rest."""
    seed = next(shared_folder("seeds").glob("004_*"))
    text = seed.read_text(encoding="utf-8")
    text = text.replace("| HH:MM | First alert triggered |", "| 09:12 | Disk alert fired |", 1)
    text = text.replace(
        "**Detection** (Find it faster)\n- [ ] ",
        "**Detection** (Find it faster)\n- [ ] Alert on disk growth",
    )
    text = text.replace("**Date:** YYYY-MM-DD", "**Date:** 2026-03-14")
    record = read_document(text, registry.get("sre")).record
    assert [(e.time.isoformat() if e.time else None, e.text) for e in record.timeline] == [
        ("2026-03-14T09:12:00+00:00", "Disk alert fired")
    ]
    assert [(a.title, a.category, a.status) for a in record.action_items] == [
        ("Alert on disk growth", "detection", "open")
    ]


def _lines(markdown: str) -> list[str]:
    """Lines as a reader sees them: no blank lines, trailing spaces or table padding."""
    lines = []
    for line in markdown.split("\n"):
        line = line.rstrip()
        if line.startswith("|"):
            line = re.sub(r"\s*\|\s*", "|", line)
        if line:
            lines.append(line)
    return lines


@pytest.mark.parametrize(("prefix", "name"), sorted(SEEDS.items()))
def test_blank_draft_is_the_seed_itself(prefix, name, registry):
    seed = next(shared_folder("seeds").glob(f"{prefix}_*"))
    draft = render_markdown(Incident(profile=name), registry.get(name), hints=True)
    assert _lines(draft) == _lines(seed.read_text(encoding="utf-8"))
