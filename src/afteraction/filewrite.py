"""The one way afteraction writes a file: locked, checked, whole, and in the file's own form.

An edit names the digest of the bytes it was made on. The file is locked, read
again, and written only if it still holds those bytes: a file changed since is
a conflict, never overwritten. The new bytes go to a unique temporary file in
the same folder, are flushed to disk and renamed over the old, so a reader (or
a crash) sees the old file or the new, whole. The file keeps its permissions,
owner and hard links; a symbolic link keeps pointing where it did, and its
target is what changes.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from afteraction.errors import ConflictError, UsageError
from afteraction.sourcetext import digest_of

LOCK_WAIT_SECONDS = 10.0
"""How long an edit waits for another writer of the same file before giving up."""


def replace_document(path: Path, data: bytes, expected: str) -> str:
    """Write ``data`` over the file at ``path`` if it still has the digest ``expected``.

    Return the digest of what was written. Raise :class:`ConflictError` when
    the file changed since it was read (nothing is written).
    """
    target = Path(os.path.realpath(path))
    with _locked(target, path) as descriptor:
        status = os.fstat(descriptor)
        if not status.st_mode & 0o222:
            raise UsageError("is read-only; nothing was written", file=path)
        if digest_of(_read_all(descriptor)) != expected:
            raise ConflictError(
                "changed since it was read (another edit landed first); nothing was written;"
                " run the command again",
                file=path,
            )
        if status.st_nlink > 1:
            _write_in_place(target, path, data)
        else:
            _write_beside(target, path, data, status)
    return digest_of(data)


def write_new(path: Path, data: bytes, *, force: bool = False) -> str:
    """Write ``data`` to ``path``, refusing a file already there unless ``force``.

    The folder is created when missing; with ``force`` an existing file keeps
    its permissions and owner. Return the digest of what was written.
    """
    try:
        status: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror}", file=path) from None
    if status is not None and not force:
        raise ConflictError("already exists; use --force to replace it", file=path)
    if status is not None and (stat.S_ISCHR(status.st_mode) or stat.S_ISFIFO(status.st_mode)):
        return _write_through(path, data)  # /dev/stdout, a pipe: nothing to replace
    target = Path(os.path.realpath(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create its folder: {exc.strerror}", file=path) from None
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise UsageError("is not a regular file; nothing was written", file=path)
    _write_beside(target, path, data, status, exclusive=status is None and not force)
    return digest_of(data)


@contextlib.contextmanager
def _locked(target: Path, shown: Path) -> Iterator[int]:
    """Hold an exclusive lock on the file now at ``target`` (other afteraction writers wait).

    A writer that waited may find the file it locked already replaced by the
    one before it: it then locks the file that is there now.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        descriptor = _open_locked(target, shown, deadline)
        try:
            current = os.stat(target)
        except FileNotFoundError:
            current = None
        held = os.fstat(descriptor)
        if current is not None and (current.st_ino, current.st_dev) == (held.st_ino, held.st_dev):
            break
        os.close(descriptor)
    try:
        yield descriptor
    finally:
        os.close(descriptor)  # closing releases the lock


def _open_locked(target: Path, shown: Path, deadline: float) -> int:
    """Open the regular file at ``target`` and lock it, waiting until ``deadline``."""
    try:
        descriptor = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ConflictError(
            "was removed since it was read; nothing was written", file=shown
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot open for writing: {exc.strerror}", file=shown) from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise UsageError("is not a regular file; nothing was written", file=shown)
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return descriptor
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ConflictError(
                        f"another edit has held it for {LOCK_WAIT_SECONDS:.0f} s;"
                        " nothing was written",
                        file=shown,
                    ) from None
                time.sleep(0.01)
    except BaseException:
        os.close(descriptor)
        raise


def _read_all(descriptor: int) -> bytes:
    os.lseek(descriptor, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(descriptor, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_beside(
    target: Path,
    shown: Path,
    data: bytes,
    status: os.stat_result | None,
    *,
    exclusive: bool = False,
) -> None:
    """Write a temporary file next to ``target`` and rename (or link) it into place."""
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".aar-tmp", dir=target.parent
        )
    except OSError as exc:
        raise UsageError(f"cannot write in its folder: {exc.strerror}", file=shown) from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            mode = stat.S_IMODE(status.st_mode) if status else 0o666 & ~_umask()
            os.fchmod(stream.fileno(), mode)
            if status is not None:
                with contextlib.suppress(PermissionError):
                    os.fchown(stream.fileno(), status.st_uid, status.st_gid)
            os.fsync(stream.fileno())
        if exclusive:
            try:
                os.link(temporary, target)
            except FileExistsError:
                raise ConflictError(
                    "was created by another command meanwhile; nothing was written", file=shown
                ) from None
            os.unlink(temporary)
        else:
            os.replace(temporary, target)
        _sync_folder(target.parent)
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror}", file=shown) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _write_through(path: Path, data: bytes) -> str:
    """Write to a device or a pipe as it is (it cannot be replaced); return the digest."""
    try:
        with open(path, "wb") as stream:
            stream.write(data)
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror}", file=path) from None
    return digest_of(data)


def _write_in_place(target: Path, shown: Path, data: bytes) -> None:
    """Rewrite a hard-linked file through its own inode, so every name sees the edit."""
    try:
        with open(target, "r+b") as stream:
            stream.write(data)
            stream.truncate()
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror}", file=shown) from None


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file (where the system allows it)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(descriptor)


def _umask() -> int:
    """Return the process's file-creation mask without changing it (threads may be running)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022
