"""The data behind the app's summary views: most connected actors, transnational cases,
and a graph drawn from a query's results.

Kept out of the pages so that pages only lay things out, and so that the same
answers can be tested without a browser.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

import networkx as nx
import pyoxigraph as ox

from graph.derived import kept
from graph.network import Subgraph, centrality_for, local, network_for
from graph.ontology import schema
from graph.query import saved_queries
from graph.results import QueryResult
from graph.store import GraphStore
from graph.style import READ_BACKWARDS

#: Overview's "most connected" lists: by the role an actor plays in cases (an incoming
#: edge of that property) or by type.  Judges and prosecutors are Persons, so a role
#: is what singles them out.
ACTOR_KINDS: dict[str, tuple[str, str]] = {
    "Judges": ("role", "judge"),
    "Prosecutors": ("role", "prosecutor"),
    "Courts": ("type", "Court"),
    "Institutions": ("type", "StateBody"),  # ministries, police, security services: not courts
}


@dataclass(frozen=True)
class Ranked:
    id: str
    label: str
    type: str
    cases: int          # distinct cases the actor is linked to (directly or via an event)
    degree: int
    betweenness: float


def _cases_of(g: nx.MultiDiGraph, node: str) -> set[str]:
    s = schema()
    found = set()
    for other in set(g.predecessors(node)) | set(g.successors(node)):
        t = g.nodes[other].get("type", "")
        if s.is_a(t, "Case"):
            found.add(other)
        elif s.is_a(t, "Event"):
            found.update(c for _, c, k in g.out_edges(other, keys=True) if k == "case")
    return found


def members(g: nx.MultiDiGraph, kind: tuple[str, str]) -> list[str]:
    """The nodes a "most connected" list ranks: holders of a role, or entities of a type."""
    how, name = kind
    if how == "role":
        return sorted({v for _, v, k in g.edges(keys=True) if k == name})
    s = schema()
    wanted = set(s.subclasses(name))
    if name != "Court":
        wanted -= set(s.subclasses("Court"))  # courts have their own list
    return sorted(n for n, d in g.nodes(data=True) if d.get("type") in wanted)


def most_connected(g: nx.MultiDiGraph, scores: dict[str, dict[str, float]],
                   n: int = 8) -> dict[str, list[Ranked]]:
    """For each actor kind, the n actors with the most cases, then the highest centrality."""
    out = {}
    for title, kind in ACTOR_KINDS.items():
        rows = []
        for node in members(g, kind):
            sc = scores.get(node, {})
            d = g.nodes[node]
            rows.append(Ranked(node, d.get("label", node), d.get("type", ""),
                               len(_cases_of(g, node)), int(sc.get("degree", 0)),
                               round(sc.get("betweenness", 0.0), 4)))
        rows.sort(key=lambda r: (-r.cases, -r.betweenness, -r.degree, r.label))
        out[title] = rows[:n]
    return out


def most_connected_for(store: GraphStore, n: int = 8) -> dict[str, list[Ranked]]:
    """`most_connected` on the store's projection, once per generation (graph.derived)."""
    return kept(store, f"most-connected.{n}",
                lambda: most_connected(network_for(store), centrality_for(store), n),
                lambda out: {k: [asdict(r) for r in rows] for k, rows in out.items()},
                lambda out: {k: [Ranked(**r) for r in rows] for k, rows in out.items()})


@dataclass(frozen=True)
class TransnationalRow:
    person: str
    label: str
    reasons: tuple[str, ...]
    states: tuple[str, ...]
    cases: tuple[tuple[str, str], ...]        # (id, label)
    residence: tuple[tuple[str, str], ...]    # (country id, country label)


def transnational(store: GraphStore, g: nx.MultiDiGraph) -> list[TransnationalRow]:
    """The people of the `transnational` saved query, with their cases and where they live."""
    rows = []
    for r in store.query(saved_queries()["transnational"].text).dicts():
        person = local(r["person"].value, store.base)  # type: ignore[union-attr]
        cases: tuple[tuple[str, str], ...] = ()
        residence: tuple[tuple[str, str], ...] = ()
        if person in g:
            cases = tuple(sorted((c, g.nodes[c].get("label", c)) for c in _defendant_in(g, person)))
            residence = tuple(sorted((c, g.nodes[c].get("label", c)) for _, c, k in
                                     g.out_edges(person, keys=True) if k == "countryOfResidence"))
        rows.append(TransnationalRow(
            person, _plain(r.get("name")) or person,
            tuple(x for x in _plain(r.get("reasons")).split("; ") if x),
            tuple(x for x in _plain(r.get("states")).split("; ") if x), cases, residence))
    return rows


def _defendant_in(g: nx.MultiDiGraph, person: str) -> set[str]:
    return {c for c, _, k in g.in_edges(person, keys=True) if k == "defendant"}


def _plain(term: object) -> str:
    return "" if term is None else str(term.value)  # type: ignore[attr-defined]


def by_residence(rows: list[TransnationalRow]) -> list[tuple[str, list[str]]]:
    """Where targeted people live: country label → people's names, most people first."""
    groups: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        for _, country in r.residence or (("", "not recorded"),):
            groups[country].append(r.label)
    return sorted(((c, sorted(ps)) for c, ps in groups.items()), key=lambda x: (-len(x[1]), x[0]))


def reason_counts(rows: list[TransnationalRow]) -> Counter[str]:
    return Counter(reason for r in rows for reason in r.reasons)


def entity_ids(result: QueryResult, base: str) -> list[list[str | None]]:
    """Per row, the entity id in each column (None where the value is not an entity IRI)."""
    out = []
    for row in result.rows:
        out.append([local(t.value, base) if isinstance(t, ox.NamedNode)
                    and t.value.startswith(base) else None for t in row])
    return out


def result_subgraph(g: nx.MultiDiGraph, result: QueryResult, base: str,
                    max_nodes: int = 500) -> Subgraph | None:
    """A network of the entities a result pairs up, or None when it pairs none.

    A CONSTRUCT/DESCRIBE result draws its entity-to-entity triples; a SELECT row with
    two or more entity columns links them with the graph's own edges where there are
    some, else with an edge named after the two columns.
    """
    pairs: list[tuple[str, str, str]] = []
    if result.kind == "graph":
        for t in result.triples:
            s, o = t.subject, t.object
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and \
                    s.value.startswith(base) and o.value.startswith(base):
                pairs.append((local(s.value, base), local(o.value, base),
                              t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]))
    elif result.kind == "select":
        for row in entity_ids(result, base):
            cols = [(result.variables[i], e) for i, e in enumerate(row) if e is not None]
            for (va, a), (vb, b) in itertools.pairwise(cols):
                if a != b:
                    pairs.append((a, b, f"{va} → {vb}"))
    pairs = [p for p in pairs if p[0] in g and p[1] in g]
    if not pairs:
        return None
    order = list(dict.fromkeys(n for a, b, _ in pairs for n in (a, b)))
    chosen = set(order[:max_nodes])
    sub = nx.MultiDiGraph()
    sub.graph.update(g.graph)
    for n in order[:max_nodes]:
        sub.add_node(n, **g.nodes[n])
    for a, b, name in pairs:
        if a not in chosen or b not in chosen:
            continue
        links = [(a, b, d) for d in (g.get_edge_data(a, b) or {}).values()]
        links += [(b, a, d) for d in (g.get_edge_data(b, a) or {}).values()]
        if links:
            for u, v, d in links:
                sub.add_edge(u, v, key=d["property"], **d)
        else:
            sub.add_edge(a, b, key=name, property=name, label=name, sources=[], dates=[],
                         confidence="")
    hidden = Counter(g.nodes[n]["type"] for n in order[max_nodes:])
    return Subgraph(sub, [], len(order) - len(chosen), hidden)


def nodes_of_type(g: nx.MultiDiGraph, cls: str) -> list[tuple[str, str]]:
    """(id, label) of every node of a class or its subclasses, sorted by label."""
    wanted = set(schema().subclasses(cls))
    return sorted(((n, d.get("label", n)) for n, d in g.nodes(data=True)
                   if d.get("type") in wanted), key=lambda x: (x[1].casefold(), x[0]))


def neighbours(g: nx.MultiDiGraph, focus: str) -> list[tuple[str, str, str]]:
    """(id, label, type) of the focus's direct neighbours in a view, sorted by type and label."""
    if focus not in g:
        return []
    ids = (set(g.successors(focus)) | set(g.predecessors(focus))) - {focus}
    return sorted(((n, g.nodes[n].get("label", n), g.nodes[n].get("type", "")) for n in ids),
                  key=lambda x: (x[2], x[1].casefold()))


@dataclass(frozen=True)
class Step:
    """One claim along a path: from —relation→ to, with when, how sure and who says so."""

    source_node: str
    source_label: str
    relation: str
    target_node: str
    target_label: str
    dates: tuple[str, ...]
    confidence: str
    sources: tuple[str, ...]    # source ids


def path_steps(g: nx.MultiDiGraph, path: list[str]) -> list[list[Step]]:
    """For each hop of a path, every claim linking the two nodes (either direction)."""
    hops = []
    for a, b in itertools.pairwise(path):
        links = [(a, b, d) for d in (g.get_edge_data(a, b) or {}).values()]
        links += [(b, a, d) for d in (g.get_edge_data(b, a) or {}).values()]
        # read the relation along its label: "Person —defendant in→ Case", not the reverse
        links = [(v, u, d) if d["property"] in READ_BACKWARDS else (u, v, d)
                 for u, v, d in links]
        hops.append([Step(u, g.nodes[u].get("label", u), str(d.get("label", d.get("property"))),
                          v, g.nodes[v].get("label", v), tuple(d.get("dates") or ()),
                          str(d.get("confidence", "")), tuple(d.get("sources") or ()))
                     for u, v, d in sorted(links, key=lambda x: (x[0], x[2]["property"]))])
    return hops
