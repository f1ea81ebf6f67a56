"""Built-in profiles compiled ahead: fresh, equal to their YAML, never trusted when stale."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from afteraction.inputs import read_input_text
from afteraction.profiles import ProfileRegistry
from afteraction.profiles.compiled import COMPILED, Compiled
from afteraction.profiles.loader import load_profile, load_profile_text
from afteraction.profiles.registry import builtin_folder
from tools.compile_profiles import compiled


def test_the_compiled_builtin_profiles_are_fresh() -> None:
    on_disk = (builtin_folder() / COMPILED).read_text(encoding="utf-8")
    stale = "stale: run .venv/bin/python -m tools.compile_profiles"
    assert on_disk == compiled(builtin_folder()), stale


def test_each_compiled_profile_equals_the_one_read_from_its_yaml() -> None:
    folder = builtin_folder()
    ahead = Compiled.read(folder)
    paths = sorted(folder.glob("*.yaml"))
    assert paths and set(ahead.entries) == {p.name for p in paths}
    for path in paths:
        text = read_input_text(path)
        assert ahead.profile(path.name, text) == load_profile_text(text, str(path))


def _copy_builtins(tmp_path: Path) -> Path:
    folder = tmp_path / "profiles"
    shutil.copytree(builtin_folder(), folder)
    return folder


def test_an_edited_profile_is_read_from_its_yaml_not_the_compiled_file(tmp_path: Path) -> None:
    folder = _copy_builtins(tmp_path)
    path = folder / "default.yaml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("description:", "description: Edited.", 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    registry = ProfileRegistry()
    registry.add_folder(folder)
    assert registry.get("default") == load_profile_text(edited, str(path))
    assert registry.get("default").description.startswith("Edited.")


def test_a_broken_or_foreign_compiled_file_is_ignored(tmp_path: Path) -> None:
    folder = _copy_builtins(tmp_path)
    expected = {p.name: load_profile(p) for p in sorted(folder.glob("*.yaml"))}
    target = folder / COMPILED
    data = json.loads(target.read_text(encoding="utf-8"))
    data["profiles"]["default.yaml"]["profile"]["unknown_key"] = 1  # another schema's profile
    for content in ["{not json", json.dumps({"format": 999}), json.dumps(data)]:
        target.write_text(content, encoding="utf-8")
        ahead = Compiled.read(folder)
        for name, profile in expected.items():
            assert load_profile(folder / name, ahead) == profile
