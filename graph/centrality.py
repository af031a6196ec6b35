"""Degree, betweenness and PageRank of the projection, as sparse-matrix algebra.

NetworkX's betweenness runs Brandes' algorithm one Python step per edge: on the 1M-quad
store (25k nodes) twenty sampled sources took 6 s, and converting the multigraph to the
simple graphs it needs took 2 s more — the whole first start of the app after a build.
Here the same algorithm runs on a scipy CSR matrix, every source of the sample at once:
breadth-first search is one sparse product per level, and the dependency accumulation
runs the levels backwards the same way (the "algebraic Brandes" of GraphBLAS). The
results equal NetworkX's (tests/test_centrality.py compares them), sample included: the
sources are drawn exactly as `nx.betweenness_centrality(seed=1)` draws them.
"""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import scipy.sparse as sp

#: above this many nodes betweenness is sampled, with about constant work (see `centrality`)
EXACT_UP_TO = 1000
#: sources processed together: memory is nodes × batch floats per matrix (a few MB)
BATCH = 64


def centrality(g: nx.MultiDiGraph, sample: int | None = None) -> dict[str, dict[str, float]]:
    """Degree, betweenness and PageRank per node.

    Degree and betweenness are those of the undirected simple graph (one edge per linked
    pair, as path finding sees it); PageRank follows the claims' direction. Betweenness
    is exact up to 1,000 nodes and sampled on `sample` sources (seeded, so results are
    repeatable) above; it only breaks ties after case counts in the app, so a sample ranks
    well enough.
    """
    nodes = list(g)
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = np.array([(index[u], index[v]) for u, v in g.edges()], dtype=np.int64).reshape(-1, 2)
    directed = _matrix(pairs, n)
    undirected = _matrix(np.vstack([pairs, pairs[:, ::-1]]), n)
    loops = undirected.diagonal()
    degree = np.diff(undirected.indptr) + loops  # a self-loop counts twice, as in NetworkX
    if sample is None and n > EXACT_UP_TO:
        sample = max(20, min(100, 200_000 // n))  # ~constant work: 100 sources at 2k nodes
    between = betweenness(undirected, nodes, sample)
    rank = pagerank(directed)
    return {v: {"degree": float(degree[i]), "betweenness": float(between[i]),
                "pagerank": float(rank[i])} for i, v in enumerate(nodes)}


def _matrix(pairs: np.ndarray, n: int) -> sp.csr_array:
    """A 0/1 CSR matrix with a 1 for each distinct (row, column) pair."""
    ones = np.ones(len(pairs))
    m = sp.csr_array((ones, (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def betweenness(adjacency: sp.csr_array, nodes: list[str], sample: int | None = None,
                seed: int = 1) -> np.ndarray:
    """Normalised betweenness (endpoints excluded) of an undirected graph's nodes.

    `sample` sources are drawn as NetworkX draws them (`random.Random(seed).sample` of the
    node list) and the result is rescaled as NetworkX rescales a sampled run.
    """
    n = len(nodes)
    if sample is not None and sample >= n:
        sample = None
    sources = list(range(n)) if sample is None else _sampled(nodes, sample, seed)
    adjacency = adjacency.copy()
    adjacency.setdiag(0)  # a self-loop lies on no shortest path
    adjacency.eliminate_zeros()
    total = np.zeros(n)
    for start in range(0, len(sources), BATCH):
        total += _dependencies(adjacency, sources[start:start + BATCH])
    return total * _scale(n, None if sample is None else sources)


def _sampled(nodes: list[str], k: int, seed: int) -> list[int]:
    index = {v: i for i, v in enumerate(nodes)}
    return [index[v] for v in random.Random(seed).sample(nodes, k)]  # noqa: S311 (seeded, not secret)


def _dependencies(adjacency: sp.csr_array, sources: list[int]) -> np.ndarray:
    """Sum over the given sources of Brandes' dependency of each node (sources excluded)."""
    n, b = adjacency.shape[0], len(sources)
    cols = np.arange(b)
    sigma = np.zeros((n, b))            # shortest paths from each source
    sigma[sources, cols] = 1.0
    depth = np.full((n, b), -1, dtype=np.int32)
    depth[sources, cols] = 0
    frontier = sigma.copy()
    level = 0
    while True:  # breadth first: one sparse product per level for every source at once
        reached = adjacency @ frontier
        new = (reached > 0) & (depth < 0)
        if not new.any():
            break
        level += 1
        depth[new] = level
        frontier = np.where(new, reached, 0.0)
        sigma += frontier
    delta = np.zeros((n, b))
    for d in range(level, 0, -1):  # each node passes (1 + δ)/σ back to its predecessors
        at_d = depth == d
        pushed = adjacency @ np.where(at_d, (1.0 + delta) / np.where(at_d, sigma, 1.0), 0.0)
        delta += np.where(depth == d - 1, sigma * pushed, 0.0)
    delta[sources, cols] = 0.0
    return delta.sum(axis=1)


def _scale(n: int, sources: list[int] | None) -> np.ndarray | float:
    """NetworkX's rescaling (normalised, endpoints excluded), for exact and sampled runs."""
    big_n = n - 1
    if big_n < 2:
        return 1.0
    if sources is None:
        return 1.0 / (big_n * (big_n - 1))
    k = len(sources)
    scale = np.full(n, 1.0 / (k * (big_n - 1)))
    scale[sources] = 1.0 / ((k - 1) * (big_n - 1)) if k > 1 else np.nan
    return scale


def pagerank(directed: sp.csr_array, alpha: float = 0.85, max_iter: int = 100,
             tol: float = 1.0e-6) -> np.ndarray:
    """PageRank by power iteration, as NetworkX computes it on a simple directed graph."""
    n = directed.shape[0]
    out = np.asarray(directed.sum(axis=1)).ravel()
    inverse = np.divide(1.0, out, out=np.zeros(n), where=out != 0)
    walk = sp.diags_array(inverse) @ directed
    x = np.full(n, 1.0 / n)
    p = np.full(n, 1.0 / n)
    dangling = np.where(out == 0)[0]
    for _ in range(max_iter):
        last = x
        x = alpha * (x @ walk + x[dangling].sum() * p) + (1 - alpha) * p
        if np.absolute(x - last).sum() < n * tol:
            return x
    raise nx.PowerIterationFailedConvergence(max_iter)
