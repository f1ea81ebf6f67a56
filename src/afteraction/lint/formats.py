"""Write a lint report as text, JSON, GitHub workflow commands or SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from afteraction import __version__
from afteraction.lint.config import LintConfig
from afteraction.lint.engine import LintReport
from afteraction.lint.rule import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"


def as_text(report: LintReport, config: LintConfig) -> str:
    """Return one ``file:line:col RULE message (link)`` line per finding, then the errors."""
    rules = {r.id: r for r in report.rules}
    lines = [
        f"{f.path}:{f.line}:{f.col} {f.rule} {f.message} ({config.url(rules[f.rule])})"
        for f in report.findings
    ]
    lines += [f"{r.error}" for r in report.errors]
    return "".join(line + "\n" for line in lines)


def as_json(report: LintReport, config: LintConfig) -> str:
    """Return the findings and errors as JSON with stable names."""
    rules = {r.id: r for r in report.rules}
    findings = []
    for finding in report.findings:
        data = finding.to_dict(edits=False)
        data["url"] = config.url(rules[finding.rule])
        findings.append(data)
    errors = [
        {"path": r.path, "line": r.error.line, "message": r.error.message}
        for r in report.errors
        if r.error is not None
    ]
    return json.dumps({"findings": findings, "errors": errors, "fixed": report.fixed}, indent=2)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(report: LintReport, config: LintConfig) -> str:
    """Return GitHub Actions workflow commands that annotate each finding in a pull request."""
    del config
    lines = [
        f"::warning file={_escape_property(f.path)},line={f.line},col={f.col},"
        f"title={_escape_property(f'{f.rule} {f.name}')}::{_escape_data(f.message)}"
        for f in report.findings
    ]
    lines += [
        f"::error file={_escape_property(r.path)}"
        + (f",line={r.error.line}" if r.error.line else "")
        + f"::{_escape_data(r.error.message)}"
        for r in report.errors
        if r.error is not None
    ]
    return "".join(line + "\n" for line in lines)


def _sarif_rule(rule: type[Rule], config: LintConfig) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "helpUri": config.url(rule),
        "help": {"text": f"{rule.summary}\n\n{rule.rationale}"},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"fixable": rule.fixable, "aliases": list(rule.aliases)},
    }


def _uri(path: str) -> str:
    return Path(path).as_posix()


def as_sarif(report: LintReport, config: LintConfig) -> str:
    """Return a SARIF 2.1.0 log for code-scanning tools."""
    rules = report.rules
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for finding in report.findings:
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": "warning",
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(finding.path)},
                        "region": {"startLine": finding.line, "startColumn": finding.col},
                    }
                }
            ],
        }
        result["ruleIndex"] = index[finding.rule]
        results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": r.error.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(r.path)},
                        **({"region": {"startLine": r.error.line}} if r.error.line else {}),
                    }
                }
            ],
        }
        for r in report.errors
        if r.error is not None
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "afteraction",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_sarif_rule(r, config) for r in rules],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)


FORMATS: dict[str, Callable[[LintReport, LintConfig], str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
    "sarif": as_sarif,
}
