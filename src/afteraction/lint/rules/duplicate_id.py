"""AAR405: no two postmortems share an incident ID."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.lint.finding import Finding
from afteraction.lint.rule import Corpus, CorpusRule, Facts


class DuplicateId(CorpusRule):
    """Two documents claim the same incident ID."""

    id = "AAR405"
    name = "duplicate-id"
    summary = "No two postmortems share an incident ID."
    rationale = (
        "The incident ID is how action items, related incidents, trackers and reports refer"
        " to a postmortem. Two documents with one ID make every such reference ambiguous,"
        " usually because a new postmortem was started by copying an old one. Give the newer"
        " document the next free ID (`aar new` picks one that collides with none). The rule"
        " compares the documents linted together and those the `corpus` setting names."
    )

    def check_corpus(self, facts: Facts, corpus: Corpus) -> Iterator[Finding]:
        """Report a document whose ID another document also has."""
        mine = facts.incident_id
        if mine is None:
            return
        others = sorted({f.path for f in corpus.by_id.get(mine.value, []) if f.path != facts.path})
        if others:
            also = ", ".join(others[:3]) + (
                f" and {len(others) - 3} more" if len(others) > 3 else ""
            )
            yield self.at(
                facts.path,
                mine,
                f"incident ID '{mine.value}' is also used by {also}: give each incident its own ID",
            )
