"""Recognise template placeholders left in a value: ``[Name]``, ``{DATE}``, ``___``."""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(
    r"""^(
        \[[^\]]*\]                       # [Name], [S1/S2/S3/S4]
      | \{[^}]*\}                        # {DATE}
      | \$?\[[^\]]*\]                    # $[amount]
      | \$\{[^}]*\}                      # ${amount}
      | _{3,}                            # ___
      | \*\([^)]*\)\*                    # *(describe ...)*
      | <[A-Z_]+>                        # <INCIDENT_ID>
      | YYYY-MM-DD | HH:MM | hh:mm
      | [A-Z]+(\s*/\s*[A-Z]+)+           # YES / NO, DRAFT / UNDER REVIEW / FINAL
      | [A-Z]+-\{[^}]*\}(-\{[^}]*\})*    # INC-{YYYYMMDD}-{NNN}
      | [A-Z]+-YYYY[-\w#]*               # INC-YYYY-MM-DD-###
      | P\{[^}]*\}                       # P{0-3}
    )$""",
    re.VERBOSE,
)
_SPACE_OR_MARKUP = re.compile(r"[\s`*_]")


def is_placeholder(value: str) -> bool:
    """Return True when ``value`` is empty or is only a template placeholder."""
    text = value.strip()
    if not _SPACE_OR_MARKUP.sub("", text):
        return True
    inner = text.strip("*").strip()
    return bool(_PLACEHOLDER.match(inner))
