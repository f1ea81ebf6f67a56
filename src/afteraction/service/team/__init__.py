"""Use cases of the team server: a shared store of postmortems, people, review and sign-off.

Every front end of the server (the REST API, the web UI, the ``aar user`` and
``aar db`` commands) calls these; they call the same use cases as the CLI
(reading, rendering, linting, timeline and action-item edits) over the SQL store.
"""
