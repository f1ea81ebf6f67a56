"""Compile the built-in profiles ahead of time: their YAML as validated JSON.

Writes ``compiled.json`` in the built-in profile folder (see
``afteraction/profiles/compiled.py``), so no command parses the profiles'
YAML. Run it after editing a built-in profile or the profile schema;
tests/test_profiles_compiled.py fails when the file is stale (a stale file
only makes start-up slower: an edited profile is read from its YAML):

    .venv/bin/python -m tools.compile_profiles            # write compiled.json
    .venv/bin/python -m tools.compile_profiles --check    # exit 1 when it is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from afteraction.inputs import read_input_text
from afteraction.profiles.compiled import COMPILED, compiled_text
from afteraction.profiles.loader import load_profile_text
from afteraction.profiles.registry import builtin_folder


def compiled(folder: Path) -> str:
    """Return the compiled file for every profile file in ``folder``, read from its YAML."""
    found = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        text = read_input_text(path)
        found.append((path.name, text, load_profile_text(text, str(path))))
    return compiled_text(found)


def main(argv: list[str] | None = None) -> int:
    """Write the built-in profiles' compiled file, or with ``--check`` say whether it is stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    folder = builtin_folder()
    target = folder / COMPILED
    text = compiled(folder)
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is stale: run .venv/bin/python -m tools.compile_profiles")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"Wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
