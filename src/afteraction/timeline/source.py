"""The shape of a timeline source: a class that reads one kind of input into events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import ClassVar

from afteraction.errors import UsageError
from afteraction.timeline.event import Event
from afteraction.timeline.inputs import read_lines
from afteraction.timeline.problems import Problems, place
from afteraction.timeline.spec import SourceSpec

COMMON_OPTIONS = {"zone": "time zone of times written without one (default UTC)"}


class Source:
    """Reads one kind of input (a webhook payload, an export, a log) into events.

    Subclasses set ``name`` (the KIND in ``--from KIND:PATH``), ``summary``
    and ``options`` (name -> help, besides ``zone``), and implement
    :meth:`events`. Bad input goes to ``problems`` with its line, and reading
    goes on; a payload of the wrong kind altogether is a ``UsageError``.
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    options: ClassVar[Mapping[str, str]] = {}
    # True for logs: events come in file order (roughly sorted), possibly very many.
    streaming: ClassVar[bool] = False

    def __init__(self, spec: SourceSpec, problems: Problems) -> None:
        known = {**COMMON_OPTIONS, **self.options}
        unknown = sorted(set(spec.options) - set(known))
        if unknown:
            raise UsageError(
                f"source {self.name} has no option '{unknown[0]}' (options: {', '.join(known)})",
                field="sources",
            )
        self.spec = spec
        self.problems = problems
        self.zone = spec.zone
        self.supply: Iterable[tuple[int, bytes]] | None = None
        self.consumed = 0

    def lines(self) -> Iterable[tuple[int, bytes]]:
        """Return the numbered lines to read: the whole input, or what the builder narrowed.

        ``consumed`` counts the bytes read from the whole input, for progress.
        """
        if self.supply is not None:
            return self.supply
        return self._counted(read_lines(self.spec.input))

    def _counted(self, lines: Iterable[tuple[int, bytes]]) -> Iterator[tuple[int, bytes]]:
        for number, line in lines:
            self.consumed += len(line) + 1
            yield number, line

    def events(self) -> Iterator[Event]:
        """Yield the events of the input, in the order it holds them."""
        raise NotImplementedError

    def origin(self, line: int | None = None) -> str:
        """Return ``file:line`` (``file@offset`` when narrowed by bisection) for ``origin``."""
        return place(self.spec.label, line or None, by_offset=self.problems.by_offset)
