"""Plugins: built-ins and plugins come through the same entry points; a failing one is skipped."""

from __future__ import annotations

import json
from importlib.metadata import EntryPoint

import pytest

from afteraction import plugins
from afteraction.lint.registry import ENTRY_POINT_GROUP, RuleRegistry
from afteraction.profiles import ProfileRegistry
from afteraction.timeline.registry import SourceRegistry
from tests.test_write_path import run

SAMPLES = "tests.plugin_samples.rules"


def _with_entries(monkeypatch: pytest.MonkeyPatch, *extra: EntryPoint) -> None:
    """Make the entry-point groups hold the installed entries and ``extra`` (each in its group)."""
    real = plugins.entry_points

    def entry_points(group: str) -> list[EntryPoint]:
        return [*real(group=group), *(e for e in extra if e.group == group)]

    monkeypatch.setattr(plugins, "entry_points", entry_points)


def _entry(name: str, value: str, group: str = ENTRY_POINT_GROUP) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=group)


def test_the_built_ins_come_through_their_entry_points():
    rules = RuleRegistry.discover()
    assert rules.get("AAR203").name == "action-due-date"
    assert {o.entry for o in rules.origins.values()} == {"builtin"}
    assert all(o.builtin for o in rules.origins.values())
    assert SourceRegistry.discover().origins["jsonl"].value == "afteraction.timeline.sources"


def test_a_plugin_loads_beside_the_built_ins(monkeypatch):
    _with_entries(monkeypatch, _entry("sample", f"{SAMPLES}:good"))
    rules = RuleRegistry.discover()
    assert rules.get("no-panic").id == "XPL001"
    assert rules.origins["XPL001"].entry == "sample"
    assert not rules.origins["XPL001"].builtin
    assert rules.failures == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("tests.plugin_samples.no_such_module", "ModuleNotFoundError"),
        (f"{SAMPLES}:broken", "RuntimeError: the plugin's own bug"),
        (f"{SAMPLES}:clashing", "'action-due-date' is taken by lint rule AAR203"),
    ],
    ids=["missing", "raises", "clashes"],
)
def test_a_plugin_that_fails_is_skipped_and_named(monkeypatch, value, reason):
    _with_entries(monkeypatch, _entry("bad", value), _entry("sample", f"{SAMPLES}:good"))
    rules = RuleRegistry.discover()
    assert "XPL001" in rules.rules and "XPL002" not in rules.rules  # the others still load
    assert rules.get("action-due-date").id == "AAR203"
    [failure] = rules.failures
    assert failure.origin.entry == "bad" and reason in failure.reason
    assert str(failure).startswith(f"plugin bad = '{value}'")


def test_aar_plugins_lists_where_each_came_from_and_warns_of_the_skipped(monkeypatch, capsys):
    _with_entries(
        monkeypatch, _entry("bad", f"{SAMPLES}:broken"), _entry("sample", f"{SAMPLES}:good")
    )
    code, out, err = run(capsys, "plugins", "--json")
    assert code == 0, err
    listing = json.loads(out)
    loaded = {(r["kind"], r["name"]): r for r in listing["loaded"]}
    assert loaded[("rule", "XPL001")]["entry"] == "sample"
    assert loaded[("rule", "AAR203")]["package"] == "afteraction"
    assert loaded[("profile", "sre")]["group"] == "afteraction.profiles"
    assert loaded[("source", "jsonl")]["group"] == "afteraction.sources"
    assert [s["entry"] for s in listing["skipped"]] == ["bad"]
    assert "Warning: plugin bad" in err and "the plugin's own bug" in err
    code, _, err = run(capsys, "rules")  # any command that loads the rules warns, and works
    assert code == 0 and "Warning: plugin bad" in err


def test_a_broken_built_in_is_an_error_not_a_skip(monkeypatch):
    monkeypatch.setattr(RuleRegistry, "builtin", "tests.plugin_samples.no_such_module")
    with pytest.raises(ModuleNotFoundError):
        RuleRegistry.discover()


def test_a_profile_plugin_that_fails_is_skipped_and_the_built_ins_load(monkeypatch, tmp_path):
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    _with_entries(
        monkeypatch,
        _entry("gone", "tests.plugin_samples.no_such_module:folder", "afteraction.profiles"),
        _entry("bad", f"{tmp_path}", "afteraction.profiles"),
    )
    registry = ProfileRegistry.discover()
    assert "sre" in registry.names()
    assert [f.origin.entry for f in registry.failures] == ["gone", "bad"]


def test_a_timeline_command_warns_once_of_a_skipped_plugin(monkeypatch, capsys, tmp_path):
    _with_entries(monkeypatch, _entry("gone", f"{SAMPLES}:missing", "afteraction.profiles"))
    log = tmp_path / "app.jsonl"
    log.write_text('{"time": "2026-11-03T14:02:05Z", "message": "started"}\n')
    code, out, err = run(capsys, "timeline", "build", "--from", f"jsonl:{log}", "--md", "-p", "sre")
    assert code == 0, err
    assert "started" in out
    assert err.count("Warning: plugin gone") == 1  # one workspace for the whole command
