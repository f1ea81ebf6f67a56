"""The ``[server]`` settings: where the database is, how the server listens, who is told.

Kept apart from the store, so reading settings (every command does) imports
no database library.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_DATABASE = "afteraction.db"
POOL_SIZE = 40
"""Database connections a worker keeps: as many as the most threads it may run."""


class AlertsConfig(BaseModel):
    """How an alert that opens an incident is written: the profile and the severity words."""

    model_config = ConfigDict(extra="forbid")

    profile: str = Field(default="default", description="Profile a new incident opens in.")
    severity: dict[str, str] = Field(
        default_factory=dict,
        description="Alert severity as the tool words it, to the profile's: critical = 'SEV1'.",
    )


class ServerConfig(BaseModel):
    """The ``[server]`` table; ``AFTERACTION_DATABASE_URL`` overrides ``database_url``."""

    model_config = ConfigDict(extra="forbid")

    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the store (default: SQLite file afteraction.db in the settings"
            " folder); postgresql+psycopg://user@host/db for PostgreSQL."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address `aar serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `aar serve` listens on.")
    workers: int = Field(default=1, ge=1, le=64, description="Worker processes of `aar serve`.")
    threads: int = Field(
        default=8,
        ge=1,
        le=POOL_SIZE,
        description=(
            "Requests a worker works on at once; the rest wait their turn. Python runs one"
            " thread at a time: more threads than this only take turns more often."
        ),
    )
    session_days: int = Field(default=14, ge=1, le=365, description="Days a login lasts.")
    distribution: list[str] = Field(
        default_factory=list,
        description="Addresses mailed every postmortem that reaches its final status.",
    )
    base_url: str | None = Field(
        default=None, description="The server's public address, for links in mail and feeds."
    )
    alerts: AlertsConfig = Field(
        default_factory=AlertsConfig, description="How alert webhooks open incidents."
    )

    def url(self, root: Path) -> str:
        """Return the database URL: the one set, else the SQLite file in ``root``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(root / DEFAULT_DATABASE).resolve()}"
