"""AAR701: every linked evidence or related file exists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from afteraction.lint.finding import Finding
from afteraction.lint.rule import Corpus, CorpusRule, Facts


class EvidenceLink(CorpusRule):
    """A link to a local file that is not there."""

    id = "AAR701"
    name = "evidence-link"
    summary = "Every evidence or related-incident link to a local file resolves."
    rationale = (
        "Evidence (logs, dashboards exported as files, config diffs) is what lets a reader or"
        " an auditor check the postmortem's claims. A relative link to a file that was moved,"
        " renamed or never committed silently breaks that. Links are resolved from the"
        " document's folder; web addresses are not fetched."
    )

    def check_corpus(self, facts: Facts, corpus: Corpus) -> Iterator[Finding]:
        """Report each linked local file that does not exist (checked on every run)."""
        del corpus
        folder = Path(facts.path).parent
        for mention in facts.links:
            target = folder / unquote(mention.value)
            if not target.exists():
                yield self.at(
                    facts.path,
                    mention,
                    f"linked file '{mention.value}' does not exist next to the document:"
                    " fix the path, or commit the file",
                )
