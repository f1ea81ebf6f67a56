"""AAR307: impact figures carry their unit or currency."""

from __future__ import annotations

import re
from collections.abc import Iterator

from afteraction.lint.document import LintDocument, cell_spans
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import mentions

COUNT_WORDS = [
    "users", "customers", "orders", "accounts", "requests", "positions", "trades",
    "transactions", "systems", "services", "merchants", "partners", "loans", "clients",
    "sessions", "teams", "tickets",
]  # fmt: skip
FIGURE_WORDS = [
    "loss", "cost", "revenue", "pnl", "p&l", "amount", "volume", "downtime", "latency",
    "slippage", "exposure", "funds", "financial",
]  # fmt: skip
# Impact parts that hold a figure; users is a count and money is checked for its currency.
_IMPACT = ("impact.data_loss", "impact.systems", "impact.description")
_CURRENCY = re.compile(
    r"[$€£¥₹₩₽₺₿]|\b[A-Z]{3,5}\b|\b(?:dollars?|euros?|pounds?|yen|usd|eur|gbp)\b", re.IGNORECASE
)
_CODE = re.compile(r"[$€£¥₹₩₽₺₿]|\b[A-Z]{3,5}\b|\b(?:dollars?|euros?|pounds?|yen)\b")
_QUALIFIER = re.compile(
    r"^(?:~|≈|<|>|≤|≥|about|approx\.?|approximately|around|roughly|over|under|up to|"
    r"more than|less than|at least|at most|est\.?|estimated)\s*",
    re.IGNORECASE,
)
_BARE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?\s*[kKmMbB]?")
_ZERO = re.compile(r"[-+]?0+(?:[.,]0+)?")
_HINTS = {
    "downtime": "minutes",
    "latency": "ms",
    "volume": "orders or $",
    "data loss": "records or GB",
}


class ImpactUnits(Rule):
    """An impact figure written without its unit or currency."""

    id = "AAR307"
    name = "impact-units"
    summary = "Impact figures state their unit or currency."
    rationale = (
        "'Loss: 5000' can be dollars, euros, orders or minutes; a reader comparing incidents,"
        " or a finance team adding them up, cannot tell. Write the currency with money"
        " ('$5,000', '5,000 EUR') and the unit with other figures ('45 minutes', '250 ms',"
        " '1,200 records'). Figures that count things (users, orders, accounts; option"
        " `count_words`) need no unit; option `figure_words` names the labels that hold a"
        " figure."
    )
    options = {"count_words": COUNT_WORDS, "figure_words": FIGURE_WORDS}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report money without a currency and figures written as a bare number."""
        del ctx
        by_line: dict[int, set[str]] = {}
        for path, line in doc.parsed.lines.items():
            if path == "impact.money" or path in _IMPACT or path.startswith("fields."):
                by_line.setdefault(line, set()).add(path)
        for line in sorted(by_line):
            paths = by_line[line]
            found = _written(doc, line)
            if found is None:
                continue
            label, value, col = found
            if not re.search(r"\d", value) or _ZERO.fullmatch(_unqualified(value)):
                continue
            if "impact.money" in paths:
                if _CURRENCY.search(value) is None:
                    yield self.finding(
                        doc,
                        line,
                        f"{label} '{value}' has no currency: write it with its symbol or"
                        f" code, e.g. '${_unqualified(value)}' or '{_unqualified(value)} EUR'",
                        col=col,
                    )
                continue
            figure = bool(paths & set(_IMPACT)) or mentions(label, self.settings["figure_words"])
            if not figure or mentions(label, self.settings["count_words"]):
                continue
            if _BARE.fullmatch(_unqualified(value)):
                yield self.finding(
                    doc,
                    line,
                    f"{label} '{value}' is a bare number: write its unit ({_hint(label)})"
                    " so readers know what it measures",
                    col=col,
                )


def _written(doc: LintDocument, line: int) -> tuple[str, str, int] | None:
    """Return the label, the value and the value's column on a labelled line or row."""
    span = doc.value_span(line)
    if span is None or span[0] == span[1]:
        return None
    text = doc.line_text(line)
    if text.lstrip().startswith("|"):
        cells = cell_spans(text)
        label = text[cells[0][0] : cells[0][1]] if cells else ""
    else:
        label = text[: span[0]]
    label = re.sub(r"^\s*[-*+]\s+|[*_|]", "", label).strip().rstrip(":").strip()
    value = text[span[0] : span[1]].strip()
    return (label or "the figure"), value, span[0] + 1


def _unqualified(value: str) -> str:
    """Return a value without a leading 'about', '~' or '>'."""
    return _QUALIFIER.sub("", value.strip()).strip()


def _hint(label: str) -> str:
    lowered = label.lower()
    for word, unit in _HINTS.items():
        if word in lowered:
            return f"e.g. {unit}"
    if re.search(r"loss|cost|revenue|pnl|p&l|amount|slippage|exposure|funds|financial", lowered):
        return "a currency, e.g. $ or EUR"
    return "e.g. minutes, ms, GB, records or a currency"
