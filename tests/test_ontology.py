"""The ontology is the single source of truth: complete, documented, and in step with
the namespace module, the sheets and DESIGN.md's sheet contract."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from graph.namespace import RG
from graph.ontology import schema

ROOT = Path(__file__).resolve().parent.parent
ONTO = Graph().parse(ROOT / "ontology" / "repression.ttl")
NS = str(RG._NS)
TERMS = sorted({str(s) for s in ONTO.subjects() if isinstance(s, URIRef)
                and str(s).startswith(NS) and str(s) != NS})

#: Names DESIGN.md §3 makes part of the sheet contract.
CONTRACT_TYPES = ["Person", "Organization", "MediaOutlet", "NGO", "PoliticalParty", "StateBody",
                  "Court", "Country", "Charge", "Case", "Arrest", "PretrialDetention", "Trial",
                  "Verdict", "Appeal", "Cassation", "Release", "Pardon", "TravelBan", "Raid",
                  "Threat", "CitizenshipRevoked", "ExtraditionRequest", "InterpolNotice",
                  "Decree", "Source", "Event"]
CONTRACT_PROPERTIES = [
    "nationality", "countryOfResidence", "occupation", "memberOf", "position", "birthDate",
    "status", "relative", "defendant", "judge", "prosecutor", "defenceLawyer", "complainant",
    "charge", "court", "arrestingAgency", "inAbsentia", "allegedForeignTie", "relatedCase",
    "case", "person", "date", "sentenceYears", "sentenceMonths", "outcome", "hostCountry",
    "articleNumber", "criminalCode", "category", "diplomaticContext"]


@pytest.mark.parametrize("iri", TERMS)
def test_every_term_has_label_and_comment(iri: str) -> None:
    term = URIRef(iri)
    assert ONTO.value(term, RDFS.label) is not None, f"{iri} has no rdfs:label"
    assert ONTO.value(term, RDFS.comment) is not None, f"{iri} has no rdfs:comment"


def test_namespace_module_matches_ontology() -> None:
    declared = {name for name in RG.__annotations__}
    assert declared == {t[len(NS):] for t in TERMS}


def test_closed_namespace_rejects_typos() -> None:
    with pytest.raises(AttributeError):
        _ = RG.Persn


@pytest.mark.parametrize("name", CONTRACT_TYPES)
def test_contract_types_exist(name: str) -> None:
    assert name in schema().classes


@pytest.mark.parametrize("name", CONTRACT_PROPERTIES)
def test_contract_properties_exist(name: str) -> None:
    assert name in schema().properties


def test_every_relation_has_an_edge_label() -> None:
    for p in schema().properties.values():
        if p.is_relation and p.name != "confidence":
            assert ONTO.value(p.iri, RG.edgeLabel) is not None, p.name


def test_classes_are_aligned_with_standard_vocabularies() -> None:
    for name in ("Person", "Organization", "Country", "Event", "Source"):
        iri = URIRef(NS + name)
        assert list(ONTO.objects(iri, OWL.equivalentClass)), name


@pytest.mark.parametrize("dataset", ["data/azerbaijan", "tests/fixtures/tiny"])
def test_sheets_use_only_ontology_terms(dataset: str) -> None:
    s = schema()
    folder = ROOT / dataset
    with (folder / "entities.csv").open(encoding="utf-8") as f:
        types = {row["type"] for row in csv.DictReader(f)}
    with (folder / "claims.csv").open(encoding="utf-8") as f:
        props = {row["property"] for row in csv.DictReader(f)}
    assert types <= set(s.classes), types - set(s.classes)
    assert props <= set(s.properties), props - set(s.properties)


def test_owl_classes_declared() -> None:
    declared = {str(c) for c in ONTO.subjects(RDF.type, OWL.Class)}
    for name in CONTRACT_TYPES:
        assert NS + name in declared
