"""The declarative profile format: what one postmortem format looks like.

A profile is data (a YAML file), never code. It names the title line, the
header fields, the sections in order with their kind, the severity scale,
status workflow, incident-ID pattern, display zone, sign-off roles and
action-item vocabulary. Rendering and parsing are both driven by it.

Value templates (``FieldSpec.value``, ``Profile.title``) are text with
``{path}`` or ``{path:format}`` placeholders; a part in ``[...]`` is written
only when every placeholder inside it has a value. Paths name record parts:
``id``, ``title``, ``severity``, ``status``, ``scope``, ``trigger``, ``drill``,
``times.<key>``, ``impact.<key>``, ``fields.<name>`` and the read-only
``derived.duration``. Formats: ``date``, ``time``, ``datetime``, ``money``,
``int``, ``bool`` (written with the field's two ``choices``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from afteraction.model import ActionState, SignOff
from afteraction.profiles.labels import norm
from afteraction.spans import parse_span

SectionKind = Literal[
    "group",
    "prose",
    "fields",
    "timeline",
    "whys",
    "factors",
    "list",
    "checklist",
    "actions",
    "signoffs",
    "table",
    "code",
]

#: Record parts a section may be bound to, by kind.
BINDABLE: dict[str, tuple[str, ...]] = {
    "prose": ("summary", "root_cause", "impact.description"),
    "timeline": ("timeline",),
    "whys": ("whys",),
    "factors": ("contributing_factors",),
    "actions": ("action_items",),
    "signoffs": ("sign_offs",),
    "table": ("related", "evidence", "history"),
}


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Spec):
    """One labelled value: a header line, a key/value row, a bullet."""

    label: str
    value: str
    aliases: list[str] = Field(default_factory=list)
    hint: str | None = None
    choices: list[str] | None = None


class ColumnSpec(_Spec):
    """One column of a table layout, and the item attribute it holds."""

    header: str
    attr: str
    aliases: list[str] = Field(default_factory=list)
    format: str | None = None


class SectionSpec(_Spec):
    """One section of the format, in document order."""

    key: str
    heading: str
    heading_value: str | None = None
    kind: SectionKind
    level: int = 2
    rule: bool = False
    aliases: list[str] = Field(default_factory=list)
    bind: str | None = None
    required: bool = False
    required_from: str | None = None
    text: str | None = None
    lead: str | None = None
    hint: str | None = None
    layout: Literal["table", "bullets", "lines", "numbered", "checklist"] | None = None
    columns: list[ColumnSpec] = Field(default_factory=list)
    fields: list[FieldSpec] = Field(default_factory=list)
    item: str | None = None
    style: str | None = None
    filter: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_binding(self) -> SectionSpec:
        if self.bind is not None and self.bind not in BINDABLE.get(self.kind, ()):
            allowed = ", ".join(BINDABLE.get(self.kind, ())) or "nothing"
            raise ValueError(f"a {self.kind} section can bind to {allowed}, not '{self.bind}'")
        if self.kind == "fields" and not self.fields:
            raise ValueError("a fields section needs 'fields'")
        if self.layout == "table" and self.kind != "fields" and not self.columns:
            raise ValueError("a table layout needs 'columns'")
        return self


class SeverityLevel(_Spec):
    """One level of the severity scale; rank 1 is the most severe."""

    name: str
    rank: int
    label: str | None = None
    definition: str | None = None


class StatusSpec(_Spec):
    """One document status; ``final`` marks the signed-off end state.

    ``moves_to`` names the statuses a document may move to from this one, and
    ``requires_sign_off`` the sign-off roles it needs before it may enter
    this one. Absent (None), the profile's defaults apply: see
    :meth:`Profile.next_statuses` and :meth:`Profile.required_sign_offs`.
    """

    name: str
    final: bool = False
    moves_to: list[str] | None = None
    requires_sign_off: list[str] | None = None


class Horizon(_Spec):
    """An action-item horizon such as immediate (< 24 hours)."""

    name: str
    label: str
    within: str | None = None

    @field_validator("within")
    @classmethod
    def _span(cls, value: str | None) -> str | None:
        return _checked_span(value) if value is not None else None


class Review(_Spec):
    """A follow-up review the format schedules, ``after`` the incident (``7d``, ``30d``)."""

    name: str
    after: str

    @field_validator("after")
    @classmethod
    def _span(cls, value: str) -> str:
        return _checked_span(value)


def _field_error(loc: tuple[str | int, ...], message: str) -> PydanticCustomError:
    """Return a validation error naming the profile field ``loc`` it is about.

    A check across fields runs on the whole profile, so pydantic would place
    its error nowhere; the loader reads ``loc`` from the error's context.
    """
    return PydanticCustomError("profile_field", "{message}", {"message": message, "loc": loc})


def unsigned_roles(roles: Iterable[str], sign_offs: Iterable[SignOff]) -> list[str]:
    """Return the ``roles`` that no entry of ``sign_offs`` has signed (:attr:`SignOff.signed`).

    Roles match as labels do (:func:`~afteraction.profiles.labels.norm`): in any
    case and punctuation, ``Risk/Compliance`` is ``Risk / Compliance``.
    """
    signed = {norm(s.role) for s in sign_offs if s.signed}
    return [r for r in roles if norm(r) not in signed]


def _checked_span(value: str) -> str:
    """Return a span as written, stripped, after checking it reads (``7d``, ``24h``)."""
    parse_span(value)
    return value.strip()


class Category(_Spec):
    """An action-item category such as prevention or detection."""

    name: str
    label: str
    description: str | None = None


class Profile(_Spec):
    """A whole postmortem format."""

    name: str
    description: str
    seed: str | None = None
    title: str
    title_aliases: list[str] = Field(default_factory=list)
    header_style: Literal["bold-colon-inside", "bold-colon-outside"] = "bold-colon-inside"
    header: list[FieldSpec] = Field(default_factory=list)
    separators: bool = False
    zone: str = "UTC"
    zone_label: str | None = None
    id_pattern: str = "INC-{YYYY}{MM}{DD}-{NNN}"
    severity: list[SeverityLevel]
    statuses: list[StatusSpec]
    scopes: list[str] = Field(default_factory=list)
    sign_off_roles: list[str] = Field(default_factory=list)
    action_states: dict[str, str] = Field(
        default_factory=lambda: {
            "open": "Open",
            "in_progress": "In progress",
            "done": "Done",
            "cancelled": "Cancelled",
        }
    )
    priorities: list[str] = Field(default_factory=list)
    horizons: list[Horizon] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    reviews: list[Review] = Field(default_factory=list)
    priority_due: dict[str, str] = Field(default_factory=dict)
    whys_min: int | None = None
    footer: str | None = None
    sections: list[SectionSpec]

    @model_validator(mode="after")
    def _check_consistency(self) -> Profile:
        keys = [s.key for s in self.sections]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"section keys must be unique: {', '.join(duplicates)}")
        missing = [s for s in ActionState if s not in self.action_states]
        if missing:
            raise ValueError(f"action_states lacks {', '.join(missing)}")
        names = [s.name for s in self.statuses]
        for spec in self.sections:
            if spec.required_from is not None and spec.required_from not in names:
                raise ValueError(
                    f"section '{spec.key}': required_from '{spec.required_from}' is not a status"
                    f" (statuses: {', '.join(names)})"
                )
        for priority, span in self.priority_due.items():
            if priority not in self.priorities:
                raise ValueError(f"priority_due: '{priority}' is not one of the priorities")
            try:
                parse_span(span)
            except ValueError as exc:
                raise ValueError(f"priority_due: {exc}") from None
        ranks = [level.rank for level in self.severity]
        if len(set(ranks)) != len(ranks):
            raise ValueError("severity ranks must be unique")
        self._check_workflow()
        return self

    def _check_workflow(self) -> None:
        """Check that transitions name statuses and required sign-offs name sign-off roles."""
        names = [s.name for s in self.statuses]
        for index, spec in enumerate(self.statuses):
            for target in spec.moves_to or ():
                if target not in names:
                    raise _field_error(
                        ("statuses", index, "moves_to"),
                        f"'{target}' is not a status (statuses: {', '.join(names)})",
                    )
            for role in spec.requires_sign_off or ():
                if role not in self.sign_off_roles:
                    allowed = ", ".join(self.sign_off_roles) or "none declared"
                    raise _field_error(
                        ("statuses", index, "requires_sign_off"),
                        f"'{role}' is not one of the sign_off_roles ({allowed})",
                    )

    def section(self, key: str) -> SectionSpec:
        """Return the section spec with this key."""
        for spec in self.sections:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def requires(self, spec: SectionSpec, status: str | None) -> bool:
        """Say whether a document at ``status`` must fill section ``spec``.

        A ``required_from`` section must be filled once the document reaches
        that status in the workflow's order; a ``required`` one once it is
        final (always, in a profile with no final status).
        """
        if spec.required_from is None and not spec.required:
            return False
        first = spec.required_from or next(iter(self.final_statuses()), None)
        if first is None:
            return True
        names = [s.name.lower() for s in self.statuses]
        at = names.index(status.lower()) if status and status.lower() in names else 0
        return at >= names.index(first.lower())

    def status(self, name: str | None) -> StatusSpec | None:
        """Return the status spelled ``name`` (in any case), or None when there is none."""
        wanted = (name or "").strip().lower()
        return next((s for s in self.statuses if s.name.lower() == wanted), None)

    def next_statuses(self, name: str) -> list[str]:
        """Return the statuses a document at ``name`` may move to.

        A status that declares no ``moves_to`` may go forward to the next
        status in the workflow, or back to any earlier one for rework.
        """
        spec = self.status(name)
        if spec is None:
            raise KeyError(name)
        if spec.moves_to is not None:
            return list(spec.moves_to)
        names = [s.name for s in self.statuses]
        at = self.statuses.index(spec)
        return [*names[at + 1 : at + 2], *names[:at]]

    def required_sign_offs(self, name: str) -> list[str]:
        """Return the sign-off roles a document needs before it may enter status ``name``.

        A status that declares no ``requires_sign_off`` needs every one of the
        profile's ``sign_off_roles`` when it is final, and none otherwise.
        """
        spec = self.status(name)
        if spec is None:
            raise KeyError(name)
        if spec.requires_sign_off is not None:
            return list(spec.requires_sign_off)
        return list(self.sign_off_roles) if spec.final else []

    def missing_sign_offs(self, name: str, sign_offs: Iterable[SignOff]) -> list[str]:
        """Return the roles status ``name`` requires that no entry of ``sign_offs`` has signed.

        Roles match in any case and punctuation (``Risk/Compliance`` is
        ``Risk / Compliance``); an entry counts when :attr:`SignOff.signed`.
        """
        return unsigned_roles(self.required_sign_offs(name), sign_offs)

    def move_refusal(
        self, current: str | None, target: str, sign_offs: Iterable[SignOff] = ()
    ) -> str | None:
        """Say why a document at ``current`` may not move to ``target``; None when it may.

        A document with no status, or one the workflow does not know, stands
        at the first status. Staying where it is is no move and always
        allowed. Otherwise ``target`` must be one of :meth:`next_statuses`
        and every role of :meth:`required_sign_offs` must have signed.
        """
        spec = self.status(target)
        if spec is None:
            names = ", ".join(s.name for s in self.statuses)
            return f"'{target}' is not a status of profile {self.name} (statuses: {names})"
        here = self.status(current) or (self.statuses[0] if self.statuses else None)
        if here is None or here.name == spec.name:
            return None
        allowed = self.next_statuses(here.name)
        if spec.name not in allowed:
            if not allowed:
                return f"{here.name} is the end of the workflow: it may not move to {spec.name}"
            return f"{here.name} may move only to {', '.join(allowed)}, not {spec.name}"
        missing = self.missing_sign_offs(spec.name, sign_offs)
        if missing:
            return f"{spec.name} needs the sign-off of {', '.join(missing)} first"
        return None

    def final_statuses(self) -> list[str]:
        """Return the statuses that mean signed off and finished."""
        return [s.name for s in self.statuses if s.final]

    def severity_names(self) -> list[str]:
        """Return the severity names, most severe first."""
        return [s.name for s in sorted(self.severity, key=lambda s: s.rank)]
