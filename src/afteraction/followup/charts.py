"""Charts for the report as standalone SVG: no script, no fonts or links to fetch.

Each chart is an ``<svg role="img">`` named by its ``<title>``. Every plotted point is
a ``<g class="mark">`` with ``data-label`` (and ``data-series`` in a grouped chart)
and ``data-value``, which ``float()`` reads back exactly; a missing value has no
``data-value`` and is drawn as "n/a". A mark holds a ``<title>`` tooltip, its shape
and its value as text, so tests can read the figures back. All text is escaped and
the output depends on the input alone: the same figures give the same bytes.

Values are finite and non-negative (counts, durations, rates), so every axis starts
at zero and bar lengths are proportional to values.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"
# Okabe-Ito's colour-blind-safe hues, plus two darker ones; each has at least 3:1
# contrast on white (WCAG 2.2, 1.4.11 non-text contrast).
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6a00", "#6a3d9a")
MIN_WIDTH = 320

_INK = "#1f2328"  # text: 15.8:1 on white
_MUTED = "#57606a"  # axis labels, notes, "n/a": 6.4:1
_GRID = "#d0d7de"
_FONTS = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
_PAD = 16  # outer margin
_CHAR = 7.0  # estimated width of one character at the 12px body size
_TOP = 48  # first row, below the title
_BAR = 20  # bar thickness in a bar chart
_GROUP_BAR = 16  # bar thickness in a grouped chart
_GAP = 10  # space between bars, and between groups
_HEIGHT = 320  # line chart height
# Characters XML 1.0 forbids even when escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_Attrs = Mapping[str, str | float | None]


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value and an optional note shown beside the value."""

    label: str
    value: float
    note: str | None = None


@dataclass(frozen=True)
class Series:
    """One series of a grouped chart: a value per category, None where there is no data."""

    name: str
    values: Sequence[float | None]


def bar_chart(title: str, bars: Sequence[Bar], *, unit: str = "", width: int = 640) -> str:
    """Draw horizontal bars, one per row, labelled on the left and valued on the right."""
    _check_width(width)
    if not bars:
        return _no_data(title, width)
    ticks = _ticks([_checked(bar.value) for bar in bars])
    label_w = _label_width([bar.label for bar in bars], width)
    texts = [_fmt(bar.value) + (f" ({bar.note})" if bar.note else "") for bar in bars]
    x0 = _PAD + label_w + 8
    span = width - _PAD - (max(map(len, texts)) * _CHAR + 6) - x0
    bottom = _TOP + len(bars) * (_BAR + _GAP) - _GAP
    body = _value_axis(ticks, x0, span, (_TOP, bottom), unit)
    for i, bar in enumerate(bars):
        y = _TOP + i * (_BAR + _GAP)
        body.append(_label(bar.label, x0 - 8, y + _BAR / 2, label_w))
        body.append(
            _bar_mark(x0, y, span / ticks[-1], _BAR, bar.label, bar.value, unit, note=bar.note)
        )
    return _svg(title, width, bottom + 48, body)


def grouped_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    width: int = 640,
) -> str:
    """Draw one group of horizontal bars per category, a bar per series, with a legend."""
    _check_width(width)
    if len(series) > len(PALETTE):
        raise ValueError(f"a grouped chart takes at most {len(PALETTE)} series")
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(
                f"series '{one.name}' has {len(one.values)} values for {len(categories)} categories"
            )
    if not categories or not series:
        return _no_data(title, width)
    present = [_checked(v) for one in series for v in one.values if v is not None]
    ticks = _ticks(present)
    legend, top = _legend([one.name for one in series], width)
    label_w = _label_width(categories, width)
    x0 = _PAD + label_w + 8
    span = width - _PAD - (max(map(len, map(_fmt, present)), default=3) * _CHAR + 6) - x0
    block = len(series) * _GROUP_BAR
    bottom = top + len(categories) * (block + _GAP) - _GAP
    body = [*legend, *_value_axis(ticks, x0, span, (top, bottom), unit)]
    for i, category in enumerate(categories):
        y = top + i * (block + _GAP)
        body.append(_label(category, x0 - 8, y + block / 2, label_w))
        for j, one in enumerate(series):
            body.append(
                _bar_mark(
                    x0,
                    y + j * _GROUP_BAR,
                    span / ticks[-1],
                    _GROUP_BAR - 2,
                    category,
                    one.values[i],
                    unit,
                    series=one.name,
                    colour=PALETTE[j],
                )
            )
    return _svg(title, width, bottom + 48, body)


def line_chart(
    title: str, points: Sequence[tuple[str, float]], *, unit: str = "", width: int = 640
) -> str:
    """Draw values over ordered labels (months, say) as a line with a valued marker each."""
    _check_width(width)
    if not points:
        return _no_data(title, width)
    ticks = _ticks([_checked(value) for _, value in points])
    tick_texts = _tick_texts(ticks)
    x0 = _PAD + max(map(len, tick_texts)) * _CHAR + 8
    x1 = width - _PAD
    top, bottom = _TOP + 24, _HEIGHT - 40
    slot = (x1 - x0) / len(points)
    labels = [_fit(label, 20) for label, _ in points]
    every = max(1, math.ceil((max(map(len, labels)) * _CHAR + 6) / slot))

    def at(value: float) -> float:
        return bottom - value / ticks[-1] * (bottom - top)

    body = []
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = at(tick)
        body.append(_line(x0, y, x1, y, _GRID))
        body.append(_text(text, x0 - 6, y + 4, anchor="end", fill=_MUTED))
    body.append(_line(x0, bottom, x1, bottom, _MUTED))
    if unit:
        body.append(_text(unit, _PAD, top - 12, fill=_MUTED))
    xs = [x0 + (i + 0.5) * slot for i in range(len(points))]
    for i, (x, label) in enumerate(zip(xs, labels, strict=True)):
        if i % every == 0:
            body.append(_text(label, x, bottom + 18, anchor="middle", fill=_MUTED))
    line = " ".join(f"{_n(x)},{_n(at(v))}" for x, (_, v) in zip(xs, points, strict=True))
    body.append(
        _tag(
            "polyline",
            {"points": line, "fill": "none", "stroke": PALETTE[0], "stroke-width": 2},
        )
    )
    for x, (label, value) in zip(xs, points, strict=True):
        circle: _Attrs = {"cx": x, "cy": at(value), "r": 4, "fill": PALETTE[0], "stroke": "#ffffff"}
        body.append(
            _tag(
                "g",
                {"class": "mark", "data-label": label, "data-value": _exact(value)},
                _tag("title", {}, _esc(_tooltip(label, value, unit))),
                _tag("circle", circle),
                _text(_fmt(value), x, at(value) - 9, anchor="middle"),
            )
        )
    return _svg(title, width, _HEIGHT, body)


def _bar_mark(
    x0: float,
    y: float,
    scale: float,
    thickness: float,
    label: str,
    value: float | None,
    unit: str,
    *,
    series: str | None = None,
    note: str | None = None,
    colour: str = PALETTE[0],
) -> str:
    """Draw one bar from (x0, y) at ``scale`` pixels per unit, or "n/a" where value is None."""
    name = f"{label}, {series}" if series is not None else label
    attrs = {"class": "mark", "data-label": label, "data-series": series}
    middle = y + thickness / 2 + 4
    if value is None:
        return _tag(
            "g",
            attrs,
            _tag("title", {}, _esc(f"{name}: n/a")),
            _text("n/a", x0 + 4, middle, fill=_MUTED),
        )
    length = value * scale
    text = _esc(_fmt(value))
    if note:
        text += _tag("tspan", {"dx": 5, "fill": _MUTED}, _esc(f"({note})"))
    tooltip = _tooltip(name, value, unit) + (f" ({note})" if note else "")
    rect: _Attrs = {"x": x0, "y": y, "width": length, "height": thickness, "fill": colour}
    return _tag(
        "g",
        {**attrs, "data-value": _exact(value)},
        _tag("title", {}, _esc(tooltip)),
        _tag("rect", rect),
        _tag("text", {"x": x0 + length + 6, "y": middle}, text),
    )


def _value_axis(
    ticks: Sequence[float], x0: float, span: float, rows: tuple[float, float], unit: str
) -> list[str]:
    """Draw grid lines at the ticks across the rows (top, bottom), labels and unit below."""
    top, bottom = rows
    parts = []
    for tick, text in zip(ticks, _tick_texts(ticks), strict=True):
        x = x0 + tick / ticks[-1] * span
        parts.append(_line(x, top - 6, x, bottom + 6, _GRID))
        parts.append(_text(text, x, bottom + 20, anchor="middle", fill=_MUTED))
    parts.append(_line(x0, top - 6, x0, bottom + 6, _MUTED))
    if unit:
        parts.append(_text(unit, x0 + span / 2, bottom + 38, anchor="middle", fill=_MUTED))
    return parts


def _legend(names: Sequence[str], width: int) -> tuple[list[str], float]:
    """Lay out a swatch and name per series, wrapping; return them and the first row's y."""
    parts, x, y = [], float(_PAD), float(_TOP - 4)
    for i, name in enumerate(names):
        text = _fit(name, 30)
        item = 18 + len(text) * _CHAR + 16
        if x + item > width - _PAD and x > _PAD:
            x, y = float(_PAD), y + 18
        swatch: _Attrs = {"x": x, "y": y - 10, "width": 12, "height": 12, "fill": PALETTE[i]}
        parts.append(
            _tag(
                "g",
                {"class": "legend", "data-series": name},
                _tag("rect", swatch),
                _text(text, x + 18, y),
            )
        )
        x += item
    return parts, y + 20


def _ticks(values: Sequence[float]) -> list[float]:
    """Return round ticks from zero past the largest value: steps of 1, 2 or 5 times 10^k."""
    top = max(values, default=0.0)
    if top == 0:
        return [0.0, 1.0]
    raw = top / 5
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if step < 1 and all(float(v).is_integer() for v in values):
        step = 1.0
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _tick_texts(ticks: Sequence[float]) -> list[str]:
    """Format ticks with as many decimals as their step needs."""
    decimals = max(0, -math.floor(math.log10(ticks[1] - ticks[0])))
    return [f"{tick:.{decimals}f}" for tick in ticks]


def _checked(value: float) -> float:
    """Return a value a chart can plot, or raise ValueError."""
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"cannot plot {value!r}: values must be finite and not negative")
    return value


def _fmt(value: float) -> str:
    """Format a value compactly: integers without decimals, others to one decimal."""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:.1f}"


def _exact(value: float) -> str:
    """Write a value so that ``float()`` reads it back exactly."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _tooltip(name: str, value: float, unit: str) -> str:
    return f"{name}: {_fmt(value)} {unit}".rstrip()


def _label_width(labels: Sequence[str], width: int) -> float:
    """Width of the label column: the longest label, at most a third of the chart."""
    return min(max(len(_fit(label, 60)) for label in labels) * _CHAR, width / 3)


def _label(label: str, right: float, middle: float, room: float) -> str:
    """Draw a row label right-aligned, shortened to its column."""
    text = _fit(label, int(room / _CHAR))
    return _text(text, right, middle + 4, anchor="end")


def _fit(text: str, chars: int) -> str:
    """Collapse whitespace and shorten to ``chars`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= chars else text[: max(chars - 1, 0)] + "…"


def _check_width(width: int) -> None:
    if width < MIN_WIDTH:
        raise ValueError(f"a chart is at least {MIN_WIDTH} pixels wide, not {width}")


def _no_data(title: str, width: int) -> str:
    return _svg(title, width, 120, [_text("No data", width / 2, 80, anchor="middle", fill=_MUTED)])


def _svg(title: str, width: int, height: float, body: Sequence[str]) -> str:
    """Wrap the body in a standalone, accessible SVG document with a white background."""
    root: _Attrs = {
        "xmlns": SVG_NS,
        "viewBox": f"0 0 {width} {_n(height)}",
        "width": width,
        "height": height,
        "role": "img",
        "font-family": _FONTS,
        "font-size": 12,
        "fill": _INK,
    }
    head = [
        _tag("title", {}, _esc(title)),
        _tag("rect", {"width": "100%", "height": "100%", "fill": "#ffffff"}),
        _tag("text", {"x": _PAD, "y": 26, "font-size": 16, "font-weight": "bold"}, _esc(title)),
    ]
    return _tag("svg", root, "\n", *(part + "\n" for part in [*head, *body])) + "\n"


def _text(text: str, x: float, y: float, *, anchor: str = "start", fill: str | None = None) -> str:
    attrs = {"x": x, "y": y, "text-anchor": None if anchor == "start" else anchor, "fill": fill}
    return _tag("text", attrs, _esc(text))


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str) -> str:
    return _tag("line", {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke": stroke})


def _tag(name: str, attrs: _Attrs, *children: str) -> str:
    """Write an element; attributes that are None are left out, numbers are rounded."""
    opening = name + "".join(
        f' {key}="{_esc(value if isinstance(value, str) else _n(value))}"'
        for key, value in attrs.items()
        if value is not None
    )
    return f"<{opening}>{''.join(children)}</{name}>" if children else f"<{opening}/>"


def _n(number: float) -> str:
    """Write a coordinate with at most two decimals."""
    return f"{number:.2f}".rstrip("0").rstrip(".")


def _esc(text: str) -> str:
    """Escape text for XML, dropping the control characters XML cannot hold."""
    return html.escape(_NOT_XML.sub("", text), quote=True)
