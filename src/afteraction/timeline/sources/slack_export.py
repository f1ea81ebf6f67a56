"""The parts of a Slack export around its messages: the folders, people and channels."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from afteraction.errors import UsageError
from afteraction.timeline.inputs import read_bytes
from afteraction.timeline.payloads import mapping, text

DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.json")
# An export's lists of conversations: public and private channels, group and direct messages.
CONVERSATION_LISTS = ("channels.json", "groups.json", "mpims.json", "dms.json")


@dataclass
class Directory:
    """What an export names: people by user ID, channels by ID, each channel's pinned messages."""

    users: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    pins: dict[str, frozenset[str]] = field(default_factory=dict)

    def learn(self, message: Mapping[str, Any]) -> None:
        """Take the author's name a message carries (``user_profile``) when none is known."""
        user = text(message.get("user"))
        name = person(mapping(message.get("user_profile")))
        if user and name and user not in self.users:
            self.users[user] = name


def person(user: Mapping[str, Any]) -> str | None:
    """Return a Slack user's real name, else display name, else user name."""
    profile = mapping(user.get("profile"))
    for value in (
        profile.get("real_name"),
        user.get("real_name"),
        profile.get("display_name"),
        user.get("display_name"),
        user.get("name"),
    ):
        if text(value):
            return text(value)
    return None


def is_export(folder: Path) -> bool:
    """Tell an export folder by its lists of users or conversations."""
    return any((folder / name).is_file() for name in ("users.json", *CONVERSATION_LISTS))


def day_files(folder: Path) -> list[Path]:
    """Return a channel folder's ``YYYY-MM-DD.json`` files, oldest first."""
    return sorted(p for p in folder.iterdir() if DAY_FILE.fullmatch(p.name) and p.is_file())


def load_json(path: Path) -> Any:
    """Return a whole JSON file of the export, failing with the parser's position."""
    try:
        return orjson.loads(read_bytes(path))
    except orjson.JSONDecodeError as exc:
        raise UsageError(f"not JSON: {exc.msg}", file=path, line=exc.lineno) from None


def read_users(path: Path) -> dict[str, str]:
    """Return the names a ``users.json`` gives, by user ID."""
    data = load_json(path)
    if not isinstance(data, list):
        raise UsageError("not a Slack users.json: expected a list of users", file=path)
    return {
        user_id: name
        for user in data
        if (user_id := text(mapping(user).get("id"))) and (name := person(mapping(user)))
    }


def read_conversations(export: Path, directory: Directory) -> None:
    """Add the channel names and pinned messages of an export's conversation lists."""
    for list_name in CONVERSATION_LISTS:
        path = export / list_name
        if not path.is_file():
            continue
        data = load_json(path)
        if not isinstance(data, list):
            raise UsageError(
                f"not a Slack {list_name}: expected a list of conversations", file=path
            )
        for conversation in map(mapping, data):
            channel_id = text(conversation.get("id"))
            name = text(conversation.get("name")) or channel_id  # direct messages have no name
            if channel_id and name:
                directory.channels[channel_id] = name
            pins = conversation.get("pins")
            if name and isinstance(pins, list):
                directory.pins[name] = frozenset(
                    ts for pin in pins if (ts := text(mapping(pin).get("id")))
                )
