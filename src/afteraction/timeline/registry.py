"""Find timeline sources: the built-in readers and installed plugins, one way for all.

Built-in sources register as a plugin would: through the ``afteraction.sources``
entry-point group, whose entries name a package (every module in it is
searched for source classes), a module, a source class, or a function returning them.
A plugin that fails to load is skipped and named.
"""

from __future__ import annotations

from afteraction.errors import NotFoundError
from afteraction.plugins import ClassRegistry
from afteraction.timeline.source import Source

ENTRY_POINT_GROUP = "afteraction.sources"
BUILTIN_PACKAGE = "afteraction.timeline.sources"


class SourceRegistry(ClassRegistry[Source]):
    """Every known source class by name."""

    what = "source kind"
    group = ENTRY_POINT_GROUP
    builtin = BUILTIN_PACKAGE
    marker = "name"
    base = Source

    @property
    def sources(self) -> dict[str, type[Source]]:
        """Return the source classes by name."""
        return self.classes

    def get(self, word: str) -> type[Source]:
        """Return the source of this kind, or fail naming the kinds there are."""
        source = self.find(word)
        if source is None:
            known = ", ".join(self.names())
            raise NotFoundError(
                f"unknown source kind '{word}' (kinds: {known}, or auto)", field="sources"
            )
        return source
