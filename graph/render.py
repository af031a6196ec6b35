"""Advocacy images: which part of the network to show, with what caption, in which format.

`build_view` chooses the network (an ego network, the paths between two entities,
or a saved query's entities), the layout that reads best for it, and the caption
data: numbered citations for every source behind an edge shown, the dataset's
build date and whether restricted material is included.  `render_bytes` turns a
view into PNG, SVG, PDF (graph.figure, matplotlib) or a self-contained
interactive page (graph.interactive); `render_to_file` is what `repgraph render`
calls.

Views are built from whatever store they are given: the CLI and the app pass the
public store unless the user explicitly chose the full one, so restricted
entities never reach an image made from the public store.
"""

from __future__ import annotations

import difflib
import html
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from graph.exc import RepgraphError
from graph.network import Subgraph, network_for, path_subgraph, shortest_paths
from graph.network import transnational_subgraph as _transnational
from graph.ontology import schema
from graph.store import GraphStore

FORMATS = ("png", "svg", "pdf", "html")
SIZE_NAMES = ("card", "slide", "a4")
LAYOUTS = ("auto", "force", "layered", "countries")
#: Images stay legible up to about this many nodes; more are left out and counted.
MAX_NODES = 60
#: A social card is seen small: fewer, larger nodes.
MAX_NODES_BY_SIZE = {"card": 30, "slide": MAX_NODES, "a4": MAX_NODES}
#: Ego networks do not expand through these: every citizen links to their country.
HUB_TYPES = frozenset({"Country", "ChargeCategory"})
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
               "html": "text/html"}

_PREFIXES = """PREFIX rg: <https://repression-graph.org/ns#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
_SOURCES = _PREFIXES + """SELECT ?s ?title ?publisher ?published ?url WHERE {
  VALUES ?s { %s }
  GRAPH <%sgraph/sources> { ?s dct:title ?title .
    OPTIONAL { ?s rg:publisher ?publisher } OPTIONAL { ?s rg:published ?published }
    OPTIONAL { ?s rg:url ?url } }
}"""
_FACTS = _PREFIXES + """SELECT ?s ?p ?o WHERE {
  VALUES ?s { %s } VALUES ?p { rg:inAbsentia rg:sentenceYears rg:sentenceMonths }
  ?s ?p ?o }"""
_ABSENTIA = _PREFIXES + "SELECT DISTINCT ?s WHERE { ?s rg:inAbsentia true }"
_RESTRICTED = _PREFIXES + """SELECT DISTINCT ?s WHERE {
  VALUES ?s { %s } ?s rg:visibility "restricted" }"""
_SAFE_IRI = re.compile(r"^[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class Citation:
    number: int
    id: str
    title: str
    publisher: str
    date: str
    url: str

    def short(self, with_title: bool = True) -> str:
        """'[1] Turan, 2024-12-04 — title': who said it and when first, then what."""
        head = f"[{self.number}] {self.publisher or 'unknown publisher'}, {self.date or 'n.d.'}"
        return f"{head} — {self.title}" if with_title else head


@dataclass
class View:
    """Everything an image shows: the subgraph, how to lay it out, and its caption."""

    sub: Subgraph
    title: str
    subtitle: str
    layout: str
    citations: list[Citation]
    #: citation numbers behind each edge (u, v, key)
    edge_refs: dict[tuple[str, str, str], list[int]]
    built: str
    level: str
    layers: dict[str, int] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)
    #: extra label lines: "tried in absentia", "sentenced to 18 years"
    notes: dict[str, str] = field(default_factory=dict)
    #: restricted entities shown (only ever non-empty for the full store)
    restricted: set[str] = field(default_factory=set)


def _values(ids: list[str], base: str) -> str:
    iris = [base + i for i in sorted(ids)]
    bad = [i for i in iris if not _SAFE_IRI.match(i)]
    if bad:  # ids are slugs by construction; refuse rather than build odd query text
        raise RepgraphError(f"cannot query entity IRI {bad[0]!r}")
    return " ".join(f"<{i}>" for i in iris)


def _unknown(g: nx.MultiDiGraph, ident: str) -> RepgraphError:
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
        raise _unknown(g, focus)
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
    return Subgraph(_prune(sub), [focus], len(ranked) - len(chosen),
                    Counter(g.nodes[n]["type"] for n in ranked[max_nodes:]))


def _prune(sub: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Drop edges that repeat what the picture already says, so that it stays legible.

    - sourceless vocabulary edges (charge 'code of' country) between nodes linked anyway;
    - an event's edge that its case carries too (a verdict 'convicted under' the article
      its case is 'convicted under' already).
    """
    repeated = []
    for e, c, k in sub.edges(keys=True):
        if k != "case":
            continue
        for _, x, k2 in sub.out_edges(e, keys=True):
            if k2 != "case" and sub.has_edge(c, x, k2):
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
        ids = [t.value[len(base):] for t in row
               if t is not None and getattr(t, "value", "").startswith(base)
               and type(t).__name__ == "NamedNode"]
        rows.append(sorted({i for i in ids if i in g}))
    found = sorted({i for r in rows for i in r})
    if name == "transnational":
        people = [i for i in found if g.nodes[i]["type"] == "Person"]
        sub = _transnational(g, people, max_nodes=max_nodes * 2)
        absentia = {r[0].value[len(base):] for r in store.query(_ABSENTIA).rows}  # type: ignore[union-attr]
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
    return Subgraph(_prune(sub), [], len(overflow),
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
    return Subgraph(_prune(out), [], len(left) + sub.overflow,
                    Counter(g.nodes[n]["type"] for n in left) + sub.hidden_by_type)


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


def _path_layers(paths: list[list[str]]) -> dict[str, int]:
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


def build_view(store: GraphStore, *, focus: str | None = None, depth: int = 2,
               path: tuple[str, str] | None = None, query: str | None = None,
               params: dict[str, str] | None = None, title: str | None = None,
               layout: str = "auto", max_nodes: int = MAX_NODES) -> View:
    """The network, layout and caption for one image (exactly one of focus, path, query)."""
    if sum(x is not None and x != "" for x in (focus, path, query)) != 1:
        raise RepgraphError("choose one of: a focus entity, a path between two entities, "
                            "or a saved query")
    if layout not in LAYOUTS:
        raise RepgraphError(f"unknown layout '{layout}' (choose {', '.join(LAYOUTS)})")
    g = network_for(store)
    layers: dict[str, int] = {}
    if focus:
        sub = image_ego(g, focus, depth, max_nodes)
        label = g.nodes[focus]["label"]
        steps = f"{depth} step{'s' if depth != 1 else ''}"
        default_title, subtitle, auto = label, f"Connections within {steps} of {label}", "force"
    elif path:
        a, b = path
        for n in (a, b):
            if n not in g:
                raise _unknown(g, n)
        paths = shortest_paths(g, a, b, k=3)
        if not paths:
            raise RepgraphError(f"no connection found between '{a}' and '{b}'")
        sub = path_subgraph(g, paths)
        sub = Subgraph(_prune(sub.graph), sub.focus)
        layers = _path_layers(paths)
        la, lb = g.nodes[a]["label"], g.nodes[b]["label"]
        default_title = f"How {la} and {lb} are connected"
        subtitle = (f"The {len(paths)} shortest chain{'s' if len(paths) != 1 else ''} of "
                    "documented links (not through countries or charge categories)")
        auto = "layered"
    else:
        from graph.query import saved_queries

        sub, _ = query_subgraph(store, g, str(query), params, max_nodes)
        saved = saved_queries()[str(query)]
        default_title, subtitle = saved.title, saved.description
        auto = "countries" if query == "transnational" else "layered"
    chosen = auto if layout == "auto" else layout
    if chosen == "layered" and not layers:
        layers = layers_for(sub.graph)
    view = View(sub, title or default_title, subtitle, chosen, [], {}, _built(store),
                store.level, layers)
    if chosen == "countries":
        view.groups = country_groups(g, sub.graph)
        view.group_names = {c: g.nodes[c]["label"] if c in g else "Elsewhere"
                            for c in set(view.groups.values())}
        view.group_names[""] = "Country not recorded"
    _caption(store, view)
    return view


def _built(store: GraphStore) -> str:
    meta = getattr(store, "meta", None) or {}
    return str(meta.get("built", ""))[:10]


def _caption(store: GraphStore, view: View) -> None:
    """Fill citations, per-edge references, notes and restricted markers from the store."""
    g = view.sub.graph
    base = store.base
    ids = sorted({s for _, _, d in g.edges(data=True) for s in d.get("sources") or []})
    found = []
    if ids:
        for row in store.query(_SOURCES % (_values(ids, base), base)).rows:
            sid = row[0].value[len(base):]  # type: ignore[union-attr]
            vals = [r.value if r is not None else "" for r in row[1:]]
            found.append((sid, *vals))
    found.sort(key=lambda r: (r[3] or "9999", r[2].lower(), r[0]))
    numbers = {}
    for i, (sid, t, pub, date, url) in enumerate(found, start=1):
        numbers[sid] = i
        view.citations.append(Citation(i, sid, t, pub or _host(url), date, url))
    for u, v, k, d in g.edges(keys=True, data=True):
        view.edge_refs[(u, v, k)] = sorted({numbers[s] for s in d.get("sources") or []
                                            if s in numbers})
    if len(g):
        nodes = _values(list(g.nodes), base)
        facts: dict[str, dict[str, str]] = {}
        for s_, p, o in store.query(_FACTS % nodes).rows:
            facts.setdefault(s_.value[len(base):], {})[p.value.rsplit("#", 1)[-1]] = o.value  # type: ignore[union-attr]
        for n, f in facts.items():
            view.notes[n] = _note(f)
        if store.level == "full":
            view.restricted = {r[0].value[len(base):]  # type: ignore[union-attr]
                               for r in store.query(_RESTRICTED % nodes).rows}
    view.notes = {n: t for n, t in view.notes.items() if t}


def _note(facts: dict[str, str]) -> str:
    parts = []
    if facts.get("inAbsentia") == "true":
        parts.append("tried in absentia")
    years, months = facts.get("sentenceYears"), facts.get("sentenceMonths")
    if years or months:
        y = f"{float(years):g} yr" if years else ""
        m = f"{int(months)} mo" if months else ""
        parts.append("sentence " + " ".join(x for x in (y, m) if x))
    return "; ".join(parts)


def _host(url: str) -> str:
    m = re.match(r"^https?://(?:www\.)?([^/]+)", url or "")
    return m.group(1) if m else ""


def caption_html(view: View) -> str:
    """The caption as escaped HTML, appended to the interactive page."""
    items = "".join(f"<li>{html.escape(c.short())}"
                    + (f' <span class="url">{html.escape(c.url)}</span>' if c.url else "")
                    + "</li>" for c in view.citations)
    return ('<div id="caption" style="font:12px sans-serif;margin:6px 8px;color:#333">'
            f"<p>{html.escape(view.subtitle)}</p>"
            f'<p><b>Sources</b></p><ol style="list-style:none;padding-left:0">{items}</ol>'
            f"<p>{html.escape(footer_line(view))}</p></div>")


def footer_line(view: View) -> str:
    level = ("Public data only" if view.level == "public"
             else "Includes restricted data — not for publication")
    built = f", built {view.built}" if view.built else ""
    return (f"Data: repression-graph{built} · {level} · Charges are accusations by the "
            "authorities, not findings of fact.")


def render_bytes(view: View, fmt: str, size: str = "slide", title: str | None = None) -> bytes:
    """The view as PNG, SVG, PDF or interactive HTML; identical input gives identical bytes."""
    if fmt not in FORMATS:
        raise RepgraphError(f"unknown image format '{fmt}' (choose {', '.join(FORMATS)})")
    if size not in SIZE_NAMES:
        raise RepgraphError(f"unknown size '{size}' (choose {', '.join(SIZE_NAMES)})")
    if title:
        view = View(**{**view.__dict__, "title": title})
    if fmt == "html":
        from graph.interactive import to_html

        page = to_html(view.sub, title=view.title, height="78vh", physics=True)
        return page.replace("</body>", caption_html(view) + "</body>", 1).encode("utf-8")
    from graph.figure import figure_bytes

    return figure_bytes(view, fmt, size)


def render_to_file(store: GraphStore, out: Path, *, focus: str | None, depth: int = 2,
                   query: str | None = None, params: dict[str, str] | None = None,
                   title: str | None = None, size: str = "slide",
                   path: tuple[str, str] | None = None, layout: str = "auto") -> Path:
    """Render one image to `out`; the format comes from the suffix (.png .svg .pdf .html)."""
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise RepgraphError(f"cannot tell the image format from '{out.name}': "
                            "use .png, .svg, .pdf or .html")
    view = build_view(store, focus=focus, depth=depth, path=path, query=query, params=params,
                      title=title, layout=layout, max_nodes=MAX_NODES_BY_SIZE.get(size, MAX_NODES))
    data = render_bytes(view, fmt, size)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out
