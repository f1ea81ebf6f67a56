"""The follow-up's settings: ``[actions]`` (due dates by policy) and ``[digest]`` (mail).

Kept apart from the code that uses them, so reading the settings, which every
command does, imports no template engine or mail library.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from afteraction.profiles.due import DuePolicy


class ActionsConfig(BaseModel):
    """The ``[actions]`` settings: default due spans and how soon counts as due soon."""

    model_config = ConfigDict(extra="forbid")

    due: dict[str, str] = Field(
        default_factory=dict,
        description="Default due span per priority or horizon name, e.g. P0 = '24h'.",
    )
    soon: str = Field(default="7d", description="How close a due date counts as due soon.")
    grace_days: int = Field(
        default=0,
        ge=0,
        le=3650,
        description="Days past its due date before an open item counts as overdue.",
    )

    def policy(self) -> DuePolicy:
        """Return the due policy these settings describe."""
        return DuePolicy.from_settings(self.due, self.soon, self.grace_days)


class DigestConfig(BaseModel):
    """The ``[digest]`` settings: where to send it. The password comes from the environment."""

    model_config = ConfigDict(extra="forbid")

    to: list[str] = Field(default_factory=list, description="Recipients of the digest.")
    sender: str = Field(default="afteraction@localhost", description="The From address.")
    smtp_host: str = Field(default="localhost", description="The SMTP server.")
    smtp_port: int = Field(default=25, description="Its port (587 with starttls).")
    starttls: bool = Field(default=False, description="Upgrade the connection with STARTTLS.")
    username: str | None = Field(
        default=None, description="Login name (password: AAR_SMTP_PASSWORD)."
    )
    password: SecretStr | None = Field(
        default=None,
        exclude=True,
        description="The login password: from AAR_SMTP_PASSWORD only, never a settings file.",
    )
