"""The names follow-through offers: export formats, report groupings and timed figures.

Kept apart from the exports and the report so a front end can list them in
its help without loading either.
"""

from __future__ import annotations

# Tracker imports and a calendar (see ``followup.exports``).
EXPORT_FORMATS = ("jira", "github", "linear", "ics")
# What ``aar report`` groups incidents by (see ``followup.report``).
GROUPINGS = ("severity", "month", "profile", "component", "category")
# The timed figures the report gives a median and p90 of.
TIMES = ("time_to_detect", "time_to_acknowledge", "time_to_mitigate", "time_to_resolve")
