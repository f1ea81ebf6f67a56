"""The document cache: a folder read again is answered from it, never with stale or wrong data."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import orjson
import pytest

from afteraction import cachefiles
from afteraction.document.loaded import LONG_PARTS, Document
from afteraction.errors import AfteractionError, ConflictError
from afteraction.lint.config import LintConfig
from afteraction.profiles import ProfileRegistry
from afteraction.profiles.ids import format_id
from afteraction.service import actions, reports, timeline
from afteraction.service.documents import write_demo
from afteraction.service.workspace import Workspace
from afteraction.settings import Settings
from afteraction.store import FolderStore
from afteraction.store import cache as cache_module
from afteraction.timeline.build import BuildOptions

TODAY = date(2026, 12, 1)


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat files as settled at once (no wait for the timestamp tick to pass)."""
    monkeypatch.setattr(cachefiles, "RACY_NS", 0)


def _workspace(folder: Path, registry: ProfileRegistry) -> Workspace:
    settings = Settings(lint=LintConfig(root=folder))
    store = FolderStore(folder, registry, cache_folder=folder / ".aar-cache")
    return Workspace(settings, registry, store)


def _demo(folder: Path, registry: ProfileRegistry) -> tuple[Workspace, list[Path]]:
    space = _workspace(folder, registry)
    return space, write_demo(space, folder / "pm")


def _loaded(space: Workspace, paths: list[Path]) -> list[Document]:
    found = space.store.load_all(paths)
    assert all(isinstance(d, Document) for d in found), found
    return [d for d in found if isinstance(d, Document)]


def _cache_files(folder: Path) -> list[Path]:
    return sorted((folder / ".aar-cache").glob(f"{cache_module.PREFIX}*.json"))


def test_a_second_read_is_answered_from_the_cache_with_the_same_record(tmp_path, registry, settled):
    space, paths = _demo(tmp_path, registry)
    first = _loaded(space, paths)
    second = _loaded(space, paths)
    assert all(d.source is not None for d in first)
    assert all(d.source is None for d in second)  # not opened again
    for read, cached in zip(first, second, strict=True):
        assert cached.digest == read.digest
        assert cached.profile.name == read.profile.name
        assert (cached.recognized, cached.warnings, cached.disorder) == (
            read.recognized,
            read.warnings,
            read.disorder,
        )
        brief = cached.brief.model_dump()
        assert brief == read.record.model_dump() | {k: brief[k] for k in LONG_PARTS}
        assert all(not brief[k] for k in LONG_PARTS)  # the long parts are not read for a list
        assert cached.record == read.record  # the whole record, read when asked


def test_a_file_just_written_is_not_remembered(tmp_path, registry):
    space, paths = _demo(tmp_path, registry)
    _loaded(space, paths)
    assert all(d.source is not None for d in _loaded(space, paths))


def test_a_changed_file_is_read_again_even_with_its_size_and_time_put_back(
    tmp_path, registry, settled
):
    space, paths = _demo(tmp_path, registry)
    path = paths[0]
    _loaded(space, [path])
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    old_title = _loaded(space, [path])[0].record.title
    changed = text.replace(old_title, old_title[::-1], 1)
    assert len(changed) == len(text) and changed != text
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = _loaded(space, [path])[0]
    assert again.source is not None
    assert again.record.title == old_title[::-1]


def test_an_edit_starts_from_the_file_and_refuses_one_changed_since_the_listing(
    tmp_path, registry, settled
):
    space, paths = _demo(tmp_path, registry)
    _loaded(space, paths)
    listed = actions.list_actions(space, actions.ActionQuery(TODAY, (str(tmp_path / "pm"),)))
    row = listed.rows[0]
    assert row.postmortem.source is None  # from the cache
    done = actions.set_action_status(space, row.key, "done", None, (str(tmp_path / "pm"),))
    after = actions.list_actions(space, actions.ActionQuery(TODAY, (str(done.path),)))
    assert next(r for r in after.rows if r.key == row.key).state == "done"

    cached = _loaded(space, [paths[1]])[0]
    assert cached.source is None
    paths[1].write_text(paths[1].read_text(encoding="utf-8") + "\nAdded later.\n", encoding="utf-8")
    with pytest.raises(ConflictError, match="changed since it was read"):
        space.store.fresh(cached)
    with pytest.raises(ConflictError, match="changed since it was read"):
        _ = cached.record  # the whole record is read from the file, which must be the same
    with pytest.raises(ConflictError):
        space.store.put(cached, "anything")
    assert paths[1].read_text(encoding="utf-8").endswith("Added later.\n")  # nothing written


def test_a_report_from_the_cache_equals_one_read_from_the_files(tmp_path, registry, settled):
    space, _ = _demo(tmp_path, registry)
    query = reports.ReportQuery(TODAY, (str(tmp_path / "pm"),))
    cold = reports.report_text(reports.report(space, query).report, "json")
    warm_read = reports.report(space, query)
    assert reports.report_text(warm_read.report, "json") == cold
    listing = actions.ActionQuery(TODAY, (str(tmp_path / "pm"),))
    uncached = Workspace(space.settings, registry, FolderStore(tmp_path / "pm", registry))
    assert (
        actions.list_actions(space, listing).to_dict()
        == actions.list_actions(uncached, listing).to_dict()
    )


def test_a_damaged_cache_is_read_past_and_rebuilt(tmp_path, registry, settled):
    space, paths = _demo(tmp_path, registry)
    expected = [d.record for d in _loaded(space, paths)]
    (cache_file,) = _cache_files(tmp_path)
    cache_file.write_bytes(b'{"not": [json')
    assert [d.record for d in _loaded(space, paths)] == expected
    entries = orjson.loads(cache_file.read_bytes())
    assert len(entries) == len(paths)
    first = os.path.abspath(paths[0])
    entries[first]["brief"] = '{"title": ["not a title"]}'
    entries[os.path.abspath(paths[1])]["profile"] = "no-such-profile"
    cache_file.write_bytes(orjson.dumps(entries))
    again = _loaded(space, paths)
    assert [d.source is not None for d in again[:3]] == [True, True, False]
    assert [d.record for d in again] == expected


def test_files_gone_are_forgotten_and_each_profile_set_has_its_own_cache(
    tmp_path, registry, settled
):
    space, paths = _demo(tmp_path, registry)
    _loaded(space, paths)
    paths[0].unlink()
    _loaded(space, paths[1:2])
    paths[1].touch()  # a change makes the cache be written again
    _loaded(space, paths[1:2])
    (cache_file,) = _cache_files(tmp_path)
    assert os.path.abspath(paths[0]) not in orjson.loads(cache_file.read_bytes())

    fewer = ProfileRegistry()
    fewer.add(registry.get("default"), registry.sources["default"])
    _loaded(_workspace(tmp_path, fewer), paths[1:2])
    assert len(_cache_files(tmp_path)) == 2


def test_an_unreadable_file_is_an_error_in_its_place_and_never_cached(tmp_path, registry, settled):
    space, paths = _demo(tmp_path, registry)
    bad = tmp_path / "pm" / "bad.md"
    bad.write_bytes(b"# Title\n\n\xff\xfe not UTF-8\n")
    for _ in range(2):
        found = space.store.load_all([paths[0], bad])
        assert isinstance(found[0], Document)
        assert isinstance(found[1], AfteractionError) and "bad.md" in str(found[1].file)


def test_a_timeline_added_to_a_cached_document_is_added_to_its_text(tmp_path, registry, settled):
    space, paths = _demo(tmp_path, registry)
    _loaded(space, paths)
    cached = _loaded(space, [paths[0]])[0]
    assert cached.source is None
    before = paths[0].read_text(encoding="utf-8")
    log = tmp_path / "events.jsonl"
    log.write_text('{"time": "2026-11-03T14:30:00Z", "msg": "replica restarted"}\n')
    built = timeline.build_timeline(space, timeline.source_specs([f"jsonl:{log}"]), BuildOptions())
    timeline.add_timeline(space, cached, built)
    after = paths[0].read_text(encoding="utf-8")
    assert "replica restarted" in after
    kept = set(after.splitlines())
    assert all(line in kept for line in before.splitlines()), after


def test_the_id_index_sees_a_new_document_and_is_kept_git_ignored(tmp_path, registry):
    store = FolderStore(tmp_path, registry, cache_folder=tmp_path / ".aar-cache")
    profile = registry.get("default")
    first = store.next_id(profile, TODAY)
    assert first == format_id(profile.id_pattern, TODAY, 1)
    (tmp_path / "a.md").write_text(f"# Outage\n\n**Incident ID:** {first}\n", encoding="utf-8")
    assert store.next_id(profile, TODAY) == format_id(profile.id_pattern, TODAY, 2)
    assert (tmp_path / ".aar-cache" / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert len(list((tmp_path / ".aar-cache").glob("ids-*.json"))) == 1


def test_the_id_index_does_not_trust_a_file_changed_a_moment_ago(tmp_path, registry):
    store = FolderStore(tmp_path, registry, cache_folder=tmp_path / ".aar-cache")
    profile = registry.get("default")
    path = tmp_path / "a.md"
    first = format_id(profile.id_pattern, TODAY, 1)
    path.write_text(f"# Outage\n\n**Incident ID:** {first}\n", encoding="utf-8")
    before = path.stat()
    assert store.next_id(profile, TODAY) == format_id(profile.id_pattern, TODAY, 2)
    fifth = format_id(profile.id_pattern, TODAY, 5)  # same length: the size stays
    path.write_text(f"# Outage\n\n**Incident ID:** {fifth}\n", encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same timestamp tick
    assert store.next_id(profile, TODAY) == format_id(profile.id_pattern, TODAY, 6)
