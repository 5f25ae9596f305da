"""Generated documents cannot drift: the model diagram and docs/queries.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from safekg import docs, resources, vocab
from safekg.cli import app
from safekg.errors import SafeKGError
from safekg.query import named_queries

ROOT = Path(__file__).resolve().parent.parent


def test_the_generated_documents_are_current() -> None:
    """Regenerating docs/model.md's diagram and docs/queries.md gives the same text.

    If this fails, run ``safekg docs`` (or ``python -m safekg.docs``) and commit the result.
    """
    result = CliRunner().invoke(app, ["docs", "--check"])
    assert result.exit_code == 0, result.stderr


def test_model_md_embeds_the_diagram() -> None:
    model = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert docs.with_diagram(model, docs.model_diagram()) == model
    assert docs.model_diagram() in model


def test_the_diagram_draws_every_shape_and_every_safekg_relation() -> None:
    diagram = docs.model_diagram()
    shapes = Graph().parse(resources.shapes_file(), format="turtle")
    # a shape with two target classes is drawn as the first (foaf:Person, not schema:Person)
    for target in set(shapes.objects(None, vocab.SH.targetClass)) - {vocab.SCHEMA.Person}:
        assert f'["{docs._name(target)}"]' in diagram, target
    ontology = Graph().parse(resources.ontology_file(), format="turtle")
    for prop in ontology.subjects(vocab.RDF.type, vocab.OWL.ObjectProperty):
        if str(prop).startswith(str(vocab.SK)):
            assert f": {docs._name(prop)}\n" in diagram, prop
    assert ": org:transitiveSubOrganizationOf (inferred)" in diagram
    assert diagram.startswith("```mermaid\nclassDiagram\n") and diagram.endswith("```\n")


def test_a_changed_diagram_is_put_between_the_markers() -> None:
    text = f"intro\n{docs.DIAGRAM_START}\nold drawing\n{docs.DIAGRAM_END}\nafter\n"
    assert docs.with_diagram(text, "new\n") == (
        f"intro\n{docs.DIAGRAM_START}\nnew\n{docs.DIAGRAM_END}\nafter\n"
    )
    with pytest.raises(SafeKGError, match="markers"):
        docs.with_diagram("no markers here", "new\n")


def test_queries_md_documents_every_query_with_its_sparql_and_answer() -> None:
    answers = {name: f"sample answer of {name}\n" for name in named_queries()}
    text = docs.queries_markdown(answers)
    for name, query in named_queries().items():
        section = text.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        assert query.description in section
        assert docs._body(query.text).strip() in section
        assert f"sample answer of {name}" in section
        for param in query.params:
            assert f"| `{param.name}` | {param.datatype} |" in section
    current = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    assert current.count("\n## ") == len(named_queries())


def test_stale_documents_are_found_and_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docs, "_sample_answers", lambda: dict.fromkeys(named_queries(), "rows"))
    (tmp_path / "docs").mkdir()
    model = tmp_path / "docs" / "model.md"
    model.write_text(f"# Model\n{docs.DIAGRAM_START}\n{docs.DIAGRAM_END}\n", encoding="utf-8")
    assert docs.write_docs(check=True, root=tmp_path) == [model, tmp_path / "docs" / "queries.md"]
    assert docs.DIAGRAM_START + "\n" + docs.DIAGRAM_END in model.read_text(encoding="utf-8")
    docs.write_docs(root=tmp_path)
    assert docs.write_docs(check=True, root=tmp_path) == []
    assert "classDiagram" in model.read_text(encoding="utf-8")
