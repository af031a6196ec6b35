"""The build: two stores, swapped atomically; what goes public; RDF round trips."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

import graph.build as gb
from graph.build import BuildFailed, build
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


@pytest.fixture(params=["side by side", "public, then backup"])
def load_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a local build loads its stores: the full store beside the public one
    from the same stream (small inputs), or afterwards from the public store's backup
    (inputs over SIDE_BY_SIDE_MAX_BYTES)."""
    if request.param != "side by side":
        monkeypatch.setattr(gb, "SIDE_BY_SIDE_MAX_BYTES", 0)
    return str(request.param)


def _fails_cleanly(tiny_copy: Path, tmp_path: Path, error: type[Exception], match: str,
                   change: Callable[[], None] | None = None) -> None:
    """Build once; then (after `change`) a build must raise `error` and leave what every
    failed build must leave: the old generation current, its data as it was, and no
    half-written generation folder."""
    loc = tmp_path / "s"
    build([tiny_copy], str(loc))
    before = current_generation(loc)
    dump = open_store(str(loc), full=True).dump(ox.RdfFormat.N_QUADS)
    if change is not None:
        change()
    with pytest.raises(error, match=match):
        build([tiny_copy], str(loc))
    assert current_generation(loc) == before
    assert open_store(str(loc), full=True).dump(ox.RdfFormat.N_QUADS) == dump
    assert not list((loc / "builds").glob("tmp-*"))


@pytest.mark.usefixtures("load_path")
def test_failed_build_keeps_previous_store(tiny_copy: Path, tmp_path: Path) -> None:
    _fails_cleanly(tiny_copy, tmp_path, InputError, "claims.csv", lambda: (
        tiny_copy / "claims.csv").write_text("subject,property\n", encoding="utf-8"))


@pytest.mark.usefixtures("load_path")
def test_a_line_the_loader_refuses_fails_the_build(tiny_copy: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The public quads are loaded while the rows are still being checked (in a forked
    process); a line the loader cannot read stops the build with the loader's error."""
    real = gb.ingest

    def broken(folders, base=None, public_lines=None):  # type: ignore[no-untyped-def]
        assert public_lines is not None  # the streamed path
        public_lines("<urn:a> <urn:b> this is not N-Quads .")
        return real(folders, base, public_lines)

    _fails_cleanly(tiny_copy, tmp_path, BuildFailed, "loading the stores failed",
                   # the forked process inherits the patch
                   lambda: monkeypatch.setattr(gb, "ingest", broken))


@pytest.mark.usefixtures("load_path")
def test_row_problems_win_over_a_loader_error(tiny_copy: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """When the rows have problems too, the user gets the problems (file, row, column)."""
    real = gb.ingest

    def broken(folders, base=None, public_lines=None):  # type: ignore[no-untyped-def]
        public_lines("not N-Quads at all")
        return real(folders, base, public_lines)

    def unknown_entity() -> None:
        monkeypatch.setattr(gb, "ingest", broken)
        rows = (tiny_copy / "claims.csv").read_text(encoding="utf-8").splitlines()
        bad = rows[1].replace(rows[1].split(",")[0], "nobody-known", 1)
        (tiny_copy / "claims.csv").write_text("\n".join([*rows, bad]) + "\n",
                                              encoding="utf-8")

    _fails_cleanly(tiny_copy, tmp_path, InputError,
                   r"claims.csv:\d+:subject: unknown entity 'nobody-known'", unknown_entity)


@pytest.mark.usefixtures("load_path")
def test_a_dying_row_checker_fails_the_build(tiny_copy: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def dies(folders, base=None, public_lines=None):  # type: ignore[no-untyped-def]
        public_lines("<urn:a> <urn:b> <urn:c> <urn:g> .")
        os._exit(3)  # as if killed (out of memory)

    _fails_cleanly(tiny_copy, tmp_path, BuildFailed, r"died \(exit code 3\)",
                   lambda: monkeypatch.setattr(gb, "ingest", dies))


def test_every_way_of_loading_builds_the_same_stores(tiny_copy: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Side by side, from the public store's backup, compacted after a load bigger than a
    loader batch, and where processes cannot fork (Windows: every row checked first, then
    loaded): the same quads in both stores, the same counts."""
    build([tiny_copy], str(tmp_path / "side-by-side"))
    monkeypatch.setattr(gb, "_LOADER_BATCH", 10)
    build([tiny_copy], str(tmp_path / "compacted"))
    monkeypatch.setattr(gb, "SIDE_BY_SIDE_MAX_BYTES", 0)
    build([tiny_copy], str(tmp_path / "backup"))
    monkeypatch.setattr(gb.mp, "get_all_start_methods", lambda: ["spawn"])
    build([tiny_copy], str(tmp_path / "plain"))
    names = ("side-by-side", "compacted", "backup", "plain")
    for full in (False, True):
        dumps = [sorted(open_store(str(tmp_path / n), full=full).dump(ox.RdfFormat.N_QUADS)
                        .splitlines()) for n in names]
        assert dumps[0] and all(d == dumps[0] for d in dumps)
    counts = [open_store(str(tmp_path / n)).meta["triples"] for n in names]  # type: ignore[attr-defined]
    assert all(c == counts[0] for c in counts)


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
