"""AAR601: no person is named as the cause of the incident."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from afteraction.document.placeholders import is_placeholder
from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import Masked, cause_passages, locate, mask_markup

# Record fields (and front-matter keys) that hold people: authors, reviewers, commanders.
_PERSON_FIELD = re.compile(
    r"^(?:.*_)?(?:authors?|reviewers?|reviewed_by|(?:incident_)?commanders?|owners?"
    r"|attendees|approvers?|approved_by|responders?|on_?call|scribe|participants?)$"
)
# Words that make an actor or owner a system, a team or a role rather than a person.
_NOT_PERSON = re.compile(
    r"\b(?:bots?|system|systems|monitor|monitoring|automation|automated|auto|pipeline|ci|cd"
    r"|cron|scheduler|teams?|squad|group|services?|alerts?|alerting|alertmanager|pagerduty"
    r"|opsgenie|customers?|users?|clients?|on-?call|oncall|sre|ops|devops|engineering|support"
    r"|security|vendor|github|slack|jenkins|travis|kubernetes|k8s|aws|gcp|azure|unknown|none"
    r"|n/?a|tbd|tbc|everyone|all|staff|partners?|exchange|venue|broker|external|internal"
    r"|infra|infrastructure|platform|network|database|db|dba|deploy|deployer|release|self"
    r"|admin|administrator|operator|engineer|developer|manager|lead|commander|reviewer"
    r"|author|owner|role|name)\b",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w.@/])@([A-Za-z0-9](?:[\w-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9][\w-]*)*)")
_HONORIFIC = re.compile(r"^(?:dr|mr|mrs|ms|mx|prof)\.?\s+", re.IGNORECASE)
_SPLIT_NAMES = re.compile(r"[,;/&+]|\band\b")
_NAME_PART = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019-])+")

# After the name: the person as the subject of a failure.
_ADVERB = (
    r"(?i:(?:had|has|have|was|then|also|just|simply|apparently|accidentally|mistakenly"
    r"|inadvertently|carelessly|unintentionally|unknowingly|incorrectly|wrongly"
    r"|erroneously|manually|again)\s+){0,2}"
)
_BAD = r"(?:bad|broken|wrong|faulty|buggy|incorrect|untested|invalid|erroneous|bogus|unreviewed)"
_DILIGENCE = (
    r"(?:check|test|review|run|ran|notic|follow|verif|read|validat|double-check|confirm"
    r"|catch|caught|realis|realiz|consider|wait|escalat|updat|look|ask|think|thought"
    r"|bother|monitor|pay|paid|roll)\w*"
)
_FAILURE = (
    r"(?i:broke|breaks|forgot|forgets|deleted|deletes|dropped(?!\s+(?:off|out|by|in)\b)"
    r"|missed|misses|failed(?!\s+over\b)|fails(?!\s+over\b)|neglected|ignored|ignores"
    r"|overlooked|misconfigured|misconfigures|mistyped|fat-fingered|skipped|caused|causes"
    r"|messed\s+up|screwed\s+up"
    r"|made\s+(?:an?\s+|the\s+|several\s+|multiple\s+)?(?:\w+\s+)?"
    r"(?:mistake|error|typo|blunder|slip)s?"
    r"|(?:pushed|merged|deployed|shipped|committed|released|applied|approved|introduced"
    rf"|wrote|ran|typed|entered|used|set)\s+(?:an?\s+|the\s+|some\s+)?{_BAD}"
    rf"|(?:did\s+not|didn['\u2019]t|never|forgot\s+to|neglected\s+to)\s+{_DILIGENCE}"
    r"|was\s+(?:careless|negligent|sloppy|to\s+blame|at\s+fault))\b"
)
# Before the name: the person as the agent of blame.
_AGENT = (
    r"(?i:(?:caused|triggered|broken|introduced|deleted|pushed|merged|deployed|misconfigured"
    r"|committed)\s+by|because(?:\s+of)?|due\s+to|owing\s+to|blamed?\s+on|fault\s+of"
    r"|(?:mistake|error|oversight)\s+(?:of|by))\s+"
)
# After a possessive name: the person's mistake.
_POSSESSIVE = (
    r"['\u2019]s?\s+(?i:(?:own|big|small|simple|honest|careless|earlier)\s+)?"
    rf"(?i:mistake|error|fault|typo|oversight|slip|blunder|negligence|carelessness"
    rf"|{_BAD}\s+\w+)\b"
)
# After a name the agent pattern found: a team or group, not the person.
_GROUP = re.compile(
    r"['\u2019]s\s+(?:team|group|squad|org|organisation|organization|department)\b",
    re.IGNORECASE,
)
# What may not come just before or after a name: it would be part of a longer word or handle.
_NAME_EDGE = re.compile(r"[\w@./-]")
_NAME_END = re.compile(r"[\w@-]")
# After a name: the person is the subject of a failure, or a possessive ("Sam's mistake").
_AFTER_NAME = re.compile(rf"(?:\s{{0,3}},\s{{1,3}}who)?\s{{1,3}}{_ADVERB}{_FAILURE}|{_POSSESSIVE}")
# Just before a name: the person as the agent of blame ("caused by Sam").
_BEFORE_NAME = re.compile(rf"(?<![\w-]){_AGENT}$")
# A person by pronoun: "he didn't check", "she forgot to run", "because of him".
_PRONOUN = re.compile(
    rf"(?<![\w'\u2019-])(?:(?P<subject>(?i:he|she))\s+{_ADVERB}{_FAILURE}"
    rf"|{_AGENT}(?P<object>(?i:him\b|her(?=\s*[.,;:!?)]|\s*$))))"
)
# A front-matter line: ``key: value`` (YAML) or ``key = value`` (TOML), or a list item.
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*[:=]\s*(.*)$")
_FRONT_ITEM = re.compile(r"^\s+-\s+(.*)$|^-\s+(.*)$")


def _strip_name(value: str) -> str:
    """Return a name as written, without markup, an @ or an e-mail domain."""
    text = " ".join(mask_markup(value).split()).strip("*_`").strip()
    text = _HONORIFIC.sub("", text).lstrip("@")
    return text.split("@", 1)[0] if "@" in text and " " not in text else text


def _people(values: Iterable[str]) -> set[str]:
    """Return the person names in ``values`` (lists split, roles, teams and systems dropped)."""
    found: set[str] = set()
    for value in values:
        for piece in _SPLIT_NAMES.split(value or ""):
            if is_placeholder(piece) or "<" in piece or "[" in piece:
                continue
            name = _strip_name(re.sub(r"\([^()]*\)", "", piece))
            if (
                not name
                or len(name) < 2
                or len(name.split()) > 4
                or not re.search(r"[^\W\d_]{2}", name)
                or _NOT_PERSON.search(name)
                or not re.fullmatch(r"[\w.' \u2019-]+", name)
            ):
                continue
            found.add(name)
    return found


def _front_matter_people(source: str) -> list[str]:
    """Return the values of the front matter's author-like keys (YAML or TOML, read simply)."""
    values: list[str] = []
    key = ""
    for line in source.splitlines()[1:-1]:
        item = _FRONT_ITEM.match(line)
        if item is not None:
            if _PERSON_FIELD.match(key):
                values.append(item.group(1) or item.group(2))
            continue
        pair = _FRONT_KEY.match(line)
        key = pair.group(1).lower() if pair else ""
        if pair and _PERSON_FIELD.match(key) and pair.group(2).strip():
            values.append(re.sub(r"[\[\]\"']", "", pair.group(2)))
    return [v.strip().strip("\"'") for v in values]


def document_people(doc: LintDocument, extra: Iterable[str] = ()) -> set[str]:
    """Return the people the document names: owners, actors, signers, authors, @handles."""
    record = doc.record
    values: list[str] = list(extra)
    values += [item.owner for item in record.action_items if item.owner]
    values += [event.actor for event in record.timeline if event.actor]
    values += [s.name for s in record.sign_offs if s.name]
    values += [h.author for h in record.history if h.author]
    for key, value in record.fields.items():
        if key == "front_matter":
            values += _front_matter_people(value)
        elif _PERSON_FIELD.match(key.lower()):
            values.append(value)
    if "@" in doc.text:
        for line, text in enumerate(doc.lines, 1):
            if "@" in text and line not in doc.code_lines:
                values += [m.group(1) for m in _HANDLE.finditer(mask_markup(text))]
    return _people(values)


def _forms(name: str) -> list[tuple[str, bool]]:
    """Return how a name may be written, each form with whether its case may differ.

    ``sam.okafor`` may be written ``sam.okafor`` or ``@sam`` in any case, and
    ``Sam Okafor``, ``Sam`` or ``Okafor`` capitalised: so a name that is also
    a word ("Will", "Mark") is not found in running text.
    """
    parts = [p for p in re.split(r"[\s._-]+", name) if _NAME_PART.fullmatch(p)]
    forms = [(name, True)]
    if len(parts) >= 2:
        forms.append((" ".join(p[:1].upper() + p[1:] for p in parts), False))
    for part in parts:
        if len(part) >= 3 and part.lower() != name.lower():
            forms += [(part[:1].upper() + part[1:], False), ("@" + part, True)]
    return forms


def _mentions(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Return the spans of the names in ``text``, longest form first where two overlap."""
    lowered = text.lower()
    forms = sorted({f for n in names for f in _forms(n)}, key=lambda f: -len(f[0]))
    # Kept in order. Forms come longest first, so a span found later never holds one
    # found before: the spans stay separate, and the one before a point is found by bisection.
    spans: list[tuple[int, int]] = []
    for form, loose in forms:
        key = form.lower()
        at = lowered.find(key)
        while at >= 0:
            end = at + len(form)
            start = at - 1 if at > 0 and text[at - 1] == "@" else at
            if (
                (loose or text[at:end] == form)
                and (start == 0 or not _NAME_EDGE.match(text[start - 1]))
                and (end == len(text) or not _NAME_END.match(text[end]))
                and not _taken(spans, start, end)
            ):
                insort(spans, (start, end))
            at = lowered.find(key, at + 1)
    return spans


def _taken(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Say whether a span in ``spans`` holds ``start``, or ends at or after ``end`` past its start.

    That is ``any(s <= start < e or s < end <= e for s, e in spans)``, for
    spans in order and separate: the last span starting at or before a point
    reaches furthest of those.
    """
    before = bisect_right(spans, start, key=_first) - 1  # the last span starting by ``start``
    if before >= 0 and start < spans[before][1]:
        return True
    before = bisect_left(spans, end, key=_first) - 1  # the last span starting before ``end``
    return before >= 0 and end <= spans[before][1]


def _first(span: tuple[int, int]) -> int:
    return span[0]


def _blamed(plain: str, people: Iterable[str]) -> Iterator[tuple[int, int, int, int]]:
    """Yield each blaming phrase in ``plain``: its span, and the span of the person in it.

    The person is one the document names, or "he" / "she" / "him" / "her".
    """
    for start, end in _mentions(plain, people):
        after = _AFTER_NAME.match(plain, end)
        if after is not None:
            yield start, after.end(), start, end
            continue
        before = _BEFORE_NAME.search(plain[max(0, start - 40) : start])
        if before is not None and not _GROUP.match(plain, end):
            yield start - len(before.group(0)), end, start, end
    for match in _PRONOUN.finditer(plain):
        who = "subject" if match["subject"] else "object"
        yield match.start(), match.end(), match.start(who), match.end(who)


# A sentence ends at one of these followed by a space or the end of the line.
_STOP = re.compile(r"[.!?;](?=\s|$)")
_WORD = re.compile(r"\S+")


class _Sentences:
    """The sentences of one line, quoted for messages: each found by bisection, quoted once.

    A long line with many findings is read a fixed number of times, not once per finding.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.stops = [m.start() for m in _STOP.finditer(text)]
        self.masked = Masked.of(text)
        self.quoted: dict[tuple[int, int], str] = {}

    def around(self, start: int, end: int, limit: int = 90) -> str:
        """Return the sentence around ``start:end``, shortened to about ``limit``.

        It runs from the end of the last stop before ``start`` (a stop just
        before it counts even with no space after) to the first stop after ``end``.
        """
        text, stops = self.text, self.stops
        if start > 0 and text[start - 1] in ".!?;":
            first = start
        else:
            before = bisect_left(stops, start - 1)
            first = stops[before - 1] + 2 if before else 0
        after = bisect_left(stops, end)
        last = stops[after] + 1 if after < len(stops) else len(text)
        if (first, last) not in self.quoted:
            self.quoted[first, last] = self._quote(first, last, limit)
        return self.quoted[first, last]

    def _quote(self, first: int, last: int, limit: int) -> str:
        """Return ``" ".join(mask_markup(text[first:last]).split())``, cut at ``limit``."""
        masked, start, end = self.masked.part(first, last)
        words: list[str] = []
        size = -1
        for word in _WORD.finditer(masked, start, end):  # only as many words as are shown
            words.append(word.group(0))
            size += len(words[-1]) + 1
            if size > limit:
                break
        sentence = " ".join(words)
        return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


class BlamePerson(Rule):
    """A person named as the cause of the incident."""

    id = "AAR601"
    name = "blame-person"
    summary = "No person is named as the cause in the root cause, whys, factors or summary."
    rationale = (
        "A blameless postmortem asks what made an action possible or likely, not who took"
        " it. Once a name sits in the root cause ('Sam pushed a bad config'), the review"
        " stops looking at the deploy tool that accepted the config, the missing check and"
        " the runbook that said to push, and the people involved learn to say less next"
        " time. The rule knows the people the document itself names (action item owners,"
        " timeline actors, signers, authors and reviewers, @handles, and the `names` you"
        " add) and reports sentences in the root cause, the whys, the contributing factors"
        " and the summary where one of them broke, forgot or caused something, or where"
        " the incident is 'caused by' or 'due to' them; a person written as 'he' or 'she'"
        " ('he didn't check the config') is reported the same way."
    )
    options: ClassVar[Mapping[str, Any]] = {"names": []}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each sentence that makes a known person, or a he or she, the cause."""
        del ctx
        passages = cause_passages(doc, summary=True)
        people = document_people(doc, [str(n) for n in self.settings["names"]]) if passages else ()
        seen: set[tuple[int, int]] = set()
        for passage in passages:
            for text_line in passage.text.splitlines():
                sentences: _Sentences | None = None
                # Where the line is written, per document line: found once, not per finding.
                written: dict[int, int] = {}
                for first, last, start, end in _blamed(mask_markup(text_line), people):
                    who = text_line[start:end]
                    line = locate(doc, [text_line, text_line[first:last]], passage.line)
                    if line is None:
                        continue
                    if line not in written:
                        written[line] = doc.line_text(line).find(text_line)
                    at = written[line]
                    col = at + start + 1 if at >= 0 else doc.column(line, who)
                    if (line, col) in seen:
                        continue
                    seen.add((line, col))
                    sentences = sentences or _Sentences(text_line)
                    yield self.finding(
                        doc,
                        line,
                        f"{passage.place} names '{who}' as the cause"
                        f" ('{sentences.around(first, last)}'): write about the system"
                        " instead: what made this action possible or likely? e.g. 'the"
                        " deploy tool allowed an untested config'",
                        col=col,
                    )
