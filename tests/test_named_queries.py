"""The competency questions: every named query, answered on the bundled articles.

The graph is built from ``data/articles`` once for the module. Each question's test
checks the facts its answer must hold, against the articles or against another view
of the graph (the facts view, the article texts), rather than a copy of the output.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from safekg import api, ingest, resources
from safekg.cli import app
from safekg.graph import graph_iri, to_graph
from safekg.models import Agency, Article, Evidence, Extraction, Outcome
from safekg.query import named_queries, run_query
from safekg.store import LocalStore, open_store, oxigraph_triples

ARTICLES = resources.data_file("articles")
ITSRDF = "http://www.w3.org/2005/11/its/rdf#"

Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def bundled() -> Iterator[LocalStore]:
    with open_store(":memory:") as store:
        assert isinstance(store, LocalStore)
        report = api.build([ARTICLES], store_location=store)
        assert report.complete and len(report.built) == len(list(ARTICLES.iterdir()))
        yield store


def answer(store: LocalStore | ox.Store, name: str, **params: str) -> Rows:
    """A named query's rows, with its parameters bound by the engine."""
    target = store.pyoxigraph if isinstance(store, LocalStore) else store
    text = run_query(target, name, params=params, fmt="csv")
    return list(csv.DictReader(io.StringIO(text)))


def answer_through_api(store: LocalStore, name: str, **params: str) -> Rows:
    """The same through ``safekg.api.query``, as ``safekg query`` runs it."""
    text = api.query(name, store_location=store, params=params, fmt="csv")
    return list(csv.DictReader(io.StringIO(text)))


def copy_of(store: LocalStore) -> ox.Store:
    copy = ox.Store()
    copy.extend(store.quads())
    return copy


def add_article(target: ox.Store, extraction: Extraction) -> None:
    graph = ox.NamedNode(graph_iri(extraction.article.id))
    triples = oxigraph_triples(to_graph(extraction))
    target.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def polit_arrests(article_id: str, value: int, start: date, end: date) -> Extraction:
    """An invented article that reports arrests by the Police Online Investigation Team."""
    text = f"The Police Online Investigation Team made {value} arrests."
    evidence = Evidence(0, len(text), text)
    team = "Police Online Investigation Team"
    return Extraction(
        article=Article(id=article_id, text=text, published=date(2020, 3, 1)),
        agencies=(Agency(team, evidence, acronym="POLIT", kind="unit"),),
        outcomes=(
            Outcome(
                "arrests",
                Decimal(value),
                "exact",
                evidence,
                agency=team,
                period_start=start,
                period_end=end,
            ),
        ),
    )


# ------------------------------------------------------------------ every question


def test_there_are_at_least_fifteen_described_questions() -> None:
    queries = named_queries()
    assert len(queries) >= 15
    for name, query in queries.items():
        assert len(query.description) > 40, name
        assert query.title != name
        for param in query.params:
            assert param.description, f"{name}: parameter {param.name} is not described"


def test_safekg_queries_lists_name_tab_description() -> None:
    result = CliRunner().invoke(app, ["queries"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(named_queries()) >= 15
    for line in lines:
        name, tab, description = line.partition("\t")
        assert tab and description == named_queries()[name].description


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_every_question_is_answered_on_the_bundled_articles(bundled: LocalStore, name: str) -> None:
    rows = answer(bundled, name)
    if name == "figures-in-several-articles":
        assert rows == []  # no two bundled articles report on the same agency's work
    else:
        assert rows, f"{name} has no answer on the bundled articles"


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_the_cli_path_gives_the_same_answer(bundled: LocalStore, name: str) -> None:
    assert answer_through_api(bundled, name) == answer(bundled, name)


def test_a_string_parameter_is_a_value_never_query_text(bundled: LocalStore) -> None:
    before = len(bundled.pyoxigraph)
    hostile = '" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o # '
    assert answer(bundled, "agency-over-time", agency=hostile) == []
    assert answer_through_api(bundled, "outcomes-including-units", agency=hostile) == []
    assert len(bundled.pyoxigraph) == before


# ------------------------------------------------------------------ one question each


def test_arrests_by_agency_in_a_year(bundled: LocalStore) -> None:
    (polit,) = answer(bundled, "arrests-by-agency")  # 2019 by default
    assert (polit["agency"], polit["arrests"], polit["reading"]) == (
        "Police Online Investigation Team",
        "104",
        "exact",
    )
    (rocu,) = answer_through_api(bundled, "arrests-by-agency", year="2018")
    assert rocu["agency"] == "Yorkshire and the Humber Regional Organised Crime Unit"
    assert (rocu["arrests"], rocu["qualifiers"], rocu["reading"]) == ("70", "more_than", "at least")
    assert answer(bundled, "arrests-by-agency", year="2016") == []


def test_outcomes_by_agency_keep_open_periods(bundled: LocalStore) -> None:
    rows = answer(bundled, "outcomes-by-agency")
    facts = [r for r in api.facts(store_location=bundled) if r["type"] == "outcome"]
    assert len(rows) == len(facts)
    (rate,) = [r for r in rows if r["measure"] == "conviction_rate_percent"]
    assert (rate["start"], rate["end"], rate["articleId"]) == (
        "",
        "2018-03-17",
        "004_bd8a260c78bd93ac",
    )


def test_one_agency_over_time_by_name_or_acronym(bundled: LocalStore) -> None:
    by_acronym = answer_through_api(bundled, "agency-over-time", agency="POLIT")
    by_name = answer(bundled, "agency-over-time", agency="Police Online Investigation Team")
    assert {(r["measure"], r["year"], r["total"]) for r in by_acronym} == {
        ("arrests", "2019", "104"),
        ("children_safeguarded", "2019", "312"),
        ("warrants_executed", "2019", "240"),
    }
    assert [r | {"agency": ""} for r in by_name] == [r | {"agency": ""} for r in by_acronym]
    everyone = answer(bundled, "agency-over-time")
    assert len({r["name"] for r in everyone}) == 5
    assert answer(bundled, "agency-over-time", agency="No Such Unit") == []


def test_who_reported_more_than_n(bundled: LocalStore) -> None:
    (polit,) = answer(bundled, "reported-more-than")  # arrests, 2019, more than 50
    assert (polit["agency"], polit["total"]) == ("Police Online Investigation Team", "104")
    (rocu,) = answer(bundled, "reported-more-than", year="2018", more_than="69")
    assert rocu["reading"] == "at least"  # "more than 70": the sum is a lower bound
    assert answer(bundled, "reported-more-than", year="2018", more_than="70") == []
    charges = answer(bundled, "reported-more-than", measure="charges", year="2017", more_than="0")
    assert [r["total"] for r in charges] == ["42"]


def test_totals_keep_their_qualifiers_visible(bundled: LocalStore) -> None:
    totals = {(r["measure"], r["year"]): r for r in answer(bundled, "totals-by-measure-and-year")}
    assert totals[("arrests", "2018")]["reading"] == "at least"
    assert totals[("arrests", "2019")]["reading"] == "exact"
    assert totals[("arrests", "unknown")]["qualifiers"] == "nearly"
    assert totals[("arrests", "unknown")]["reading"] == "approximate"
    assert not any(measure == "conviction_rate_percent" for measure, _ in totals)
    figures = sum(int(r["figures"]) for r in totals.values())
    outcomes = [r for r in api.facts(store_location=bundled) if r["type"] == "outcome"]
    assert figures == len(outcomes) - 1  # every figure but the percentage


def test_who_leads_which_unit_with_rank(bundled: LocalStore) -> None:
    leads = {(r["unit"], r["person"], r["rank"]) for r in answer(bundled, "unit-leads")}
    assert ("Police Online Investigation Team", "Jo Collins", "Detective Inspector") in leads
    assert ("Internet Sex Offences Team", "Lee Wilson", "Detective Inspector") in leads
    assert not any(person == "Jim Gamble" for _, person, _ in leads)  # speaks, does not lead
    officers = {r["person"]: r for r in answer(bundled, "officers")}
    assert (officers["Jim Gamble"]["rank"], officers["Jim Gamble"]["leads"]) == (
        "chief executive",
        "false",
    )
    assert {p for _, p, _ in leads} == {p for p, r in officers.items() if r["leads"] == "true"}


def test_funding_by_recipient_and_funder(bundled: LocalStore) -> None:
    grants = answer(bundled, "funding")
    totals = answer(bundled, "funding-by-recipient-and-funder")
    assert {(g["recipient"], g["amount"], g["currency"]) for g in grants} == {
        ("West Midlands Regional Organised Crime Unit", "20000000", "GBP"),
        ("Yorkshire and the Humber Regional Organised Crime Unit", "20000000", "GBP"),
    }
    assert {(t["recipient"], t["funder"], t["total"], t["grants"]) for t in totals} == {
        ("West Midlands Regional Organised Crime Unit", "", "20000000", "1"),
        ("Yorkshire and the Humber Regional Organised Crime Unit", "", "20000000", "1"),
    }


def test_every_figure_has_its_sentence_at_its_place_in_the_article(bundled: LocalStore) -> None:
    texts = {a.id: a.text for a in ingest.read_articles([ARTICLES]) if isinstance(a, Article)}
    rows = answer(bundled, "sources-of-figure")
    assert len(rows) >= len(
        [r for r in api.facts(store_location=bundled) if r["type"] == "outcome"]
    )
    for row in rows:
        span = texts[row["articleId"]][int(row["begin"]) : int(row["end"])]
        if "[" not in row["sentence"]:  # a redacted sentence differs where a name was removed
            # the stored sentence has straight quotes and dashes where the text may not
            assert re.sub(r"\W", "", span) == re.sub(r"\W", "", row["sentence"])
    arrests = [r for r in rows if (r["measure"], r["value"]) == ("arrests", "104")]
    assert arrests and "104 arrests" in arrests[0]["sentence"]


def test_figures_from_two_articles_are_compared(bundled: LocalStore) -> None:
    store = copy_of(bundled)
    year = (date(2019, 1, 1), date(2019, 12, 31))
    add_article(store, polit_arrests("901_same", 104, *year))
    add_article(store, polit_arrests("902_other", 110, *year))
    add_article(store, polit_arrests("903_overlap", 12, date(2019, 10, 1), date(2020, 9, 30)))
    add_article(store, polit_arrests("904_later", 99, date(2021, 1, 1), date(2021, 12, 31)))
    rows = answer(store, "figures-in-several-articles")
    pairs = {(r["article1"], r["article2"]): (r["relation"], r["agree"]) for r in rows}
    assert pairs[("001_924c3bbeb742ac3a", "901_same")] == ("same period", "true")
    assert pairs[("001_924c3bbeb742ac3a", "902_other")] == ("same period", "false")
    assert pairs[("001_924c3bbeb742ac3a", "903_overlap")] == ("overlapping periods", "false")
    assert not any("904_later" in pair for pair in pairs)
    assert len(pairs) == 6  # every two of the four 2019 figures, each pair once


def test_agencies_by_country_and_region(bundled: LocalStore) -> None:
    rows = {r["agency"]: r for r in answer(bundled, "agencies-by-country")}
    assert rows["Crown Prosecution Service"]["country"] == "GB"
    assert rows["Lucy Faithfull Foundation"]["articles"] == "2"
    with open_store(":memory:") as linked:
        assert isinstance(linked, LocalStore)
        linked.pyoxigraph.extend(bundled.quads())
        api.link(store_location=linked)
        regions = {r["agency"]: r for r in answer(linked, "agencies-by-country")}
    rocu = regions["West Midlands Regional Organised Crime Unit"]
    assert (rocu["country"], rocu["region"]) == ("GB", "West Midlands")
    assert regions["Humberside Police"]["region"] == "Yorkshire and The Humber"
    assert regions["Humberside Police"]["articles"] == "0"


def test_offences_named_alongside_arrests(bundled: LocalStore) -> None:
    rows = {r["offence"]: r for r in answer(bundled, "offences-named-with-arrests")}
    assert (rows["grooming"]["arrestsReported"], rows["grooming"]["articleIds"]) == (
        "85",
        "004_bd8a260c78bd93ac",
    )
    assert rows["indecent images of children"]["arrestsReported"] == "104"
    assert rows["rape"]["articleIds"] == "002_aef05ba49176ae66"
    unnamed = set(rows["(none named)"]["articleIds"].split(", "))
    assert unnamed == {"000_1e643762131a26ca", "003_f34bd66a456c8a54"}


def test_low_confidence_facts(bundled: LocalStore) -> None:
    confidences = [
        Decimal(q.object.value)
        for q in bundled.quads()
        if q.predicate.value == ITSRDF + "taConfidence"
        and isinstance(q.subject, ox.NamedNode)
        and isinstance(q.object, ox.Literal)
        and "/id/agency/" not in q.subject.value
    ]
    for below in ("0.8", "0.9", "1"):
        rows = answer(bundled, "low-confidence-facts", below=below)
        assert all(Decimal(r["confidence"]) < Decimal(below) for r in rows)
        facts = [r for r in rows if r["kind"] != "agency"]
        assert len(facts) == sum(1 for c in confidences if c < Decimal(below)), below
    lowest = answer(bundled, "low-confidence-facts")
    assert {r["what"] for r in lowest} == {"charges 42", "convictions 25"}
    assert all(r["sentence"] and r["articleId"] == "004_bd8a260c78bd93ac" for r in lowest)


def test_articles_and_measures(bundled: LocalStore) -> None:
    facts = list(api.facts(store_location=bundled))
    articles = {r["articleId"]: r for r in answer(bundled, "articles")}
    assert set(articles) == {path.stem for path in ARTICLES.iterdir()}
    for article_id, row in articles.items():
        kinds = [r["type"] for r in facts if r["article"] == article_id]
        assert int(row["outcomes"]) == kinds.count("outcome"), article_id
        assert int(row["officers"]) == kinds.count("officer"), article_id
        assert int(row["grants"]) == kinds.count("funding"), article_id
        assert int(row["agencies"]) == kinds.count("agency"), article_id
    measures = {r["measure"]: r for r in answer(bundled, "measures-reported")}
    assert sum(int(r["figures"]) for r in measures.values()) == sum(
        1 for r in facts if r["type"] == "outcome"
    )
    assert (measures["arrests"]["firstYear"], measures["arrests"]["lastYear"]) == ("2017", "2023")


def test_outcomes_including_units_count_the_units(bundled: LocalStore) -> None:
    store = copy_of(bundled)
    text = "The Police Online Investigation Team of the Example Force made 104 arrests."
    evidence = Evidence(0, len(text), text)
    team = Agency("Police Online Investigation Team", evidence, kind="unit", parent="Example Force")
    force = Agency("Example Force", evidence, kind="force")
    add_article(
        store,
        Extraction(
            article=Article(id="905_parent", text=text, published=date(2020, 3, 1)),
            agencies=(team, force),
        ),
    )
    (row,) = [
        r
        for r in answer(store, "outcomes-including-units", agency="Example Force")
        if r["measure"] == "arrests"
    ]
    assert (row["total"], row["reporters"]) == ("104", "1")
    assert row["reportedBy"] == "Police Online Investigation Team"
    # without the parent link the force reports nothing
    assert answer(bundled, "outcomes-including-units", agency="Example Force") == []


class _TextOnly:
    """A store with only ``query(text)``, as an endpoint: parameters go into the text."""

    def __init__(self, inner: ox.Store) -> None:
        self.inner = inner

    def query(self, sparql: str, /) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return self.inner.query(sparql, use_default_graph_as_union=True)


PARAMETER_CASES = {
    "agency-over-time": [{"agency": "POLIT"}, {"agency": "nobody"}],
    "arrests-by-agency": [{"year": "2018"}, {"year": "2020"}],
    "low-confidence-facts": [{"below": "0.95"}, {"below": "1"}, {"below": "0"}],
    "outcomes-including-units": [{"agency": "CEOP"}, {"agency": "ROCU"}],
    "reported-more-than": [
        {"year": "2018", "more_than": "69"},
        {"measure": "charges", "year": "2017", "more_than": "0"},
    ],
}


@pytest.mark.parametrize(
    ("name", "params"),
    [(name, {}) for name in sorted(named_queries())]
    + [(name, params) for name, cases in PARAMETER_CASES.items() for params in cases],
)
def test_every_named_query_answers_alike_with_its_parameters_in_the_text(
    bundled: LocalStore, name: str, params: dict[str, str]
) -> None:
    by_engine = run_query(bundled.pyoxigraph, name, params=params, fmt="csv")
    in_text = run_query(_TextOnly(bundled.pyoxigraph), name, params=params, fmt="csv")
    assert in_text == by_engine
