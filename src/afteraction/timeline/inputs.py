"""Open what a source reads: a file, standard input, bytes or a binary stream, whole or by line.

Every source reads through :func:`open_binary`, so each kind of input is
read alike: gzip is told by its first two bytes and unpacked as it is read,
a whole read stops past the input size limit, a line past that limit is an
error, and gzip input stops when it unpacks to more than its cap (a gzip
bomb is refused after reading no more than the cap, never expanded whole).
"""

from __future__ import annotations

import gzip
import io
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import BinaryIO, cast

from afteraction.errors import TooLargeError, UsageError
from afteraction.inputs import MAX_INPUT_BYTES, open_input, read_limited

GZIP_MAGIC = b"\x1f\x8b"
STDIN = "-"
GZIP_RATIO = 100
"""A gzip input read by line may unpack to this many times its packed size (logs pack
8 to 20 times; a gzip bomb about 1000), and to :data:`MAX_INPUT_BYTES` whatever its size."""
_BUFFER = 1 << 16
_MIB = 1024 * 1024


def shown(path: Path | None) -> str:
    """Return how messages name an input: its path, or ``<stdin>``."""
    return "<stdin>" if path is None else str(path)


@dataclass(frozen=True)
class SourceInput:
    """What a source reads: a file, standard input, bytes in memory or a binary stream.

    ``label`` names the input in messages and in each event's origin
    (``label:line``); for bytes and streams its suffixes stand for a file
    name's (``deploys.csv``). A stream is read once, from where it stands,
    and left open for its owner to close.
    """

    label: str
    path: Path | None = None
    data: bytes | None = field(default=None, repr=False)
    stream: BinaryIO | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_path(cls, path: Path | None) -> SourceInput:
        """Return the input of a file (or a folder, for sources that read one); None is stdin."""
        return cls(shown(path), path)

    @classmethod
    def from_bytes(cls, label: str, data: bytes) -> SourceInput:
        """Return an input held in memory (a webhook's body, an upload)."""
        return cls(label, data=bytes(data))

    @classmethod
    def from_stream(cls, label: str, fileobj: BinaryIO) -> SourceInput:
        """Return an input read from a binary stream (a request body, a socket, an archive)."""
        return cls(label, stream=fileobj)

    @property
    def once(self) -> bool:
        """Say whether the input can be read only once (standard input or a stream)."""
        return self.data is None and self.path is None

    @property
    def suffixes(self) -> list[str]:
        """Return the file's suffixes (``.csv``, ``.gz``), lower-case; stdin has none."""
        if self.path is not None:
            name: PurePath = self.path
        elif self.data is not None or self.stream is not None:
            name = PurePath(self.label)
        else:
            return []
        return [suffix.lower() for suffix in name.suffixes]


def as_input(source: SourceInput | Path | None) -> SourceInput:
    """Return a source's input; a path (None: standard input) becomes a file's."""
    return source if isinstance(source, SourceInput) else SourceInput.from_path(source)


@contextmanager
def open_binary(
    source: SourceInput | Path | None, *, whole: bool = False, limit: int | None = None
) -> Iterator[BinaryIO]:
    """Open an input for reading bytes, gunzipped when it is gzip.

    Gzip input unpacks to at most ``limit`` bytes (default
    :data:`MAX_INPUT_BYTES`) when it is read ``whole``; read by line, to
    :data:`GZIP_RATIO` times its packed size or ``limit``, whichever is more.
    Past that, reading fails with :class:`TooLargeError`. A stream's packed
    size is what has been read of it so far.
    """
    given = as_input(source)
    limit = MAX_INPUT_BYTES if limit is None else limit
    with ExitStack() as stack:
        raw, packed = _raw(given, stack)
        if raw.peek(2)[:2] != GZIP_MAGIC:
            yield raw
            return
        counted = _Counted(raw)
        unzipped = stack.enter_context(gzip.GzipFile(fileobj=counted, mode="rb"))
        capped = _Capped(unzipped, counted, given.label, limit, None if whole else packed)
        yield cast(BinaryIO, io.BufferedReader(capped, _BUFFER))


def _raw(given: SourceInput, stack: ExitStack) -> tuple[io.BufferedReader, int]:
    """Return an input's bytes as a reader that can peek, and its size (-1: not known)."""
    if given.path is not None:
        opened = stack.enter_context(open_input(given.path))
        return opened, os.fstat(opened.fileno()).st_size
    if given.data is not None:
        return io.BufferedReader(io.BytesIO(given.data), _BUFFER), len(given.data)
    if given.stream is not None:
        if isinstance(given.stream, io.BufferedReader):
            return given.stream, -1
        return io.BufferedReader(_Stream(given.stream), _BUFFER), -1
    if sys.stdin is None:
        raise UsageError("standard input is closed", file=given.label)
    return cast(io.BufferedReader, sys.stdin.buffer), -1


class _Stream(io.RawIOBase):
    """A caller's binary stream as a raw stream, so it can be buffered; never closes it."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size)

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Counted(_Stream):
    """The packed bytes a gzip reader takes, counted."""

    taken = 0

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.taken += len(data)
        return data


class _Capped(io.RawIOBase):
    """Unpacked gzip bytes, failing as soon as they pass the cap (one byte past it at most).

    ``packed`` is the input's packed size for the ratio (-1: what has been
    read of it so far), or None for a whole read, capped at ``limit`` alone.
    """

    def __init__(
        self, unzipped: gzip.GzipFile, counted: _Counted, label: str, limit: int, packed: int | None
    ) -> None:
        self.unzipped = unzipped
        self.counted = counted
        self.label = label
        self.limit = limit
        self.packed = packed
        self.total = 0

    def readable(self) -> bool:
        return True

    def cap(self) -> int:
        """Return how many bytes the input may unpack to."""
        if self.packed is None:
            return self.limit
        packed = self.packed if self.packed >= 0 else self.counted.taken
        return max(self.limit, GZIP_RATIO * packed)

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        room = self.cap() - self.total + 1
        count = self.unzipped.readinto(memoryview(buffer)[: max(1, room)])
        self.total += count
        if self.total > self.cap():
            raise self._too_large()
        return count

    def _too_large(self) -> TooLargeError:
        if self.packed is None:
            rule = "the most an input may be"
        else:
            packed = "what was read of it" if self.packed < 0 else "its size"
            least = mib(self.limit)
            rule = f"gzip input may unpack to {GZIP_RATIO} times {packed}, {least} at least"
        return TooLargeError(
            f"unpacks to more than {mib(self.cap())} ({rule}): reading stopped there;"
            " unpack it yourself if it is genuine",
            file=self.label,
        )


def mib(size: int) -> str:
    """Return a size in MiB as messages give it: whole when it is, else to a tenth."""
    return f"{size // _MIB} MiB" if size % _MIB == 0 else f"{size / _MIB:.1f} MiB"


def read_bytes(source: SourceInput | Path | None, limit: int | None = None) -> bytes:
    """Return a whole input's bytes (gunzipped when it is gzip), within the size limit."""
    limit = MAX_INPUT_BYTES if limit is None else limit
    given = as_input(source)
    with open_binary(given, whole=True, limit=limit) as stream:
        return read_limited(stream, given.label, limit)


def read_lines(
    source: SourceInput | Path | None, limit: int | None = None
) -> Iterator[tuple[int, bytes]]:
    """Yield each line of an input with its 1-based number, without the line ending.

    A line longer than ``limit`` (default :data:`MAX_INPUT_BYTES`) is an
    error: it is not held whole, whatever it holds.
    """
    limit = MAX_INPUT_BYTES if limit is None else limit
    given = as_input(source)
    with open_binary(given, limit=limit) as stream:
        number = 0
        try:
            while line := stream.readline(limit + 1):
                number += 1
                if len(line) > limit and not line.endswith(b"\n"):
                    raise TooLargeError(
                        f"is longer than the {mib(limit)} a line may be",
                        file=given.label,
                        line=number,
                    )
                yield number, line.rstrip(b"\r\n")
        except (OSError, EOFError) as exc:
            raise UsageError(f"cannot read: {exc}", file=given.label) from None


def decode(line: bytes) -> str:
    """Decode a line as UTF-8, replacing bytes that are not (logs are not always clean)."""
    return line.decode("utf-8", errors="replace")
