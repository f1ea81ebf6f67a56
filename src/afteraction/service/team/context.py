"""The team: one database and the workspace (profiles, rules, sources) every request shares.

A request runs in one transaction: :meth:`Team.reading` or :meth:`Team.writing`
gives a :class:`~afteraction.service.workspace.Workspace` whose store is the
SQL store of that transaction, so the CLI's use cases run on it unchanged.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from afteraction.errors import ConflictError, ForbiddenError, UnauthorizedError
from afteraction.profiles.labels import norm
from afteraction.service.workspace import Workspace
from afteraction.settings import Settings, load_settings
from afteraction.store.sql.database import Database
from afteraction.store.sql.store import Change, SqlStore, StagedStore, reading_of

ROLES = ("viewer", "author", "reviewer", "admin")
"""Team roles, each allowed what the one before it is, and more."""
STAGED_TRIES = 2
"""How often an edit is worked out without the write lock before it is made under it."""

Result = TypeVar("Result")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Actor:
    """Who makes a request: a user, their team role, the sign-off roles they hold, the scope.

    ``scope`` is ``write`` for a login or a write token, ``read`` for a read token.
    """

    name: str
    role: str
    sign_roles: frozenset[str] = frozenset()
    scope: str = "write"
    display_name: str = ""

    def at_least(self, role: str) -> bool:
        """Say whether the actor's role is ``role`` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def require(self, role: str, doing: str) -> None:
        """Refuse unless the actor's role is ``role`` or above (and, to write, the scope allows)."""
        if not self.at_least(role):
            raise ForbiddenError(f"{doing} needs the {role} role; {self.name} is a {self.role}")
        if role != "viewer" and self.scope != "write":
            raise ForbiddenError(f"{doing} needs a token with the write scope")

    def holds(self, sign_role: str) -> bool:
        """Say whether the actor may sign for ``sign_role`` (matched as labels are)."""
        return norm(sign_role) in self.sign_roles


SYSTEM = Actor("system", "admin")
"""The server itself (alert webhooks, migrations): every right, named in the log as system."""


def anonymous() -> Actor:
    """Refuse a request without credentials."""
    raise UnauthorizedError("log in, or send an API token (Authorization: Bearer ...)")


class Remembered:
    """The last ``size`` answers by key, safe across threads: a worker's own shortcut.

    Keys name exactly what an answer depends on (a postmortem's revision and
    digest ...), so another worker without the entry answers the same.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._found: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object | None:
        """Return what was kept for ``key``, if anything."""
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
            return found

    def put(self, key: Hashable, value: object) -> None:
        """Keep ``value`` for ``key``, forgetting the least recently used beyond ``size``."""
        with self._lock:
            self._found[key] = value
            self._found.move_to_end(key)
            while len(self._found) > self.size:
                self._found.popitem(last=False)


@dataclass
class Team:
    """A team's database and what every request reads besides it."""

    database: Database
    workspace: Workspace
    now: Callable[[], datetime] = field(default=_now)
    read_as: str = ""
    rendered: Remembered = field(default_factory=Remembered, repr=False)

    def __post_init__(self) -> None:
        self.read_as = self.read_as or reading_of(self.workspace.profiles)

    @classmethod
    def open(cls, settings: Settings | None = None, *, url: str | None = None) -> Team:
        """Open the team whose settings are found from the current folder (or given)."""
        settings = settings if settings is not None else load_settings(Path.cwd())
        workspace = Workspace.open(settings.lint.root, settings)
        workspace.rules  # noqa: B018 - discovered once per process, not per request
        workspace.sources  # noqa: B018
        database = Database(url or settings.server.url(settings.lint.root))
        return cls(database, workspace)

    @contextmanager
    def reading(self, store: type[SqlStore] = SqlStore) -> Iterator[Workspace]:
        """Give a workspace over the store (a ``store``), in one read transaction."""
        with self.database.reading() as session:
            yield self.workspace.with_store(
                store(session, self.workspace.profiles, now=self.now, reading=self.read_as)
            )

    @contextmanager
    def writing(self, actor: Actor, action: str, message: str = "") -> Iterator[Workspace]:
        """Give a workspace over the store, in one write transaction made by ``actor``."""
        change = Change(actor.name, action, message)
        try:
            with self.database.writing() as session:
                store = SqlStore(
                    session, self.workspace.profiles, change, now=self.now, reading=self.read_as
                )
                yield self.workspace.with_store(store)
        except IntegrityError:
            # Another writer made the same thing (an ID, a name) at the same moment.
            raise ConflictError(
                "something with the same name was made at the same moment: nothing was written;"
                " try again"
            ) from None

    def edit(
        self,
        actor: Actor,
        action: str,
        ref: str,
        attempt: Callable[[Workspace, bool], Result],
        message: str = "",
    ) -> tuple[Result, int]:
        """Run an edit of postmortem ``ref``; return what ``attempt`` gave and the version after.

        ``attempt(workspace, lock)`` is the use case: it reads the postmortem
        (locking its row when ``lock``) and saves it through the store. It is
        first run in a read transaction, its saves kept, not made: the reading,
        editing and checking, most of an edit's time, hold no lock, so edits of
        other postmortems (on SQLite, every other write) need not wait for it.
        The saves are then made in a write transaction, each refused if the
        postmortem changed since it was read; after ``STAGED_TRIES`` such
        refusals, the edit runs whole in the write transaction, as two edits
        of one postmortem at once must take turns.
        """
        for _ in range(STAGED_TRIES):
            try:
                with self.reading(StagedStore) as space:
                    result, staged = attempt(space, False), space.store
                    assert isinstance(staged, StagedStore)
                    if not staged.saves:
                        return result, staged.revision(ref)
                with self.writing(actor, action, message) as space:
                    store = sql(space)
                    for save in staged.saves:
                        store.put(save.document, save.text, save.read)
                    return result, store.revision(ref)
            except ConflictError:
                continue  # changed meanwhile: worked out again on what it holds now
        with self.writing(actor, action, message) as space:
            return attempt(space, True), sql(space).revision(ref)


def refresh(team: Team) -> int:
    """Read again the postmortems last read another way (an upgrade, new profiles); say how many.

    Lists, filters and reports read what each save derived from the text;
    after the reading changed, this makes it again. No revision is added.
    """
    with team.writing(SYSTEM, "refresh") as space:
        return sql(space).rederive_stale()


def sql(workspace: Workspace) -> SqlStore:
    """Return the SQL store of a team workspace."""
    store = workspace.store
    if not isinstance(store, SqlStore):
        raise TypeError("a team use case was given a workspace that is not over the SQL store")
    return store
