"""The user docs stay true: every profile key, kind and command is documented, and no more."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
import typer
from pydantic import BaseModel

from afteraction.cli.app import app
from afteraction.profiles.schema import (
    Category,
    ColumnSpec,
    FieldSpec,
    Horizon,
    Profile,
    SectionKind,
    SectionSpec,
    SeverityLevel,
    StatusSpec,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"
TABLES: dict[str, type[BaseModel]] = {
    "Profile": Profile,
    "Sections": SectionSpec,
    "Fields": FieldSpec,
    "Columns": ColumnSpec,
    "Severity levels": SeverityLevel,
    "Statuses": StatusSpec,
    "Horizons": Horizon,
    "Categories": Category,
}


def documented_keys(markdown: str, heading: str) -> set[str]:
    """Return the backticked first cells of the table under ``## heading``."""
    section = markdown.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", section, re.MULTILINE))


@pytest.mark.parametrize("heading", TABLES)
def test_profile_reference_lists_every_key(heading):
    documented = documented_keys((DOCS / "profiles.md").read_text(encoding="utf-8"), heading)
    assert documented == set(TABLES[heading].model_fields)


def test_profile_reference_lists_every_kind():
    documented = documented_keys((DOCS / "profiles.md").read_text(encoding="utf-8"), "Kinds")
    assert documented == set(typing.get_args(SectionKind))


def _commands(group: typer.Typer, prefix: str) -> set[str]:
    names = {f"{prefix}{c.name or c.callback.__name__}" for c in group.registered_commands}  # type: ignore[union-attr]
    for sub in group.registered_groups:
        if sub.typer_instance and sub.typer_instance.registered_callback:  # a command itself
            names.add(f"{prefix}{sub.name}")
        names |= _commands(sub.typer_instance, f"{prefix}{sub.name} ")  # type: ignore[arg-type]
    return names


def test_cli_reference_has_a_section_per_command():
    documented = set(re.findall(r"^## `aar ([a-z ]+)`$", (DOCS / "cli.md").read_text(), re.M))
    assert documented == _commands(app, "")


def test_cli_reference_is_generated_from_the_commands() -> None:
    from tools.cli_docs import PAGE, page

    on_disk = PAGE.read_text(encoding="utf-8")
    assert on_disk == page(), "stale: run .venv/bin/python -m tools.cli_docs"


def test_help_reads_help_texts_as_the_markdown_the_reference_shows() -> None:
    from typer.testing import CliRunner

    shown = CliRunner().invoke(app, ["timeline", "build", "--help"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "KIND[name=value,...]:PATH" in shown.output  # Rich markup would drop the brackets
    assert "see timeline sources)" in shown.output  # a link shows as its text
    assert "](timeline-sources.md)" not in shown.output


def test_rule_pages_are_generated_from_the_rules():
    from tools.rule_docs import PAGES, pages

    on_disk = {p.name: p.read_text(encoding="utf-8") for p in PAGES.glob("*.md")}
    assert on_disk == pages(), "stale: run .venv/bin/python -m tools.rule_docs"


def test_every_lint_setting_is_documented():
    from afteraction.lint.config import LintConfig, Override

    text = (DOCS / "linting.md").read_text(encoding="utf-8")
    for name in [*LintConfig.model_fields, *Override.model_fields]:
        if name not in ("root", "source"):  # set by the program, not by users
            assert re.search(rf"^{name} = |\b{name}\b", text, re.M), name
