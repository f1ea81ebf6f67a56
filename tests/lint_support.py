"""Build the documents lint tests run on: a built-in profile's demo document, edited."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from afteraction.demo import demo_record
from afteraction.document.render import render_markdown
from afteraction.lint.config import LintConfig
from afteraction.lint.engine import Linter, LintReport
from afteraction.lint.registry import RuleRegistry
from afteraction.profiles import ProfileRegistry

# The demo incidents happen on 2026-11-03; "today" in the cases is a fixed day after it.
CASE_TODAY = date(2026, 11, 10)


@cache
def profiles() -> ProfileRegistry:
    return ProfileRegistry.discover()


@cache
def rules() -> RuleRegistry:
    return RuleRegistry.discover()


@cache
def demo_text(profile: str) -> str:
    """Return the filled-in demo postmortem of a built-in profile."""
    found = profiles().get(profile)
    return render_markdown(demo_record(found), found)


def build(spec: dict[str, Any] | str) -> str:
    """Return a case document: ``text`` as written, or ``base`` (a profile's demo) edited.

    ``replace`` is a list of ``[old, new]`` pairs; each ``old`` must occur in
    the text, and its first occurrence is replaced.
    """
    if isinstance(spec, str):
        return spec
    text = spec["text"] if "text" in spec else demo_text(spec["base"])
    for old, new in spec.get("replace", []):
        assert old in text, f"case edit: {old!r} is not in the document"
        text = text.replace(old, new, 1)
    return text


def linter(
    tmp: Path, config: dict[str, Any], today: date = CASE_TODAY, cache: Path | None = None
) -> Linter:
    return Linter(
        LintConfig.model_validate({**config, "root": tmp}),
        profiles(),
        rules(),
        today=today,
        cache_folder=cache,
    )


def lint_files(
    tmp: Path,
    files: dict[str, str],
    config: dict[str, Any] | None = None,
    *,
    today: date = CASE_TODAY,
    fix: bool = False,
) -> LintReport:
    """Write ``files`` under ``tmp`` and lint them all together."""
    paths = []
    for name, text in files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return linter(tmp, config or {}, today).run(paths, fix=fix)
