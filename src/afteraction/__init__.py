"""afteraction: build, check and convert incident postmortems."""

__version__ = "0.1.0"
