"""Use cases shared by every front end: read, write, create, convert postmortems."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from afteraction.document.convert import convert
from afteraction.document.markdown import read_markdown
from afteraction.document.parse import Parsed, read_document
from afteraction.document.readings import without_inferred
from afteraction.document.recognize import choose_profile, not_a_postmortem
from afteraction.document.render import render_markdown
from afteraction.errors import (
    AfteractionError,
    ConflictError,
    NotFoundError,
    ParseError,
    UsageError,
)
from afteraction.filewrite import replace_document
from afteraction.followup.edit import set_status
from afteraction.followup.items import PlacedItem, Postmortem, incident_name, numbered_items
from afteraction.followup.pull import match_states, read_export
from afteraction.inputs import read_input_bytes
from afteraction.lint.config import LintConfig
from afteraction.lint.engine import Linter, LintReport
from afteraction.lint.files import find_documents
from afteraction.lint.registry import RuleRegistry
from afteraction.model import Incident, KeyTimes, out_of_order
from afteraction.profiles import Profile, ProfileRegistry
from afteraction.profiles.due import DuePolicy
from afteraction.profiles.ids import format_id, id_regex
from afteraction.sourcetext import SourceText
from afteraction.timeline.apply import Applied, add_to_postmortem
from afteraction.timeline.build import BuildOptions, Progress, Timeline
from afteraction.timeline.build import build_timeline as build
from afteraction.timeline.keytimes import KeyTimesReport, infer_key_times
from afteraction.timeline.raw import raw_lines
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.window import Window

FORMATS = ("md", "html", "json")
MAX_SEQUENCE_DIGITS = 18


@dataclass
class Loaded:
    """A document read from disk: its record, the profile it follows and any warnings."""

    record: Incident
    profile: Profile
    recognized: bool
    source: SourceText
    warnings: list[str] = field(default_factory=list)
    disorder: list[str] = field(default_factory=list)  # key times out of order (in warnings too)


def read_source(path: Path) -> SourceText:
    """Read a regular file as UTF-8, its text with LF line endings and its own form kept."""
    return SourceText.decode(read_input_bytes(path), path)


def load(path: Path, registry: ProfileRegistry, profile_name: str | None = None) -> Loaded:
    """Read a Markdown postmortem; recognise its profile unless one is named.

    A document in a known profile is read strictly (bad values are errors);
    an unknown shape gets a generic reading with the default profile, where
    bad values become warnings and nothing is dropped.
    """
    source = read_source(path)
    text = source.text
    raw = read_markdown(text, str(path))
    problem = not_a_postmortem(raw)
    if problem is not None:
        raise ParseError(problem, file=path, line=1)
    profile, follows = choose_profile(raw, registry, profile_name)
    parsed = read_document(text, profile, file=str(path), strict=follows, raw=raw)
    disorder = order_warnings(parsed)
    return Loaded(parsed.record, profile, follows, source, parsed.warnings + disorder, disorder)


def order_warnings(parsed: Parsed) -> list[str]:
    """Return a warning for each key time out of order, with the line it was read from."""
    found = []
    for wrong in out_of_order(parsed.record.times):
        reading = parsed.record.reading(f"times.{wrong.name}")
        line = reading.line if reading else parsed.lines.get(f"times.{wrong.name}")
        found.append(f"line {line}: {wrong}" if line else str(wrong))
    return found


def render(record: Incident, profile: Profile, fmt: str) -> str:
    """Write ``record`` as Markdown (in ``profile``), HTML or JSON."""
    if fmt == "md":
        return render_markdown(record, profile)
    if fmt == "html":
        # Jinja2 is imported only to write HTML: it is a tenth of every command's start-up.
        from afteraction.document.html import render_html

        return render_html(record, profile)
    if fmt == "json":
        return record.model_dump_json(indent=2) + "\n"
    raise UsageError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")


def render_draft(record: Incident, profile: Profile) -> str:
    """Write a new draft: the record in the profile's Markdown, with the template's prompts."""
    return render_markdown(record, profile, hints=True)


def convert_record(record: Incident, source: Profile, target: Profile) -> Incident:
    """Re-home a record in another profile."""
    return convert(record, source, target)


def next_id(profile: Profile, day: date, folder: Path) -> str:
    """Return the next free incident ID for ``day`` among the documents in ``folder``."""
    regex = id_regex(profile.id_pattern)
    taken = 0
    if folder.is_dir():
        for path in folder.rglob("*.md"):
            if not path.is_file():  # a pipe or device named *.md is no document
                continue
            text = read_input_bytes(path).decode("utf-8", errors="replace")
            for match in regex.finditer(text):
                if (match["year"], match["month"], match["day"]) == (
                    f"{day:%Y}",
                    f"{day:%m}",
                    f"{day:%d}",
                ):
                    digits = match["seq"].lstrip("0") or "0"
                    if len(digits) <= MAX_SEQUENCE_DIGITS:  # longer is no real sequence
                        taken = max(taken, int(digits))
    return format_id(profile.id_pattern, day, taken + 1)


def new_record(
    profile: Profile,
    folder: Path,
    *,
    title: str = "",
    severity: str | None = None,
    started: datetime | None = None,
    today: date,
) -> Incident:
    """Create a draft record with a fresh incident ID in the profile's pattern."""
    if severity is not None and severity not in profile.severity_names():
        allowed = ", ".join(profile.severity_names())
        raise UsageError(
            f"unknown severity '{severity}' for {profile.name} (allowed: {allowed})",
            field="severity",
        )
    day = started.date() if started else today
    status = profile.statuses[0].name if profile.statuses else None
    record = Incident(profile=profile.name, title=title, severity=severity, status=status)
    record.id = next_id(profile, day, folder)
    record.times.started = started
    if started is None:
        record.fields["date"] = day.isoformat()
    return record


def schema() -> str:
    """Return the JSON Schema of the record."""
    return json.dumps(Incident.model_json_schema(), indent=2) + "\n"


CACHE_FOLDER = ".aar-cache"


@dataclass
class LintRun:
    """What ``aar lint`` was asked to do, beyond the configuration."""

    arguments: list[str]
    today: date
    fix: bool = False
    profile: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    cache: bool = True


def lint_config(config: LintConfig, run: LintRun) -> LintConfig:
    """Return the configuration with the command line's ``--select``/``--ignore`` applied."""
    if not run.select and not run.ignore:
        return config
    update: dict[str, object] = {"ignore": [*config.ignore, *run.ignore]}
    if run.select:
        update["select"] = run.select
    # A new model, not a copy: the copy would keep the cached fingerprint and rule sets.
    return LintConfig.model_validate({**config.model_dump(), **update})


def lint(
    run: LintRun,
    config: LintConfig,
    profiles: ProfileRegistry,
    *,
    policy: DuePolicy | None = None,
    start: Callable[[int], Callable[[], None] | None] | None = None,
) -> LintReport:
    """Lint the postmortems the arguments name; ``start(total)`` returns a progress callback.

    ``policy`` says when items with no written due date are due (as ``aar actions`` does).
    """
    config = lint_config(config, run)
    rules = RuleRegistry.discover()
    paths = find_documents(run.arguments or ["."], config)
    corpus = find_documents([str(config.root / g) for g in config.corpus], config)
    if not paths:
        raise UsageError(f"no Markdown files in {', '.join(run.arguments or ['.'])}")
    linter = Linter(
        config,
        profiles,
        rules,
        today=run.today,
        policy=policy,
        profile=run.profile,
        cache_folder=config.root / CACHE_FOLDER if run.cache else None,
    )
    advance = start(len(paths)) if start is not None else None
    return linter.run(paths, fix=run.fix, corpus=corpus, advance=advance)


def rule_registry() -> RuleRegistry:
    """Return every known lint rule."""
    return RuleRegistry.discover()


def timeline_sources() -> SourceRegistry:
    """Return every timeline source: built-in and from plugins."""
    return SourceRegistry.discover()


def build_timeline(
    froms: list[str],
    options: BuildOptions,
    *,
    advance: Callable[[Progress], None] | None = None,
) -> Timeline:
    """Read every ``KIND[OPTIONS]:PATH`` source and merge them into one timeline."""
    if not froms:
        raise UsageError("give at least one source: --from KIND:PATH", field="--from")
    specs = [SourceSpec.parse(text) for text in froms]
    return build(specs, timeline_sources(), options, advance=advance)


def raw_timeline(froms: list[str], window: Window | None = None) -> Iterator[list[bytes]]:
    """Merge time-sorted logs into one stream of their own lines, in time order."""
    return raw_lines([SourceSpec.parse(text) for text in froms], timeline_sources(), window)


def add_timeline(path: Path, loaded: Loaded, timeline: Timeline) -> Applied:
    """Add a built timeline's events and key times to a postmortem file, in place.

    ``loaded`` is the file as :func:`load` read it; it is written only when
    something changed, and only if it still holds what was read (else
    :class:`ConflictError`).
    """
    source = loaded.source
    report = infer_key_times(timeline.events, stated_times(loaded.record))
    applied = add_to_postmortem(source.text, str(path), loaded.profile, timeline.events, report)
    if applied.text != source.text:
        replace_document(path, source.encode(applied.text), source.digest)
    return applied


def _source_as_read(postmortem: Postmortem) -> SourceText:
    """Read ``postmortem``'s file again, refusing it if it changed since it was listed."""
    source = read_source(postmortem.path)
    if postmortem.digest is not None and source.digest != postmortem.digest:
        raise ConflictError(
            "changed since it was read; nothing was written; run the command again",
            file=postmortem.path,
        )
    return source


def incident_window(times: KeyTimes) -> Window | None:
    """Return the stretch a postmortem's key times cover, an hour either side, if it has one."""
    start = times.started or times.detected
    if start is None:
        return None
    end = times.closed or times.resolved or times.mitigated or start + timedelta(hours=23)
    return Window(start - timedelta(hours=1), end + timedelta(hours=1))


def stated_times(record: Incident) -> KeyTimes:
    """Return the key times a postmortem states (those it only infers left out)."""
    return without_inferred(record).times


def key_times(timeline: Timeline, stated: KeyTimes | None = None) -> KeyTimesReport:
    """Infer the key times of a built timeline; times ``stated`` in a postmortem win."""
    return infer_key_times(timeline.events, stated)


def postmortems(
    arguments: list[str], config: LintConfig, registry: ProfileRegistry
) -> tuple[list[Postmortem], list[AfteractionError]]:
    """Read every postmortem the arguments name (files, folders, globs); errors kept apart."""
    found: list[Postmortem] = []
    errors: list[AfteractionError] = []
    for path in find_documents(arguments or ["."], config):
        try:
            loaded = load(path, registry)
        except AfteractionError as exc:
            errors.append(exc)
            continue
        found.append(Postmortem(path, loaded.record, loaded.profile, loaded.source.digest))
    return found, errors


def set_action_status(
    key: str, status: str, note: str | None, found: list[Postmortem]
) -> PlacedItem:
    """Set the status (and note) of the action item with ``key`` in its document, in place."""
    placed = _one_item(key, found)
    path = placed.postmortem.path
    source = _source_as_read(placed.postmortem)
    text = source.text
    changed = set_status(text, str(path), placed.postmortem.profile, placed.index, status, note)
    if changed != text:
        replace_document(path, source.encode(changed), source.digest)
    return placed


def _one_item(key: str, found: list[Postmortem]) -> PlacedItem:
    """Return the one item with ``key``, or fail saying there is none or several."""
    places = [p for p in numbered_items(found) if p.key == key]
    if not places:
        known = sorted({incident_name(p.record) for p in found})
        raise NotFoundError(
            f"no action item has the key '{key}' (keys are INCIDENT-ID#NUMBER; incidents:"
            f" {', '.join(known[:5])}{' ...' if len(known) > 5 else ''})"
        )
    if len(places) > 1:
        where = ", ".join(str(p.postmortem.path) for p in places)
        raise UsageError(f"the key '{key}' is in several documents: {where}")
    return places[0]


@dataclass
class PullReport:
    """What ``aar actions pull`` did: items changed, already so, keys it does not know."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _pull_into(
    path: Path, plan: list[tuple[PlacedItem, str, str]], skipped: list[str]
) -> list[str]:
    """Set the planned states in one document, written once; return the keys changed."""
    source = _source_as_read(plan[0][0].postmortem)
    text = source.text
    changed: list[str] = []
    for placed, state_name, exported in plan:
        try:
            text = set_status(text, str(path), placed.postmortem.profile, placed.index, state_name)
        except UsageError as exc:
            skipped.append(f"{placed.key}: {exc.message}")
            continue
        moved = "" if placed.key == exported else f" (exported as {exported})"
        changed.append(placed.key + moved)
    if text != source.text:
        replace_document(path, source.encode(text), source.digest)
    return changed


def pull_states(export: Path, found: list[Postmortem]) -> PullReport:
    """Set each item's status to what the tracker export says, in its document.

    Each document is read once, changed in memory item by item, and written
    once. An item that cannot be set (or a key in several documents) is
    reported with its key, and the others are still set. A row is matched to
    the one item of its incident with the row's title when there is one (its
    number may have changed since the export), else by its key.
    """
    read = read_export(export)
    report = PullReport(skipped=list(read.skipped))
    latest = {state.key: state for state in read.states}  # a later row of one key wins
    matches = match_states(latest.values(), numbered_items(found))
    report.unknown += matches.unknown
    report.skipped += matches.skipped
    plans: dict[Path, list[tuple[PlacedItem, str, str]]] = {}
    for state, placed in matches.found:
        if (placed.item.status or "open") == state.state:
            report.unchanged.append(state.key)
        else:
            plans.setdefault(placed.postmortem.path, []).append((placed, state.state, state.key))
    for path, plan in plans.items():
        try:
            report.changed += _pull_into(path, plan, report.skipped)
        except ConflictError as exc:
            report.skipped += [f"{placed.key}: {exc}" for placed, _, _ in plan]
    return report
