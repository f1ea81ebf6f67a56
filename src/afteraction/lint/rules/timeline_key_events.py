"""AAR303: the timeline shows when the incident was detected and when it was resolved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import (
    entry_words,
    mentions,
    profile_time,
    timeline_spec,
    to_minute,
)
from afteraction.model import TimelineEvent

DETECT_WORDS = [
    "alert", "alerted", "page", "paged", "detected", "noticed", "reported", "fired",
    "observed", "spotted", "warning", "warned", "became aware", "aware of", "declared",
]  # fmt: skip
RESOLVE_WORDS = [
    "resolved", "recovered", "restored", "fixed", "mitigated", "rolled back", "back to normal",
    "returns to normal", "returned to normal", "stop", "stopped", "closed", "end of outage",
    "patched", "operational",
]  # fmt: skip


class TimelineKeyEvents(Rule):
    """A timeline with no detection event or no resolution event."""

    id = "AAR303"
    name = "timeline-key-events"
    summary = "The timeline has a detection event and a resolution event."
    rationale = (
        "How the incident was noticed and how it ended are the moments every review asks"
        " about: the time to detect shows whether monitoring works, the time to resolve"
        " whether the response did, and both point at what the system, not a person,"
        " should do better. A timeline that skips either leaves readers to guess, and"
        " guesses tend to land on people. An entry counts when its time is the detection"
        " (or resolution or mitigation) time, or when its text says so (options"
        " `detect_words` and `resolve_words`)."
    )
    options = {"detect_words": DETECT_WORDS, "resolve_words": RESOLVE_WORDS}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report a timeline lacking a detection or a resolution entry, at its heading."""
        del ctx
        events = doc.record.timeline
        if not any(e.time is not None for e in events):
            return  # no timeline, or a history of days and months, not of a response
        times = doc.record.times
        spec = timeline_spec(doc)
        line = (doc.line_of(f"section.{spec.key}") if spec else None) or doc.line_of("timeline[0]")
        detected = any(
            _at(e, times.detected) or mentions(entry_words(e), self.settings["detect_words"])
            for e in events
        )
        resolved = any(
            _at(e, times.resolved)
            or _at(e, times.mitigated)
            or mentions(entry_words(e), self.settings["resolve_words"])
            for e in events
        )
        if not detected:
            when = f" at {profile_time(doc, times.detected)}" if times.detected else ""
            yield self.finding(
                doc,
                line,
                "the timeline has no detection event: add an entry"
                f"{when} saying how the incident was noticed (an alert, a page, a report)",
            )
        if not resolved:
            end = times.resolved or times.mitigated
            when = f" at {profile_time(doc, end)}" if end else ""
            yield self.finding(
                doc,
                line,
                "the timeline has no resolution event: add an entry"
                f"{when} saying how the impact ended (restored, rolled back, fixed)",
            )


def _at(event: TimelineEvent, moment: datetime | None) -> bool:
    """Say whether an entry is at ``moment``, to the minute."""
    if event.time is None or moment is None:
        return False
    return to_minute(event.time) == to_minute(moment)
