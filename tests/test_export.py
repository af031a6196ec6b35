"""Every export format round-trips, is deterministic, and leaks nothing restricted.

RDF formats are parsed back and compared as canonicalised datasets (RDFC-1.0, so
blank nodes in the ontology compare by structure); CSV goes back through the real
build; GraphML/GEXF are read by NetworkX; FollowTheMoney lines are re-read by the
followthemoney model, which drops anything invalid.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from graph.build import build
from graph.exc import RepgraphError
from graph.export import EXPORTERS, export, export_bytes
from graph.exporters.sheets import safe_cell
from graph.network import network_for
from graph.store import GraphStore, open_store

CANARIES = ("CANARY-WITNESS-7f3a", "CANARY-SOURCE-5d1e", "CANARY-NOTE-91c2")
CLI_FORMATS = ("ttl", "nt", "trig", "jsonld", "graphml", "gexf", "csv", "ftm")


def canonical(quads: object) -> set[str]:
    ds = ox.Dataset(quads)  # type: ignore[arg-type]
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in ds}


def store_quads(store: GraphStore) -> set[str]:
    return canonical(ox.parse(store.dump(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS))


def store_triples(store: GraphStore) -> set[str]:
    """The union of the store's graphs as canonical triples."""
    parsed = ox.parse(store.dump(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    return canonical({ox.Quad(q.subject, q.predicate, q.object) for q in parsed})


def main_file(store: GraphStore, fmt: str) -> bytes:
    return next(iter(EXPORTERS[fmt].files(store).values()))


def test_registry_matches_the_cli() -> None:
    from graph.cli import parser

    sub = next(a for a in parser()._subparsers._group_actions)  # type: ignore[union-attr]
    export_cmd = sub.choices["export"]  # type: ignore[index]
    fmt = next(a for a in export_cmd._actions if a.dest == "format")
    assert tuple(fmt.choices) == CLI_FORMATS == tuple(EXPORTERS)


@pytest.mark.parametrize("fmt,rdf_format", [("trig", ox.RdfFormat.TRIG),
                                            ("jsonld", ox.RdfFormat.JSON_LD)])
def test_dataset_formats_round_trip(tiny_store: GraphStore, fmt: str,
                                    rdf_format: ox.RdfFormat) -> None:
    back = canonical(ox.parse(main_file(tiny_store, fmt), format=rdf_format))
    assert back == store_quads(tiny_store)


@pytest.mark.parametrize("fmt,rdf_format", [("ttl", ox.RdfFormat.TURTLE),
                                            ("nt", ox.RdfFormat.N_TRIPLES)])
def test_triple_formats_round_trip_to_the_union(tiny_store: GraphStore, fmt: str,
                                                rdf_format: ox.RdfFormat) -> None:
    back = canonical(ox.parse(main_file(tiny_store, fmt), format=rdf_format))
    assert back == store_triples(tiny_store)


def test_jsonld_reads_in_rdflib_with_its_own_context(tiny_store: GraphStore) -> None:
    """A second, independent JSON-LD processor agrees (and needs no network for the context)."""
    files = EXPORTERS["jsonld"].files(tiny_store)
    doc = json.loads(files["graph.jsonld"])
    assert doc["@context"] == json.loads(files["context.jsonld"])["@context"]
    ds = rdflib.Dataset()
    ds.parse(data=files["graph.jsonld"], format="json-ld")
    rebuilt = canonical(ox.parse(ds.serialize(format="nquads").encode(),
                                 format=ox.RdfFormat.N_QUADS))
    assert rebuilt == store_quads(tiny_store)


def test_trig_names_graphs_after_sources(tiny_store: GraphStore) -> None:
    graphs = {q.graph_name.value for q in ox.parse(main_file(tiny_store, "trig"),
                                                   format=ox.RdfFormat.TRIG)
              if isinstance(q.graph_name, ox.NamedNode)}
    base = tiny_store.base
    assert {base + "src-alpha", base + "src-beta"} <= graphs
    assert base + "graph/sources" in graphs


def test_csv_rebuilds_the_same_store(tiny_store: GraphStore, tmp_path: Path) -> None:
    out = export(tiny_store, "csv", tmp_path / "sheets")
    assert sorted(p.name for p in out.iterdir()) == ["claims.csv", "entities.csv",
                                                     "sources.csv"]
    build([out], str(tmp_path / "again"))
    assert store_quads(open_store(str(tmp_path / "again"))) == store_quads(tiny_store)


def test_csv_of_the_real_dataset_rebuilds_it(real_store: GraphStore, tmp_path: Path) -> None:
    out = export(real_store, "csv", tmp_path / "sheets.zip")
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path / "unzipped")
    build([tmp_path / "unzipped"], str(tmp_path / "again"))
    assert store_quads(open_store(str(tmp_path / "again"))) == store_quads(real_store)


def test_csv_of_the_full_store_keeps_visibility(tiny_full: GraphStore, tmp_path: Path) -> None:
    """Restricted rows stay restricted, so a re-import gives back both stores."""
    out = export(tiny_full, "csv", tmp_path / "sheets")
    entities = {r["id"]: r for r in csv.DictReader(io.StringIO(
        (out / "entities.csv").read_text(encoding="utf-8")))}
    assert entities["witness-canary"]["visibility"] == "restricted"
    build([out], str(tmp_path / "again"))
    assert store_quads(open_store(str(tmp_path / "again"), full=True)) == store_quads(tiny_full)


def test_csv_keeps_triples_from_rdf_files(tiny_copy: Path, tmp_path: Path) -> None:
    """Triples contributed as Turtle survive the sheets round trip (in extra.trig)."""
    (tiny_copy / "extra-facts.ttl").write_text(
        '<https://repression-graph.org/id/ayla-huseynova> '
        '<http://xmlns.com/foaf/0.1/nick> "Ayla" .\n', encoding="utf-8")
    build([tiny_copy], str(tmp_path / "orig"))
    store = open_store(str(tmp_path / "orig"))
    out = export(store, "csv", tmp_path / "sheets")
    assert "foaf:nick" in (out / "extra.trig").read_text(encoding="utf-8")
    build([out], str(tmp_path / "again"))
    assert store_quads(open_store(str(tmp_path / "again"))) == store_quads(store)


def test_spreadsheet_formulas_are_neutralised() -> None:
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("+1+cmd") == "'+1+cmd"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("-5") == "-5" and safe_cell("Ayla") == "Ayla"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_formats_read_back_in_networkx(tiny_store: GraphStore, fmt: str,
                                               tmp_path: Path) -> None:
    path = export(tiny_store, fmt, tmp_path / f"g.{fmt}")
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    g = network_for(tiny_store)
    assert set(back.nodes) == set(g.nodes)
    assert sorted((u, v, k) for u, v, k in back.edges(keys=True)) == \
        sorted((u, v, k) for u, v, k in g.edges(keys=True))
    for n, d in g.nodes(data=True):
        got = back.nodes[n]
        assert got["label"] == d["label"] and got["type"] == d["type"]
        assert got["date"] == d["date"]
        assert got["aliases"] == "; ".join(d["aliases"])
    for u, v, k, d in g.edges(keys=True, data=True):
        got = back.edges[u, v, k]
        assert got["sources"] == "; ".join(d["sources"])
        assert got["label"] == d["label"] and got["property"] == d["property"]
        assert got["dates"] == "; ".join(d["dates"])


def test_ftm_lines_validate_against_the_model(tiny_store: GraphStore) -> None:
    from followthemoney import model

    lines = main_file(tiny_store, "ftm").decode("utf-8").splitlines()
    seen: dict[str, int] = {}
    ids = set()
    for line in lines:
        data = json.loads(line)
        proxy = model.get_proxy(data, cleaned=False)  # cleaning drops invalid values
        assert proxy.to_dict()["properties"] == data["properties"], line
        seen[data["schema"]] = seen.get(data["schema"], 0) + 1
        ids.add(data["id"])
    assert {"Person", "PublicBody", "Organization", "CourtCase", "CourtCaseParty",
            "Membership", "Event", "Document"} <= set(seen)
    for line in lines:  # every reference resolves to an entity in the file
        data = json.loads(line)
        schema = model.get(data["schema"])
        for prop, values in data["properties"].items():
            if schema.properties[prop].type.name == "entity":
                assert set(values) <= ids, (prop, values)


def test_ftm_roles_and_countries(tiny_store: GraphStore) -> None:
    entities = [json.loads(x) for x in main_file(tiny_store, "ftm").decode().splitlines()]
    by_id = {e["id"]: e for e in entities}
    ayla = by_id["repgraph-ayla-huseynova"]
    assert ayla["properties"]["nationality"] == ["az"] and ayla["properties"]["name"] == \
        ["Ayla Hüseynova"]
    parties = {(e["properties"]["party"][0], e["properties"]["role"][0])
               for e in entities if e["schema"] == "CourtCaseParty"}
    assert ("repgraph-kamal-rzayev", "judge") in parties
    assert ("repgraph-nadir-aliyev", "prosecutor") in parties
    assert ("repgraph-ayla-huseynova", "defendant") in parties
    case = by_id["repgraph-case-mammadov-2023"]["properties"]
    assert case["type"] == ["trial in absentia"]
    assert by_id["repgraph-example-district-court"]["schema"] == "PublicBody"


@pytest.mark.parametrize("fmt", CLI_FORMATS)
def test_public_exports_hold_no_restricted_material(tiny_store: GraphStore,
                                                    tiny_full: GraphStore, fmt: str) -> None:
    public = b"".join(EXPORTERS[fmt].files(tiny_store).values()).decode("utf-8")
    for canary in CANARIES:
        assert canary not in public
    # the same export of the full store does carry them, so this test can fail
    full = b"".join(EXPORTERS[fmt].files(tiny_full).values()).decode("utf-8")
    assert "CANARY-WITNESS-7f3a" in full
    if fmt != "graphml" and fmt != "gexf":  # the network has no sources' titles
        assert "CANARY-SOURCE-5d1e" in full
    if fmt not in ("graphml", "gexf", "ftm"):  # claim notes live in the RDF and the sheets
        assert "CANARY-NOTE-91c2" in full


@pytest.mark.parametrize("fmt", CLI_FORMATS)
def test_exports_are_deterministic(tiny_store: GraphStore, fmt: str) -> None:
    assert export_bytes(tiny_store, fmt) == export_bytes(tiny_store, fmt)


def test_export_refuses_what_it_cannot_write(tiny_store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(RepgraphError, match="unknown export format"):
        export(tiny_store, "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(RepgraphError, match="folder"):
        export(tiny_store, "csv", tmp_path / "x.csv")


def test_cli_export_writes_files(tiny_location: Path, tmp_path: Path) -> None:
    from graph.cli import main

    assert main(["export", "--store", str(tiny_location), "--format", "jsonld",
                 "-o", str(tmp_path / "g.jsonld")]) == 0
    assert (tmp_path / "g.jsonld").exists() and (tmp_path / "g.context.jsonld").exists()
    assert main(["export", "--store", str(tiny_location), "--format", "csv",
                 "-o", str(tmp_path / "sheets.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "sheets.zip") as zf:
        assert zf.namelist() == ["sources.csv", "entities.csv", "claims.csv"]
