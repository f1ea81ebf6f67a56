"""The ``aar`` command line."""

from afteraction.cli.app import app, main

__all__ = ["app", "main"]
