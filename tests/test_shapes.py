"""SHACL: the shipped data conforms, the shapes file is current, and each shape catches
what it should (a violation built on purpose for each)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from graph.build import check
from graph.exc import ValidationError
from graph.namespace import PROV, RG
from graph.validate import validate_graph

ROOT = Path(__file__).resolve().parent.parent
ID = Namespace("https://repression-graph.org/id/")
ONTOLOGY = Graph().parse(ROOT / "ontology" / "repression.ttl")


def test_shipped_dataset_conforms() -> None:
    _, verdict = check([ROOT / "data" / "azerbaijan"], shacl=True)
    assert verdict == "conforms"


def test_shapes_file_is_generated_from_current_ontology() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from gen_shapes import generate

    shapes = ROOT / "ontology" / "shapes.ttl"
    assert shapes.read_text(encoding="utf-8") == generate(shapes, ROOT / "ontology" /
                                                          "repression.ttl"), \
        "ontology/shapes.ttl is stale: run scripts/gen_shapes.py"


def _valid() -> Graph:
    """A minimal conforming graph: one person, one case, one claim with its source."""
    g = Graph()
    g += ONTOLOGY
    g.add((ID.p, RDF.type, RG.Person))
    g.add((ID.p, RDFS.label, Literal("P")))
    g.add((ID.c, RDF.type, RG.Case))
    g.add((ID.c, RDFS.label, Literal("C")))
    g.add((ID.c, RG.defendant, ID.p))
    g.add((ID.s, RDF.type, RG.Source))
    g.add((ID.s, URIRef("http://purl.org/dc/terms/title"), Literal("S")))
    claim = ID["claim/1"]
    g.add((claim, RDF.type, RG.Claim))
    g.add((claim, RDF.subject, ID.c))
    g.add((claim, RDF.predicate, RG.defendant))
    g.add((claim, RDF.object, ID.p))
    g.add((claim, RG.confidence, RG.high))
    g.add((claim, PROV.wasDerivedFrom, ID.s))
    return g


def test_minimal_graph_conforms() -> None:
    assert validate_graph(_valid()) == []


def _violations(mutate) -> list[str]:  # type: ignore[no-untyped-def]
    g = _valid()
    mutate(g)
    return validate_graph(g)


def test_claim_without_source_is_caught() -> None:
    out = _violations(lambda g: g.remove((ID["claim/1"], PROV.wasDerivedFrom, None)))
    assert any("a claim must cite exactly one source" in m for m in out), out


def test_claim_with_two_sources_is_caught() -> None:
    def two(g: Graph) -> None:
        g.add((ID.s2, RDF.type, RG.Source))
        g.add((ID.s2, URIRef("http://purl.org/dc/terms/title"), Literal("S2")))
        g.add((ID["claim/1"], PROV.wasDerivedFrom, ID.s2))
    assert any("exactly one source" in m for m in _violations(two))


def test_bad_confidence_is_caught() -> None:
    def bad(g: Graph) -> None:
        g.set((ID["claim/1"], RG.confidence, URIRef("https://example.org/sure")))
    assert any("confidence must be high, medium or low" in m for m in _violations(bad))


def test_case_without_defendant_is_caught() -> None:
    out = _violations(lambda g: g.remove((ID.c, RG.defendant, None)))
    assert any("a case needs at least one defendant" in m for m in out), out


def test_date_that_is_not_a_date_is_caught() -> None:
    def bad(g: Graph) -> None:
        g.add((ID.e, RDF.type, RG.Arrest))
        g.add((ID.e, RDFS.label, Literal("E")))
        g.add((ID.e, RG.date, Literal("last spring")))
    assert any("date must be a date" in m for m in _violations(bad))


def test_partial_dates_pass() -> None:
    def ok(g: Graph) -> None:
        xsd = "http://www.w3.org/2001/XMLSchema#"  # rdflib's XSD object trips pytest's mock check
        for i, (value, dt) in enumerate([("2025", URIRef(xsd + "gYear")),
                                         ("2025-07", URIRef(xsd + "gYearMonth")),
                                         ("2025-07-01", URIRef(xsd + "date"))]):
            g.add((ID[f"e{i}"], RDF.type, RG.Arrest))
            g.add((ID[f"e{i}"], RDFS.label, Literal("E")))
            g.add((ID[f"e{i}"], RG.date, Literal(value, datatype=dt)))
    assert _violations(ok) == []


def test_object_of_wrong_class_is_caught() -> None:
    def bad(g: Graph) -> None:
        g.add((ID.court, RDF.type, RG.Court))
        g.add((ID.court, RDFS.label, Literal("Court")))
        g.add((ID.c, RG.judge, ID.court))
    assert any("the object of judge must be of type Person" in m for m in _violations(bad))


def test_subclass_object_is_accepted() -> None:
    def ok(g: Graph) -> None:
        g.add((ID.court, RDF.type, RG.Court))
        g.add((ID.court, RDFS.label, Literal("Court")))
        g.add((ID.c, RG.arrestingAgency, ID.court))  # a Court is a StateBody
    assert _violations(ok) == []


def test_boolean_datatype_is_caught() -> None:
    out = _violations(lambda g: g.add((ID.c, RG.inAbsentia, Literal("yes"))))
    assert any("inAbsentia" in m or "boolean" in m.lower() for m in out), out


def test_missing_label_is_caught() -> None:
    out = _violations(lambda g: g.remove((ID.p, RDFS.label, None)))
    assert any("an entity needs a label" in m for m in out), out


def test_source_without_title_is_caught() -> None:
    out = _violations(lambda g: g.remove((ID.s, URIRef("http://purl.org/dc/terms/title"),
                                          None)))
    assert any("a source needs a title" in m for m in out), out


def test_every_relation_property_has_a_range_shape() -> None:
    shapes = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    from graph.ontology import schema

    for p in schema().properties.values():
        if p.is_relation and p.name != "confidence":
            assert f"shape:{p.name}Range" in shapes, p.name


def test_build_fails_on_shacl_violation_from_rdf_file(tiny_copy: Path, tmp_path: Path) -> None:
    """RDF-native files skip the row checks; SHACL still stops a bad one."""
    (tiny_copy / "bad.ttl").write_text(
        "@prefix id: <https://repression-graph.org/id/> .\n"
        "@prefix rg: <https://repression-graph.org/ns#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'id:case-orphan a rg:Case ; rdfs:label "Orphan case" .\n', encoding="utf-8")
    from graph.build import build

    with pytest.raises(ValidationError, match="a case needs at least one defendant"):
        build([tiny_copy], str(tmp_path / "s"))
    assert not (tmp_path / "s" / "current").exists()
