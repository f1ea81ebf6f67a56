"""AAR302: timeline entries fall between the impact start and the resolution."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, tzinfo

from afteraction.document.zones import resolve_zone
from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import (
    entry_words,
    mentions,
    profile_time,
    shown_time,
    to_minute,
    written_time,
)
from afteraction.model import TimelineEvent

BEFORE_WORDS = [
    "deploy", "deployed", "deployment", "release", "released", "merged", "change", "changed",
    "config", "configuration", "push", "pushed", "rollout", "migration", "cron", "scheduled",
    "started", "upgrade", "upgraded", "commit", "committed", "published",
]  # fmt: skip
AFTER_WORDS = [
    "postmortem", "post-mortem", "review", "retro", "retrospective", "closed", "monitor",
    "monitoring", "reconciliation", "reconciled", "follow-up", "followup", "confirmed",
    "all clear", "announced", "announcement", "verified", "communicated", "customer communication",
]  # fmt: skip


class TimelineBounds(Rule):
    """A timeline entry before the impact started or after it was resolved."""

    id = "AAR302"
    name = "timeline-bounds"
    summary = "Timeline entries fall between the impact start and the resolution, or say why not."
    rationale = (
        "The impact start and the resolution bound the incident: the duration and the"
        " times to detect and to resolve are measured from them. An entry outside them is"
        " a cause or change made before impact (a deploy, a config push), a follow-up"
        " after it (monitoring, the review), or a sign that a key time is wrong: an alert"
        " that fired before the impact supposedly began makes the response look late for"
        " no reason. Entries whose text says what they are (options `before_words` and"
        " `after_words`) are fine; the others deserve a second look."
    )
    options = {"before_words": BEFORE_WORDS, "after_words": AFTER_WORDS}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report entries before the impact start or after the resolution."""
        del ctx
        times = doc.record.times
        start, end = times.started, times.resolved
        if start is None and end is None:
            return
        zone = resolve_zone(doc.profile.zone)
        for index, event in enumerate(doc.record.timeline):
            if event.time is None and event.date is None:
                continue
            before, after = _outside(event, start, end, zone)
            if before and start is not None:
                if mentions(entry_words(event), self.settings["before_words"]):
                    continue
                yield self._report(
                    doc,
                    index,
                    f"is before the impact start ({profile_time(doc, start)}): correct its time"
                    " or the impact start; if it happened before impact, say what it was"
                    " (e.g. 'config v412 deployed')",
                )
            elif after and end is not None:
                if mentions(entry_words(event), self.settings["after_words"]):
                    continue
                yield self._report(
                    doc,
                    index,
                    f"is after the resolution ({profile_time(doc, end)}): correct its time or"
                    " the resolution time; if it is a follow-up, say so"
                    " (e.g. 'monitoring confirms recovery')",
                )

    def _report(self, doc: LintDocument, index: int, problem: str) -> Finding:
        """Return the finding for entry ``index``, quoting its time as written."""
        written = written_time(doc, index)
        event = doc.record.timeline[index]
        if written:
            when = shown_time(written)
        elif event.time is not None:
            when = profile_time(doc, event.time)
        else:
            when = event.date.isoformat() if event.date is not None else "?"
        text = " ".join(event.text.split())
        quoted = f" ('{text[:39].rstrip()}…')" if len(text) > 40 else f" ('{text}')" if text else ""
        return self.finding(
            doc,
            doc.line_of(f"timeline[{index}]"),
            f"timeline entry {when}{quoted} {problem}",
            needle=written,
        )


def _outside(
    event: TimelineEvent, start: datetime | None, end: datetime | None, zone: tzinfo
) -> tuple[bool, bool]:
    """Say whether an entry is before the start and after the end (an entry with a day, by day)."""
    if event.time is not None:
        at = to_minute(event.time)
        return (
            start is not None and at < to_minute(start),
            end is not None and at > to_minute(end),
        )
    day = event.date
    return (
        day is not None and start is not None and day < start.astimezone(zone).date(),
        day is not None and end is not None and day > end.astimezone(zone).date(),
    )
