"""AAR702: every related incident named by ID is a postmortem that exists."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.lint.finding import Finding
from afteraction.lint.rule import Corpus, CorpusRule, Facts


class RelatedIncident(CorpusRule):
    """A related incident whose ID no postmortem has."""

    id = "AAR702"
    name = "related-incident"
    summary = "Every related incident named by ID has a postmortem in the corpus."
    rationale = (
        "Linking related incidents is how recurring failures are noticed; a link to an ID no"
        " postmortem has is a dead end, often a typo or an incident that was never written up."
        " The rule knows every ID only when the `corpus` setting names where all postmortems"
        ' live (for example `corpus = ["postmortems/**/*.md"]`), so it stays silent without'
        " it. IDs of incidents kept elsewhere can be listed in the `known` option."
    )
    options = {"known": []}

    def check_corpus(self, facts: Facts, corpus: Corpus) -> Iterator[Finding]:
        """Report each related ID that no document in the corpus has."""
        if not corpus.complete:
            return
        known = set(self.settings["known"])
        for mention in facts.related:
            if (
                mention.value not in corpus.by_id
                and mention.value not in known
                and ("/" not in mention.value)
            ):
                yield self.at(
                    facts.path,
                    mention,
                    f"related incident '{mention.value}' has no postmortem in the corpus:"
                    " fix the ID, or add the postmortem",
                )
