"""The team server: an ASGI app (FastAPI) over the team use cases; ``aar serve`` runs it."""
