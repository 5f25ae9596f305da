"""Files -> Article: formats, dates, and every way a file can be refused."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safekg.dates import parse_date, parse_date_any, parse_iso_date
from safekg.errors import ExtractionError, IngestError
from safekg.ingest import MAX_LINE_CHARS, Refused, date_rules, read_articles
from safekg.models import Article

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "data" / "articles"
CASES = Path(__file__).resolve().parent / "ingest_cases"


def read(*paths: str | Path, max_bytes: int = 5_000_000) -> list[Article | Refused]:
    return list(read_articles(paths, max_bytes=max_bytes))


def one(path: Path, max_bytes: int = 5_000_000) -> Article | Refused:
    (result,) = read(path, max_bytes=max_bytes)
    return result


def article(path: Path) -> Article:
    result = one(path)
    assert isinstance(result, Article), result
    return result


def refused(path: Path, max_bytes: int = 5_000_000) -> str:
    result = one(path, max_bytes)
    assert isinstance(result, Refused), result
    assert result.source == str(path)
    return result.reason


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


# ------------------------------------------------------------------ the seeds


SEED_DATES = {
    "000_1e643762131a26ca": date(2019, 5, 17),
    "001_924c3bbeb742ac3a": date(2020, 2, 4),
    "002_aef05ba49176ae66": date(2023, 9, 8),
    "003_f34bd66a456c8a54": None,
    "004_bd8a260c78bd93ac": date(2018, 3, 17),
}


def test_seeds_ingest_with_their_dates_and_unchanged_text() -> None:
    results = read(SEEDS)
    assert all(isinstance(r, Article) for r in results), results
    articles = {r.id: r for r in results if isinstance(r, Article)}
    assert {i: a.published for i, a in articles.items()} == SEED_DATES
    assert list(articles) == sorted(SEED_DATES)  # sorted, deterministic order
    for identifier, found in articles.items():
        path = SEEDS / f"{identifier}.txt"
        assert found.source == str(path)
        assert found.text == path.read_text(encoding="utf-8").replace("\r\n", "\n")


def test_seed_titles() -> None:
    titles = {r.id: r.title for r in read(SEEDS) if isinstance(r, Article)}
    assert titles["000_1e643762131a26ca"] is None  # the first line is the date and the body
    assert titles["002_aef05ba49176ae66"] == "Suspected paedophiles arrested in targeted operation"
    assert titles["004_bd8a260c78bd93ac"] == "Online cops snare 85 paedophile suspects in a year"


# ------------------------------------------------------------- .txt headers

# Each: the start of an article as written, and the date it was published.
# (The first lines of the development articles, and other common styles.)
TXT_HEADERS: list[tuple[str, date | None]] = [
    (
        " date 2021-01-22 Officers from the National Crime Agency arrested 320.\n\nMore.",
        date(2021, 1, 22),
    ),
    ("Tuesday, 28th April 2020\n\nLockdown gives predators openings\n\nA team.", date(2020, 4, 28)),
    ("Published: Wednesday, May 24, 2023\n\nWeek of action\n\nMORE than ten.", date(2023, 5, 24)),
    (
        "Posted on 16 July 2014\n\nEighteen arrested in Jersey\n\nPOLICE in Jersey.",
        date(2014, 7, 16),
    ),
    ("Published: Wed 12 Jun 2013\n\nGoogle's gift\n\nGOOGLE is to give.", date(2013, 6, 12)),
    ("Posted on 16.12.2011\n\n112 arrested\n\nPolice in 26 countries.", date(2011, 12, 16)),
    ("Wednesday, May 25, 2022\n\nUnit adds investigators\n\nThe police unit.", date(2022, 5, 25)),
    (
        "Justice Department awards $13 million\n\nNew task force named\n\n"
        "WASHINGTON, June 22, 2005 - The U.S. Department of Justice awarded grants.",
        date(2005, 6, 22),
    ),
    ("Three children rescued\n\nPERTH, 5 September 2022 - Three children.", date(2022, 9, 5)),
    ("Spanish police arrest 40\n\nMADRID, 18 November 2024 - Spain's police.", date(2024, 11, 18)),
    (
        "Ontario results\n\nTORONTO (Nov. 30, 2022) \u2013 Police laid 428 charges.",
        date(2022, 11, 30),
    ),
    ("ALEA's unit: 21 arrests\n\nMONTGOMERY, Ala. - The ICAC Unit served 46 warrants.", None),
    (
        "Title\n\nDate published: 08 September 2023 13:43\nDated: 08 September 2023 14:41:52\n\nX.",
        date(2023, 9, 8),
    ),
    ("Updated 3 June 2019\nPublished 2 June 2019\n\nBody.", date(2019, 6, 2)),  # published wins
    ("Headline here\n2022-12-16\n\nBody text.", date(2022, 12, 16)),
    ("Headline here\nPosted 16/07/2014 10:02 by Newsroom\n\nBody text.", date(2014, 7, 16)),
    ("Headline\n\nThe unit was set up on 12 May 2019 and made 40 arrests.\n\nMore.", None),
    ("Headline\n\nIn November 2018 the team expanded.\n\n2019-01-01 was a busy day.", None),
    ("one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nPublished: 1 May 2020\n", None),
]


@pytest.mark.parametrize(("content", "expected"), TXT_HEADERS)
def test_txt_date_from_header(tmp_path: Path, content: str, expected: date | None) -> None:
    found = article(write(tmp_path, "a.txt", content))
    assert found.published == expected
    assert found.text == content


@pytest.mark.parametrize(
    ("name", "expected", "title"),
    [
        ("ap_dateline.txt", date(2022, 12, 16), "Utah task force arrests 12 in online sting"),
        ("body_date_only.txt", None, "POLIT team triples its arrests"),
        ("uk_header.txt", date(2014, 7, 16), "Force safeguards 40 children"),
    ],
)
def test_txt_fixtures(name: str, expected: date | None, title: str) -> None:
    found = article(CASES / name)
    assert (found.id, found.published, found.title) == (Path(name).stem, expected, title)


def test_every_rule_example() -> None:
    checked = 0
    for rule in date_rules():
        for line, expected in rule.examples:
            wanted = date.fromisoformat(expected) if expected else None
            assert rule.find([line]) == wanted, (rule.name, line)
            checked += 1
    assert checked > 30


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('{"name": "x", "kind": "line", "pattern": "^("}', "bad pattern"),
        ('{"name": "x", "kind": "line", "pattern": "^no group"}', "must capture 'date'"),
        ('{"name": "x", "kind": "labelled"}', "'labels'"),
        ('{"name": "x", "kind": "nope"}', "'kind' must be"),
        ('{"name": "x", "kind": "line", "pattern": "{date}", "within": 0}', "'within'"),
        ('{"name": "x", "kind": "line", "pattern": "{date}", "colour": 1}', "unknown keys"),
        ('{"name": "x", "kind": "html", "selector": "time"}', "'attribute'"),
        ("not json", "not JSON"),
    ],
)
def test_malformed_rule_fails_with_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    rules = write(tmp_path, "rules.jsonl", f"// a comment\n\n{row}\n")
    with pytest.raises(ExtractionError, match=message) as caught:
        date_rules(rules)
    assert f"{rules}:3:" in str(caught.value)


# ------------------------------------------------------------------ parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dec. 16, 2022", date(2022, 12, 16)),
        ("16 December 2022", date(2022, 12, 16)),
        ("2022-12-16", date(2022, 12, 16)),
        ("17th March 2018", date(2018, 3, 17)),
        ("Saturday, 17th March 2018", date(2018, 3, 17)),
        ("Sept. 5, 2022", date(2022, 9, 5)),
        ("16/07/2014", date(2014, 7, 16)),
        ("03/04/2020", date(2020, 4, 3)),  # day first
        ("12/25/2020", date(2020, 12, 25)),  # month first only when day first is impossible
        ("Thu 11/09/2023", date(2023, 11, 9)),  # ... or when only month first is a Thursday
        ("Monday 11/09/2023", date(2023, 9, 11)),  # day first is a Monday
        ("Fri 11/09/2023", date(2023, 9, 11)),  # neither is a Friday: day first
        ("16.12.2011", date(2011, 12, 16)),
        ("Wed 12 Jun 2013", date(2013, 6, 12)),
        ("Wednesday, May 24, 2023", date(2023, 5, 24)),
        ("08 September 2023 13:43", date(2023, 9, 8)),
        ("2022-12-16T23:30:00-05:00", date(2022, 12, 16)),  # the date as written
        ("the 17th of March, 2018", date(2018, 3, 17)),
        ("Tues. Nov. 29th, 2022", date(2022, 11, 29)),
        ("Thursday 12th May 2022 at 10:30am", date(2022, 5, 12)),
        ("12:34, 16 Dec 2022", date(2022, 12, 16)),
        ("(Nov. 30, 2022)", date(2022, 11, 30)),
        ("16/07/14", date(2014, 7, 16)),
        ("NOVEMBER 30, 2022", date(2022, 11, 30)),
        ("November 2018", None),
        ("In November 2018 the team expanded", None),
        ("yesterday", None),
        ("31 February 2020", None),
        ("2022-13-01", None),
        ("", None),
        ("16 December 20222", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_parse_iso_date() -> None:
    assert parse_iso_date("2023-09-08T13:43:00Z") == date(2023, 9, 8)
    assert parse_iso_date("2023-09-08") == date(2023, 9, 8)
    assert parse_iso_date("8 September 2023") is None
    assert parse_iso_date("2023-02-30") is None


def test_parse_date_any_reads_other_languages() -> None:
    pytest.importorskip("dateparser")
    assert parse_date_any("18 de noviembre de 2024") == date(2024, 11, 18)
    assert parse_date_any("16 Dezember 2022") == date(2022, 12, 16)
    assert parse_date_any("gestern") is None  # relative dates never count
    assert parse_date_any("16 December 2022") == date(2022, 12, 16)


@given(st.text(max_size=300))
def test_parse_date_never_raises(text: str) -> None:
    found = parse_date(text)
    assert found is None or isinstance(found, date)


def test_dateparser_and_selectolax_not_imported_for_text() -> None:
    code = (
        "import sys\n"
        "from safekg.ingest import read_articles\n"
        f"items = list(read_articles([{str(SEEDS)!r}]))\n"
        "assert len(items) == 5, items\n"
        "print(sorted(m for m in ('dateparser', 'selectolax') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


# ------------------------------------------------------------------ paths


def test_missing_path_raises_before_reading(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file or directory"):
        read_articles([SEEDS, tmp_path / "missing.txt"])


def test_folder_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", "Bee.")
    (tmp_path / "a").mkdir()
    write(tmp_path / "a", "z.html", "<p>Zed.</p>")
    write(tmp_path / "a", "c.htm", "<p>See.</p>")
    write(tmp_path, "notes.pdf", "%PDF-1.4")
    write(tmp_path, "README", "no suffix")
    write(tmp_path, ".hidden.txt", "Hidden.")
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git", "x.txt", "Hidden.")
    write(tmp_path, "d.JSONL", '{"id": "d1", "text": "Dee."}\n')
    results = read(tmp_path)
    assert [(r.id, r.text) for r in results if isinstance(r, Article)] == [
        ("c", "See."),
        ("z", "Zed."),
        ("b", "Bee."),
        ("d1", "Dee."),
    ]
    assert results[-1].source == f"{tmp_path / 'd.JSONL'}#line 1"


def test_unsupported_file_named_directly_is_refused(tmp_path: Path) -> None:
    assert "unsupported file type ('.pdf')" in refused(write(tmp_path, "x.pdf", "%PDF"))
    assert "unsupported file type (no suffix)" in refused(write(tmp_path, "README", "x"))


def test_same_file_twice_is_read_once_and_duplicate_ids_refused(tmp_path: Path) -> None:
    a = write(tmp_path, "same.txt", "One.")
    write(tmp_path, "same.html", "<p>Two.</p>")
    results = read(a, tmp_path, str(a))
    assert [type(r).__name__ for r in results] == ["Article", "Refused"]
    assert results[1].source == str(tmp_path / "same.html")
    assert isinstance(results[1], Refused)
    assert "duplicate article id 'same'" in results[1].reason


@pytest.mark.parametrize("name", ["links", "dataset", "inferred"])
def test_an_article_may_not_take_the_id_of_a_graph_safekg_keeps(tmp_path: Path, name: str) -> None:
    """Its graph would be the links, the dataset description or the reasoner's output."""
    write(tmp_path, f"{name}.txt", "One.")
    write(tmp_path, "other.txt", "Two.")
    results = read(tmp_path)
    assert [type(r).__name__ for r in results] == ["Refused", "Article"]
    assert isinstance(results[0], Refused)
    assert f"the article id {name!r} is the name of a graph safekg keeps" in results[0].reason


def test_a_string_path_is_one_path() -> None:
    assert len(list(read_articles(str(SEEDS)))) == 5  # type: ignore[arg-type,unused-ignore]


# -------------------------------------------------------- refusing bad files


def test_empty_and_blank_files(tmp_path: Path) -> None:
    assert refused(write(tmp_path, "empty.txt", b"")) == "empty file"
    assert refused(write(tmp_path, "blank.txt", " \n\t\r\n \u00a0\n")).startswith("blank file")
    assert refused(write(tmp_path, "blank.jsonl", "\n\n")).startswith("blank file")
    assert refused(write(tmp_path, "blank.html", "   ")).startswith("blank file")
    assert "no text" in refused(write(tmp_path, "empty.html", "<html><script>x=1</script></html>"))


def test_binary_files(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert refused(write(tmp_path, "image.txt", png)).startswith("binary file (NUL bytes")
    noise = bytes((i * 167 + 13) % 256 for i in range(4000)).replace(b"\x00", b"\x01")
    assert refused(write(tmp_path, "noise.txt", noise)).startswith("binary file")
    mostly_nul = b"A real start. " * 100 + b"\x00" * 50_000
    assert refused(write(tmp_path, "nul.txt", mostly_nul)).startswith("binary file (")


def test_invalid_utf8_names_the_byte(tmp_path: Path) -> None:
    data = b"a" * 1234 + b"\xe9t\xe9 " + b"b" * 100
    reason = refused(write(tmp_path, "latin1.txt", data))
    assert reason.startswith("invalid UTF-8 at byte 1234")


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_byte_order_marks_are_honoured(tmp_path: Path, bom: bytes, encoding: str) -> None:
    content = "Published: 16 July 2014\r\n\r\nOfficers arrested 18 people \u2013 \u00a31m.\r\n"
    found = article(write(tmp_path, "bom.txt", bom + content.encode(encoding)))
    assert found.text == content.replace("\r\n", "\n")
    assert found.published == date(2014, 7, 16)


def test_odd_utf16_is_refused(tmp_path: Path) -> None:
    reason = refused(
        write(tmp_path, "odd.txt", codecs.BOM_UTF16_LE + "abc".encode("utf-16-le")[:-1])
    )
    assert reason.startswith("invalid UTF-16 at byte")


def test_newlines_normalised_and_controls_stripped(tmp_path: Path) -> None:
    data = b"Title line\r\n\r\nBody with\x07 bell\x1b and\ttab.\rOld Mac line.\n"
    found = article(write(tmp_path, "ctl.txt", data))
    assert found.text == "Title line\n\nBody with bell and\ttab.\nOld Mac line.\n"
    late_nul = b"Words. " * 200 + b"A stray\x00 NUL."  # past the first KB: removed
    assert article(write(tmp_path, "nul.txt", late_nul)).text.endswith("A stray NUL.")


def test_file_over_max_bytes_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: 6 GB would take long to read
        handle.truncate(6_000_000_000)
    assert refused(big) == "file is 6,000,000,000 bytes, over the limit of 5,000,000"
    small = write(tmp_path, "small.txt", "x" * 101)
    assert refused(small, max_bytes=100) == "file is 101 bytes, over the limit of 100"
    assert isinstance(one(small, max_bytes=101), Article)


def test_line_over_a_million_characters_is_refused(tmp_path: Path) -> None:
    text = "Title\n\n" + "word " * (MAX_LINE_CHARS // 5 + 1) + "\nlast"
    assert refused(write(tmp_path, "long.txt", text)).startswith("line 3 is 1,000,005 characters")
    fine = "Title\n\n" + ("word " * 1000 + "\n") * 300
    assert isinstance(one(write(tmp_path, "ok.txt", fine)), Article)


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", b"")
    write(tmp_path, "b.txt", b"\xff\xfe\x00")
    write(tmp_path, "c.txt", "Fine.")
    write(tmp_path, "d.json", "{")
    write(tmp_path, "e.html", "<p>Also fine.</p>")
    kinds = [type(r).__name__ for r in read(tmp_path)]
    assert kinds == ["Refused", "Refused", "Article", "Refused", "Article"]


# ---------------------------------------------------------------------- .html


def test_html_main_text_metadata_and_no_script_content() -> None:
    found = article(CASES / "page.html")
    assert found.id == "page"
    assert found.published == date(2020, 2, 4)  # article:published_time beats JSON-LD
    assert found.title == "Unit arrests 104 suspects"  # og:title
    assert found.url == "https://example.org/news/unit-104?ref=c"  # canonical
    assert found.text == (
        "Unit arrests 104 suspects\n\n"
        "Officers made 104 arrests\nand executed 240 warrants.\n\n"
        "Second & final paragraph.\n\n"
        "Measure | Count\n\nArrests | 104\n\none\n\ntwo\n\nnested"
    )
    for hidden in ("999", "555", "888", "444", "333", "12 arrests", "77", "66", "footer"):
        assert hidden not in found.text


def test_html_date_from_json_ld_and_time() -> None:
    found = article(CASES / "time_page.html")
    assert found.published == date(2022, 11, 30)  # JSON-LD beats <time> and the dateline
    assert found.title == "Task force news"


def test_html_date_from_text_and_not_from_the_footer() -> None:
    found = article(CASES / "text_date_page.htm")
    assert found.published == date(2023, 5, 24)
    assert found.title == "Week of action"  # no <title>: the first <h1>
    assert found.text.startswith("Week of action\n\nPublished: Wednesday, May 24, 2023\n\nMORE")


def test_html_time_element(tmp_path: Path) -> None:
    page = (
        "<html><body><header><time datetime='2030-01-01'>today</time></header>"
        "<article><header><time datetime='2019-05-17T08:00'>17 May</time></header>"
        "<p>Text.</p></article></body></html>"
    )
    assert article(write(tmp_path, "t.html", page)).published == date(2019, 5, 17)


def test_html_declared_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1252"></head>'
        "<body><p>\u00a31m caf\u00e9</p></body></html>"
    )
    found = article(write(tmp_path, "cp.html", page.encode("cp1252")))
    assert found.text == "\u00a31m caf\u00e9"


@pytest.mark.parametrize("tag", ["div", "b", "span", "ul><li", "table><tr><td"])
def test_html_nested_100000_deep_is_refused_quickly(tmp_path: Path, tag: str) -> None:
    opening = "".join(f"<{t}>" for t in tag.split("><"))
    page = "<html><body>" + opening * 100_000 + "deep" + "</body></html>"
    started = time.monotonic()
    reason = refused(write(tmp_path, "deep.html", page))
    assert time.monotonic() - started < 5
    assert reason == "HTML nested more than 500 elements deep"


def test_html_wide_pages_still_parse(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>Paragraph {i}.<br>Line two.</p>" for i in range(20_000))
    svg = "<svg>" + '<path d="M0 0"/>' * 2_000 + "</svg>"
    script = "<script>" + "if (a<b && c>d) {}" * 2_000 + "</script>"
    page = f"<html><body>{svg}{script}<main>{paragraphs}</main></body></html>"
    found = article(write(tmp_path, "wide.html", page))
    assert found.text.count("\n\n") == 19_999
    assert found.text.startswith("Paragraph 0.\nLine two.")


# ---------------------------------------------------------------- .json, .jsonl


def test_jsonl_records_each_checked_and_bad_lines_refused() -> None:
    path = CASES / "records.jsonl"
    results = {str(r.source).rsplit("#", 1)[1]: r for r in read(path)}
    assert list(results) == [f"line {n}" for n in (1, 2, 3, 4, 5, 7, 8, 9, 10, 11)]
    first = results["line 1"]
    assert first == Article(
        id="r1",
        text="Officers arrested 320 people.",
        published=date(2021, 1, 22),
        url="https://example.org/r1",
        title="First",
        source=f"{path}#line 1",
    )
    assert isinstance(results["line 2"], Article) and results["line 2"].published is None
    assert isinstance(results["line 7"], Article)
    assert results["line 7"].published == date(2023, 9, 8)
    reasons = {k: r.reason for k, r in results.items() if isinstance(r, Refused)}
    assert reasons["line 3"].startswith("line 3: invalid JSON at column")
    assert reasons["line 4"] == "line 4: id must be a string, not a number"
    assert reasons["line 5"] == "line 5: invalid JSON: NaN is not a JSON value"
    assert reasons["line 8"] == "line 8: published is not an ISO date: '8 September 2023'"
    assert reasons["line 9"] == "line 9: text must be a string, not an array"
    assert reasons["line 10"].startswith("line 10: url is not an absolute http(s) URL")
    assert reasons["line 11"] == "line 11: a record must be a JSON object, not an array"


def test_json_single_record_takes_the_file_stem() -> None:
    found = article(CASES / "single.json")
    assert found.id == "single"
    assert found.published == date(2020, 4, 28)
    assert found.text == "A SPECIALIST team safeguarded 181 youngsters.\nIt made 141 arrests."
    assert found.title == "No id here"


def test_json_list_needs_ids() -> None:
    path = CASES / "list.json"
    results = read(path)
    assert [r.source for r in results] == [f"{path}#record {n}" for n in (1, 2, 3)]
    assert isinstance(results[1], Refused)
    assert results[1].reason == "record 2: the record has no id"
    assert [r.id for r in results if isinstance(r, Article)] == ["l1", "l3"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"id": "x", "text": "t", "published": 20200101}', "published must be an ISO date string"),
        ('{"id": "x", "text": "t", "published": "2020-02-30"}', "published is not an ISO date"),
        ('{"id": "x", "text": 3}', "text must be a string, not a number"),
        ('{"id": "x"}', "the record has no text"),
        ('{"id": "x", "text": "  \\n "}', "blank text"),
        ('{"id": "x", "text": "t", "title": 5}', "title must be a string or null"),
        ('{"id": " x", "text": "t"}', "spaces at either end"),
        ('{"id": "x", "text": "t", "published": Infinity}', "Infinity is not a JSON value"),
        ('{"id": "x", "text": "t",', "invalid JSON at line 1, column"),
        ("[]", "empty list"),
        ('"just a string"', "a record must be a JSON object, not a string"),
        ('{"n": ' + "9" * 5000 + "}", "invalid JSON"),
    ],
)
def test_json_refusals(tmp_path: Path, content: str, reason: str) -> None:
    assert reason in refused(write(tmp_path, "r.json", content))


def test_json_nested_100000_deep_is_refused(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    assert refused(write(tmp_path, "deep.json", deep)) == "JSON nested too deeply to read"
    path = write(tmp_path, "deep.jsonl", '{"id": "ok", "text": "Fine."}\n' + deep + "\n")
    results = read(path)
    assert isinstance(results[0], Article)
    assert results[1] == Refused(f"{path}#line 2", "line 2: JSON nested too deeply to read")
    page = '<script type="application/ld+json">' + deep + "</script><p>Text.</p>"
    assert article(write(tmp_path, "deep.html", page)).text == "Text."


def test_jsonl_long_line_refused_others_read(tmp_path: Path) -> None:
    long = json.dumps({"id": "long", "text": "x" * (MAX_LINE_CHARS + 10)})
    path = write(tmp_path, "l.jsonl", long + '\n{"id": "short", "text": "Fine."}\n')
    results = read(path)
    assert isinstance(results[0], Refused) and "over 1,000,000" in results[0].reason
    assert isinstance(results[1], Article) and results[1].id == "short"


# ------------------------------------------------------------- properties


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=2_000))
def test_any_text_file_ingests_without_raising(tmp_path: Path, text: str) -> None:
    path = tmp_path / "any.txt"
    path.write_text(text, encoding="utf-8")
    result = one(path)
    assert isinstance(result, Article | Refused)
    assert not (isinstance(result, Refused) and result.reason.startswith("internal")), result
    if isinstance(result, Article):
        assert result.text.strip()
        assert result.published is None or isinstance(result.published, date)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(max_size=2_000),
    suffix=st.sampled_from([".txt", ".html", ".json", ".jsonl"]),
)
def test_any_bytes_ingest_without_raising(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"any{suffix}"
    path.write_bytes(data)
    for result in read(path):
        assert isinstance(result, Article | Refused)
        assert not (isinstance(result, Refused) and result.reason.startswith("internal")), result


def test_speed_of_small_articles(tmp_path: Path) -> None:
    texts = [p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(500):
        (tmp_path / f"a{i:03d}.txt").write_bytes(texts[i % len(texts)])
    started = time.perf_counter()
    count = sum(isinstance(r, Article) for r in read(tmp_path))
    elapsed = time.perf_counter() - started
    assert count == 500
    assert elapsed < 2.5, f"{count / elapsed:.0f} articles/s"  # about 3,500/s when measured
