"""The timeline's default caps, apart from the readers so a front end can show them cheaply."""

from __future__ import annotations

# Events more days than this from the incident are left out (see ``timeline.far``).
FAR_DAYS = 7
# Most log events a timeline keeps; alerts, pages, messages and deploys are always kept.
DEFAULT_LIMIT = 500
