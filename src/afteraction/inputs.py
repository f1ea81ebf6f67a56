"""Open an input file safely: a regular file, within the size limit, decoded with its line.

Every reader opens its files here, so a FIFO, a device such as ``/dev/zero``,
a folder or an oversized file is refused with one line naming the file,
never a hang, a ``MemoryError`` or a traceback.
"""

from __future__ import annotations

import hashlib
import os
import stat
from io import BufferedReader
from pathlib import Path
from typing import BinaryIO

from afteraction.errors import ParseError, TooLargeError, UsageError

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest file read whole (documents, configuration, payloads, exports): 64 MiB."""

# Opening a FIFO for reading blocks until a writer comes; without blocking it returns
# at once, so the file's kind can be checked before anything is read.
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_input(path: Path) -> BufferedReader:
    """Open a regular file for reading bytes (use it in ``with``); refuse anything else."""
    try:
        descriptor = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise UsageError("no such file", file=path) from None
    except IsADirectoryError:
        raise UsageError("is a folder, not a file", file=path) from None
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", file=path) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise UsageError(f"is {_kind(mode)}, not a regular file", file=path)
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a regular file's content, as 64 lowercase hex digits.

    The file is read in chunks, so an evidence bundle of any size is hashed
    in constant memory; anything but a regular file is refused as
    :func:`open_input` refuses it.
    """
    with open_input(path) as stream:
        try:
            return hashlib.file_digest(stream, "sha256").hexdigest()
        except OSError as exc:
            raise UsageError(f"cannot read: {exc.strerror or exc}", file=path) from None


def too_large(path: Path | str, size: int, limit: int = MAX_INPUT_BYTES) -> TooLargeError:
    """Return the error for an input over ``limit`` bytes."""
    return TooLargeError(
        f"is larger than the {limit // (1024 * 1024)} MiB an input may be "
        f"({size / (1024 * 1024):.1f} MiB or more)",
        file=path,
    )


def read_limited(stream: BinaryIO, path: Path | str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a whole stream, refusing one longer than ``limit`` bytes."""
    try:
        data = stream.read(limit + 1)
    except (OSError, EOFError) as exc:
        raise UsageError(f"cannot read: {exc}", file=path) from None
    if len(data) > limit:
        raise too_large(path, len(data), limit)
    return data


def read_input_bytes(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Return the bytes of a regular file of at most ``limit`` bytes."""
    with open_input(path) as stream:
        return read_limited(stream, path, limit)


def decode_text(data: bytes, path: Path | str, encoding: str = "utf-8") -> str:
    """Decode bytes as UTF-8 (``utf-8-sig`` drops a byte-order mark), naming the bad line."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(f"not UTF-8 text (byte {exc.start})", file=path, line=line) from None


def read_input_text(path: Path, encoding: str = "utf-8", limit: int = MAX_INPUT_BYTES) -> str:
    """Return a regular file's text, refusing other files, oversized ones and bad UTF-8."""
    return decode_text(read_input_bytes(path, limit), path, encoding)
