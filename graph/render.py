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

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.exc import RepgraphError
from graph.network import Subgraph, network_for, path_subgraph, shortest_paths
from graph.ontology import schema
from graph.selection import (
    FOLD_EVENTS_ABOVE,
    MAX_NODES,
    country_groups,
    fold_events,
    image_ego,
    layers_for,
    path_layers,
    prune,
    query_subgraph,
    text_of,
    unknown,
)
from graph.store import GraphStore
from graph.text import visible

FORMATS = ("png", "svg", "pdf", "html")
SIZE_NAMES = ("card", "slide", "a4")
LAYOUTS = ("auto", "force", "layered", "countries")
#: A social card is seen small: fewer, larger nodes.
MAX_NODES_BY_SIZE = {"card": 30, "slide": MAX_NODES, "a4": MAX_NODES}
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
_RESTRICTED = _PREFIXES + """SELECT DISTINCT ?s WHERE {
  VALUES ?s { %s } ?s rg:visibility "restricted" }"""
#: links every claim of which is restricted (full store only)
_RESTRICTED_LINKS = _PREFIXES + """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?s ?p ?o (SUM(IF(BOUND(?vis), 0, 1)) AS ?public) WHERE {
  VALUES ?s { %s }
  ?c a rg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . FILTER(isIRI(?o))
  OPTIONAL { ?c rg:visibility ?vis } } GROUP BY ?s ?p ?o HAVING (SUM(IF(BOUND(?vis), 0, 1)) = 0)"""
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
    #: links (u, v, key) that only restricted claims support (full store only)
    restricted_links: set[tuple[str, str, str]] = field(default_factory=set)


def _values(ids: list[str], base: str) -> str:
    iris = [base + i for i in sorted(ids)]
    bad = [i for i in iris if not _SAFE_IRI.match(i)]
    if bad:  # ids are slugs by construction; refuse rather than build odd query text
        raise RepgraphError(f"cannot query entity IRI {bad[0]!r}")
    return " ".join(f"<{i}>" for i in iris)


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
                raise unknown(g, n)
        paths = shortest_paths(g, a, b, k=3)
        if not paths:
            raise RepgraphError(f"no connection found between '{a}' and '{b}'")
        sub = path_subgraph(g, paths)
        sub = Subgraph(prune(sub.graph), sub.focus)
        layers = path_layers(paths)
        la, lb = g.nodes[a]["label"], g.nodes[b]["label"]
        default_title = f"How {la} and {lb} are connected"
        subtitle = (f"The {len(paths)} shortest chain{'s' if len(paths) != 1 else ''} of "
                    "documented links (not through countries or charge categories)")
        auto = "layered"
    else:
        from graph.query import saved_queries

        sub, _ = query_subgraph(store, g, str(query), params, max_nodes)
        events = sum(1 for _, d in sub.graph.nodes(data=True) if schema().is_a(d["type"], "Event"))
        if query != "transnational" and events > FOLD_EVENTS_ABOVE:
            sub = Subgraph(fold_events(sub.graph), sub.focus, sub.overflow, sub.hidden_by_type)
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
            found.append((text_of(row[0])[len(base):], *(text_of(r) for r in row[1:])))
    found.sort(key=lambda r: (r[3] or "9999", r[2].lower(), r[0]))
    numbers = {}
    for i, (sid, t, pub, date, url) in enumerate(found, start=1):
        numbers[sid] = i
        view.citations.append(Citation(i, sid, visible(t), visible(pub or _host(url)), date,
                                       url))
    for u, v, k, d in g.edges(keys=True, data=True):
        view.edge_refs[(u, v, k)] = sorted({numbers[s] for s in d.get("sources") or []
                                            if s in numbers})
    if len(g):
        nodes = _values(list(g.nodes), base)
        facts: dict[str, dict[str, str]] = {}
        for s_, p, o in store.query(_FACTS % nodes).rows:
            prop = text_of(p).rsplit("#", 1)[-1]
            facts.setdefault(text_of(s_)[len(base):], {})[prop] = text_of(o)
        for n, f in facts.items():
            view.notes[n] = _note(f)
        if store.level == "full":
            view.restricted = {text_of(r[0])[len(base):]
                               for r in store.query(_RESTRICTED % nodes).rows}
            rg = "https://repression-graph.org/ns#"
            view.restricted_links = {
                (text_of(r[0])[len(base):], text_of(r[2])[len(base):], text_of(r[1])[len(rg):])
                for r in store.query(_RESTRICTED_LINKS % nodes).rows}
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
    def link(url: str) -> str:
        if not re.match(r"^https?://", url):  # only web links become links
            return f' <span class="url">{html.escape(url)}</span>' if url else ""
        return (f' <a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">'
                f"{html.escape(url)}</a>")

    items = "".join(f"<li>{html.escape(c.short())}{link(c.url)}</li>" for c in view.citations)
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
