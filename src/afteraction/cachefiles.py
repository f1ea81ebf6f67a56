"""The files caches keep under the cache folder: JSON maps, written whole, the newest few kept.

A cache is only a shortcut: one that is missing, damaged or not a map reads
as empty, and one that cannot be written is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

import orjson

from afteraction.errors import AfteractionError
from afteraction.filewrite import write_new

# A file changed less than this long ago may change again within the same
# timestamp tick (file systems keep times to a few milliseconds) with its size
# kept: what is read from it is not remembered, and it is read again next time.
RACY_NS = 2_000_000_000


def settled(status: os.stat_result) -> bool:
    """Say whether a file last changed long enough ago for its size and times to vouch for it."""
    return time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) >= RACY_NS


def read_entries(file: Path) -> dict[str, Any]:
    """Return the map a cache file holds, or an empty one when it is missing or damaged."""
    try:
        kept = orjson.loads(file.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return kept if isinstance(kept, dict) else {}


def write_entries(file: Path, entries: dict[str, Any], *, prefix: str, kept: int) -> None:
    """Write ``entries`` over ``file`` atomically; keep only the ``kept`` newest ``prefix*`` files.

    The folder is made, and git-ignored, on the first write.
    """
    folder = file.parent
    with contextlib.suppress(AfteractionError, OSError):
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        write_new(file, orjson.dumps(entries), force=True)
        caches = sorted(
            folder.glob(f"{prefix}*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True
        )
        for old in caches[kept:]:
            old.unlink(missing_ok=True)
