"""The build: two stores, swapped atomically; what goes public; RDF round trips."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from graph.build import build
from graph.exc import InputError
from graph.store import current_generation, open_store


def test_two_levels_and_counts(tiny_location: Path) -> None:
    gen = current_generation(tiny_location)
    assert gen is not None and (gen / "full").is_dir() and (gen / "public").is_dir()
    public, full = open_store(str(tiny_location)), open_store(str(tiny_location), full=True)
    assert public.level == "public" and full.level == "full"
    assert len(full) > len(public)  # type: ignore[arg-type]
    assert public.meta["dropped_public_claims"] == 2  # type: ignore[attr-defined]


def test_public_store_has_no_restricted_material(tiny_store, tiny_full) -> None:  # type: ignore[no-untyped-def]
    public = tiny_store.dump(ox.RdfFormat.N_QUADS).decode()
    full = tiny_full.dump(ox.RdfFormat.N_QUADS).decode()
    for marker in ("CANARY-WITNESS-7f3a", "CANARY-SOURCE-5d1e", "CANARY-NOTE-91c2",
                   "witness-canary", "src-secret", '"restricted"'):
        assert marker not in public, marker
        assert marker in full, marker


def test_failed_build_keeps_previous_store(tiny_copy: Path, tmp_path: Path) -> None:
    loc = tmp_path / "s"
    build([tiny_copy], str(loc))
    before = current_generation(loc)
    dump = open_store(str(loc), full=True).dump(ox.RdfFormat.N_QUADS)
    (tiny_copy / "claims.csv").write_text("subject,property\n", encoding="utf-8")
    with pytest.raises(InputError):
        build([tiny_copy], str(loc))
    assert current_generation(loc) == before
    assert open_store(str(loc), full=True).dump(ox.RdfFormat.N_QUADS) == dump
    assert not list((loc / "builds").glob("tmp-*"))


def test_rebuild_swaps_generation_and_prunes_old_ones(tiny_copy: Path, tmp_path: Path) -> None:
    loc = tmp_path / "s"
    gens = []
    for _ in range(3):
        build([tiny_copy], str(loc))
        gens.append(current_generation(loc))
    assert len(set(gens)) == 3
    kept = sorted(p.name for p in (loc / "builds").iterdir())
    assert kept == sorted([gens[1].name, gens[2].name])  # type: ignore[union-attr]


def test_reader_of_old_generation_keeps_working(tiny_copy: Path, tmp_path: Path) -> None:
    loc = tmp_path / "s"
    build([tiny_copy], str(loc))
    reader = open_store(str(loc))
    n = len(reader.query("SELECT * WHERE { ?s ?p ?o }").rows)
    build([tiny_copy], str(loc))
    assert len(reader.query("SELECT * WHERE { ?s ?p ?o }").rows) == n
    assert open_store(str(loc)).generation != reader.generation


def test_build_is_deterministic(tiny_copy: Path, tmp_path: Path) -> None:
    dumps = []
    for name in ("a", "b"):
        build([tiny_copy], str(tmp_path / name))
        dumps.append(sorted(open_store(str(tmp_path / name), full=True)
                            .dump(ox.RdfFormat.N_QUADS).splitlines()))
    assert dumps[0] == dumps[1]


def _union_triples(store) -> list[ox.Triple]:  # type: ignore[no-untyped-def]
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(store.dump(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)]


def test_turtle_round_trip(real_full) -> None:  # type: ignore[no-untyped-def]
    """Every triple of the full store survives Turtle unchanged (default graph = the union)."""
    triples = set(_union_triples(real_full))
    ttl = ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE)
    back = {ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(ttl, format=ox.RdfFormat.TURTLE)}
    assert back == triples
    assert len(triples) > 5000


def test_turtle_is_isomorphic_for_rdflib(real_full) -> None:  # type: ignore[no-untyped-def]
    """Another toolkit reads the same graph (values compared: rdflib writes 18 as 18.0)."""
    nt = ox.serialize(_union_triples(real_full), format=ox.RdfFormat.N_TRIPLES)
    ttl = ox.serialize(_union_triples(real_full), format=ox.RdfFormat.TURTLE)
    a = Graph().parse(data=nt, format="nt")
    b = Graph().parse(data=Graph().parse(data=ttl, format="turtle").serialize(format="turtle"),
                      format="turtle")
    assert len(a) == len(b) and _by_value(a) == _by_value(b)


def _by_value(g: Graph) -> set[tuple[object, object, object]]:
    """Triples with literals compared by value (our data has no blank nodes)."""
    from rdflib import Literal

    return {(s, p, (o.value, o.datatype, o.language) if isinstance(o, Literal) else o)
            for s, p, o in g}


def test_trig_round_trip_keeps_named_graphs(real_full) -> None:  # type: ignore[no-untyped-def]
    store = ox.Store()
    store.load(real_full.dump(ox.RdfFormat.TRIG), format=ox.RdfFormat.TRIG)
    original = sorted(real_full.dump(ox.RdfFormat.N_QUADS).splitlines())
    again = sorted(store.dump(format=ox.RdfFormat.N_QUADS).splitlines())
    assert again == original
    graphs = {str(g) for g in store.named_graphs()}
    assert any(g.endswith("src-ihr-2025-09-15-side-event>") for g in graphs)
    rd = Dataset()
    rd.parse(data=real_full.dump(ox.RdfFormat.TRIG), format="trig")
    assert len(list(rd.graphs())) >= len(graphs)


def test_claims_live_in_their_source_graph(real_store) -> None:  # type: ignore[no-untyped-def]
    q = """
    PREFIX rg: <https://repression-graph.org/ns#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT (COUNT(*) AS ?bad) WHERE {
      GRAPH ?g { ?c a rg:Claim ; prov:wasDerivedFrom ?src }
      FILTER(?g != ?src)
    }"""
    assert real_store.query(q).values() == [{"bad": "0"}]
