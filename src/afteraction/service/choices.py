"""The choices and defaults front ends show before a use case runs, cheap to import.

The use cases in the sibling modules load the parsers, profiles, rules and
sources; a command line needs only these names to build its options and
help, so it imports this module at start-up and the use cases when a
command runs (``aar --help`` reads no profile).
"""

from __future__ import annotations

from afteraction.followup.choices import EXPORT_FORMATS, GROUPINGS, TIMES
from afteraction.timeline.limits import DEFAULT_LIMIT, FAR_DAYS

__all__ = ["DEFAULT_LIMIT", "EXPORT_FORMATS", "FAR_DAYS", "GROUPINGS", "TIMES"]
