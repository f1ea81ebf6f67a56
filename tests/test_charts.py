"""SVG charts: standalone, escaped, deterministic, and carrying the values they plot."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from afteraction.followup.charts import (
    PALETTE,
    SVG_NS,
    Bar,
    Series,
    _ticks,
    bar_chart,
    grouped_bar_chart,
    line_chart,
)

NS = f"{{{SVG_NS}}}"
NASTY = "<b>&</b> \"quoted\" 'it's'"

BARS = [Bar("SEV1", 3), Bar("SEV2", 12.54, note="n=4"), Bar("SEV3", 0), Bar("SEV4", 41)]
CATEGORIES = ["SEV1", "SEV2", "SEV3"]
SERIES = [Series("median", [42, 95.5, None]), Series("p90", [120, 310, 30])]
POINTS = [("2026-01", 3.0), ("2026-02", 0.0), ("2026-03", 7.5), ("2026-04", 4.0)]

CHARTS = {
    "bar": lambda: bar_chart("By severity", BARS, unit="incidents"),
    "grouped": lambda: grouped_bar_chart("Resolve", CATEGORIES, SERIES, unit="minutes"),
    "line": lambda: line_chart("Per month", POINTS, unit="incidents"),
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def marks(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if g.get("class") == "mark"]


def texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(f"{NS}text")]


def tooltip(mark: ET.Element) -> str:
    title = mark.find(f"{NS}title")
    assert title is not None
    return title.text or ""


def value_text(mark: ET.Element) -> str:
    text = mark.find(f"{NS}text")
    assert text is not None
    return text.text or ""


@pytest.mark.parametrize("kind", CHARTS)
def test_a_chart_is_a_standalone_accessible_svg(kind):
    svg = CHARTS[kind]()
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root[0].tag == f"{NS}title"
    assert root[0].text in {"By severity", "Resolve", "Per month"}
    assert "script" not in svg
    assert "href" not in svg
    assert "url(" not in svg
    assert svg.count("http") == 1  # the namespace only


@pytest.mark.parametrize("kind", CHARTS)
def test_the_same_figures_give_the_same_bytes(kind):
    assert CHARTS[kind]() == CHARTS[kind]()


def test_every_bar_carries_its_value_as_text_and_data():
    found = marks(parse(CHARTS["bar"]()))
    assert [(m.get("data-label"), m.get("data-value")) for m in found] == [
        ("SEV1", "3"),
        ("SEV2", "12.54"),
        ("SEV3", "0"),
        ("SEV4", "41"),
    ]
    assert [float(m.get("data-value", "")) for m in found] == [bar.value for bar in BARS]
    assert [value_text(m) for m in found] == ["3", "12.5", "0", "41"]
    assert [tooltip(m) for m in found] == [
        "SEV1: 3 incidents",
        "SEV2: 12.5 incidents (n=4)",
        "SEV3: 0 incidents",
        "SEV4: 41 incidents",
    ]


def test_a_note_is_shown_beside_its_value():
    sev2 = marks(parse(CHARTS["bar"]()))[1]
    assert texts(sev2) == ["12.5(n=4)"]
    assert [t.text for t in sev2.iter(f"{NS}tspan")] == ["(n=4)"]


def test_without_a_unit_the_tooltip_has_no_trailing_space():
    (mark,) = marks(parse(bar_chart("t", [Bar("api", 2.0)])))
    assert tooltip(mark) == "api: 2"


@pytest.mark.parametrize(
    ("value", "shown"), [(7.0, "7"), (7, "7"), (0.26, "0.3"), (2.96, "3"), (1234.56, "1234.6")]
)
def test_values_are_shown_compactly(value, shown):
    (mark,) = marks(parse(bar_chart("t", [Bar("x", value)])))
    assert value_text(mark) == shown
    assert float(mark.get("data-value", "")) == value


def test_bar_lengths_are_proportional_to_values():
    found = marks(parse(CHARTS["bar"]()))
    widths = [float(m.find(f"{NS}rect").get("width")) for m in found]
    scale = widths[-1] / 41
    assert widths == pytest.approx([v * scale for v in (3, 12.54, 0, 41)], abs=0.01)
    assert widths[2] == 0


def test_grouped_bars_are_proportional_to_values_across_series():
    found = [m for m in marks(parse(CHARTS["grouped"]())) if m.get("data-value")]
    values = [float(m.get("data-value", "")) for m in found]
    widths = [float(m.find(f"{NS}rect").get("width")) for m in found]
    assert values == [42, 120, 95.5, 310, 30]
    scale = widths[values.index(310)] / 310
    assert widths == pytest.approx([v * scale for v in values], abs=0.01)


def test_grouped_marks_name_category_and_series():
    found = marks(parse(CHARTS["grouped"]()))
    assert [(m.get("data-label"), m.get("data-series"), m.get("data-value")) for m in found] == [
        ("SEV1", "median", "42"),
        ("SEV1", "p90", "120"),
        ("SEV2", "median", "95.5"),
        ("SEV2", "p90", "310"),
        ("SEV3", "median", None),
        ("SEV3", "p90", "30"),
    ]
    assert [value_text(m) for m in found] == ["42", "120", "95.5", "310", "n/a", "30"]
    assert tooltip(found[3]) == "SEV2, p90: 310 minutes"


def test_a_missing_value_is_labelled_na_and_draws_nothing():
    na = marks(parse(CHARTS["grouped"]()))[4]
    assert na.get("data-value") is None
    assert na.find(f"{NS}rect") is None
    assert value_text(na) == "n/a"
    assert tooltip(na) == "SEV3, median: n/a"


def test_all_missing_values_still_draw_the_categories():
    root = parse(grouped_bar_chart("t", ["a", "b"], [Series("s", [None, None])]))
    assert [value_text(m) for m in marks(root)] == ["n/a", "n/a"]


def test_the_legend_names_each_series_in_its_bars_colour():
    root = parse(CHARTS["grouped"]())
    legend = [g for g in root.iter(f"{NS}g") if g.get("class") == "legend"]
    assert [g.get("data-series") for g in legend] == ["median", "p90"]
    assert [texts(g) for g in legend] == [["median"], ["p90"]]
    colours = {g.get("data-series"): g.find(f"{NS}rect").get("fill") for g in legend}
    for mark in marks(root):
        rect = mark.find(f"{NS}rect")
        if rect is not None:
            assert rect.get("fill") == colours[mark.get("data-series")]
    assert list(colours.values()) == list(PALETTE[:2])


def test_every_point_of_a_line_carries_its_value():
    found = marks(parse(CHARTS["line"]()))
    assert [(m.get("data-label"), m.get("data-value")) for m in found] == [
        ("2026-01", "3"),
        ("2026-02", "0"),
        ("2026-03", "7.5"),
        ("2026-04", "4"),
    ]
    assert [value_text(m) for m in found] == ["3", "0", "7.5", "4"]
    assert tooltip(found[2]) == "2026-03: 7.5 incidents"


def test_line_heights_are_proportional_to_values():
    root = parse(CHARTS["line"]())
    found = marks(root)
    ys = [float(m.find(f"{NS}circle").get("cy")) for m in found]
    baseline = ys[1]  # the zero point
    heights = [baseline - y for y in ys]
    scale = heights[2] / 7.5
    assert heights == pytest.approx([v * scale for _, v in POINTS], abs=0.01)
    polyline = root.find(f"{NS}polyline")
    assert polyline is not None
    assert [float(p.split(",")[1]) for p in polyline.get("points", "").split()] == ys


def test_many_points_thin_out_their_axis_labels_but_keep_every_value():
    points = [(f"2026-{m:02d}-01", float(m)) for m in range(1, 37)]
    root = parse(line_chart("t", points))
    assert [value_text(m) for m in marks(root)] == [str(m) for m in range(1, 37)]
    shown = [t for t in texts(root) if t.startswith("2026-")]
    assert shown[0] == "2026-01-01"
    assert 1 < len(shown) < 36


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart(NASTY, [Bar(NASTY, 1, note=NASTY)], unit=NASTY),
        grouped_bar_chart(NASTY, [NASTY], [Series(NASTY, [1])], unit=NASTY),
        line_chart(NASTY, [(NASTY, 1)], unit=NASTY),
    ],
    ids=["bar", "grouped", "line"],
)
def test_users_text_is_escaped_and_round_trips(svg):
    assert "<b>" not in svg
    root = parse(svg)
    assert root[0].text == NASTY
    (mark,) = marks(root)
    assert mark.get("data-label") == NASTY
    assert tooltip(mark).startswith(NASTY)
    assert texts(root).count(NASTY) >= 2  # the visible title and the unit, at least


def test_the_grouped_series_name_round_trips():
    root = parse(grouped_bar_chart("t", ["a"], [Series("<b>&", [1])]))
    assert [m.get("data-series") for m in marks(root)] == ["<b>&"]


def test_characters_xml_cannot_hold_are_dropped():
    root = parse(bar_chart("t\x00", [Bar("a\x1bb", 1)]))
    assert root[0].text == "t"
    assert [m.get("data-label") for m in marks(root)] == ["ab"]


def test_long_labels_are_shortened_on_screen_but_kept_whole_in_the_data():
    label = "a very long component name " * 5
    root = parse(bar_chart("t", [Bar(label, 1)]))
    assert marks(root)[0].get("data-label") == label
    assert any(t.endswith("…") for t in texts(root))


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart("Empty", []),
        grouped_bar_chart("Empty", [], []),
        grouped_bar_chart("Empty", ["a"], []),
        line_chart("Empty", []),
    ],
)
def test_no_data_says_so(svg):
    root = parse(svg)
    assert "No data" in texts(root)
    assert marks(root) == []
    assert root[0].text == "Empty"


def test_all_zero_values_draw_an_axis_up_to_one():
    root = parse(bar_chart("t", [Bar("a", 0), Bar("b", 0)]))
    assert [value_text(m) for m in marks(root)] == ["0", "0"]
    assert {"0", "1"} <= set(texts(root))


@pytest.mark.parametrize(
    ("values", "ticks"),
    [
        ([41], [0, 10, 20, 30, 40, 50]),
        ([310, 120], [0, 100, 200, 300, 400]),
        ([7], [0, 2, 4, 6, 8]),
        ([1], [0, 1]),
        ([0.3], [0, 0.1, 0.2, 0.3]),
        ([1, 0.5], [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        ([0], [0, 1]),
        ([], [0, 1]),
    ],
)
def test_ticks_are_round_and_reach_past_the_largest_value(values, ticks):
    assert _ticks(values) == pytest.approx(ticks)


def test_tick_labels_use_the_decimals_their_step_needs():
    root = parse(bar_chart("t", [Bar("a", 0.3)]))
    assert {"0.0", "0.1", "0.2", "0.3"} <= set(texts(root))


@pytest.mark.parametrize("value", [-1.0, math.nan, math.inf])
def test_values_that_cannot_be_plotted_are_refused(value):
    with pytest.raises(ValueError, match="cannot plot"):
        bar_chart("t", [Bar("a", value)])
    with pytest.raises(ValueError, match="cannot plot"):
        grouped_bar_chart("t", ["a"], [Series("s", [value])])
    with pytest.raises(ValueError, match="cannot plot"):
        line_chart("t", [("a", value)])


def test_a_series_needs_a_value_per_category():
    with pytest.raises(ValueError, match="'s' has 1 values for 2 categories"):
        grouped_bar_chart("t", ["a", "b"], [Series("s", [1])])


def test_a_grouped_chart_takes_no_more_series_than_colours():
    series = [Series(str(i), [1]) for i in range(len(PALETTE) + 1)]
    with pytest.raises(ValueError, match="at most"):
        grouped_bar_chart("t", ["a"], series)


def test_a_chart_has_a_minimum_width():
    with pytest.raises(ValueError, match="at least"):
        bar_chart("t", [Bar("a", 1)], width=100)
    root = parse(bar_chart("t", [Bar("a", 1)], width=400))
    assert root.get("width") == "400"
