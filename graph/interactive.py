"""Interactive network pages (pyvis / vis-network) for a Subgraph: the app's views and HTML exports.

The page is self-contained: vis-network's JavaScript and CSS are read from the copy
that ships inside the pyvis package and inlined, so a view renders with no network
access and never calls a CDN (pyvis' own template links Bootstrap from a CDN, so we
use pyvis for the node and edge lists and write the page ourselves).

Escaping: names, notes and descriptions come from curated sheets but are still
untrusted text.  Node and edge data travel as JSON inside a <script> element with
`<`, `>`, `&` and the JavaScript line separators written as \\u escapes, so no value
can close the script or open a tag.  vis-network draws labels on a canvas and
shows string tooltips with `innerText` (checked in vis-network 9.1.2's Popup), so
tooltips are passed as plain text: HTML-escaping them as well would show `&lt;`
to the reader.  The title and legend, which are HTML, are escaped with html.escape.

Physics runs until vis-network reports stabilisation and is then switched off, so
a view stops moving and costs no CPU; vis-network's layout is seeded, so the same
view looks the same every time.  Without physics (exports that must not move), the
positions come from a seeded NetworkX spring layout instead.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from importlib import resources
from typing import Any

import networkx as nx
from pyvis.network import Network

from graph.network import Subgraph
from graph.style import FOCUS_COLOUR, READ_BACKWARDS, legend, style_for
from graph.text import visible

#: Longest label drawn on a node; the tooltip carries the full name.
LABEL_CHARS = 38
_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
               "\u2029": "\\u2029"}


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    """vis-network's JS and CSS, as shipped inside pyvis (read once per process)."""
    lib = resources.files("pyvis") / "lib" / "vis-9.1.2"
    return ((lib / "vis-network.min.js").read_text(encoding="utf-8"),
            (lib / "vis-network.css").read_text(encoding="utf-8"))


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element, whatever strings it holds.

    >>> script_json({"label": "</script><img src=x>"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, escape in _JS_ESCAPES.items():
        text = text.replace(char, escape)
    return text


def _clip(text: str, n: int = LABEL_CHARS) -> str:
    text = " ".join(visible(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def node_tooltip(node: str, data: dict[str, Any]) -> str:
    """Plain-text detail shown when hovering a node."""
    lines = [data.get("label") or node, f"{data.get('type', 'Entity')} · id {node}"]
    if data.get("date"):
        lines.append(f"date: {data['date']}")
    if data.get("description"):
        lines.append(_clip(data["description"], 300))
    if data.get("aliases"):
        lines.append("also: " + _clip("; ".join(data["aliases"]), 200))
    return "\n".join(lines)


def edge_tooltip(g: nx.MultiDiGraph, u: str, v: str, links: list[dict[str, Any]]) -> str:
    """Plain-text detail of every claim linking u to v: relation, dates, confidence, sources."""
    lines = []
    for d in links:
        lines.append(f"{g.nodes[u].get('label', u)} — {d.get('label', d.get('property', ''))} → "
                     f"{g.nodes[v].get('label', v)}")
        extra = []
        if d.get("dates"):
            extra.append("date " + ", ".join(d["dates"]))
        if d.get("confidence"):
            extra.append(f"confidence {d['confidence']}")
        n = len(d.get("sources") or [])
        if n:
            extra.append(f"{n} source{'s' if n != 1 else ''}")
        if extra:
            lines.append("  " + " · ".join(extra))
    return "\n".join(lines)


def _positions(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    if len(g) == 0:
        return {}
    scale = 120.0 * max(1.0, len(g) ** 0.5)
    pos = nx.spring_layout(nx.Graph(g.to_undirected(as_view=True)), seed=1, scale=scale)
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in pos.items()}


def build_network(sub: Subgraph, physics: bool = True) -> Network:
    """The pyvis Network for a subgraph: styled nodes, one merged edge per direction and pair."""
    g = sub.graph
    net = Network(directed=True, height="100%", width="100%", cdn_resources="in_line")
    focus = set(sub.focus)
    # With physics the browser lays the graph out (seeded, so the same view looks the same);
    # a spring layout here would cost seconds at 500 nodes.  Without physics, we place nodes.
    pos = {} if physics else _positions(g)
    for n in sorted(g.nodes):
        d = g.nodes[n]
        st = style_for(d.get("type", "Entity"))
        is_focus = n in focus
        opts: dict[str, Any] = {
            "label": _clip(d.get("label") or n),
            "title": node_tooltip(n, d),
            "shape": st.shape,
            "color": {"background": st.colour, "border": FOCUS_COLOUR if is_focus else st.colour,
                      "highlight": {"background": st.colour, "border": FOCUS_COLOUR}},
            "borderWidth": 4 if is_focus else 1,
            "size": 26 if is_focus else 14,
            "font": {"size": 16 if is_focus else 13, "face": "sans-serif",
                     "bold": is_focus},
        }
        if n in pos:
            opts["x"], opts["y"] = pos[n]
        net.add_node(n, **opts)
    pairs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for u, v, k, d in g.edges(keys=True, data=True):
        pairs.setdefault((v, u) if k in READ_BACKWARDS else (u, v), []).append(d)
    for (u, v), links in sorted(pairs.items()):
        links = sorted(links, key=lambda d: str(d.get("property", "")))
        labels = list(dict.fromkeys(str(d.get("label", d.get("property", ""))) for d in links))
        net.add_edge(u, v, label=_clip(" / ".join(labels), 30),
                     title=edge_tooltip(g, u, v, links),
                     width=1 + min(3, sum(len(d.get("sources") or []) for d in links) // 2))
    net.options = _options(physics)
    return net


def _options(physics: bool) -> dict[str, Any]:
    return {
        "nodes": {"font": {"color": "#222222", "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "color": {"color": "#9a9a9a", "highlight": "#333333", "inherit": False},
                  "font": {"size": 10, "color": "#555555", "strokeWidth": 3,
                           "strokeColor": "#ffffff", "align": "middle"},
                  "smooth": {"enabled": True, "type": "continuous"}},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False,
                        "keyboard": False, "multiselect": False},
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110,
                                         "avoidOverlap": 0.4},
                    "stabilization": {"enabled": True, "iterations": 250, "fit": True}},
        "layout": {"randomSeed": 1, "improvedLayout": False},
    }


def _legend_html(sub: Subgraph) -> str:
    types = {d.get("type", "Entity") for _, d in sub.graph.nodes(data=True)}
    items = []
    for st in legend(types):
        items.append(f'<span class="item"><span class="swatch" style="background:{st.colour}">'
                     f'</span>{html.escape(st.group)}</span>')
    if sub.focus:
        items.append('<span class="item"><span class="swatch focus"></span>focus</span>')
    return "".join(items)


def _note_html(sub: Subgraph) -> str:
    if not sub.overflow:
        return ""
    kinds = ", ".join(f"{n} {html.escape(t)}" for t, n in sub.hidden_by_type.most_common(5))
    return (f'<div class="note">and {sub.overflow} more not shown'
            f'{" (" + kinds + ")" if kinds else ""}: narrow the view with filters or depth.</div>')


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
<style>
html, body {{ margin: 0; padding: 0; height: 100%; font-family: sans-serif; color: #222; }}
#wrap {{ display: flex; flex-direction: column; height: {height}; }}
h1 {{ font-size: 16px; margin: 6px 8px 2px 8px; font-weight: 600; }}
#legend {{ font-size: 12px; margin: 2px 8px 4px 8px; line-height: 1.7; }}
#legend .item {{ margin-right: 12px; white-space: nowrap; }}
#legend .swatch {{ display: inline-block; width: 11px; height: 11px; border-radius: 3px;
  margin-right: 4px; vertical-align: -1px; }}
#legend .swatch.focus {{ background: #fff; border: 3px solid {focus}; width: 7px; height: 7px; }}
.note {{ font-size: 12px; margin: 0 8px 4px 8px; color: #8a4b00; }}
#net {{ flex: 1 1 auto; min-height: 200px; border: 1px solid #ddd; background: #fff; }}
#status {{ position: absolute; right: 12px; bottom: 10px; font-size: 11px; color: #777; }}
div.vis-tooltip {{ white-space: pre-wrap; max-width: 420px; font-size: 12px; }}
</style></head>
<body><div id="wrap">
{heading}
<div id="legend">{legend}</div>
{note}
<div id="net"></div>
</div>
<div id="status">{status}</div>
<script>{js}</script>
<script>
(function () {{
  var nodes = new vis.DataSet({nodes});
  var edges = new vis.DataSet({edges});
  var options = {options};
  var link = {link};
  var net = new vis.Network(document.getElementById("net"), {{nodes: nodes, edges: edges}},
                            options);
  var status = document.getElementById("status");
  function frozen() {{
    net.setOptions({{physics: false}});
    status.textContent = "layout frozen · drag to move, scroll to zoom";
    document.body.setAttribute("data-stabilized", "true");
  }}
  net.once("stabilizationIterationsDone", frozen);
  if (!options.physics.enabled) {{ frozen(); }}
  if (link) {{
    net.on("doubleClick", function (p) {{
      if (p.nodes.length) {{ window.open(link.replace("{{id}}", encodeURIComponent(p.nodes[0])),
                                         "_blank", "noopener"); }}
    }});
  }}
  window.repgraphNetwork = net;
}})();
</script></body></html>
"""


def to_html(sub: Subgraph, title: str = "", height: str = "650px", physics: bool = True,
            link: str | None = None) -> str:
    """A self-contained HTML page showing the subgraph (no external requests).

    `link`, when given (e.g. "/explore?entity={id}"), opens that URL in a new tab on a
    node double-click; exports leave it out so the file stands alone.
    """
    net = build_network(sub, physics)
    js, css = _assets()
    status = "stabilising…" if physics else "layout fixed"
    if link is not None:
        status += " · double-click a node to open its profile"
    return _PAGE.format(
        title=html.escape(title or "Network"),
        heading=f"<h1>{html.escape(title)}</h1>" if title else "",
        css=css, js=js, height=html.escape(height, quote=True), focus=FOCUS_COLOUR,
        legend=_legend_html(sub), note=_note_html(sub), status=html.escape(status),
        nodes=script_json(net.nodes), edges=script_json(net.edges),
        options=script_json(net.options), link=script_json(link),
    )
