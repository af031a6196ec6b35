"""One test module, three engines: embedded Oxigraph, the Oxigraph server and Virtuoso.

The tiny fixture is built into each engine with the real build (`build(..., URL)`
loads a server), and every saved query must give the embedded store's answer —
checked against hand-written values too, so the embedded answer itself can fail.
The network projection, the export and the stats must match as well. Servers are
real processes on 127.0.0.1 (tests/servers.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from graph.build import build
from graph.exc import QueryError, QueryRefused, QueryTimeout, StoreError
from graph.export import EXPORTERS, export_bytes
from graph.network import project
from graph.query import bind, saved_queries
from graph.remote import CONTROL, GENERATION, RemoteStore
from graph.results import QueryResult
from graph.sandbox import run_user_query
from graph.sparqlclient import Client
from graph.stats import stats
from graph.store import GraphStore, open_store
from tests.servers import Server, credentials, require, running, start_virtuoso

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny"
BASE = "https://repression-graph.org/id/"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
CANARIES = ("CANARY-WITNESS-7f3a", "CANARY-SOURCE-5d1e", "CANARY-NOTE-91c2")
ENGINES = ["embedded",
           pytest.param("oxigraph", marks=pytest.mark.server),
           pytest.param("virtuoso", marks=pytest.mark.server)]


@dataclass
class Engine:
    kind: str
    spec: str
    public: GraphStore
    full: GraphStore
    server: Server | None = None


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           tiny_location: Path) -> Iterator[Engine]:
    kind = request.param
    if kind == "embedded":
        spec = str(tiny_location)
        yield Engine(kind, spec, open_store(spec), open_store(spec, full=True))
        return
    require(kind)
    with running(kind, tmp_path_factory.mktemp(kind)) as server, credentials(server.env):
        build([TINY], server.url)
        yield Engine(kind, server.url, open_store(server.url),
                     open_store(server.url, full=True), server)


def remote(engine: Engine) -> Engine:
    if engine.server is None:
        pytest.skip("a property of remote stores")
    return engine


# -- comparing answers across engines ------------------------------------------------------

def cell(term: Any) -> Any:
    """A term as engines agree on it. Virtuoso drops language tags from SAMPLE and
    GROUP_CONCAT results, and GROUP_CONCAT has no defined order: compare the lexical
    form, the datatype where it is not a string, and the concatenated parts as a set."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("blank",)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        kind = "" if datatype in (XSD_STRING, LANG_STRING) else datatype
        value = term.value
        if "; " in value:
            value = "; ".join(sorted(value.split("; ")))
        return ("literal", value, kind)
    return ("triple", str(term))


def table(result: QueryResult) -> list[tuple[Any, ...]]:
    return sorted((tuple(cell(t) for t in row) for row in result.rows), key=repr)


PARAM_VALUES = {"entity": "kamal-rzayev", "string": "Kamal", "date": "2025",
                "integer": "1", "iri": f"<{BASE}kamal-rzayev>"}


def run_saved(store: GraphStore, name: str) -> QueryResult:
    saved = saved_queries()[name]
    params = {p.name: PARAM_VALUES[p.kind] for p in saved.params}
    return store.query(saved.text, bind(params, saved, store.base))


def plain(result: QueryResult) -> list[dict[str, str | None]]:
    return result.values()


def row_for(result: QueryResult, var: str, iri: str) -> dict[str, str | None]:
    rows = [r for r in plain(result) if r[var] == BASE + iri]
    assert len(rows) == 1, f"expected one row for {iri}, got {rows}"
    return rows[0]


def parts(value: str | None) -> set[str]:
    return set((value or "").split("; ")) - {""}


def check_judges(r: QueryResult) -> None:
    row = row_for(r, "judge", "kamal-rzayev")
    assert (row["name"], row["cases"]) == ("Kamal Rzayev", "2")
    assert parts(row["defendants"]) == {"Bakir Məmmədov", "Ayla Hüseynova"}


def check_prosecutors(r: QueryResult) -> None:
    row = row_for(r, "prosecutor", "nadir-aliyev")
    assert (row["cases"], row["defendants"]) == ("1", "Ayla Hüseynova")


def check_courts(r: QueryResult) -> None:
    row = row_for(r, "court", "example-district-court")
    assert (row["cases"], row["judges"]) == ("3", "Kamal Rzayev")
    assert parts(row["defendants"]) == {"Bakir Məmmədov", "Ivan Petrov", "Ayla Hüseynova"}


def check_by_charge(r: QueryResult) -> None:
    assert row_for(r, "charge", "az-cc-206.3.2")["defendants"] == "Ayla Hüseynova"
    assert row_for(r, "charge", "az-cc-274")["category"] == "treason"


def check_foreign_nationals(r: QueryResult) -> None:
    row = row_for(r, "person", "ivan-petrov")
    assert (row["nationality"], row["case"]) == ("Russia", BASE + "case-petrov-2025")


def check_in_absentia(r: QueryResult) -> None:
    row = row_for(r, "case", "case-mammadov-2023")
    assert (row["person"], row["livesIn"]) == (BASE + "bakir-mammadov", "Germany")


def check_journalists(r: QueryResult) -> None:
    assert row_for(r, "person", "ayla-huseynova")["occupations"] == "journalist"
    assert row_for(r, "person", "bakir-mammadov")["occupations"] == "blogger"


def check_timeline(r: QueryResult) -> None:
    assert sorted(row["date"] or "" for row in plain(r)) == ["2024-03-01", "2025-01-10", "2025-05"]


def check_transnational(r: QueryResult) -> None:
    bakir = row_for(r, "person", "bakir-mammadov")
    assert parts(bakir["reasons"]) == {"tried in absentia", "living abroad",
                                       "act in a host country", "charge alleges foreign ties"}
    assert parts(bakir["states"]) == {"Germany", "Armenia"}
    assert row_for(r, "person", "ivan-petrov")["reasons"] == "foreign national"


def check_person(r: QueryResult) -> None:
    rows = plain(r)
    assert {row["source"] for row in rows} == {BASE + "src-alpha", BASE + "src-beta"}
    occupation = [row for row in rows if row["direction"] == "out"]
    assert [row["value"] for row in occupation] == ["judge"]
    assert len([row for row in rows if row["property"].endswith("#judge")]) == 3  # type: ignore[union-attr]


def check_sources_of(r: QueryResult) -> None:
    assert row_for(r, "source", "src-alpha")["claims"] == "3"
    assert row_for(r, "source", "src-beta")["claims"] == "1"


BY_HAND = {"judges": check_judges, "prosecutors": check_prosecutors, "courts": check_courts,
           "by-charge": check_by_charge, "foreign-nationals": check_foreign_nationals,
           "in-absentia": check_in_absentia, "journalists": check_journalists,
           "timeline": check_timeline, "transnational": check_transnational,
           "person": check_person, "sources-of": check_sources_of}

#: Virtuoso 7.2.5 answers these query shapes wrongly (reported in docs/deployment.md with
#: rewrites that all three engines answer the same); a strict xfail turns into a failure
#: as soon as the saved query no longer has the shape, so the mark cannot go stale.
VIRTUOSO_BUGS = {
    "timeline": (r"rdfs:subClassOf\* rg:Event ;",
                 "a transitive path next to date-typed values drops rows"),
    "person": (r"\}\s*\}\s*OPTIONAL \{ \?value rdfs:label",
               "a literal projected by a sub-query is lost in a later OPTIONAL on it"),
}


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_saved_query_gives_the_embedded_answer(engine: Engine, tiny_store: GraphStore,
                                               name: str) -> None:
    bug = VIRTUOSO_BUGS.get(name)
    if engine.kind == "virtuoso" and bug and re.search(bug[0], saved_queries()[name].text):
        pytest.xfail(f"Virtuoso 7.2.5: {bug[1]}")
    got = run_saved(engine.public, name)
    assert table(got) == table(run_saved(tiny_store, name))
    assert got.rows, f"{name} returned nothing on the tiny fixture"
    if name in BY_HAND:
        BY_HAND[name](got)
    assert not any(c in repr(got.rows) for c in CANARIES)


def test_every_design_query_is_checked_by_hand() -> None:
    assert set(BY_HAND) <= set(saved_queries())


# -- levels, graphs and provenance ------------------------------------------------------------

ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_levels_are_separate(engine: Engine, tiny_store: GraphStore,
                             tiny_full: GraphStore) -> None:
    public = repr(engine.public.query(ALL_QUADS).rows)
    full = repr(engine.full.query(ALL_QUADS).rows)
    assert not any(c in public for c in CANARIES)
    assert all(c in full for c in CANARIES)
    assert len(engine.public.query(ALL_QUADS).rows) == len(tiny_store.query(ALL_QUADS).rows)
    assert len(engine.full.query(ALL_QUADS).rows) == len(tiny_full.query(ALL_QUADS).rows)
    ask = f"ASK {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), '{CANARIES[0]}')) }}"
    assert engine.public.query(ask).boolean is False
    assert engine.full.query(ask).boolean is True


@pytest.mark.parametrize("text", [
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    # a claim's graph joined with its source's description: the point of per-source graphs
    "SELECT ?c ?g ?t WHERE { GRAPH ?g { ?c a rg:Claim } ?g dct:title ?t }",
    "SELECT ?c ?src WHERE { ?c prov:wasDerivedFrom ?src . GRAPH ?src { ?c a rg:Claim } }",
    f"SELECT ?s ?o WHERE {{ GRAPH <{BASE}src-alpha> {{ ?s rg:judge ?o }} }}",
    f"PREFIX id: <{BASE}> SELECT ?s WHERE {{ GRAPH id:src-beta {{ ?s a rg:Claim }} }}",
    f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
    f"FILTER(?g IN (<{BASE}src-alpha>, <{BASE}graph/entities>)) }} GROUP BY ?g",
    f"SELECT ?g ?t WHERE {{ VALUES ?g {{ <{BASE}src-beta> }} GRAPH ?g {{ ?c a rg:Claim }} "
    "?g dct:title ?t }",
    f"SELECT ?s WHERE {{ GRAPH <{BASE}src-secret> {{ ?s ?p ?o }} }}",
    f"BASE <{BASE}> SELECT ?t WHERE {{ <src-alpha> dct:title ?t }}",
    "SELECT (STR(?g) AS ?name) WHERE { GRAPH ?g { ?c a rg:Claim } } ORDER BY ?g",
])
def test_graph_names_are_the_embedded_ones(engine: Engine, tiny_store: GraphStore,
                                           text: str) -> None:
    expected = table(tiny_store.query(text))
    assert table(engine.public.query(text)) == expected
    if "src-secret" not in text:
        assert expected, "the query should find something on the fixture"


def test_named_graph_modes(engine: Engine, tiny_store: GraphStore,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Virtuoso keeps every named graph open under FROM alone, so GRAPH patterns are kept
    in the level by a filter there; standard engines get FROM NAMED lists. On Virtuoso
    both ways must give the embedded answers, and neither may reach another level."""
    store = remote(engine).public
    assert isinstance(store, RemoteStore)
    mode = store._view().names.mode
    assert mode == ("filter" if engine.kind == "virtuoso" else "list")
    modes = ["filter", "list"] if engine.kind == "virtuoso" else ["list"]
    full_gen = engine.full.generation.split("/")[0]
    secret = f"{BASE}src-secret!rg.{full_gen}.full"
    for forced in modes:
        monkeypatch.setenv("REPGRAPH_NAMED_GRAPHS", forced)
        fresh = RemoteStore(engine.spec)
        assert fresh._view().names.mode == forced
        text = "SELECT ?g ?t WHERE { GRAPH ?g { ?c a rg:Claim } ?g dct:title ?t }"
        assert table(fresh.query(text)) == table(tiny_store.query(text))
        for probe in (f"SELECT * WHERE {{ GRAPH <{secret}> {{ ?s ?p ?o }} }}",
                      f"SELECT * WHERE {{ VALUES ?g {{ <{secret}> }} GRAPH ?g {{ ?s ?p ?o }} }}",
                      "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } "
                      "FILTER(CONTAINS(STR(?g), 'full') || CONTAINS(STR(?o), 'CANARY')) }"):
            assert fresh.query(probe).rows == [], (forced, probe)


def test_construct_and_describe(engine: Engine, tiny_store: GraphStore) -> None:
    for text in (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{BASE}src-beta> {{ ?s ?p ?o }} }}",
                 f"CONSTRUCT WHERE {{ <{BASE}kamal-rzayev> ?p ?o }}"):
        got = engine.public.query(text)
        assert got.kind == "graph"
        assert set(got.triples) == set(tiny_store.query(text).triples)
        assert got.triples
    described = engine.public.query(f"DESCRIBE <{BASE}kamal-rzayev>")
    assert ox.Literal("Kamal Rzayev") in {t.object for t in described.triples}


def test_network_projection_is_the_same(engine: Engine, tiny_store: GraphStore,
                                        tiny_full: GraphStore) -> None:
    for store, reference in ((engine.public, tiny_store), (engine.full, tiny_full)):
        got, want = project(store), project(reference)
        assert dict(got.nodes(data=True)) == dict(want.nodes(data=True))
        assert sorted(got.edges(keys=True, data=True), key=repr) == \
            sorted(want.edges(keys=True, data=True), key=repr)
    assert "witness-canary" not in project(engine.public)
    assert "witness-canary" in project(engine.full)


def test_export_is_the_same(engine: Engine, tiny_store: GraphStore,
                            tiny_full: GraphStore) -> None:
    for store, reference in ((engine.public, tiny_store), (engine.full, tiny_full)):
        got = set(ox.parse(store.dump(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS))
        assert got == set(reference.raw)  # type: ignore[attr-defined]
    with pytest.raises(ValueError):  # as embedded: a triples format cannot hold graphs
        engine.public.dump(ox.RdfFormat.TURTLE)


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_every_export_is_byte_identical(engine: Engine, tiny_store: GraphStore,
                                        fmt: str) -> None:
    name, data, media = export_bytes(engine.public, fmt)
    assert (name, data, media) == export_bytes(tiny_store, fmt)
    assert data and not any(c.encode() in data for c in CANARIES)


def test_search_profile_and_image_are_the_same(engine: Engine, tiny_store: GraphStore,
                                               tmp_path: Path) -> None:
    from graph.network import network_for
    from graph.profile import profile
    from graph.render import render_to_file
    from graph.search import search

    for text in ("Kamal", "Мамедов", "huseynova"):
        assert search(engine.public, text) == search(tiny_store, text)
    assert search(engine.public, "Kamal")[0].id == "kamal-rzayev"
    assert profile(engine.public, network_for(engine.public), "kamal-rzayev") == \
        profile(tiny_store, network_for(tiny_store), "kamal-rzayev")
    images = []
    for store, name in ((engine.public, "got.svg"), (tiny_store, "want.svg")):
        out = render_to_file(store, tmp_path / name, focus="kamal-rzayev", depth=2, query=None,
                             params={}, title="Kamal Rzayev", size="card")
        images.append(out.read_bytes())
    assert images[0] == images[1]
    assert b"Kamal Rzayev" in images[0]


def test_the_app_runs_on_it(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parent.parent
    folder = next(f for f in (root / "app_pages", root / "pages") if f.is_dir())
    pages = sorted(p.stem for p in folder.glob("*.py") if p.stem != "common")
    assert len(pages) >= 6, pages  # Overview, Explore, Connections, Transnational, ...
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv("REPGRAPH_STORE", engine.spec)
    monkeypatch.delenv("REPGRAPH_MODE", raising=False)
    for page in pages:
        at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
        if page == "explore":
            at.query_params["entity"] = "kamal-rzayev"
        at.switch_page(f"{folder.name}/{page}.py")
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        if page == "explore":
            assert at.header[0].value == "Kamal Rzayev"


def test_stats_are_the_same(engine: Engine, tiny_store: GraphStore) -> None:
    def without_generation(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [r for r in rows if r[0] != "generation"]
    assert without_generation(stats(engine.public)) == without_generation(stats(tiny_store))


def test_bindings_are_values_not_text(engine: Engine) -> None:
    saved = saved_queries()["person"]
    evil = ox.Literal('x" } } ?a ?b ?c . { { ?d ?e "')
    assert engine.public.query(saved.text, {"id": evil}).rows == []
    source = engine.public.query("SELECT ?s ?t WHERE { ?s dct:title ?t }",
                                 {"s": ox.NamedNode(BASE + "src-alpha")})
    assert [r["t"] for r in source.values()] == ["Fictional report on the Example District Court"]


def test_bindings_reach_every_union_branch() -> None:
    """The VALUES block goes into each UNION branch (Oxigraph does not push it there),
    not into a sub-select's braces, and the rewritten query means the same: checked on
    a store where a top-level VALUES and the rewrite must agree."""
    from graph.rewrite import Names, prepare

    names = Names(frozenset(), "", "urn:x-union", "urn:x-empty")
    text = ("SELECT ?id ?v WHERE { { ?id <urn:p> ?v } UNION { ?v <urn:p> ?id } "
            "UNION { SELECT ?v WHERE { ?v <urn:q> ?w } } }")
    out = prepare(text, names, {"id": ox.NamedNode("urn:a")}).text
    block = "VALUES (?id) { (<urn:a>) }"
    assert out.count(block) == 3  # the WHERE group and the two plain branches
    assert "{ SELECT ?v" in out  # the sub-select's braces are left alone
    store = ox.Store()
    for s, p, o in (("a", "p", "b"), ("c", "p", "a"), ("c", "p", "d"), ("e", "q", "f")):
        store.add(ox.Quad(ox.NamedNode(f"urn:{s}"), ox.NamedNode(f"urn:{p}"),
                          ox.NamedNode(f"urn:{o}"), ox.NamedNode("urn:x-union")))
    plain = text.replace("WHERE {", "WHERE { " + block, 1)
    rows = sorted(str(r) for r in store.query(out.replace("FROM <urn:x-union>", "")
                                              .replace("FROM NAMED <urn:x-empty>", ""),
                                              use_default_graph_as_union=True))
    expected = sorted(str(r) for r in store.query(plain, use_default_graph_as_union=True))
    assert rows == expected and len(rows) == 3


# -- the sandbox over a server ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "SELECT * FROM <urn:x-repgraph:control> WHERE { ?s ?p ?o }",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "DEFINE input:default-graph-uri <urn:x> SELECT * WHERE { ?s ?p ?o }",
    "PREFIX b: <bif:> SELECT * WHERE { ?s ?p ?o FILTER(b:contains(?o, 'x')) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(<sql:exec>(?o)) }",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
])
def test_user_queries_are_refused(engine: Engine, text: str) -> None:
    with pytest.raises(QueryRefused):
        run_user_query(remote(engine).public, text)


def test_user_queries_are_capped(engine: Engine) -> None:
    result = run_user_query(engine.public, "SELECT * WHERE { ?s ?p ?o }", max_rows=7)
    assert len(result.rows) == 7
    assert result.truncated


def test_user_queries_are_stopped(engine: Engine) -> None:
    slow = ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
            "FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), 'no')) }")
    with pytest.raises(QueryTimeout):
        run_user_query(engine.public, slow, timeout=1)
    assert run_saved(engine.public, "judges").rows  # the server still answers


def test_syntax_errors_are_query_errors(engine: Engine) -> None:
    with pytest.raises(QueryError):
        run_user_query(engine.public, "SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryError):
        engine.public.query("SELECT * WHERE { ?s nope:x ?o }")


# -- builds on a server: atomic switch, clean-up, roll-back, credentials ------------------------

def generations(client: Client) -> set[str]:
    rows = client.select(f"SELECT ?gen WHERE {{ GRAPH <{CONTROL}> {{ ?gen a "
                         "<urn:x-repgraph:Generation> } }")
    return {r["gen"].value[len(GENERATION):] for r in rows}  # type: ignore[union-attr]


def stored_generations(client: Client) -> set[str]:
    """Generation ids found in the names of the graphs the server holds."""
    rows = client.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    found = set()
    for r in rows:
        m = re.search(r"!rg\.([0-9a-f]+)\.|generation:([0-9a-f]+):", r["g"].value)  # type: ignore[union-attr]
        if m:
            found.add(m.group(1) or m.group(2))
    return found


def test_rebuild_switches_and_keeps_two_generations(engine: Engine) -> None:
    server = remote(engine).server
    assert server is not None
    client = Client(server.url)
    reader = RemoteStore(server.url)
    before = reader.generation
    build([TINY], server.url)
    build([TINY], server.url)
    reader.ttl = 0  # look the pointer up now
    after = reader.generation
    assert after != before
    gens = generations(client)
    assert len(gens) == 2 and after.split("/")[0] in gens
    assert stored_generations(client) == gens
    check_judges(run_saved(reader, "judges"))


def test_failed_load_leaves_the_server_as_it_was(engine: Engine,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    server = remote(engine).server
    assert server is not None
    client = Client(server.url)
    current = RemoteStore(server.url).generation
    gens = generations(client)
    original, original_quads = Client.update, Client.post_quads
    calls = {"insert": 0}

    def halfway() -> None:  # the second request that carries data fails
        calls["insert"] += 1
        if calls["insert"] == 2:
            raise StoreError("simulated network failure halfway through the load")

    def failing(self: Client, sparql: str, timeout: float = 300) -> None:
        if sparql.startswith("INSERT DATA") and CONTROL not in sparql[:100]:
            halfway()
        original(self, sparql, timeout)

    def failing_quads(self: Client, nquads: bytes, timeout: float = 300) -> None:
        halfway()
        original_quads(self, nquads, timeout)

    monkeypatch.setattr(Client, "update", failing)
    monkeypatch.setattr(Client, "post_quads", failing_quads)
    with pytest.raises(StoreError, match="simulated"):
        build([TINY], server.url)
    monkeypatch.undo()
    # Oxigraph takes the quads through its store endpoint, Virtuoso through INSERT DATA
    assert calls["insert"] == 2
    assert RemoteStore(server.url).generation == current
    assert generations(client) == gens
    assert stored_generations(client) == gens


def test_a_refused_quad_upload_falls_back_to_insert_data(engine: Engine, tiny_store: GraphStore,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A store endpoint that will not take N-Quads (here: the query endpoint) answers 4xx
    (Oxigraph) or 2xx without loading anything (Virtuoso); either way the build sends
    the data as INSERT DATA from then on and still publishes the same data."""
    server = remote(engine).server
    assert server is not None
    client = Client(server.url)
    monkeypatch.setenv("REPGRAPH_GSP_URL", client.endpoints.query)
    sent = {"quads": 0}
    original = Client.post_quads

    def counting(self: Client, nquads: bytes, timeout: float = 300) -> None:
        sent["quads"] += 1
        original(self, nquads, timeout)

    monkeypatch.setattr(Client, "post_quads", counting)
    build([TINY], server.url)
    assert sent["quads"] == 1  # one attempt, then INSERT DATA for the rest of the build
    # against the embedded build: `engine.public` may still hold a generation that two
    # builds in a row within its pointer TTL have since dropped
    store = RemoteStore(server.url)
    assert table(run_saved(store, "judges")) == table(run_saved(tiny_store, "judges"))


def test_store_endpoints_by_server_style(monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.sparqlclient import endpoints

    monkeypatch.delenv("REPGRAPH_GSP_URL", raising=False)
    assert endpoints("http://127.0.0.1:7878", False).store == \
        "http://127.0.0.1:7878/store?no_transaction&lenient"
    assert endpoints("http://h:3030/ds", False).store == "http://h:3030/ds/data"
    assert endpoints("http://h:7200/repositories/rg", False).store == \
        "http://h:7200/repositories/rg/statements"
    assert endpoints("http://h:8890/sparql", True).store is None
    monkeypatch.setenv("REPGRAPH_GSP_URL", "")
    assert endpoints("http://127.0.0.1:7878", False).store is None
    monkeypatch.setenv("REPGRAPH_GSP_URL", "file:///etc/passwd")
    with pytest.raises(StoreError, match="not an http"):
        endpoints("http://127.0.0.1:7878", False)


def test_credentials_stay_out_of_urls_and_messages(engine: Engine,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    server = remote(engine).server
    assert server is not None
    with pytest.raises(StoreError, match="REPGRAPH_SPARQL_USER") as exc:
        RemoteStore(server.url.replace("http://", "http://dba:s3cret-pw@"))
    assert "s3cret-pw" not in str(exc.value)
    if engine.kind == "virtuoso":  # the only one of the two that checks credentials
        monkeypatch.setenv("REPGRAPH_SPARQL_PASSWORD", "wrong-pw-4242")
        with pytest.raises(StoreError, match="refused the credentials") as exc:
            build([TINY], server.url)
        assert "wrong-pw-4242" not in str(exc.value)


def test_cli_query_against_the_server(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    from graph.cli import main

    assert main(["query", "--store", engine.spec, "judges", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "Kamal Rzayev,2," in out


@pytest.mark.server
def test_no_store_yet(tmp_path: Path) -> None:
    require("oxigraph")
    with running("oxigraph", tmp_path) as server, pytest.raises(StoreError, match="repgraph build"):
        open_store(server.url)


@pytest.mark.server
def test_a_result_cut_by_the_server_is_never_passed_on_as_whole(tmp_path: Path) -> None:
    """Virtuoso cuts results at ResultSetMaxRows without an error: a trusted query must
    fail loudly, a user query must say it was truncated."""
    require("virtuoso")
    server = start_virtuoso(tmp_path, max_rows=100)
    try:
        with credentials(server.env):
            build([TINY], server.url)
            store = RemoteStore(server.url)
            with pytest.raises(StoreError, match="ResultSetMaxRows"):
                store.query("SELECT * WHERE { ?s ?p ?o }")
            capped = run_user_query(store, "SELECT * WHERE { ?s ?p ?o }", max_rows=1000)
            assert capped.truncated and len(capped.rows) == 100
            check_judges(run_saved(store, "judges"))
    finally:
        server.stop()
