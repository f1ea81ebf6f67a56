"""Incident-ID patterns such as ``INC-{YYYY}{MM}{DD}-{NNN}``, as regular expressions."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

# Patterns come from profiles and lint settings a server may load without end.
_PATTERNS_KEPT = 256


@lru_cache(maxsize=_PATTERNS_KEPT)
def id_regex(pattern: str) -> re.Pattern[str]:
    """Compile a profile ID pattern to a regex with ``year``, ``month``, ``day``, ``seq`` groups.

    ``{YYYY}``, ``{MM}`` and ``{DD}`` are the date; ``{NNN}`` or ``{###}`` is a
    sequence number of at least that many digits.
    """
    parts = re.split(r"(\{[A-Z#]+\})", pattern)
    out = []
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            token = part[1:-1]
            name = {"YYYY": "year", "MM": "month", "DD": "day"}.get(token, "seq")
            count = f"{len(token)}," if name == "seq" else str(len(token))
            out.append(f"(?P<{name}>\\d{{{count}}})")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


def format_id(pattern: str, day: date, sequence: int) -> str:
    """Write the incident ID of ``day``'s ``sequence``-th incident in ``pattern``."""
    text = pattern.replace("{YYYY}", f"{day:%Y}").replace("{MM}", f"{day:%m}")
    text = text.replace("{DD}", f"{day:%d}")
    return re.sub(r"\{([N#]+)\}", lambda m: f"{sequence:0{len(m[1])}d}", text)
