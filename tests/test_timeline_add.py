"""`aar timeline add`: events into a postmortem's timeline, key times filled, nothing else."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from afteraction.document.parse import read_document
from afteraction.errors import UsageError
from afteraction.profiles import ProfileRegistry
from afteraction.service import timeline as service
from afteraction.service.documents import load
from afteraction.timeline.apply import Applied, add_to_postmortem
from afteraction.timeline.build import BuildOptions, build_timeline
from afteraction.timeline.event import Event, Kind
from afteraction.timeline.keytimes import infer_key_times
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.spec import SourceSpec
from tests.conftest import BUILTIN, open_workspace
from tests.lint_support import demo_text
from tests.test_cli import aar


def hooks(tmp_path: Path) -> Path:
    """An Alertmanager payload: one alert that fired at 14:04 and resolved at 14:27."""
    alert = {
        "status": "resolved",
        "labels": {"alertname": "CheckoutErrors", "service": "checkout"},
        "annotations": {"summary": "5xx above 5%"},
        "startsAt": "2026-11-03T14:04:00Z",
        "endsAt": "2026-11-03T14:27:00Z",
        "fingerprint": "c0",
    }
    path = tmp_path / "hooks.json"
    path.write_text(json.dumps({"version": "4", "status": "resolved", "alerts": [alert]}))
    return path


def add(path: Path, source: Path, registry: ProfileRegistry) -> Applied:
    timeline = build_timeline(
        [SourceSpec("alertmanager", source)], SourceRegistry.discover(), BuildOptions()
    )
    space = open_workspace(path.parent, registry)
    return service.add_timeline(space, space.store.get(path), timeline)


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_a_draft_gets_the_events_and_its_empty_key_times(tmp_path, registry):
    draft = tmp_path / "pm.md"
    assert aar("new", "--started", "2026-11-03 14:00", "-o", str(draft)).returncode == 0
    before = draft.read_text()
    applied = add(draft, hooks(tmp_path), registry)
    after = draft.read_text()
    assert (applied.added, applied.already) == (2, 0)
    assert applied.filled == ["detected", "mitigated", "resolved"]
    row = "| {} | Alert CheckoutErrors {} | Alertmanager | alertmanager | checkout |"
    assert sorted(changed_lines(before, after)) == sorted(
        [
            "-- **Detected:**",
            "+- **Detected:** 2026-11-03 14:04",
            "-- **Mitigated:**",
            "+- **Mitigated:** 2026-11-03 14:27",
            "-- **Resolved:**",
            "+- **Resolved:** 2026-11-03 14:27",
            "+",
            "+| Time | Event | Actor | Source | Component |",
            "+|------|-------|-------|--------|-----------|",
            "+" + row.format("14:04", "firing: 5xx above 5%"),
            "+" + row.format("14:27", "resolved"),
        ]
    )
    loaded = load(draft, registry)
    assert next(e.text for e in loaded.record.timeline).startswith("Alert CheckoutErrors firing")


def test_running_twice_adds_nothing_twice(tmp_path, registry):
    draft = tmp_path / "pm.md"
    aar("new", "--started", "2026-11-03 14:00", "-o", str(draft))
    source = hooks(tmp_path)
    add(draft, source, registry)
    once = draft.read_bytes()
    again = add(draft, source, registry)
    assert (again.added, again.already, again.filled) == (2 - 2, 2, [])
    assert draft.read_bytes() == once


@pytest.mark.parametrize("profile", ["default", "sre", "trading-cot"])
def test_events_written_by_hand_are_kept_and_the_rest_is_untouched(tmp_path, registry, profile):
    path = tmp_path / "pm.md"
    path.write_text(demo_text(profile))
    before = load(path, registry).record
    text_before = path.read_text()
    applied = add(path, hooks(tmp_path), registry)
    after = load(path, registry).record
    assert applied.added == 2
    assert len(after.timeline) == len(before.timeline) + 2
    kept = {e.text for e in after.timeline}
    assert {e.text for e in before.timeline} <= kept
    times = [e.time for e in after.timeline if e.time]
    assert times == sorted(times)
    assert after.times == before.times  # the demo states every key time: none is replaced
    removed = [line[1:] for line in changed_lines(text_before, path.read_text()) if line[0] == "-"]
    assert all(line.lstrip().startswith(("|", "-", "*")) for line in removed)  # timeline rows only


def test_a_timeline_over_several_blocks_is_kept_and_the_new_events_follow_it(tmp_path, registry):
    path = tmp_path / "pm.md"
    # A timeline written as day headings with a list each:
    body = (
        "# Checkout outage\n\n**Incident ID:** INC-20261103-001\n\n## Timeline\n\n"
        "### 2026-11-03\n\n- **14:00** - Deploy\n\n### 2026-11-04\n\n- **09:00** - Review\n"
    )
    path.write_text(body)
    applied = add(path, hooks(tmp_path), registry)
    text = path.read_text()
    assert applied.added == 2
    assert text.startswith(body.rstrip("\n"))  # what the author wrote, untouched
    assert "2026-11-03 14:04" in text[len(body) :]  # the new events, with their dates
    assert len(load(path, registry).record.timeline) == 4


def test_what_would_not_read_back_is_refused_and_the_file_kept(tmp_path, registry):
    path = tmp_path / "pm.md"
    # Entries as ### headings: a table after the last one would read as that entry's text.
    body = (
        "# Checkout outage\n\n**Incident ID:** INC-20261103-001\n\n## Timeline\n\n"
        "### 2026-11-03 14:00\n\nDeploy.\n\n### 14:30\n\nRollback.\n\n## Lessons\n\nMore.\n"
    )
    path.write_text(body)
    with pytest.raises(UsageError, match="could not be written so that the document reads"):
        add(path, hooks(tmp_path), registry)
    assert path.read_text() == body


def test_the_command_says_what_it_did(tmp_path):
    draft = tmp_path / "pm.md"
    aar("new", "--started", "2026-11-03 14:00", "-o", str(draft))
    result = aar("timeline", "add", str(draft), "--from", f"alertmanager:{hooks(tmp_path)}")
    assert result.returncode == 0, result.stderr
    assert "added 2 event(s), 0 already there; filled detected, mitigated" in " ".join(
        result.stdout.split()
    )
    assert "Window: the postmortem's key times" in result.stderr


def test_a_document_without_a_timeline_gets_one_where_the_profile_puts_it(tmp_path, registry):
    path = tmp_path / "pm.md"
    original = (
        "# Checkout outage\n\n**Incident ID:** INC-20261103-001\n\n## Summary\n\nIt broke.\n\n"
        "## Action items\n\n| # | Action | Owner |\n|---|---|---|\n| 1 | Fix it | sam |\n\n"
        "## Supporting information\n\nDashboards.\n"
    )
    path.write_text(original)
    applied = add(path, hooks(tmp_path), registry)
    text = path.read_text()
    assert applied.added == 2
    # The default profile writes the timeline after the action items, before supporting info.
    assert text.index("## Action items") < text.index("## Timeline")
    assert text.index("## Timeline") < text.index("## Supporting information")
    assert (
        text.replace(text[text.index("## Timeline") : text.index("## Supporting")], "") == original
    )
    assert len(load(path, registry).record.timeline) == 2


@pytest.mark.parametrize("profile", BUILTIN)
def test_events_written_already_give_the_text_and_its_reading_back(registry, profile):
    text, found = demo_text(profile), registry.get(profile)
    fresh = read_document(text, found, file="pm.md", strict=True, collect=True)
    written = [e for e in fresh.record.timeline if e.time is not None][:2]
    events = [
        Event(time=e.time, source="chat", kind=Kind.MESSAGE, text=e.text, actor=e.actor)
        for e in written
        if e.time is not None
    ]
    assert events
    report = infer_key_times(events, fresh.record.times)
    applied = add_to_postmortem(text, "pm.md", found, events, report, strict=True)
    assert (applied.text, applied.added, applied.already) == (text, 0, len(events))
    assert applied.read is not None
    assert applied.read.record.model_dump() == fresh.record.model_dump()
