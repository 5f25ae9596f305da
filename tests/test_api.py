"""The library verbs: incremental, atomic builds and what can be done with the result."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from safekg import api, formats
from safekg.errors import ExitCode, SafeKGError, StoreLockedError
from safekg.graph import graph_iri
from safekg.models import Article
from safekg.store import MEMORY, Store, open_store

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
ARTICLE_IDS = sorted(path.stem for path in ARTICLES.glob("*.txt"))


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """A copy of the bundled articles that a test may change."""
    return Path(shutil.copytree(ARTICLES, tmp_path / "articles"))


def snapshot(location: Path | str | Store) -> rdflib.Graph:
    """The union of the store's graphs."""
    data = api.export(formats.RdfFormat.from_name("ntriples"), store_location=location)
    assert data is not None
    return rdflib.Graph().parse(data=data, format="nt")


def sort_key(record: dict[str, Any]) -> str:
    return repr(sorted(record.items()))


def test_the_built_store_holds_every_bundled_article(built_store: Path) -> None:
    with open_store(built_store, read_only=True) as store:
        assert sorted(store.article_hashes()) == ARTICLE_IDS
        articles = sorted(graph_iri(article_id) for article_id in ARTICLE_IDS)
        # besides one graph per article: the links to open data and the dataset description
        system = [graph_iri("dataset"), graph_iri("links")]
        assert store.graphs() == sorted(articles + system)


def test_building_again_changes_nothing(articles: Path, tmp_path: Path) -> None:
    location = tmp_path / "store"
    first = api.build([articles], store_location=location)
    assert sorted(first.built) == ARTICLE_IDS
    graph = snapshot(location)
    second = api.build([articles], store_location=location)
    assert second.built == ()
    assert sorted(second.skipped) == ARTICLE_IDS
    assert second.triples == first.triples
    forced = api.build([articles], store_location=location, force=True)
    assert sorted(forced.built) == ARTICLE_IDS
    assert forced.triples == first.triples
    assert isomorphic(snapshot(location), graph)


def test_a_large_build_compacts_the_store_and_keeps_every_triple(
    articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = tmp_path / "store"
    seen: list[tuple[str, str]] = []
    first = api.build([articles], store_location=location, on_progress=lambda *e: seen.append(e))
    assert ("compacting", str(location)) not in seen  # five articles: not worth it
    graph = snapshot(location)
    monkeypatch.setattr(api, "_OPTIMIZE_AFTER", 2)
    seen.clear()
    forced = api.build(
        [articles], store_location=location, force=True, on_progress=lambda *e: seen.append(e)
    )
    assert seen[-1] == ("compacting", str(location))
    assert forced.triples == first.triples
    assert isomorphic(snapshot(location), graph)


def test_only_a_changed_article_is_rebuilt(articles: Path) -> None:
    with open_store(MEMORY) as store:
        api.build([articles], store_location=store)
        before = store.article_hashes()
        changed = articles / f"{ARTICLE_IDS[0]}.txt"
        changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
        report = api.build([articles], store_location=store)
        assert report.built == (ARTICLE_IDS[0],)
        assert sorted(report.skipped) == ARTICLE_IDS[1:]
        after = store.article_hashes()
    assert after[ARTICLE_IDS[0]] != before[ARTICLE_IDS[0]]
    assert {k: v for k, v in after.items() if k != ARTICLE_IDS[0]} == {
        k: v for k, v in before.items() if k != ARTICLE_IDS[0]
    }


def test_an_article_that_does_not_conform_is_reported_not_stored(
    articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import safekg.validate

    real = safekg.validate.validate_triples
    bad = ARTICLE_IDS[1]

    def picky(triples: list[ox.Triple], *, ntriples: bytes | None = None) -> Any:
        report = real(triples, ntriples=ntriples)
        if any(triple.object == ox.Literal(bad) for triple in triples):
            return type(report)(conforms=False, text="made to fail", results=())
        return report

    monkeypatch.setattr(safekg.validate, "validate_triples", picky)
    seen: list[tuple[str, str]] = []
    with open_store(MEMORY) as store:
        report = api.build(
            [articles], store_location=store, on_progress=lambda *event: seen.append(event)
        )
        assert report.invalid == ((bad, "made to fail"),)
        assert not report.complete
        assert bad not in store.article_hashes()
        assert graph_iri(bad) not in store.graphs()
    assert ("invalid", bad) in seen
    assert Counter(status for status, _ in seen) == {"built": len(ARTICLE_IDS) - 1, "invalid": 1}


def test_an_article_the_extractor_fails_on_is_refused_and_the_rest_built(
    articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import safekg.extract

    real = safekg.extract.extract
    bad = ARTICLE_IDS[2]

    def fragile(article: Article) -> Any:
        if article.id == bad:
            raise ValueError("no rule expected this")
        return real(article)

    monkeypatch.setattr(safekg.extract, "extract", fragile)
    with open_store(MEMORY) as store:
        report = api.build([articles], store_location=store, jobs=1)
        assert set(report.built) == set(ARTICLE_IDS) - {bad}
        assert [reason for _, reason in report.refused] == [
            "could not be processed (ValueError: no rule expected this)"
        ]
        assert report.refused[0][0].endswith(f"{bad}.txt")
        assert not report.complete
        assert bad not in store.article_hashes()


def test_unreadable_inputs_are_refused_and_the_rest_built(articles: Path) -> None:
    broken = articles / "broken.json"
    broken.write_text("{ this is not json", encoding="utf-8")
    with open_store(MEMORY) as store:
        report = api.build([articles], store_location=store)
        assert [source for source, _ in report.refused] == [str(broken)]
        assert all(reason for _, reason in report.refused)
        assert sorted(report.built) == ARTICLE_IDS


def test_two_texts_with_one_id_are_not_both_stored(articles: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    clash = other / f"{ARTICLE_IDS[0]}.txt"
    original = (articles / clash.name).read_text(encoding="utf-8")
    clash.write_text(original.replace(" the ", " a ", 1), encoding="utf-8")
    with open_store(MEMORY) as store:
        report = api.build([articles, other], store_location=store)
    assert [source for source, _ in report.refused] == [str(clash)]
    assert ARTICLE_IDS[0] in report.built


def test_building_in_worker_processes_gives_the_same_graph(
    articles: Path, built_store: Path, tmp_path: Path
) -> None:
    location = tmp_path / "store"
    report = api.build([articles], store_location=location, jobs=2)
    assert sorted(report.built) == ARTICLE_IDS
    assert isomorphic(snapshot(location), snapshot(built_store))


def test_jobs_must_be_positive() -> None:
    with pytest.raises(SafeKGError, match="jobs"):
        api.build([ARTICLES], store_location=MEMORY, jobs=0)


def test_a_build_is_refused_while_another_process_writes(tmp_path: Path) -> None:
    location = tmp_path / "store"
    with open_store(location), pytest.raises(StoreLockedError):
        api.build([ARTICLES], store_location=location)


def test_remove_takes_out_exactly_the_named_articles(articles: Path) -> None:
    with open_store(MEMORY) as store:
        api.build([articles], store_location=store)
        assert api.remove([ARTICLE_IDS[0]], store_location=store) == (ARTICLE_IDS[0],)
        assert sorted(store.article_hashes()) == ARTICLE_IDS[1:]
        with pytest.raises(SafeKGError, match="no article 'nope'") as caught:
            api.remove([ARTICLE_IDS[1], "nope"], store_location=store)
        assert caught.value.exit_code == ExitCode.USAGE
        assert sorted(store.article_hashes()) == ARTICLE_IDS[1:]


def test_stats_count_the_facts(built_store: Path) -> None:
    counts = api.stats(store_location=built_store)
    kinds = Counter(record["type"] for record in api.facts(store_location=built_store))
    assert counts["articles"] == len(ARTICLE_IDS)
    assert counts["agencies"] == kinds["agency"]
    assert counts["officers"] == kinds["officer"]
    assert counts["fundings"] == kinds["funding"]
    assert counts["outcomes"] == kinds["outcome"]
    with open_store(built_store, read_only=True) as store:
        assert counts["triples"] == store.triple_count() > 0


def test_facts_name_only_stored_articles(built_store: Path) -> None:
    records = list(api.facts(store_location=built_store))
    assert records
    assert {record["article"] for record in records} <= set(ARTICLE_IDS)
    assert {record["type"] for record in records} <= {"agency", "officer", "funding", "outcome"}


@pytest.mark.parametrize("name", ["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"])
def test_every_export_format_holds_the_whole_graph(built_store: Path, name: str) -> None:
    rdf_format = formats.RdfFormat.from_name(name)
    data = api.export(rdf_format, store_location=built_store)
    assert data is not None
    parsed = ox.Dataset(ox.parse(data, format=rdf_format.oxigraph))
    with open_store(built_store, read_only=True) as store:
        if rdf_format.oxigraph.supports_datasets:
            assert len(parsed) == store.triple_count()
        else:
            expected = rdflib.Graph().parse(data=store.dump(ox.RdfFormat.N_TRIPLES), format="nt")
            assert len(parsed) == len(expected)


def test_export_to_a_file(built_store: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "graph.ttl"
    output.parent.mkdir()
    rdf_format = formats.RdfFormat.from_name("turtle")
    assert api.export(rdf_format, store_location=built_store, output=output) is None
    assert isomorphic(rdflib.Graph().parse(output, format="turtle"), snapshot(built_store))
    assert [path.name for path in output.parent.iterdir()] == ["graph.ttl"]


def test_export_chooses_the_format_by_name_then_suffix_then_turtle(
    built_store: Path, tmp_path: Path
) -> None:
    by_suffix = tmp_path / "graph.nq"
    assert api.export(store_location=built_store, output=by_suffix) is None
    nquads = api.export("nquads", store_location=built_store)
    assert by_suffix.read_bytes() == nquads
    named = tmp_path / "graph.txt"
    api.export("ntriples", store_location=built_store, output=named)
    assert named.read_bytes() == api.export(formats.RdfFormat.NTRIPLES, store_location=built_store)
    turtle = api.export(store_location=built_store)
    assert turtle == api.export(formats.RdfFormat.TURTLE, store_location=built_store)
    assert turtle is not None and turtle.startswith(b"@prefix")


def test_the_built_store_conforms(built_store: Path) -> None:
    report = api.validate_store(store_location=built_store)
    assert report.conforms, report.text


def test_validating_a_file(built_store: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.nt"
    good.write_bytes(
        api.export(formats.RdfFormat.from_name("ntriples"), store_location=built_store) or b""
    )
    assert api.validate_file(good).conforms
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(SafeKGError, match="cannot parse") as caught:
        api.validate_file(broken)
    assert "\n" not in str(caught.value)
    with pytest.raises(SafeKGError, match="no such file"):
        api.validate_file(tmp_path / "missing.ttl")


def test_query_runs_against_the_store(built_store: Path) -> None:
    out = api.query(
        "PREFIX schema: <https://schema.org/> "
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?a a schema:NewsArticle } }",
        store_location=built_store,
        fmt="csv",
    )
    text = out.decode() if isinstance(out, bytes) else out
    assert text.split()[-1] == str(len(ARTICLE_IDS))


def test_a_remote_store_gives_the_same_facts(remote_store: Store, built_store: Path) -> None:
    report = api.build([ARTICLES], store_location=remote_store)
    assert sorted(report.built) == ARTICLE_IDS
    again = api.build([ARTICLES], store_location=remote_store)
    assert sorted(again.skipped) == ARTICLE_IDS
    remote = sorted(api.facts(store_location=remote_store), key=sort_key)
    local = sorted(api.facts(store_location=built_store), key=sort_key)
    assert remote == local
    assert api.stats(store_location=remote_store) == api.stats(store_location=built_store)
