"""Each rule's documentation, generated from its class: the header of its page, its data."""

from __future__ import annotations

import json
from typing import Any

from afteraction.lint.rule import CorpusRule, Rule


def rule_data(rule: type[Rule]) -> dict[str, Any]:
    """Return a rule's documentation as JSON-ready data with stable names."""
    return {
        "id": rule.id,
        "name": rule.name,
        "summary": rule.summary,
        "rationale": rule.rationale,
        "fixable": rule.fixable,
        "blocks_final": rule.blocks_final,
        "aliases": list(rule.aliases),
        "options": dict(rule.options),
        "scope": "corpus" if issubclass(rule, CorpusRule) else "document",
    }


def _scope(rule: type[Rule]) -> str:
    return "all linted documents together" if issubclass(rule, CorpusRule) else "one document"


def _option(value: Any) -> str:
    return f"`{json.dumps(value)}`"


def rule_header(rule: type[Rule]) -> str:
    """Return the generated top of a rule's page: title, summary, facts, rationale, options."""
    lines = [
        f"# {rule.id} `{rule.name}`",
        "",
        rule.summary,
        "",
        f"- Fixable: {'yes, with `aar lint --fix`' if rule.fixable else 'no'}",
        f"- Looks at: {_scope(rule)}",
    ]
    if rule.blocks_final:
        lines.append("- Blocks the final status: a server refuses the move while it is found")
    if rule.aliases:
        lines.append(f"- Also known as: {', '.join(f'`{a}`' for a in rule.aliases)}")
    lines += [
        f'- Turn off: `ignore = ["{rule.id}"]`, or `<!-- aar: disable={rule.id} -->` in the file',
        "",
        "## Why",
        "",
        rule.rationale,
        "",
    ]
    if rule.options:
        lines += [
            "## Options",
            "",
            f"Set in `[tool.afteraction.lint.rules.{rule.name}]` (or `[lint.rules.{rule.name}]`"
            " in `.afteraction.toml`).",
            "",
            "| Option | Default |",
            "|--------|---------|",
            *(f"| `{k}` | {_option(v)} |" for k, v in rule.options.items()),
            "",
        ]
    return "\n".join(lines)
