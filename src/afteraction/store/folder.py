"""The folder store: postmortems as Markdown files under a folder, written in their own form."""

from __future__ import annotations

import glob
import stat
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from afteraction.document.loaded import Document, read_source_text
from afteraction.document.parse import Parsed
from afteraction.errors import AfteractionError, ConflictError, UsageError
from afteraction.filewrite import replace_document, write_new
from afteraction.inputs import read_input_bytes
from afteraction.profiles import Profile, ProfileRegistry
from afteraction.profiles.ids import format_id
from afteraction.sourcetext import SourceText
from afteraction.store.cache import DocumentCache
from afteraction.store.ids import IdIndex

SUFFIXES = (".md", ".markdown")


def _nothing_excluded(_: Path) -> bool:
    return False


class FolderStore:
    """Postmortems as Markdown files: found by files, folders and globs, under ``root``.

    ``excluded`` leaves out files found in a folder or by a glob (a file
    named directly is always taken); ``cache_folder``, when given, keeps the
    incident IDs each file holds, so a new ID reads only the files changed.
    """

    def __init__(
        self,
        root: Path,
        registry: ProfileRegistry,
        *,
        excluded: Callable[[Path], bool] = _nothing_excluded,
        cache_folder: Path | None = None,
    ) -> None:
        self.root = root
        self.registry = registry
        self.excluded = excluded
        self.cache_folder = cache_folder

    def at(self, root: Path) -> FolderStore:
        """Return the same store rooted at another folder (a new document's own folder)."""
        return FolderStore(
            root, self.registry, excluded=self.excluded, cache_folder=self.cache_folder
        )

    def find(self, where: Iterable[str] = ()) -> list[Path]:
        """Return the Markdown files ``where`` names (default: the root), each once, in order."""
        found: dict[Path, None] = {}
        for argument in list(where) or [str(self.root)]:
            path = Path(argument)
            if path.exists() and not path.is_dir():  # reading refuses a pipe or device by name
                found[path] = None
                continue
            if path.is_dir():
                candidates = sorted(
                    (p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES), key=str
                )
            elif glob.has_magic(argument):
                candidates = [Path(p) for p in sorted(glob.glob(argument, recursive=True))]
            else:
                raise UsageError("no such file or folder", file=argument)
            for candidate in candidates:
                if candidate.is_file() and not self.excluded(candidate):
                    found[candidate] = None
        return list(found)

    def read(self, path: Path) -> SourceText:
        """Read a regular file as UTF-8 text, its own line endings and BOM remembered."""
        return SourceText.decode(read_input_bytes(path), path)

    def get(self, path: Path, profile_name: str | None = None) -> Document:
        """Read a postmortem file into its record."""
        return read_source_text(self.read(path), path, self.registry, profile_name)

    def load_all(self, paths: Iterable[Path]) -> list[Document | AfteractionError]:
        """Read many postmortems, each as a document or the error that kept it from being read.

        With a cache folder, a file unchanged since it was last read is
        answered from the cache, without its text (see :meth:`fresh`).
        """
        cache = (
            DocumentCache(self.cache_folder, self.registry, self.get) if self.cache_folder else None
        )
        found: list[Document | AfteractionError] = []
        for path in paths:
            try:
                found.append(self._load(path, cache))
            except AfteractionError as exc:
                found.append(exc)
        if cache is not None:
            cache.save()
        return found

    def _load(self, path: Path, cache: DocumentCache | None) -> Document:
        if cache is None:
            return self.get(path)
        try:
            status = path.stat()
        except OSError:
            return self.get(path)  # gives the error that names what is wrong
        document = cache.lookup(path, status) if stat.S_ISREG(status.st_mode) else None
        if document is None:
            document = self.get(path)
            cache.store(document, status)
        return document

    def fresh(self, document: Document) -> Document:
        """Return ``document`` with its text, read again if it came without (from the cache).

        A file that no longer holds what the document was read from is a
        :class:`ConflictError`: an edit must start from what is there.
        """
        if document.source is not None or document.known_digest is None:
            return document
        again = self.get(document.path)
        if again.digest != document.known_digest:
            raise ConflictError(
                "changed since it was read; nothing was written; read it again", file=document.path
            )
        return again

    def put(self, document: Document, text: str, read: Parsed | None = None) -> SourceText:
        """Write ``text`` over the document's file, refused if the file changed since read.

        ``read`` is not used: a file is read again from what is on disk.
        """
        source = self.fresh(document).source
        if source is None:
            return self.create(document.path, text)
        if text == source.text:
            return source
        data = source.encode(text)
        replace_document(document.path, data, source.digest)
        return SourceText.decode(data, document.path)

    def create(self, path: Path, text: str, *, force: bool = False) -> SourceText:
        """Write a new file (its folder made); an existing one is refused unless ``force``."""
        data = text.encode("utf-8")
        write_new(path, data, force=force)
        return SourceText.decode(data, path)

    def next_id(self, profile: Profile, day: date) -> str:
        """Return the next free incident ID of ``day`` among the postmortems under the root."""
        files = self.find() if self.root.is_dir() else []
        index = IdIndex(profile.id_pattern, self.cache_folder)
        taken = index.highest(files, day)
        return format_id(profile.id_pattern, day, taken + 1)
