"""A record as its document states it: values read another way set apart.

A record holds values inferred from other text (key times from the
timeline) and words mapped onto the profile's scale, each with a
:class:`~afteraction.model.Reading`. Writing the document back, or checking
what it states, wants the record without them.
"""

from __future__ import annotations

from afteraction.document.paths import set_path
from afteraction.model import Incident


def _restated(record: Incident, *, mapped: bool) -> Incident:
    keep = [r for r in record.readings if r.how == "mapped" and not mapped]
    if len(keep) == len(record.readings):
        return record
    # The paths a reading names are top-level values, key times, impact and fields:
    # those parts are copied, the rest (timeline, action items ...) is shared, unchanged.
    stated = record.model_copy(
        update={
            "times": record.times.model_copy(),
            "impact": record.impact.model_copy(),
            "fields": dict(record.fields),
        }
    )
    for reading in record.readings:
        if reading.how == "inferred":
            set_path(stated, reading.field, None)
        elif mapped:
            set_path(stated, reading.field, reading.written)
    stated.readings = keep
    return stated


def without_inferred(record: Incident) -> Incident:
    """Return the record without the values it inferred (mapped values stay as mapped)."""
    return _restated(record, mapped=False)


def as_written(record: Incident) -> Incident:
    """Return the record as its fields write it: inferred values out, mapped ones as written.

    An inferred value is written by the text it came from (kept where it was
    written) and read again from it; writing it in its field too would turn
    a guess into a statement.
    """
    return _restated(record, mapped=True)
