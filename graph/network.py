"""The NetworkX projection: entities as nodes, claims between entities as edges.

Built with hand-written SPARQL over the claim nodes (one row per claim, so each
edge knows the sources, dates and confidence behind it) rather than rdflib's
generic converter, which makes a node of every literal and is ~15× slower.
Projected once per store generation and shared read-only by every view.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.centrality import centrality
from graph.derived import kept
from graph.gcpause import gc_paused
from graph.ontology import PropertySpec, Schema, schema
from graph.store import GraphStore
from graph.text import visible
from graph.textrows import TextRowStream, text_rows

RG = "https://repression-graph.org/ns#"

# Each claim attribute in its own sub-select: Oxigraph then scans each predicate once and
# hash-joins, where the plain pattern runs ~5 index lookups per claim (2× slower at 1M).
_EDGES = """
PREFIX rg: <https://repression-graph.org/ns#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?s ?p ?o ?src ?date ?conf WHERE {
  { SELECT ?c ?o WHERE { ?c rdf:object ?o . FILTER(isIRI(?o)) } }
  { SELECT ?c ?s WHERE { ?c rdf:subject ?s } }
  { SELECT ?c ?p WHERE { ?c rdf:predicate ?p } }
  { SELECT ?c ?src WHERE { ?c prov:wasDerivedFrom ?src } }
  { SELECT ?c ?conf WHERE { ?c rg:confidence ?conf } }
  OPTIONAL { SELECT ?c ?date WHERE { ?c rg:claimDate ?date } }
}"""

# Types, labels and descriptions each from one sub-select (scans + hash joins). The types
# are our entity classes, named: an index lookup each instead of a scan of every type
# triple (claims and sources are most of them) through a filter.
_NODES = """
PREFIX rg: <https://repression-graph.org/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
SELECT ?s ?type ?label (LANG(?label) AS ?lang) ?description WHERE {
  { SELECT ?s ?type WHERE { VALUES ?type { {classes} } ?s a ?type } }
  OPTIONAL { SELECT ?s ?label WHERE { ?s rdfs:label ?label } }
  OPTIONAL { SELECT ?s ?description WHERE { ?s schema:description ?description } }
}"""

#: Classes whose members are not nodes: what is said about entities, not entities.
_NOT_NODES = ("Claim", "Source", "Confidence")

_ALIASES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?alias WHERE { GRAPH <{base}graph/entities> { ?s skos:altLabel ?alias . } }"""

_EVENT_DATES = """
PREFIX rg: <https://repression-graph.org/ns#>
SELECT ?s (MIN(STR(?d)) AS ?date) WHERE { ?s rg:date ?d . } GROUP BY ?s"""

_VOCAB_EDGES = """
PREFIX rg: <https://repression-graph.org/ns#>
SELECT ?s ?p ?o WHERE {
  GRAPH <{base}graph/vocabularies> { ?s ?p ?o . VALUES ?p { rg:category rg:criminalCode } }
}"""


def local(iri: str, base: str) -> str:
    """An entity IRI's id (its local part under the base)."""
    return iri.removeprefix(base)


def project(store: GraphStore) -> nx.MultiDiGraph:
    """Build the projection from a store (uncached; use `network_for`)."""
    with gc_paused():  # hundreds of thousands of objects, none of them garbage
        return _project(store)


#: Confidence levels, best first; an edge shows the best of its claims'.
_RANK = {"high": 0, "medium": 1, "low": 2}


def _project(store: GraphStore) -> nx.MultiDiGraph:
    """The claim join (most of the time) runs on a worker thread from the start while this
    one reads the nodes, then parses and groups the claim rows as the worker writes them:
    Oxigraph evaluates without holding the GIL, so the node side comes almost free and
    the claims are grouped by the time the join ends (a remote server answers both at
    once). Every cell is read as text (graph.textrows)."""
    base = store.base
    s = schema()
    specs = s.properties
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    used: set[str] = set()
    with ThreadPoolExecutor(1) as pool:
        claims = TextRowStream(store, _EDGES, pool)
        types, attrs = _node_attributes(store, s)
        vocab: list[Any] = text_rows(store, _VOCAB_EDGES.replace("{base}", base))
        # cells are read directly (unbound only where a column is OPTIONAL)
        row: Any
        for row in claims:
            subj_iri, prop_iri, obj_iri, src_iri, date, conf_iri = row
            subj = subj_iri.removeprefix(base)
            obj = obj_iri.removeprefix(base)
            prop = prop_iri.removeprefix(RG)
            src = src_iri.removeprefix(base)
            conf = conf_iri.rsplit("#", 1)[-1]
            data = edges.get((subj, obj, prop))
            if data is None:  # most edges rest on one claim
                edges[subj, obj, prop] = _edge_data(specs, prop, [src],
                                                    [] if date is None else [date], conf)
                used.add(subj)
                used.add(obj)
                continue
            if src not in data["sources"]:
                bisect.insort(data["sources"], src)
            if date is not None and date not in data["dates"]:
                bisect.insort(data["dates"], date)
            if _RANK.get(conf, 3) < _RANK.get(data["confidence"], 3):
                data["confidence"] = conf

    vocab_only = _vocab_only(types)
    used.update(n for n in types if n not in vocab_only)
    for subj_iri, prop_iri, obj_iri in vocab:
        subj = subj_iri.removeprefix(base)
        if subj in used:
            obj = obj_iri.removeprefix(base)
            prop = prop_iri.removeprefix(RG)
            if (subj, obj, prop) not in edges:
                edges[subj, obj, prop] = _edge_data(specs, prop, [], [], "")
            used.add(obj)
    g = nx.MultiDiGraph(base=base, generation=store.generation, level=store.level)
    _add_new(g, ((node, attrs.get(node) or _untyped(node)) for node in sorted(used)),
             ((subj, obj, key, data) for (subj, obj, key), data in sorted(edges.items())))
    return g


def _edge_data(specs: dict[str, PropertySpec], prop: str, sources: list[str],
               dates: list[str], confidence: str) -> dict[str, Any]:
    spec = specs.get(prop)
    return {"property": prop, "label": spec.edge_label if spec else prop,
            "sources": sources, "dates": dates, "confidence": confidence}


def _add_new(g: nx.MultiDiGraph, nodes: Iterable[tuple[str, dict[str, Any]]],
             edges: Iterable[tuple[str, str, str, dict[str, Any]]]) -> None:
    """`g.add_nodes_from(nodes)` then `g.add_edges_from(edges)` into an empty graph, for
    new nodes and for edges whose ends are among them and whose (u, v, key) are all new,
    written straight into NetworkX's adjacency structure (the attribute dicts are taken
    as they are, not copied).

    add_edges_from checks and copies per edge what is given here by construction and
    took ~8 µs an edge (a sixth of the projection at 100k); this writes the structure
    NetworkX documents for subclassing — `succ[u][v]` and `pred[v][u]` are one dict of
    key → attribute dict — in a quarter of the time. tests/test_network.py checks the
    result equals NetworkX's own."""
    node, succ, pred = g._node, g._succ, g._pred
    for n, data in nodes:
        node[n] = data
        succ[n] = g.adjlist_inner_dict_factory()
        pred[n] = g.adjlist_inner_dict_factory()
    for u, v, key, data in edges:
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = g.edge_key_dict_factory()
        keys[key] = data
    clear = getattr(nx, "_clear_cache", None)  # NetworkX ≥ 3.3 caches derived views
    if clear is not None:
        clear(g)


def _node_attributes(store: GraphStore, s: Schema
                     ) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """Each entity's most specific class, and the attributes of its node.

    Where the data gives an entity several labels (or descriptions, or unrelated classes),
    the choice does not depend on the order a store answers in: an English or untagged
    label first, then the first in sort order."""
    base = store.base
    types: dict[str, str] = {}
    labels: dict[str, tuple[int, str]] = {}
    descriptions: dict[str, str] = {}
    classes = " ".join(f"rg:{c}" for c in sorted(s.classes) if c not in _NOT_NODES)
    rows: list[Any] = text_rows(store, _NODES.replace("{classes}", classes))
    rg_cut = len(RG)
    for subj, type_iri, label, lang, description in rows:
        cls = type_iri[rg_cut:]
        node = subj.removeprefix(base)
        old = types.get(node)
        if old is None or (old != cls and (s.is_a(cls, old)  # the most specific class
                                           or (not s.is_a(old, cls) and cls < old))):
            types[node] = cls
        if label is not None:
            ranked = (0 if lang in ("", "en", None) else 1, label)
            if node not in labels or ranked < labels[node]:
                labels[node] = ranked
        if description is not None and (node not in descriptions
                                        or description < descriptions[node]):
            descriptions[node] = description
    aliases: dict[str, list[str]] = defaultdict(list)
    named: list[Any] = text_rows(store, _ALIASES.replace("{base}", store.base))
    for iri, alias in named:
        aliases[iri.removeprefix(base)].append(alias)
    dated: list[Any] = text_rows(store, _EVENT_DATES)
    dates = {iri.removeprefix(base): date for iri, date in dated}
    attrs = {node: {"type": cls, "label": visible(labels.get(node, (0, node))[1]),
                    "aliases": [visible(a) for a in aliases.get(node, ())],
                    "description": visible(descriptions.get(node, "")),
                    "date": dates.get(node, "")}
             for node, cls in types.items()}
    return types, attrs


def _untyped(node: str) -> dict[str, Any]:
    """An edge's end that no type row names (an IRI from outside the data)."""
    return {"type": "Entity", "label": visible(node), "aliases": [], "description": "",
            "date": ""}


def _vocab_only(types: dict[str, str]) -> set[str]:
    """Vocabulary entries (countries, charges) join the graph only when something uses them."""
    return {n for n, t in types.items() if t in ("Country", "Charge", "ChargeCategory")}


def network_for(store: GraphStore) -> nx.MultiDiGraph:
    """The projection of a store, built once per generation (treat it as read-only).

    Kept in memory per process and on disk per generation (graph.derived), so that a cold
    start reads it back instead of projecting a large store again.
    """
    return kept(store, "network", lambda: project(store),
                lambda g: nx.node_link_data(g, edges="edges"),
                lambda d: nx.node_link_graph(d, directed=True, multigraph=True, edges="edges"))


def centrality_for(store: GraphStore) -> dict[str, dict[str, float]]:
    """`centrality` of a store's projection, computed once per generation (as network_for)."""
    return kept(store, "centrality", lambda: centrality(network_for(store)))


def size_for(store: GraphStore) -> tuple[int, int]:
    """Nodes and edges of the projection, once per generation: a page that only shows the
    count need not read the whole projection back."""
    def size() -> tuple[int, int]:
        g = network_for(store)
        return g.number_of_nodes(), g.number_of_edges()
    return kept(store, "size", size, list, lambda v: (int(v[0]), int(v[1])))


# -- views -----------------------------------------------------------------------------

@dataclass
class Subgraph:
    """A view of the network, capped; `overflow` counts nodes left out by the cap."""

    graph: nx.MultiDiGraph
    focus: list[str] = field(default_factory=list)
    overflow: int = 0
    hidden_by_type: Counter[str] = field(default_factory=Counter)


def _in_range(value: str, start: str | None, end: str | None) -> bool:
    if not value:
        return True
    return (start is None or value[: len(start)] >= start[: len(value)]) and (
        end is None or value[: len(end)] <= end[: len(value)])


def filtered(g: nx.MultiDiGraph, types: Iterable[str] | None = None,
             start: str | None = None, end: str | None = None,
             charges: Iterable[str] | None = None, keep: Iterable[str] = ()) -> nx.MultiDiGraph:
    """A view without nodes of other types, events outside the dates, cases without the charges.

    Type names include their subclasses (Organization keeps Courts and NGOs); with a charge
    filter, the events of cases without those charges go too.
    """
    s = schema()
    keep = set(keep)
    wanted = None
    if types:
        wanted = {c for t in types for c in s.subclasses(t)} | {"Entity"}
    charge_set = set(charges or ())

    def charged(case: str) -> bool:
        return any(v in charge_set for _, v, k in g.out_edges(case, keys=True)
                   if k in ("charge", "convictedUnder"))

    def ok(n: str) -> bool:
        if n in keep:
            return True
        d = g.nodes[n]
        if wanted is not None and d["type"] not in wanted:
            return False
        if (start or end) and not _in_range(d.get("date", ""), start, end):
            return False
        if charge_set and s.is_a(d["type"], "Case"):
            return charged(n)
        if charge_set and s.is_a(d["type"], "Event"):  # an event goes with its case
            cases = [v for _, v, k in g.out_edges(n, keys=True) if k == "case"]
            return not cases or any(charged(c) for c in cases)
        return True

    return nx.subgraph_view(g, filter_node=ok)  # type: ignore[no-any-return]


def ego_network(g: nx.MultiDiGraph, focus: str, depth: int = 1, max_nodes: int = 500,
                types: Iterable[str] | None = None, start: str | None = None,
                end: str | None = None, charges: Iterable[str] | None = None) -> Subgraph:
    """Nodes within `depth` hops of `focus` (either direction), nearest and best-connected first.

    Beyond `max_nodes` the farthest, least-connected nodes are left out and counted.
    """
    if focus not in g:
        raise KeyError(f"unknown entity '{focus}'")
    view = filtered(g, types, start, end, charges, keep=[focus])
    undirected = view.to_undirected(as_view=True)
    dist = nx.single_source_shortest_path_length(undirected, focus, cutoff=max(0, depth))
    ranked = sorted(dist, key=lambda n: (dist[n], -g.degree(n), n))
    chosen = ranked[:max_nodes]
    hidden = Counter(g.nodes[n]["type"] for n in ranked[max_nodes:])
    sub = nx.MultiDiGraph(view.subgraph(chosen))
    sub.graph.update(g.graph)
    return Subgraph(sub, [focus], len(ranked) - len(chosen), hidden)


def simple_graph(g: nx.MultiDiGraph) -> nx.Graph:
    """Undirected, one edge per pair: what path finding needs."""
    return nx.Graph(g.to_undirected(as_view=True))


#: Hubs that connect almost everyone (all citizens of a country) and so explain nothing.
PATH_HUB_TYPES = ("Country", "ChargeCategory")


def shortest_paths(g: nx.MultiDiGraph, source: str, target: str, k: int = 3,
                   max_length: int = 8, avoid: Iterable[str] = PATH_HUB_TYPES
                   ) -> list[list[str]]:
    """Up to k shortest simple paths between two entities, shortest first.

    Paths do not pass *through* countries or charge categories by default: "both are
    Azerbaijani citizens" links everyone and hides the cases, courts and judges that
    really connect two people.
    """
    for n in (source, target):
        if n not in g:
            raise KeyError(f"unknown entity '{n}'")
    if source == target:
        return [[source]]
    avoid = set(avoid)
    ug = simple_graph(g)
    ug.remove_nodes_from([n for n, d in g.nodes(data=True)
                          if d["type"] in avoid and n not in (source, target)])
    out: list[list[str]] = []
    try:
        # Collect every path as short as the k-th (bounded), then sort, so that ties
        # between equally short paths are broken the same way on every run.
        for path in itertools.islice(nx.shortest_simple_paths(ug, source, target), 50):
            if len(path) - 1 > max_length or (len(out) >= k and len(path) > len(out[k - 1])):
                break
            out.append(path)
    except nx.NetworkXNoPath:
        return []
    return sorted(out, key=lambda p: (len(p), p))[:k]


def path_edges(g: nx.MultiDiGraph, path: list[str]) -> list[list[tuple[str, str, dict]]]:
    """For each step of a path, the claims (in either direction) that link the two nodes."""
    steps = []
    for a, b in itertools.pairwise(path):
        links = [(a, b, d) for d in (g.get_edge_data(a, b) or {}).values()]
        links += [(b, a, d) for d in (g.get_edge_data(b, a) or {}).values()]
        steps.append(links)
    return steps


def path_subgraph(g: nx.MultiDiGraph, paths: list[list[str]]) -> Subgraph:
    nodes = {n for p in paths for n in p}
    sub = nx.MultiDiGraph()
    sub.graph.update(g.graph)
    for n in nodes:
        sub.add_node(n, **g.nodes[n])
    for p in paths:
        for a, b in itertools.pairwise(p):
            for u, v, d in path_edges(g, [a, b])[0]:
                sub.add_edge(u, v, key=d["property"], **d)
    return Subgraph(sub, [paths[0][0], paths[0][-1]] if paths else [])


def top_by(g: nx.MultiDiGraph, scores: dict[str, dict[str, float]], metric: str,
           types: Iterable[str], n: int = 10) -> list[tuple[str, float]]:
    """The n highest-scoring nodes of the given types (subclasses included)."""
    s = schema()
    wanted = {c for t in types for c in s.subclasses(t)}
    cands = ((node, sc[metric]) for node, sc in scores.items()
             if g.nodes[node]["type"] in wanted)
    return heapq.nlargest(n, cands, key=lambda x: (x[1], x[0]))


def communities(g: nx.MultiDiGraph) -> list[set[str]]:
    """Louvain communities, seeded for repeatability, largest first."""
    found = nx.community.louvain_communities(simple_graph(g), seed=1)
    return sorted(found, key=lambda c: (-len(c), min(c)))


TRANSNATIONAL_PROPS = ("nationality", "countryOfResidence", "allegedForeignTie", "hostCountry",
                       "inAbsentia")


def transnational_subgraph(g: nx.MultiDiGraph, people: Iterable[str],
                           max_nodes: int = 500) -> Subgraph:
    """The given people, their cases and events, and every country linked to them."""
    keep: set[str] = set()
    for p in people:
        if p not in g:
            continue
        keep.add(p)
        for u, v, k in itertools.chain(g.out_edges(p, keys=True), g.in_edges(p, keys=True)):
            other = v if u == p else u
            t = g.nodes[other]["type"]
            if t == "Country" or k in ("defendant", "person"):
                keep.add(other)
                if k in ("defendant", "person"):
                    for _, c, k2 in g.out_edges(other, keys=True):
                        if g.nodes[c]["type"] == "Country" or k2 == "case":
                            keep.add(c)
    ranked = sorted(keep, key=lambda n: (g.nodes[n]["type"] != "Person", -g.degree(n), n))
    chosen = ranked[:max_nodes]
    sub = nx.MultiDiGraph(g.subgraph(chosen))
    sub.graph.update(g.graph)
    return Subgraph(sub, [], len(ranked) - len(chosen),
                    Counter(g.nodes[n]["type"] for n in ranked[max_nodes:]))
