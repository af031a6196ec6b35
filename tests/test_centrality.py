"""graph/centrality.py: the sparse-matrix centrality must equal NetworkX's, sample included."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.centrality import centrality
from graph.network import network_for


def networkx_centrality(g: nx.MultiDiGraph, sample: int | None = None) -> dict:
    """The reference: what graph.network computed with NetworkX before graph.centrality."""
    ug = nx.Graph(g.to_undirected(as_view=True))
    n = ug.number_of_nodes()
    if sample is None and n > 1000:
        sample = max(20, min(100, 200_000 // n))
    degree = dict(ug.degree())
    between = nx.betweenness_centrality(
        ug, k=sample if sample and sample < n else None, seed=1, normalized=True)
    rank = nx.pagerank(nx.DiGraph(g), alpha=0.85) if len(g) else {}
    return {v: {"degree": float(degree[v]), "betweenness": between[v], "pagerank": rank[v]}
            for v in g}


def random_multigraph(n: int, m: int, seed: int) -> nx.MultiDiGraph:
    r = random.Random(seed)
    g = nx.MultiDiGraph()
    g.add_nodes_from(f"n{i}" for i in range(n))  # some stay isolated
    for _ in range(m):  # repeated pairs, both directions, self-loops
        g.add_edge(f"n{r.randrange(n)}", f"n{r.randrange(n)}", key=r.choice("abc"))
    return g


def assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for v, scores in want.items():
        for metric, value in scores.items():
            assert got[v][metric] == pytest.approx(value, rel=1e-9, abs=1e-12), (v, metric)


@pytest.mark.parametrize(("n", "m", "seed"), [(1, 0, 0), (2, 1, 1), (3, 3, 2), (40, 60, 3),
                                              (300, 700, 4), (1200, 2500, 5)])
def test_equals_networkx(n: int, m: int, seed: int) -> None:
    g = random_multigraph(n, m, seed)
    assert_same(centrality(g), networkx_centrality(g))  # 1,200 nodes: a sampled run


@pytest.mark.parametrize("sample", [2, 7, 50])
def test_an_explicit_sample_equals_networkx(sample: int) -> None:
    g = random_multigraph(120, 300, 9)
    assert_same(centrality(g, sample), networkx_centrality(g, sample))


def test_a_path_by_hand() -> None:
    g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "c")])
    got = centrality(g)
    # b lies on a–c and a–d, c on a–d and b–d: 2 of the 3 pairs not involving them
    assert got["b"]["betweenness"] == pytest.approx(2 / 3)
    assert got["a"]["betweenness"] == 0.0
    assert got["b"]["degree"] == 2.0  # the repeated claim b→c is one link


def test_empty_graph() -> None:
    assert centrality(nx.MultiDiGraph()) == {}


def test_real_projection(real_store) -> None:
    g = network_for(real_store)
    assert_same(centrality(g), networkx_centrality(g))
