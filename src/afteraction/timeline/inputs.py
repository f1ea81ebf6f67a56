"""Open what a source reads: a file, a ``.gz`` file or standard input, whole or by line."""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

from afteraction.errors import UsageError
from afteraction.inputs import open_input, read_limited

GZIP_MAGIC = b"\x1f\x8b"
STDIN = "-"


def shown(path: Path | None) -> str:
    """Return how messages name an input: its path, or ``<stdin>``."""
    return "<stdin>" if path is None else str(path)


@contextmanager
def open_binary(path: Path | None) -> Iterator[BinaryIO]:
    """Open a file (gunzipped when it is gzip) or standard input for reading bytes."""
    if path is None:
        if sys.stdin is None:
            raise UsageError("standard input is closed", file=shown(path))
        raw = cast(io.BufferedReader, sys.stdin.buffer)
    else:
        raw = open_input(path)
    try:
        if raw.peek(2)[:2] == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield cast(BinaryIO, unzipped)
        else:
            yield raw
    finally:
        if path is not None:
            raw.close()


def read_bytes(path: Path | None) -> bytes:
    """Return a whole input's bytes (gunzipped when it is gzip), within the size limit."""
    with open_binary(path) as stream:
        return read_limited(stream, shown(path))


def read_lines(path: Path | None) -> Iterator[tuple[int, bytes]]:
    """Yield each line of an input with its 1-based number, without the line ending."""
    with open_binary(path) as stream:
        try:
            for number, line in enumerate(stream, 1):
                yield number, line.rstrip(b"\r\n")
        except (OSError, EOFError) as exc:
            raise UsageError(f"cannot read: {exc}", file=shown(path)) from None


def decode(line: bytes) -> str:
    """Decode a line as UTF-8, replacing bytes that are not (logs are not always clean)."""
    return line.decode("utf-8", errors="replace")
