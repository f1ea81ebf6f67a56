"""The CLI starts without loading what only its commands use (bench/startup_speed.py times it).

Each check runs a fresh interpreter, the way the ``aar`` console script
starts, and looks at ``sys.modules`` when it is done: no timings, so a loaded
machine cannot fail it. The command modules keep Typer-level imports at
module level and import the use cases inside the commands.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# What starting the CLI may import of our own: the entry point, the command modules and
# the light modules that hold the choices and defaults their options and help show.
STARTUP = {
    "afteraction",
    "afteraction.cli",
    "afteraction.cli.actions",
    "afteraction.cli.app",
    "afteraction.cli.digest",
    "afteraction.cli.report",
    "afteraction.cli.server",
    "afteraction.cli.shared",
    "afteraction.cli.timeline",
    "afteraction.errors",
    "afteraction.followup",
    "afteraction.followup.choices",
    "afteraction.service",
    "afteraction.service.choices",
    "afteraction.timeline",
    "afteraction.timeline.limits",
}
# Third-party and standard modules that only commands need: models and validation, the
# Markdown reader, YAML and TOML, JSON at speed, templates, dates, worker processes, mail,
# trackers' formats and the rest.
HEAVY = {
    "alembic",
    "argon2",
    "concurrent.futures",
    "dateutil",
    "email",
    "fastapi",
    "http",
    "icalendar",
    "jinja2",
    "markdown_it",
    "mdit_py_plugins",
    "multiprocessing",
    "nh3",
    "orjson",
    "polars",
    "prometheus_client",
    "psycopg",
    "pydantic",
    "pydantic_core",
    "smtplib",
    "sqlalchemy",
    "starlette",
    "tomllib",
    "uvicorn",
    "yaml",
    "zoneinfo",
}
# Typer's own help formatter (typer.rich_utils) loads rich.markdown, which loads markdown_it.
TYPER_HELP = {"markdown_it"}
# Typer checks option values with pydantic as soon as it processes any (a subcommand's
# help processes the root's --version first); pydantic's plugin lookup reads the installed
# packages' metadata, which loads email.
TYPER_VALUES = {"pydantic", "pydantic_core", "email", "zoneinfo"}

PROBE = """
import json, sys
{run}
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(sorted(sys.modules), out)
"""
RUN_CLI = """
from afteraction.cli import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
"""


def loaded(tmp_path: Path, run: str, *args: str) -> set[str]:
    """Return the modules a fresh interpreter holds after ``run`` (code given ``args``)."""
    found = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", PROBE.format(run=run), str(found), *args],
        cwd=tmp_path,  # no settings file found above: the folder is the workspace
        capture_output=True,
        check=True,
    )
    return set(json.loads(found.read_text(encoding="utf-8")))


def under(modules: set[str], names: set[str]) -> set[str]:
    """Return the modules that are one of ``names`` or inside one of them."""
    return {m for m in modules if any(m == n or m.startswith(f"{n}.") for n in names)}


def test_importing_the_entry_point_loads_only_the_cli(tmp_path: Path) -> None:
    modules = loaded(tmp_path, "import afteraction.cli")
    assert {m for m in modules if m.startswith("afteraction")} <= STARTUP
    assert under(modules, HEAVY) == set()


@pytest.mark.parametrize("args", [["--help"], ["--version"], []])
def test_help_and_version_load_no_use_case(tmp_path: Path, args: list[str]) -> None:
    modules = loaded(tmp_path, RUN_CLI, *args)
    assert {m for m in modules if m.startswith("afteraction")} <= STARTUP
    assert under(modules, HEAVY - TYPER_HELP) == set()


@pytest.mark.parametrize("command", [["import"], ["lint"], ["timeline"], ["timeline", "build"]])
def test_a_commands_help_loads_no_use_case(tmp_path: Path, command: list[str]) -> None:
    modules = loaded(tmp_path, RUN_CLI, *command, "--help")
    assert {m for m in modules if m.startswith("afteraction")} <= STARTUP
    assert under(modules, HEAVY - TYPER_HELP - TYPER_VALUES) == set()


def test_import_reads_one_postmortem_without_lint_timeline_or_yaml(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    loaded(tmp_path, RUN_CLI, "demo", str(demo))
    modules = loaded(tmp_path, RUN_CLI, "import", str(demo / "default.md"))
    assert "afteraction.document.parse" in modules  # the probe did read the document
    # Settings hold the lint configuration; the rules themselves load only to lint.
    assert under(modules, {"afteraction.lint"}) <= {"afteraction.lint", "afteraction.lint.config"}
    assert under(modules, {"afteraction.timeline"}) <= STARTUP
    assert under(modules, {"afteraction.followup"}) <= {*STARTUP, "afteraction.followup.config"}
    # The built-in profiles come compiled (profiles.compiled): no YAML is parsed.
    unused = {"yaml", "jinja2", "multiprocessing", "concurrent.futures", "smtplib", "icalendar"}
    assert under(modules, unused) == set()
