"""Elasticsearch and OpenSearch ``_search`` responses: the hits are log documents."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from operator import attrgetter
from typing import Any
from urllib.parse import quote

import orjson

from afteraction.errors import UsageError
from afteraction.timeline.event import Event, Kind
from afteraction.timeline.logfields import (
    FIELD_OPTIONS,
    LEVEL_FIELDS,
    MESSAGE_FIELDS,
    TIME_FIELDS,
    Defaults,
    Fields,
)
from afteraction.timeline.payloads import json_documents, mapping, text
from afteraction.timeline.source import Source

# Elastic Common Schema names first (Filebeat, Elastic agents, ECS loggers), then the loggers'.
DEFAULTS = Defaults(
    time=("@timestamp", *TIME_FIELDS),
    level=("log.level", *LEVEL_FIELDS),
    message=("message", *MESSAGE_FIELDS),
    component=(
        *("service.name", "log.logger", "name", "logger", "service", "app", "component"),
        *("container.name", "host.name", "hostname"),
    ),
)


def hit_record(hit: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return a hit's document: its ``_source``, with its ``fields`` (one value each) beneath."""
    source = hit.get("_source")
    fields = hit.get("fields")
    if not isinstance(fields, dict):
        return source if isinstance(source, dict) else None
    flat = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in fields.items()}
    return {**flat, **source} if isinstance(source, dict) else flat


class Elasticsearch(Source):
    """An Elasticsearch or OpenSearch ``_search`` response: each hit a log event.

    Fields are found where ECS and common loggers put them (``@timestamp``,
    ``message``, ``log.level``, ``service.name``, ``host.name`` ...) or
    where the options say; a hit's ``fields`` serve when it has no
    ``_source``. Reads one response, a list of them or one per line (paged
    with ``search_after``), and ``_msearch``'s ``responses``. With ``url=``
    each event links to its document.
    """

    name = "elasticsearch"
    summary = "Elasticsearch/OpenSearch _search JSON responses (hits as log events)"
    options = {
        **FIELD_OPTIONS,
        "url": "base URL of the cluster, to link each event to its document",
    }

    def events(self) -> Iterator[Event]:
        """Yield a log event per hit, in time order within each response."""
        fields = Fields(self.spec.options, self.zone, DEFAULTS)
        for line, document in json_documents(self.spec, self.problems):
            for where, response in _responses(document):
                hits = self._hits(response, line, where, whole=line is None and not where)
                events = [
                    event
                    for number, hit in enumerate(hits)
                    if (event := self._event(fields, hit, line, f"{where}hits.hits[{number}]"))
                ]
                # Hits come in the query's sort order (often newest first): put them in time order.
                yield from sorted(events, key=attrgetter("time"))

    def _hits(self, response: object, line: int | None, where: str, whole: bool) -> list[Any]:
        """Return a response's hits; an error response fails, another is malformed."""
        body = mapping(response)
        hits = mapping(body.get("hits")).get("hits")
        if isinstance(hits, list):
            return hits
        error = body.get("error")
        if error is not None:
            reason = mapping(error).get("reason") or error
            raise UsageError(
                f"the search response{_named(where)} is an error: {reason}", file=self.spec.label
            )
        if whole:
            raise UsageError(
                "not an Elasticsearch/OpenSearch _search response (no hits.hits list)",
                file=self.spec.label,
            )
        self.problems.add(f"response{_named(where)} has no hits.hits list", line)
        return []

    def _event(self, fields: Fields, hit: object, line: int | None, path: str) -> Event | None:
        """Return the event of one hit, or None (counted) for a malformed one."""
        record = hit_record(mapping(hit))
        if record is None:
            self.problems.add(f"{path} has no _source or fields object", line)
            return None
        try:
            read = fields.read(record)
        except ValueError as exc:
            self.problems.add(f"{path}: {exc}", line)
            return None
        if read.time is None:
            self.problems.add(f"{path} has no time field ({fields.time_names()})", line)
            return None
        index, identity = text(mapping(hit).get("_index")), text(mapping(hit).get("_id"))
        return Event(
            time=read.time,
            source="elasticsearch",
            kind=Kind.LOG,
            text=read.text or orjson.dumps(record).decode(),
            actor=read.actor,
            component=read.component,
            link=self._link(index, identity),
            level=read.level,
            origin=f"{self.origin(line)}#{f'{index}/{identity}' if index and identity else path}",
        )

    def _link(self, index: str | None, identity: str | None) -> str | None:
        base = self.spec.options.get("url")
        if not (base and index and identity):
            return None
        return f"{base.rstrip('/')}/{quote(index, safe='')}/_doc/{quote(identity, safe='')}"


def _named(where: str) -> str:
    """Return how messages name a response by its place in a list (`` [2]``), or nothing."""
    return f" {where.rstrip('.')}" if where else ""


def _responses(document: object) -> Iterator[tuple[str, object]]:
    """Yield each response of a document (one, a list, ``_msearch``) with its JSON path prefix."""
    batch = document if isinstance(document, list) else [document]
    for index, response in enumerate(batch):
        where = f"[{index}]." if isinstance(document, list) else ""
        inner = mapping(response).get("responses")
        if isinstance(inner, list):
            for number, each in enumerate(inner):
                yield f"{where}responses[{number}].", each
        else:
            yield where, response
