"""Which part of the network an image shows: ego networks, saved-query networks, layers, groups.

Images are read by people, not explored: these functions choose a subgraph that
tells one story legibly (no expansion through hubs, no repeated edges, events
folded into their cases when there are too many) and the structure the layouts
need (columns for the layered layout, countries for the grouped one).
"""

from __future__ import annotations

import difflib
import itertools
from collections import Counter

import networkx as nx
import pyoxigraph as ox

from graph.exc import RepgraphError
from graph.network import Subgraph
from graph.network import transnational_subgraph as _transnational
from graph.ontology import schema
from graph.store import GraphStore

#: Images stay legible up to about this many nodes; more are left out and counted.
MAX_NODES = 60
#: Ego networks do not expand through these: every citizen links to their country.
HUB_TYPES = frozenset({"Country", "ChargeCategory"})
_ABSENTIA = """PREFIX rg: <https://repression-graph.org/ns#>
SELECT DISTINCT ?s WHERE { ?s rg:inAbsentia true }"""


def text_of(term: object) -> str:
    """A result term's text (IRI or lexical form); '' when unbound."""
    return str(getattr(term, "value", "")) if term is not None else ""


def unknown(g: nx.MultiDiGraph, ident: str) -> RepgraphError:
    """The error for an id that is not in the graph, with the nearest id as a hint."""
    near = difflib.get_close_matches(ident, list(g.nodes), n=1, cutoff=0.7)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    return RepgraphError(f"unknown entity '{ident}'{hint}")


def image_ego(g: nx.MultiDiGraph, focus: str, depth: int, max_nodes: int = MAX_NODES
              ) -> Subgraph:
    """An ego network that does not expand through hubs (countries, charge categories).

    graph.network.ego_network follows every edge, so depth 2 from any Azerbaijani
    reaches every Azerbaijani court and charge through the country node — a hairball
    that explains nothing.  Hubs still appear, as leaves.
    """
    if focus not in g:
        raise unknown(g, focus)
    dist = {focus: 0}
    frontier = [focus]
    for d in range(1, max(0, depth) + 1):
        nxt = []
        for n in frontier:
            if n != focus and g.nodes[n]["type"] in HUB_TYPES:
                continue
            for m in sorted(set(g.successors(n)) | set(g.predecessors(n))):
                if m not in dist:
                    dist[m] = d
                    nxt.append(m)
        frontier = nxt
    ranked = sorted(dist, key=lambda n: (dist[n], -g.degree(n), n))
    chosen = ranked[:max_nodes]
    sub = nx.MultiDiGraph(g.subgraph(chosen))
    sub.graph.update(g.graph)
    return Subgraph(prune(sub), [focus], len(ranked) - len(chosen),
                    Counter(g.nodes[n]["type"] for n in ranked[max_nodes:]))


def prune(sub: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Drop edges that repeat what the picture already says, so that it stays legible.

    - sourceless vocabulary edges (charge 'code of' country) between nodes linked anyway;
    - an event's edge that its case carries too (a verdict 'convicted under' the article
      its case is 'convicted under' already);
    - an event 'concerns' the only defendant of its case: the case says so already
      (with several defendants the edge stays, it says which one).
    """
    repeated = []
    for e, c, k in sub.edges(keys=True):
        if k != "case":
            continue
        defendants = {v for _, v, k2 in sub.out_edges(c, keys=True) if k2 == "defendant"}
        for _, x, k2 in sub.out_edges(e, keys=True):
            if (k2 != "case" and sub.has_edge(c, x, k2)) or (k2 == "person"
                                                             and defendants == {x}):
                repeated.append((e, x, k2))
    sub.remove_edges_from(sorted(set(repeated)))
    sourced: Counter[str] = Counter()
    for u, v, d in sub.edges(data=True):
        if d.get("sources"):
            sourced[u] += 1
            sourced[v] += 1
    drop = [(u, v, k) for u, v, k, d in sub.edges(keys=True, data=True)
            if not d.get("sources") and sourced[u] and sourced[v]]
    sub.remove_edges_from(drop)
    return sub


def query_subgraph(store: GraphStore, g: nx.MultiDiGraph, name: str,
                   params: dict[str, str] | None, max_nodes: int = MAX_NODES
                   ) -> tuple[Subgraph, list[str]]:
    """A saved query's network: the entities of each result row and the edges between them.

    Entities left without an edge (a judge's row names only the judge) are joined to
    their cases — directly or through an event — and the cases' defendants, so that
    the picture shows what the table summarises.  Returns the subgraph and the
    entities the query itself returned.
    """
    from graph.query import bind, saved_queries

    saved = saved_queries().get(name)
    if saved is None:
        raise RepgraphError(f"no saved query named '{name}'; saved queries: "
                            f"{', '.join(saved_queries())}")
    result = store.query(saved.text, bind(params or {}, saved, store.base), max_rows=5000)
    base = store.base
    rows: list[list[str]] = []
    for row in result.rows:
        ids = [text_of(t)[len(base):] for t in row
               if isinstance(t, ox.NamedNode) and t.value.startswith(base)]
        rows.append(sorted({i for i in ids if i in g}))
    found = sorted({i for r in rows for i in r})
    if name == "transnational":
        people = [i for i in found if g.nodes[i]["type"] == "Person"]
        sub = _transnational(g, people, max_nodes=max_nodes * 2)
        absentia = {text_of(r[0])[len(base):] for r in store.query(_ABSENTIA).rows}
        return _cross_border(g, sub, absentia, max_nodes), found
    keep: set[str] = set(found)
    pairs = {(a, b) for r in rows for a, b in itertools.combinations(r, 2)}
    linked = {n for a, b in pairs for n in (a, b) if g.has_edge(a, b) or g.has_edge(b, a)}
    s = schema()
    for n in found:
        if n in linked:
            continue
        for case in _cases_of(g, n):
            keep.add(case)
            keep.update(v for _, v, k in g.out_edges(case, keys=True) if k == "defendant")
            keep.update(m for m in _via_events(g, n, case))
    ranked = sorted(keep, key=lambda n: (n not in found, not s.is_a(g.nodes[n]["type"], "Case"),
                                         -g.degree(n), n))
    chosen = set(ranked[:max_nodes])
    sub = nx.MultiDiGraph()
    sub.graph.update(g.graph)
    for n in sorted(chosen):
        sub.add_node(n, **g.nodes[n])
    for u, v, k, d in g.subgraph(chosen).edges(keys=True, data=True):
        if (u in found and v in found and ((u, v) in pairs or (v, u) in pairs)) \
                or u not in found or v not in found:
            sub.add_edge(u, v, key=k, **d)
    overflow = ranked[max_nodes:]
    return Subgraph(prune(sub), [], len(overflow),
                    Counter(g.nodes[n]["type"] for n in overflow)), found


def _cross_border(g: nx.MultiDiGraph, sub: Subgraph, absentia: set[str], max_nodes: int
                  ) -> Subgraph:
    """The transnational view without the events that happened at home.

    An image of who is targeted across borders needs the people, their cases, the
    countries and the acts abroad or in absentia; a dozen home-country detention
    extensions only hide that.
    """
    s = schema()
    facts = {n for n, d in sub.graph.nodes(data=True) if s.is_a(d["type"], "Event")
             and n not in absentia
             and not any(g.nodes[v]["type"] == "Country" for v in g.successors(n))}
    keep = [n for n in sub.graph if n not in facts]
    ranked = sorted(keep, key=lambda n: (g.nodes[n]["type"] != "Person", -g.degree(n), n))
    chosen = ranked[:max_nodes]
    out = nx.MultiDiGraph(sub.graph.subgraph(chosen))
    left = ranked[max_nodes:]
    return Subgraph(prune(out), [], len(left) + sub.overflow,
                    Counter(g.nodes[n]["type"] for n in left) + sub.hidden_by_type)


#: Above this many events, a saved query's picture shows their links on their cases instead.
FOLD_EVENTS_ABOVE = 12


def fold_events(sub: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Move each event's links onto its case and drop the event (court, judge, charge stay).

    A court's thirty hearings and detention orders hide which cases it heard; folded,
    the picture reads defendant → case → court/judge, every link still sourced.
    """
    s = schema()
    out = nx.MultiDiGraph(sub)
    events = sorted(n for n, d in sub.nodes(data=True) if s.is_a(d["type"], "Event"))
    for e in events:
        cases = sorted(c for _, c, k in sub.out_edges(e, keys=True) if k == "case")
        if not cases:
            continue
        links = [(e, v, k, d) for _, v, k, d in sub.out_edges(e, keys=True, data=True)
                 if k != "case"] + [(u, e, k, d) for u, _, k, d in
                                    sub.in_edges(e, keys=True, data=True)]
        for c in cases:
            for u, v, k, d in links:
                a, b = (c, v) if u == e else (u, c)
                if a == b or (b in cases and a in cases):
                    continue
                if k == "person":  # "verdict concerns X": X is a defendant of the case
                    continue
                old = out.get_edge_data(a, b, k)
                merged = dict(d) if old is None else {
                    **old, "sources": sorted(set(old["sources"]) | set(d["sources"])),
                    "dates": sorted(set(old["dates"]) | set(d["dates"]))}
                out.add_edge(a, b, key=k, **merged)
        out.remove_node(e)
    return out


def _cases_of(g: nx.MultiDiGraph, n: str) -> list[str]:
    s = schema()
    out = set()
    for m in set(g.successors(n)) | set(g.predecessors(n)):
        t = g.nodes[m]["type"]
        if s.is_a(t, "Case"):
            out.add(m)
        elif s.is_a(t, "Event"):
            out.update(c for _, c, k in g.out_edges(m, keys=True) if k == "case")
    return sorted(out)


def _via_events(g: nx.MultiDiGraph, n: str, case: str) -> list[str]:
    """Events linking n to the case (a verdict the judge signed), to keep the chain visible."""
    return sorted(m for m in g.predecessors(case) if g.has_edge(m, case, "case")
                  and (g.has_edge(m, n) or g.has_edge(n, m)))


def layers_for(sub: nx.MultiDiGraph) -> dict[str, int]:
    """Columns of the layered layout: prosecuted people, cases, events, the state's side, places."""
    s = schema()
    prosecuted = {v for _, v, k in sub.edges(keys=True) if k in ("defendant", "person")}
    out = {}
    for n, d in sub.nodes(data=True):
        t = d["type"]
        if n in prosecuted:
            out[n] = 0
        elif s.is_a(t, "Case"):
            out[n] = 1
        elif s.is_a(t, "Event"):
            out[n] = 2
        elif t in HUB_TYPES:
            out[n] = 4
        else:
            out[n] = 3
    return out


def path_layers(paths: list[list[str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in paths:
        for i, n in enumerate(p):
            out[n] = min(out.get(n, i), i)
    return out


#: Out-edges that place a node in a country, strongest first.
_PLACE = ("countryOfResidence", "hostCountry", "country", "nationality", "criminalCode")
#: For a case, the country of these neighbours is the prosecuting state.
_STATE_SIDE = ("court", "arrestingAgency", "charge", "convictedUnder")


def country_groups(g: nx.MultiDiGraph, sub: nx.MultiDiGraph) -> dict[str, str]:
    """The country each node of the view belongs to, for the grouped layout.

    People are placed where they live (else their nationality), cases in the
    prosecuting state (the country of their court, agency or criminal code, read from
    the whole graph), events in their host country or with their case; the rest
    follow the majority of their neighbours.
    """

    def placed(n: str) -> str | None:
        if g.nodes[n]["type"] == "Country":
            return n
        for key in _PLACE:
            for _, c, k in g.out_edges(n, keys=True):
                if k == key and g.nodes[c]["type"] == "Country":
                    return c
        return None

    s = schema()
    groups: dict[str, str] = {}
    for n in sorted(sub):
        t = sub.nodes[n]["type"]
        if s.is_a(t, "Case"):
            states = Counter(c for _, m, k in g.out_edges(n, keys=True) if k in _STATE_SIDE
                             for c in [placed(m)] if c)
            if states:
                groups[n] = sorted(states.items(), key=lambda x: (-x[1], x[0]))[0][0]
                continue
        where = placed(n)
        if where is not None:
            groups[n] = where
    for _ in range(4):
        for n in sorted(sub):
            if n in groups:
                continue
            votes = Counter(groups[m] for m in itertools.chain(sub.successors(n),
                                                                sub.predecessors(n))
                            if m in groups)
            if votes:
                groups[n] = sorted(votes.items(), key=lambda x: (-x[1], x[0]))[0][0]
    return {n: groups.get(n, "") for n in sub}
