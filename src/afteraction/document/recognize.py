"""Tell which profile a Markdown postmortem follows."""

from __future__ import annotations

from dataclasses import dataclass

from afteraction.document.kinds.common import norm
from afteraction.document.kinds.fields import split_labelled
from afteraction.document.markdown import RawDocument
from afteraction.document.templates import _pattern
from afteraction.profiles.registry import ProfileRegistry
from afteraction.profiles.schema import Profile

THRESHOLD = 0.5


@dataclass(frozen=True)
class Match:
    """How well a document fits a profile (0 to 1)."""

    profile: Profile
    score: float


@dataclass(frozen=True)
class _Written:
    """What a document writes that recognition compares: headings, header labels, title."""

    headings: frozenset[str]
    count: int
    labels: frozenset[str]
    title: str

    @classmethod
    def of(cls, raw: RawDocument) -> _Written:
        written = [norm(s.heading) for s in raw.all_sections()]
        pairs = [split_labelled(line) for line in raw.preamble_lines]
        labels = frozenset(norm(pair[0]) for pair in pairs if pair)
        return cls(frozenset(written), len(written), labels, raw.title or "")


def score(raw: RawDocument, profile: Profile) -> float:
    """Score how closely a document follows ``profile``'s headings, header labels and title."""
    return _score(_Written.of(raw), profile)


def _score(written: _Written, profile: Profile) -> float:
    expected = [norm(s.heading) for s in profile.sections]
    if not written.count or not expected:
        return 0.0
    hits = sum(1 for h in expected if h in written.headings)
    heading_score = hits / max(len(expected), written.count)
    labels = {norm(f.label) for f in profile.header}
    label_score = len(labels & written.labels) / len(labels) if labels else 0.0
    pattern, _ = _pattern(profile.title)
    exact_title = written.title in profile.title_aliases or (
        bool(pattern.fullmatch(written.title)) and not profile.title.startswith("{")
    )
    return 0.7 * heading_score + 0.2 * label_score + (0.1 if exact_title else 0.0)


def recognize(raw: RawDocument, profiles: list[Profile]) -> Match | None:
    """Return the best-fitting profile, or None when no profile fits well enough."""
    written = _Written.of(raw)
    best = max(
        (Match(p, _score(written, p)) for p in profiles), key=lambda m: m.score, default=None
    )
    return best if best is not None and best.score >= THRESHOLD else None


def choose_profile(
    raw: RawDocument, registry: ProfileRegistry, name: str | None = None
) -> tuple[Profile, bool]:
    """Return the profile to read a document in, and whether the document follows it.

    A named profile is followed; otherwise the best-fitting one is, and a
    document that fits none gets the generic reading of the default profile.
    """
    if name is not None:
        return registry.get(name), True
    match = recognize(raw, [registry.get(n) for n in registry.names()])
    if match is None:
        return registry.get("default"), False
    return match.profile, True


def not_a_postmortem(raw: RawDocument) -> str | None:
    """Say why a text is no postmortem at all (empty, JSON, no heading), or None when it may be.

    A postmortem has a title, a heading or front matter; a JSON file or
    plain prose with none of them is refused rather than read into an
    empty record.
    """
    text = raw.source.strip()
    if not text:
        return "the file is empty: there is no postmortem to read"
    if raw.title is not None or raw.sections or raw.front_matter:
        return None
    if text[0] in "{[" and text[-1] in "}]":
        return "this is JSON, not a Markdown postmortem"
    return "not a postmortem: no title, headings or front matter"
