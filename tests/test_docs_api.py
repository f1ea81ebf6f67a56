"""docs/api.md: every curl example runs against a real server, and every route is listed."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from afteraction.server.app import create_app
from afteraction.service.team import users
from afteraction.service.team.context import SYSTEM, Team
from tests.server_processes import start_server
from tests.server_support import team_settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    folder = tmp_path_factory.mktemp("api-docs")
    url = f"sqlite:///{folder / 'team.db'}"
    team = Team.open(team_settings(folder, url))
    team.database.upgrade()
    users.add_user(team, SYSTEM, "ann", role="admin")
    token = users.make_token(team, SYSTEM, "ann", "docs").secret
    team.database.dispose()
    running = start_server(folder, url, 1, "docs")
    try:
        running.wait_ready()
        yield running.base, token, folder
    finally:
        running.stop()


def test_every_curl_example_runs(server: tuple[str, str, Path]):
    address, token, folder = server
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 10
    env = {**os.environ, "AAR": address, "TOKEN": token}
    for block in blocks:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, f"{block}\n---\n{done.stdout}\n{done.stderr}"
    listed = httpx.get(
        f"{address}/api/v1/postmortems/INC-2026-11-30-001/revisions",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert "duration" in [r["message"] for r in listed]


def test_every_route_is_documented(tmp_path: Path):
    team = Team.open(team_settings(tmp_path, f"sqlite:///{tmp_path / 'team.db'}"))
    team.database.upgrade()
    schema = create_app(team=team).openapi()
    team.database.dispose()
    text = DOC.read_text(encoding="utf-8")
    routes = [
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, methods in schema["paths"].items()
        for method in methods
    ]
    assert [r for r in routes if f"| `{r}` |" not in text] == []
