"""Settings as data: defaults < ``.afteraction.toml`` or ``[tool.afteraction]`` < environment.

Front ends load settings once and pass them in; nothing reads the
environment at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from afteraction.errors import UsageError
from afteraction.followup.config import ActionsConfig, DigestConfig
from afteraction.inputs import read_input_text
from afteraction.lint.config import LintConfig
from afteraction.safetoml import load_toml
from afteraction.store.sql.config import ServerConfig


class Settings(BaseModel):
    """Every setting afteraction reads."""

    model_config = ConfigDict(extra="forbid")

    profile_dirs: list[Path] = Field(
        default_factory=list, description="Folders of extra profile files."
    )
    lint: LintConfig = Field(
        default_factory=LintConfig, description="What `aar lint` checks (the [lint] table)."
    )
    actions: ActionsConfig = Field(
        default_factory=ActionsConfig,
        description="Due dates by policy for `aar actions` (the [actions] table).",
    )
    digest: DigestConfig = Field(
        default_factory=DigestConfig,
        description="Where `aar digest --send` mails the digest (the [digest] table).",
    )
    server: ServerConfig = Field(
        default_factory=ServerConfig,
        description="The team server: database, address, alerts (the [server] table).",
    )


def _config(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = load_toml(read_input_text(path), what="configuration", file=str(path))
    return data


def _file_settings(start: Path) -> tuple[dict[str, object], Path | None]:
    for folder in [start, *start.parents]:
        dotfile = folder / ".afteraction.toml"
        if dotfile.exists():
            return _config(dotfile), dotfile
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _config(pyproject).get("tool", {}).get("afteraction")
            if isinstance(table, dict):
                return table, pyproject
    return {}, None


def load_settings(start: Path, env: Mapping[str, str] | None = None) -> Settings:
    """Load settings from the nearest config file and ``AAR_*`` variables."""
    env = os.environ if env is None else env
    data, source = _file_settings(start)
    data = {k.replace("-", "_"): v for k, v in data.items()}
    folders = data.get("profile_dirs")
    if source is not None and isinstance(folders, list):
        data["profile_dirs"] = [source.parent / str(p) for p in folders]
    lint = data.setdefault("lint", {})
    if isinstance(lint, dict):
        root = source.parent if source is not None else start
        data["lint"] = {
            **{k.replace("-", "_"): v for k, v in lint.items()},
            "root": root,
            "source": source,
        }
    digest = data.get("digest")
    if isinstance(digest, dict) and "password" in digest:
        raise UsageError(
            "a password is not kept in a settings file: set AAR_SMTP_PASSWORD",
            file=source,
            field="digest.password",
        )
    if env.get("AAR_SMTP_PASSWORD"):
        data["digest"] = {
            **(digest if isinstance(digest, dict) else {}),
            "password": env["AAR_SMTP_PASSWORD"],
        }
    if env.get("AFTERACTION_DATABASE_URL"):
        server = data.get("server")
        data["server"] = {
            **(server if isinstance(server, dict) else {}),
            "database_url": env["AFTERACTION_DATABASE_URL"],
        }
    if env.get("AAR_PROFILE_DIRS"):
        data["profile_dirs"] = [Path(p) for p in env["AAR_PROFILE_DIRS"].split(os.pathsep) if p]
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UsageError(
            first["msg"], file=source, field=".".join(map(str, first["loc"]))
        ) from None
