"""Where postmortems are kept: the store interface and the folder store that implements it."""

from afteraction.store.base import DocumentStore
from afteraction.store.folder import FolderStore

__all__ = ["DocumentStore", "FolderStore"]
