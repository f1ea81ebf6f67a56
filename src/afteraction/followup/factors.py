"""Contributing factors sorted into categories, so reports can say what keeps going wrong.

A factor names its category itself (``[Monitoring] no alert on ...``,
``Monitoring: no alert ...`` or ``Category: Monitoring`` in its text), or
is sorted by the first group of words it uses, in the order below.
"""

from __future__ import annotations

import re

from afteraction.model import Factor

OTHER = "Other"
CATEGORIES: dict[str, tuple[str, ...]] = {
    "Change management": (
        "deploy", "release", "rollout", "roll out", "push", "migration", "upgrade", "change",
    ),
    "Configuration": ("config", "setting", "flag", "parameter", "threshold"),
    "Monitoring and alerting": (
        "alert", "monitor", "dashboard", "observab", "detect", "paging", "metric", "log",
    ),
    "Testing": ("test", "validation", "validat", "staging", "canary", "qa", "review"),
    "Capacity": ("capacity", "load", "saturat", "memory", "cpu", "disk", "scal", "throttl"),
    "Dependencies": (
        "dependenc", "vendor", "third-party", "third party", "upstream", "provider", "oracle",
        "partner",
    ),
    "Process and runbooks": (
        "process", "runbook", "procedure", "documentation", "training", "communication",
        "handoff", "hand-off", "ownership", "on-call",
    ),
    "Software defect": ("bug", "defect", "race", "regression", "null", "exception", "logic"),
    "Infrastructure": (
        "network", "dns", "certificate", "hardware", "node", "cluster", "database", "failover",
        "region",
    ),
}  # fmt: skip
_STEMS = {
    category: re.compile("|".join(rf"\b{re.escape(stem)}" for stem in stems))
    for category, stems in CATEGORIES.items()
}
_STATED = re.compile(
    r"^\s*\[(?P<a>[^\]]+)\]|^\s*(?P<b>[A-Za-z][\w &/-]{2,30}):\s|category:\s*(?P<c>[^\n.;]+)",
    re.IGNORECASE,
)


def factor_category(factor: Factor) -> str:
    """Return the category a contributing factor falls in."""
    text = " ".join(
        t for t in (factor.title, factor.description or "", factor.contribution or "") if t
    )
    stated = _STATED.search(text)
    if stated:
        named = (stated["a"] or stated["b"] or stated["c"] or "").strip()
        known = _known(named)
        if known is not None:
            return known
    words = text.casefold()
    for category, pattern in _STEMS.items():
        if pattern.search(words):
            return category
    return OTHER


def _known(name: str) -> str | None:
    """Return the category a stated name means (its name, or a word of its stems)."""
    folded = name.casefold()
    for category, stems in CATEGORIES.items():
        if folded == category.casefold() or any(folded.startswith(stem) for stem in stems):
            return category
    return None
