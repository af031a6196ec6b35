"""The NetworkX projection: counts match the store; views give exact answers on the fixture."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.network import (
    centrality,
    communities,
    ego_network,
    network_for,
    path_edges,
    project,
    shortest_paths,
    top_by,
    transnational_subgraph,
)
from graph.store import GraphStore

COUNT_CLAIM_EDGES = """
PREFIX rg: <https://repression-graph.org/ns#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT (COUNT(DISTINCT CONCAT(STR(?s), " ", STR(?p), " ", STR(?o))) AS ?n) WHERE {
  ?c a rg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . FILTER(isIRI(?o)) }"""
COUNT_ENTITIES = """
SELECT (COUNT(DISTINCT ?s) AS ?n)
WHERE { GRAPH ?g { ?s a ?t } FILTER(?g = <{base}graph/entities>) }"""


@pytest.mark.parametrize("which", ["tiny_store", "tiny_full", "real_store"])
def test_counts_match_the_store(which: str, request: pytest.FixtureRequest) -> None:
    store: GraphStore = request.getfixturevalue(which)
    g = project(store)
    claim_edges = int(store.query(COUNT_CLAIM_EDGES).values()[0]["n"])  # type: ignore[arg-type]
    vocab_edges = sum(1 for _, _, k in g.edges(keys=True) if k in ("category", "criminalCode"))
    assert g.number_of_edges() == claim_edges + vocab_edges
    entities = int(store.query(COUNT_ENTITIES.replace("{base}", store.base))
                   .values()[0]["n"])  # type: ignore[arg-type]
    registered = [n for n, d in g.nodes(data=True)
                  if d["type"] not in ("Country", "Charge", "ChargeCategory")]
    assert len(registered) == entities


@pytest.mark.parametrize("which", ["tiny_full", "real_store"])
def test_projection_is_what_networkx_builds(which: str,
                                           request: pytest.FixtureRequest) -> None:
    """The projection writes its nodes and edges into NetworkX's adjacency dicts
    directly; the graph must be the one NetworkX's own add_nodes_from and add_edges_from
    build, in every view."""
    g = project(request.getfixturevalue(which))
    h = nx.MultiDiGraph(**g.graph)
    h.add_nodes_from(g.nodes(data=True))
    h.add_edges_from(g.edges(keys=True, data=True))
    assert nx.utils.graphs_equal(g, h) and list(g.nodes(data=True)) == list(h.nodes(data=True))
    assert list(g.pred) == list(h.pred) and list(g.succ) == list(h.succ)
    assert list(g.edges(keys=True, data=True)) == list(h.edges(keys=True, data=True))
    assert list(g.in_edges(keys=True, data=True)) == list(h.in_edges(keys=True, data=True))
    for graph in (g, h):  # one key dict shared by both directions, as NetworkX keeps it
        assert all(graph._succ[u][v] is graph._pred[v][u] for u, v in graph.edges())
    assert dict(g.degree()) == dict(h.degree()) and g.size() == h.size()
    u, v, k = next(iter(g.edges(keys=True)))
    g.remove_edge(u, v, k)  # still a working graph
    assert not g.has_edge(u, v, k) and h.has_edge(u, v, k)


def test_public_projection_has_no_restricted_nodes(tiny_store: GraphStore,
                                                   tiny_full: GraphStore) -> None:
    assert "witness-canary" not in network_for(tiny_store)
    assert "witness-canary" in project(tiny_full)


def test_node_and_edge_attributes(tiny_store: GraphStore) -> None:
    g = network_for(tiny_store)
    ayla = g.nodes["ayla-huseynova"]
    assert ayla["type"] == "Person" and ayla["label"] == "Ayla Hüseynova"
    assert set(ayla["aliases"]) == {"Ayla Huseynova", "Айла Гусейнова"}
    assert g.nodes["arrest-huseynova-2024-03-01"]["date"] == "2024-03-01"
    edge = g.edges["case-huseynova-2024", "az-cc-206.3.2", "charge"]
    assert edge["label"] == "charged under"
    assert edge["sources"] == ["src-alpha"] and edge["dates"] == ["2024-03-02"]
    assert edge["confidence"] == "high"
    assert g.has_edge("az-cc-206.3.2", "charge-smuggling", "category")


def test_network_is_cached_per_generation(tiny_store: GraphStore) -> None:
    assert network_for(tiny_store) is network_for(tiny_store)


def test_ego_network_depths(tiny_store: GraphStore) -> None:
    g = network_for(tiny_store)
    one = ego_network(g, "ayla-huseynova", depth=1)
    assert sorted(one.graph.nodes) == [
        "arrest-huseynova-2024-03-01", "ayla-huseynova", "az", "case-huseynova-2024",
        "example-media", "verdict-huseynova-2025-01-10"]
    assert one.overflow == 0
    two = ego_network(g, "ayla-huseynova", depth=2)
    assert {"kamal-rzayev", "nadir-aliyev", "example-district-court", "az-cc-206.3.2",
            "bakir-mammadov", "ivan-petrov"} <= set(two.graph.nodes)


def test_ego_network_cap_counts_overflow(tiny_store: GraphStore) -> None:
    g = network_for(tiny_store)
    full = ego_network(g, "ayla-huseynova", depth=3)
    capped = ego_network(g, "ayla-huseynova", depth=3, max_nodes=4)
    assert capped.graph.number_of_nodes() == 4
    assert capped.overflow == full.graph.number_of_nodes() - 4
    assert sum(capped.hidden_by_type.values()) == capped.overflow
    assert "ayla-huseynova" in capped.graph


def test_ego_network_filters(tiny_store: GraphStore) -> None:
    g = network_for(tiny_store)
    people = ego_network(g, "kamal-rzayev", depth=2, types=["Person", "Case"])
    assert {d["type"] for _, d in people.graph.nodes(data=True)} == {"Person", "Case"}
    dated = ego_network(g, "ayla-huseynova", depth=1, start="2025", end="2025-12")
    assert "arrest-huseynova-2024-03-01" not in dated.graph
    assert "verdict-huseynova-2025-01-10" in dated.graph
    treason = ego_network(g, "kamal-rzayev", depth=1, charges=["az-cc-274"])
    assert set(treason.graph.nodes) == {"kamal-rzayev", "case-mammadov-2023"}
    with pytest.raises(KeyError):
        ego_network(g, "nobody", depth=1)


def test_shortest_paths_avoid_country_hubs(tiny_store: GraphStore) -> None:
    g = network_for(tiny_store)
    paths = shortest_paths(g, "ayla-huseynova", "bakir-mammadov", k=3)
    assert paths == sorted(paths)  # equally short paths come in a stable order
    assert ["ayla-huseynova", "case-huseynova-2024", "kamal-rzayev", "case-mammadov-2023",
            "bakir-mammadov"] in paths
    assert len(paths) == 3 and all(len(p) == 5 for p in paths)
    assert all("az" not in p for p in paths)
    steps = path_edges(g, ["ayla-huseynova", "case-huseynova-2024", "kamal-rzayev",
                           "case-mammadov-2023", "bakir-mammadov"])
    assert [sorted(d["property"] for _, _, d in step) for step in steps] == [
        ["defendant"], ["judge"], ["judge"], ["defendant"]]
    via_country = shortest_paths(g, "ayla-huseynova", "bakir-mammadov", k=1, avoid=())
    assert via_country == [["ayla-huseynova", "az", "bakir-mammadov"]]
    assert shortest_paths(g, "ayla-huseynova", "ayla-huseynova") == [["ayla-huseynova"]]


def test_centrality_exact_on_fixture(tiny_store: GraphStore) -> None:
    g = network_for(tiny_store)
    scores = centrality(g)
    assert top_by(g, scores, "degree", ["Person"], 3) == [
        ("ayla-huseynova", 5.0), ("bakir-mammadov", 4.0), ("kamal-rzayev", 3.0)]
    courts = top_by(g, scores, "betweenness", ["Court", "StateBody"], 1)
    assert courts[0][0] == "example-district-court" and courts[0][1] > 0
    assert abs(sum(s["pagerank"] for s in scores.values()) - 1.0) < 1e-6


def test_communities_are_deterministic(tiny_store: GraphStore) -> None:
    g = network_for(tiny_store)
    first = communities(g)
    assert first == communities(g)
    assert sum(len(c) for c in first) == g.number_of_nodes()


def test_transnational_subgraph(tiny_store: GraphStore) -> None:
    g = network_for(tiny_store)
    sub = transnational_subgraph(g, ["bakir-mammadov", "ivan-petrov"])
    nodes = set(sub.graph.nodes)
    assert {"bakir-mammadov", "ivan-petrov", "de", "ru", "am", "case-mammadov-2023",
            "case-petrov-2025"} <= nodes
    assert "ayla-huseynova" not in nodes


def test_real_projection_links_judge_across_cases(real_store: GraphStore) -> None:
    g = network_for(real_store)
    paths = shortest_paths(g, "anar-mammadli", "rufat-safarov", k=5)
    assert any("aygun-qurbanova" in p for p in paths)  # the judge of both trials
    assert all(len(p) == 5 for p in paths)


def test_projection_and_centrality_are_kept_per_generation(tiny_copy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Computed once, written beside the generation, read back identical after a restart."""
    import networkx as nx

    from graph import derived, network
    from graph.build import build
    from graph.derived import cache_file
    from graph.store import open_store

    build([tiny_copy], str(tmp_path / "s"))
    store = open_store(str(tmp_path / "s"))
    first = network.network_for(store)
    scores = network.centrality_for(store)
    path = cache_file(store, "network")
    assert path is not None and path.is_file() and cache_file(store, "centrality").is_file()  # type: ignore[union-attr]
    derived.forget()  # a new process: only the files remain
    again = network.network_for(store)
    assert again is not first and nx.utils.graphs_equal(first, again)
    assert dict(again.edges["case-huseynova-2024", "az-cc-206.3.2", "charge"]) == dict(
        first.edges["case-huseynova-2024", "az-cc-206.3.2", "charge"])
    assert network.centrality_for(store) == scores
    derived.forget()
    path.write_text("{not json", encoding="utf-8")  # a damaged cache is recomputed
    assert nx.utils.graphs_equal(network.network_for(store), first)
    build([tiny_copy], str(tmp_path / "s"))  # a new generation starts without a cache
    assert cache_file(open_store(str(tmp_path / "s")), "network") != path


def test_several_labels_and_classes_are_chosen_by_rule(tiny_copy: Path,
                                                      tmp_path: Path) -> None:
    """An RDF file may give an entity more labels and classes than the sheets do; the
    node shows an English or untagged label first, then the first in sort order, and of
    two unrelated classes the first in sort order — whatever order a store answers in."""
    from graph.build import build
    from graph.store import open_store

    (tiny_copy / "more-names.ttl").write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix rg: <https://repression-graph.org/ns#> .\n"
        "<https://repression-graph.org/id/ayla-huseynova> rdfs:label 'Aaa'@ru, "
        "'Zed'@en, 'Ayla H.'@en .\n"
        "<https://repression-graph.org/id/kamal-rzayev> a rg:Organization .\n",
        encoding="utf-8")
    build([tiny_copy], str(tmp_path / "store"), shacl=False)
    g = project(open_store(str(tmp_path / "store"), full=True))
    assert g.nodes["ayla-huseynova"]["label"] == "Ayla H."
    assert g.nodes["kamal-rzayev"]["type"] == "Organization"  # Person and Organization
