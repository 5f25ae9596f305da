"""Charts of query results, as PNG or SVG, drawn by matplotlib (no screen needed).

Two kinds of chart, each with one panel per value of a *facet* column (a measure,
say), because figures of different measures do not share a scale:

- ``bar``: one horizontal bar per row, labelled by the ``x`` column, as long as ``y``;
- ``time``: one point per row at the date in ``x`` (or ``x_fallback``), as high as ``y``,
  with a line back to ``start`` when the row covers a period, a colour per ``series``.

:func:`spec_for` knows how to draw each named query, and guesses for any other
result. :func:`draw` returns the file's bytes; in SVG, points that carry a URL are
links. Matplotlib's global settings are touched only under a lock, so charts may be
drawn from several threads.

>>> rows = [{"agency": "ROCU", "arrests": 85}, {"agency": "POLIT", "arrests": 104}]
>>> draw(rows, ChartSpec("bar", x="agency", y="arrests"), "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal

from safekg.errors import SafeKGError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.typing import RcKeyType

__all__ = [
    "ChartFormat",
    "ChartSpec",
    "Value",
    "draw",
    "inline_svg",
    "rows_from_json",
    "spec_for",
]

#: A cell of a result row, as charts read it.
Value = str | int | float | date | None
Row = Mapping[str, Value]

ChartKind = Literal["bar", "time"]


class ChartFormat(StrEnum):
    """A chart file format."""

    PNG = "png"
    SVG = "svg"

    @property
    def media_type(self) -> str:
        return "image/png" if self is ChartFormat.PNG else "image/svg+xml"

    @classmethod
    def from_name(cls, name: str) -> ChartFormat:
        key = name.strip().lower().removeprefix(".")
        for member in cls:
            if key in (member.value, member.media_type):
                return member
        raise SafeKGError(f"unknown chart format {name!r}; use png or svg")

    @classmethod
    def from_suffix(cls, path: str | PurePath) -> ChartFormat:
        suffix = PurePath(path).suffix.lower()
        if suffix not in (".png", ".svg"):
            raise SafeKGError(
                f"cannot tell the chart format of {str(path)!r} from its suffix; "
                "use .png or .svg, or name the format"
            )
        return cls(suffix[1:])


@dataclass(frozen=True)
class ChartSpec:
    """Which columns a chart draws, and how."""

    kind: ChartKind
    x: str  # bar: the label of each bar; time: the date of each point
    y: str  # the number
    facet: str | None = None  # one panel per value
    series: str | None = None  # one colour per value
    x_fallback: str | None = None  # time: the date when ``x`` is unbound
    start: str | None = None  # time: where the period of a point begins
    url: str | None = None  # a column of links (SVG only)
    title: str = ""


#: How each shipped named query is drawn.
NAMED_SPECS: Mapping[str, ChartSpec] = {
    "arrests-by-agency": ChartSpec("bar", x="agency", y="arrests"),
    "totals-by-measure-and-year": ChartSpec("bar", x="year", y="total", facet="measure"),
    "outcomes-by-agency": ChartSpec(
        "time", x="end", y="value", facet="measure", series="agency", start="start"
    ),
    "funding": ChartSpec("bar", x="recipient", y="amount", series="currency"),
    "sources-of-figure": ChartSpec(
        "time", x="published", y="value", facet="measure", series="agency"
    ),
    "agency-over-time": ChartSpec("bar", x="year", y="total", facet="measure", series="name"),
    "outcomes-including-units": ChartSpec(
        "bar", x="year", y="total", facet="measure", series="name"
    ),
    "agencies-by-country": ChartSpec("bar", x="agency", y="articles", series="country"),
    "articles": ChartSpec("bar", x="articleId", y="outcomes"),
    "funding-by-recipient-and-funder": ChartSpec(
        "bar", x="recipient", y="total", series="currency"
    ),
    "measures-reported": ChartSpec("bar", x="measure", y="figures"),
    "offences-named-with-arrests": ChartSpec("bar", x="offence", y="arrestsReported"),
}

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger")}
_REALS = {_XSD + t for t in ("decimal", "double", "float")}


def rows_from_json(document: Mapping[str, Any]) -> tuple[list[str], list[dict[str, Value]]]:
    """The columns and rows of a SPARQL 1.1 JSON SELECT result, as Python values.

    Numbers become ``int`` or ``float``, ``xsd:date`` a ``date``, an IRI the text after its
    last ``/`` or ``#``, anything else its text.
    """
    if "results" not in document:
        raise SafeKGError("only the rows of a SELECT query can be charted")
    columns = [str(name) for name in document.get("head", {}).get("vars", [])]
    rows = []
    for binding in document["results"].get("bindings", []):
        rows.append({name: _value(binding.get(name)) for name in columns})
    return columns, rows


def _value(term: Mapping[str, Any] | None) -> Value:
    if term is None:
        return None
    text = str(term.get("value", ""))
    if term.get("type") == "uri":
        return re.split(r"[/#]", text.rstrip("/#"))[-1] or text
    datatype = term.get("datatype")
    try:
        if datatype in _INTEGERS:
            return int(text)
        if datatype in _REALS:
            number = Decimal(text)
            return int(number) if number == number.to_integral_value() else float(number)
        if datatype == _XSD + "date":
            return date.fromisoformat(text[:10])
    except (ArithmeticError, ValueError):
        return text
    return text


def spec_for(name: str | None, columns: Sequence[str], rows: Sequence[Row]) -> ChartSpec:
    """How to draw a result: the named query's own chart, else a guess from the columns.

    The guess takes as ``y`` the column of numbers with the largest value (leaving out
    years); a column of dates makes a time chart, else the first column of text that is
    not blank labels the bars.
    """
    if not rows:
        raise SafeKGError("nothing to chart: the query found no rows")
    named = NAMED_SPECS.get(name or "")
    if named is not None and all(column in columns for column in _columns(named) if column):
        return named
    numeric = [c for c in columns if _all(rows, c, (int, float))]
    values = [c for c in numeric if "year" not in c.lower()] or numeric
    if not values:
        raise SafeKGError("nothing to chart: no column of the result holds only numbers")
    y = max(
        values, key=lambda c: max(float(v) for r in rows if isinstance(v := r.get(c), int | float))
    )
    dates = [c for c in columns if c not in numeric and _all(rows, c, (date,))]
    if dates:
        return ChartSpec("time", x=dates[-1], y=y)
    labels = [
        c for c in columns if c not in values and any(r.get(c) not in (None, "") for r in rows)
    ]
    if not labels:
        raise SafeKGError("nothing to chart: no column of the result labels the numbers")
    return ChartSpec("bar", x=labels[0], y=y)


def _columns(spec: ChartSpec) -> tuple[str | None, ...]:
    return (spec.x, spec.y, spec.facet, spec.series)


def _all(rows: Sequence[Row], column: str, types: tuple[type, ...]) -> bool:
    values = [row.get(column) for row in rows if row.get(column) is not None]
    return bool(values) and all(isinstance(v, types) and not isinstance(v, bool) for v in values)


def with_overrides(spec: ChartSpec, **changes: str | None) -> ChartSpec:
    """``spec`` with the given fields replaced (``None`` keeps a field as it is)."""
    given = {key: value for key, value in changes.items() if value is not None}
    if "kind" in given and given["kind"] not in ("bar", "time"):
        raise SafeKGError(f"unknown chart kind {given['kind']!r}; use bar or time")
    return replace(spec, **given)  # type: ignore[arg-type]  # kind was checked above


# ---------------------------------------------------------------------------- drawing

_LOCK = threading.Lock()
_WIDTH_IN = 8.0
_STYLE = "tableau-colorblind10"
_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, read by screen readers
    "svg.hashsalt": "safekg",  # the same chart gives the same file
    "text.parse_math": False,  # a "$" in a name is a dollar sign
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
}


def draw(
    rows: Sequence[Row],
    spec: ChartSpec,
    fmt: ChartFormat | str,
    *,
    title: str | None = None,
) -> bytes:
    """The chart of ``rows`` as a PNG or SVG file."""
    chart_format = fmt if isinstance(fmt, ChartFormat) else ChartFormat.from_name(fmt)
    if not rows:
        raise SafeKGError("nothing to chart: the query found no rows")
    for column in _columns(spec):
        if column and rows and all(column not in row for row in rows):
            raise SafeKGError(f"the result has no column {column!r} to chart")
    points = _points(rows, spec)
    if not points:
        raise SafeKGError(f"nothing to chart: no row has a number in {spec.y!r}")
    facets = list(dict.fromkeys(point.facet for point in points))
    import matplotlib
    import matplotlib.style
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    with _LOCK, matplotlib.style.context(_STYLE), matplotlib.rc_context(_RC):
        heights = [_panel_height(spec, [p for p in points if p.facet == f]) for f in facets]
        figure = Figure(figsize=(_WIDTH_IN, sum(heights) + 0.6), layout="constrained")
        axes_list = figure.subplots(
            len(facets), 1, squeeze=False, height_ratios=heights, sharex=spec.kind == "time"
        )[:, 0]
        colours = _colours(points, matplotlib.rcParams["axes.prop_cycle"].by_key()["color"])
        for axes, facet in zip(axes_list, facets, strict=True):
            panel = [p for p in points if p.facet == facet]
            if spec.kind == "bar":
                _bars(axes, panel, colours)
            else:
                _times(axes, panel, colours)
            if facet:
                axes.set_title(facet.replace("_", " "))
        heading = title if title is not None else spec.title
        if heading:
            figure.suptitle(heading, x=0.01, ha="left", fontweight="bold", fontsize=11)
        if spec.series and len(colours) > 1:
            handles = [
                Line2D([], [], marker="o", linestyle="", color=colour)
                for colour in colours.values()
            ]
            figure.legend(
                handles, list(colours), loc="outside lower center", ncols=2, frameon=False
            )
        buffer = io.BytesIO()
        metadata: dict[str, str | None] = {"Date": None} if chart_format == "svg" else {}
        figure.savefig(buffer, format=chart_format.value, dpi=120, metadata=metadata)
    return buffer.getvalue()


@dataclass(frozen=True)
class _Point:
    facet: str
    label: str
    value: float
    series: str
    when: date | None
    start: date | None
    url: str | None


def _points(rows: Iterable[Row], spec: ChartSpec) -> list[_Point]:
    points = []
    for row in rows:
        value = row.get(spec.y)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        when = start = None
        if spec.kind == "time":
            found = row.get(spec.x)
            if found is None and spec.x_fallback:
                found = row.get(spec.x_fallback)
            if found is None and spec.start:
                found = row.get(spec.start)
            if not isinstance(found, date):
                continue
            when = found
            begins = row.get(spec.start) if spec.start else None
            start = begins if isinstance(begins, date) and begins < when else None
        url = row.get(spec.url) if spec.url else None
        points.append(
            _Point(
                facet=_text(row.get(spec.facet)) if spec.facet else "",
                label=_text(row.get(spec.x)),
                value=float(value),
                series=_text(row.get(spec.series)) if spec.series else "",
                when=when,
                start=start,
                url=str(url) if url else None,
            )
        )
    return points


def _text(value: Value) -> str:
    if value is None:
        return "(none)"
    return value.isoformat() if isinstance(value, date) else str(value)


def _panel_height(spec: ChartSpec, panel: Sequence[_Point]) -> float:
    if spec.kind == "bar":
        return 0.6 + 0.28 * len(panel)
    return 1.5


def _colours(points: Sequence[_Point], cycle: Sequence[str]) -> dict[str, str]:
    names = list(dict.fromkeys(point.series for point in points))
    return {name: cycle[index % len(cycle)] for index, name in enumerate(names)}


def _bars(axes: Axes, panel: Sequence[_Point], colours: Mapping[str, str]) -> None:
    positions = list(range(len(panel)))
    bars = axes.barh(
        positions,
        [p.value for p in panel],
        color=[colours[p.series] for p in panel],
        height=0.7,
    )
    axes.set_yticks(positions, [_shorten(p.label) for p in panel])
    axes.invert_yaxis()
    axes.bar_label(bars, labels=[_number(p.value) for p in panel], padding=3)
    axes.margins(x=0.15)
    axes.xaxis.set_major_formatter(_number_formatter())
    for bar, point in zip(bars, panel, strict=True):
        if point.url:
            bar.set_url(point.url)


def _times(axes: Axes, panel: Sequence[_Point], colours: Mapping[str, str]) -> None:
    from matplotlib import dates as mdates

    for series, colour in colours.items():
        mine = [p for p in panel if p.series == series]
        if not mine:
            continue
        for point in mine:
            if point.start is not None:
                axes.plot(
                    _days([point.start, point.when]),
                    [point.value, point.value],
                    color=colour,
                    lw=2.0,
                )
        dots = axes.scatter(
            _days([p.when for p in mine]), [p.value for p in mine], color=colour, s=30, zorder=3
        )
        if any(p.url for p in mine):
            dots.set_urls([p.url for p in mine])
    axes.set_ylim(0, max(p.value for p in panel) * 1.15 or 1.0)
    axes.margins(x=0.08)
    axes.yaxis.set_major_formatter(_number_formatter())
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(
        mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    )
    axes.grid(axis="y", alpha=0.3)
    axes.tick_params(labelbottom=True)  # every panel shows its dates


def _days(days: Sequence[date | None]) -> Any:
    """Dates as numpy days, which matplotlib draws on a date axis."""
    import numpy

    return numpy.array([d for d in days if d is not None], dtype="datetime64[D]")


def _number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _number_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: _number(value))


def _shorten(label: str, width: int = 48) -> str:
    return label if len(label) <= width else label[: width - 1] + "\u2026"


# ------------------------------------------------------------------------ for pages


def inline_svg(svg: bytes, *, label: str, chart_id: str = "chart") -> str:
    """An SVG file as an element to put in an HTML page: no XML prologue, labelled for
    screen readers, scaled to the page's width. Its text comes from matplotlib, which
    escapes it."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    if start < 0:
        raise SafeKGError("matplotlib did not write an SVG element")
    text = text[start:]
    opening_end = text.index(">")
    opening = text[:opening_end]
    opening = re.sub(r'\s(width|height)="[^"]*"', "", opening)
    from html import escape

    title_id = f"{chart_id}-title"
    return (
        f'{opening} role="img" aria-labelledby="{escape(title_id)}" class="chart">'
        f'<title id="{escape(title_id)}">{escape(label)}</title>'
        f"{text[opening_end + 1 :]}"
    )
