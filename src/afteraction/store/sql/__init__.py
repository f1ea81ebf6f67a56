"""The SQL store: postmortems, their revisions, people and the log of changes in one database.

SQLite by default (a file, no set-up); PostgreSQL through a
``postgresql+psycopg://`` URL. The schema is kept by Alembic migrations
(:mod:`afteraction.store.sql.schema`).
"""
