"""``safekg chart``: PNG and SVG charts of query results, read back to check them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import numpy
import pytest
from matplotlib import image
from typer.testing import CliRunner

from safekg import api, cli
from safekg.chart import (
    NAMED_SPECS,
    ChartFormat,
    ChartSpec,
    Value,
    draw,
    inline_svg,
    rows_from_json,
    spec_for,
    with_overrides,
)
from safekg.errors import SafeKGError
from safekg.query import named_queries

SVG = "{http://www.w3.org/2000/svg}"
runner = CliRunner()


def read_png(path: Path) -> numpy.typing.NDArray[numpy.float32]:
    """The picture, checked to be a real one: some size, and not one flat colour."""
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    pixels = image.imread(str(path))
    assert pixels.ndim == 3
    height, width = pixels.shape[:2]
    assert width >= 400
    assert height >= 100
    assert float(pixels[..., :3].std()) > 0.05  # not blank
    ink = (pixels[..., :3].mean(axis=2) < 0.5).mean()
    assert 0.002 < float(ink) < 0.6  # some dark marks, on a light ground
    return pixels


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return [text for element in root.iter(f"{SVG}text") if (text := "".join(element.itertext()))]


def test_every_named_spec_names_a_shipped_query() -> None:
    assert set(NAMED_SPECS) <= set(named_queries())


def test_named_specs_fit_their_queries(built_store: Path) -> None:
    """Each named query still has the columns its chart draws."""
    for name, spec in NAMED_SPECS.items():
        answer = api.query(name, store_location=built_store, fmt="json")
        columns, rows = rows_from_json(json.loads(answer))
        assert all(c in columns for c in (spec.x, spec.y, spec.facet, spec.series) if c), name
        if rows:
            assert spec_for(name, columns, rows) == spec


def test_png_of_a_named_query(built_store: Path, tmp_path: Path) -> None:
    output = tmp_path / "arrests.png"
    assert (
        api.chart(
            "arrests-by-agency", store_location=built_store, params={"year": "2017"}, output=output
        )
        is None
    )
    read_png(output)


def test_svg_of_a_named_query_keeps_its_labels(built_store: Path) -> None:
    data = api.chart(
        "arrests-by-agency", store_location=built_store, params={"year": "2017"}, fmt="svg"
    )
    assert data is not None
    texts = svg_texts(data)
    assert "West Midlands Regional Organised Crime Unit" in texts
    assert "85" in texts
    assert "Arrests by agency (year 2017)" in texts


def test_time_chart_has_a_panel_per_measure(built_store: Path, tmp_path: Path) -> None:
    output = tmp_path / "outcomes.svg"
    api.chart("outcomes-by-agency", store_location=built_store, output=output)
    texts = svg_texts(output.read_bytes())
    assert {"arrests", "children safeguarded", "warrants executed"} <= set(texts)


def test_cli_writes_the_format_its_suffix_names(built_store: Path, tmp_path: Path) -> None:
    png = tmp_path / "totals.png"
    result = runner.invoke(
        cli.app,
        ["chart", "totals-by-measure-and-year", "--store", str(built_store), "-o", str(png)],
    )
    assert result.exit_code == 0, result.stderr
    assert f"wrote {png}" in result.stderr
    read_png(png)
    svg = tmp_path / "totals.svg"
    result = runner.invoke(
        cli.app,
        ["chart", "totals-by-measure-and-year", "--store", str(built_store), "-o", str(svg)],
    )
    assert result.exit_code == 0
    assert svg_texts(svg.read_bytes())


def test_cli_writes_svg_to_stdout(built_store: Path) -> None:
    result = runner.invoke(
        cli.app, ["chart", "funding", "--store", str(built_store), "--format", "svg"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<?xml")


def test_cli_charts_own_sparql_with_chosen_columns(built_store: Path, tmp_path: Path) -> None:
    query = (
        "PREFIX sk: <https://w3id.org/safekg/def#>\n"
        "SELECT ?agency (COUNT(?o) AS ?figures) WHERE { ?o sk:agency ?agency } GROUP BY ?agency"
    )
    output = tmp_path / "figures.png"
    result = runner.invoke(
        cli.app,
        [
            "chart",
            query,
            "--store",
            str(built_store),
            "-o",
            str(output),
            "--kind",
            "bar",
            "--x",
            "agency",
            "--y",
            "figures",
        ],
    )
    assert result.exit_code == 0, result.stderr
    read_png(output)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chart", "officers", "-o", "x.png"], "nothing to chart"),
        (["chart", "funding", "-o", "x.gif"], "suffix"),
        (["chart", "funding", "-o", "x.png", "--kind", "pie"], "unknown chart kind"),
        (["chart", "funding", "-o", "x.png", "--y", "nope"], "no column 'nope'"),
        (["chart", "funding", "-f", "jpeg"], "unknown chart format"),
        (["chart", "no-such-query", "-o", "x.png"], "no query named"),
    ],
)
def test_cli_refusals(built_store: Path, tmp_path: Path, args: list[str], message: str) -> None:
    args = [arg if not arg.startswith("x.") else str(tmp_path / arg) for arg in args]
    result = runner.invoke(cli.app, [*args, "--store", str(built_store)])
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_rows_from_json_reads_numbers_dates_and_iris() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    columns, rows = rows_from_json(
        {
            "head": {"vars": ["a", "n", "d", "x", "missing"]},
            "results": {
                "bindings": [
                    {
                        "a": {"type": "uri", "value": "https://w3id.org/safekg/id/agency/polit"},
                        "n": {"type": "literal", "value": "12.50", "datatype": xsd + "decimal"},
                        "d": {"type": "literal", "value": "2019-12-31", "datatype": xsd + "date"},
                        "x": {"type": "literal", "value": "7", "datatype": xsd + "integer"},
                    }
                ]
            },
        }
    )
    assert columns == ["a", "n", "d", "x", "missing"]
    assert rows == [{"a": "polit", "n": 12.5, "d": date(2019, 12, 31), "x": 7, "missing": None}]
    with pytest.raises(SafeKGError):
        rows_from_json({"head": {}, "boolean": True})


def test_spec_for_guesses_from_the_columns() -> None:
    rows: list[dict[str, Value]] = [
        {"when": date(2020, 1, 1), "blank": "", "label": "a", "year": 2019, "n": 3, "total": 70}
    ]
    assert spec_for(None, ["label", "n"], rows) == ChartSpec("bar", x="label", y="n")
    assert spec_for(None, ["blank", "label", "year", "n", "total"], rows) == ChartSpec(
        "bar", x="label", y="total"
    )
    assert spec_for(None, ["label", "when", "n"], rows) == ChartSpec("time", x="when", y="n")
    assert spec_for("funding", ["label", "n"], rows) == ChartSpec("bar", x="label", y="n")
    with pytest.raises(SafeKGError, match="nothing to chart"):
        spec_for(None, ["label"], rows)
    with pytest.raises(SafeKGError, match="no rows"):
        spec_for("funding", ["label", "n"], [])
    assert with_overrides(ChartSpec("bar", x="a", y="b"), y="c", x=None).y == "c"


def test_dollars_and_markup_in_labels_are_only_text() -> None:
    rows: list[dict[str, Value]] = [{"who": "$5 & <b>friends</b>", "n": 5}, {"who": "$x$", "n": 2}]
    data = draw(rows, ChartSpec("bar", x="who", y="n"), ChartFormat.SVG)
    texts = svg_texts(data)
    assert "$5 & <b>friends</b>" in texts
    assert "$x$" in texts


def test_time_points_link_to_their_sentences_in_svg() -> None:
    rows: list[dict[str, Value]] = [
        {"m": "arrests", "v": 85, "s": date(2017, 1, 1), "e": date(2017, 12, 31), "u": "/a#c=1"},
        {"m": "arrests", "v": 70, "s": None, "e": date(2018, 12, 31), "u": "/b#c=2"},
    ]
    spec = ChartSpec("time", x="e", y="v", facet="m", start="s", url="u")
    data = draw(rows, spec, "svg")
    assert b'xlink:href="/a#c=1"' in data
    assert b'xlink:href="/b#c=2"' in data
    assert draw(rows, spec, "svg") == data  # the same chart gives the same file
    inline = inline_svg(data, label="Arrests over time", chart_id="c1")
    assert inline.startswith("<svg")
    assert 'role="img" aria-labelledby="c1-title"' in inline
    assert '<title id="c1-title">Arrests over time</title>' in inline
    assert ' width="' not in inline.split(">", 1)[0]


def test_nothing_to_draw_is_refused() -> None:
    with pytest.raises(SafeKGError, match="nothing to chart"):
        draw([{"a": "x", "n": None}], ChartSpec("bar", x="a", y="n"), "png")
