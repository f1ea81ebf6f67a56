"""One database: its engine, read and write transactions, and the state of its schema.

SQLite writes take the database's write lock when they begin (``BEGIN
IMMEDIATE``), so two writers wait for each other instead of failing halfway;
readers never wait (write-ahead log). PostgreSQL writes lock the rows they
change (``SELECT ... FOR UPDATE``). Nothing a request needs is kept in a
worker's memory: several workers can share one PostgreSQL database.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from afteraction.errors import ConfigurationError
from afteraction.store.sql.config import POOL_SIZE

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_WAIT_SECONDS = 30
UPGRADE = "aar db upgrade"


class Database:
    """A database afteraction keeps postmortems in, named by its SQLAlchemy URL."""

    def __init__(self, url: str) -> None:
        try:
            self.url: URL = make_url(url)
        except ArgumentError:
            raise ConfigurationError(
                f"'{url}' is not a database URL", field="server.database_url"
            ) from None
        self.engine = _engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = self.engine.execution_options(aar_write=True)
        # A read sees one snapshot throughout: PostgreSQL's default (read committed) would
        # show each statement what was committed by then, so two reads of a row could differ.
        self._reader = (
            self.engine.execution_options(isolation_level="REPEATABLE READ")
            if self.dialect == "postgresql"
            else self.engine
        )
        # SQLite has one writer at a time: this process's writers queue here, in turn,
        # instead of polling the database's lock (which favours no one).
        self._write_turn = threading.Lock() if self.dialect == "sqlite" else None

    @property
    def dialect(self) -> str:
        """Return ``sqlite`` or ``postgresql``."""
        return self.url.get_backend_name()

    @property
    def shown(self) -> str:
        """Return the URL with any password hidden, for messages."""
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Open a read transaction: one consistent snapshot, on both databases."""
        with self._sessions(bind=self._reader) as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """Open a write transaction: committed when the block ends, rolled back if it raises."""
        with self._turn(), self._sessions(bind=self._writer) as session, session.begin():
            yield session

    @contextmanager
    def _turn(self) -> Iterator[None]:
        if self._write_turn is None:
            yield
            return
        with self._write_turn:
            yield

    def schema_state(self) -> tuple[str | None, str]:
        """Return the schema revision the database is at (None: empty) and the one of this code."""
        from alembic.runtime.migration import MigrationContext

        head = head_revision()
        try:
            with self.engine.connect() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
        except OperationalError as exc:
            raise ConfigurationError(
                f"cannot open the database {self.shown}: {exc.orig}", field="server.database_url"
            ) from None
        return current, head

    def require_current(self) -> None:
        """Refuse a database whose schema is behind (or ahead of) this code, naming the fix."""
        current, head = self.schema_state()
        if current == head:
            return
        if current is None:
            raise ConfigurationError(
                f"the database {self.shown} has no afteraction tables yet: run `{UPGRADE}`",
                field="server.database_url",
            )
        raise ConfigurationError(
            f"the database {self.shown} is at schema {current}, this version needs {head}:"
            f" run `{UPGRADE}` (after a backup)",
            field="server.database_url",
        )

    def upgrade(self) -> tuple[str | None, str]:
        """Apply every migration not yet applied; return the revisions before and after."""
        from alembic import command

        before, head = self.schema_state()
        if before != head:
            config = self._alembic()
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            if before is not None and self.dialect == "sqlite":
                self._compact()
        return before, head

    def _compact(self) -> None:
        """Write the SQLite file again, packed (VACUUM).

        A migration that moves data leaves rows spread over as many pages as
        before, and every scan reads them all.
        """
        connection = self.engine.raw_connection()  # the driver's, outside any transaction
        try:
            connection.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
        except sqlite3.Error as exc:
            raise ConfigurationError(
                f"the schema of {self.shown} is upgraded, but packing the file failed ({exc}):"
                f" it works as it is; run `sqlite3 {self.url.database} VACUUM` when nothing"
                " else has it open and the disk has room for a copy",
                field="server.database_url",
            ) from None
        finally:
            connection.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def _alembic(self) -> Any:
        return _alembic_config()


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """Return the schema revision this version of afteraction needs (the newest migration)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return str(head)


def _engine(url: URL) -> Engine:
    backend = url.get_backend_name()
    try:
        if backend == "sqlite":
            return _sqlite_engine(url)
        if backend == "postgresql":
            # As many connections as a worker may run requests at once, so none is opened and
            # closed per request under load.
            return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=0)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise ConfigurationError(
            f"no driver for {url.drivername} ({exc}): install afteraction[postgres]"
            " and use postgresql+psycopg://",
            field="server.database_url",
        ) from None
    raise ConfigurationError(
        f"unsupported database '{backend}' (SQLite or PostgreSQL)", field="server.database_url"
    )


def _sqlite_engine(url: URL) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    if url.database and not in_memory:
        folder = Path(url.database).parent
        if not folder.is_dir():
            raise ConfigurationError(
                f"no folder {folder} for the database {url.database}", field="server.database_url"
            )
    # A file: a connection per request the worker runs at once, kept, none opened per request.
    pooled = {} if in_memory else {"pool_size": POOL_SIZE, "max_overflow": 0}
    engine = create_engine(
        url, connect_args={"timeout": SQLITE_WAIT_SECONDS, "check_same_thread": False}, **pooled
    )

    @event.listens_for(engine, "connect")
    def _connect(connection: Any, _record: Any) -> None:
        # Transactions are begun here, not by the driver, so a write can begin IMMEDIATE.
        connection.isolation_level = None
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_WAIT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        write = connection.get_execution_options().get("aar_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
