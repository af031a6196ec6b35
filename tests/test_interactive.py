"""graph/interactive.py: self-contained, escaped, styled network pages."""

from __future__ import annotations

import json
import re
from collections import Counter

import networkx as nx
import pytest

from graph.interactive import build_network, script_json, to_html
from graph.network import Subgraph, ego_network, network_for
from graph.style import FOCUS_COLOUR, style_for

EVIL = "<img src=x onerror=alert(1)>"
BREAKOUT = "</script><script>alert(2)</script>"


def _data(page: str, name: str) -> list[dict]:
    """The JSON handed to vis.DataSet for nodes or edges, decoded as the browser would."""
    m = re.search(rf"var {name} = new vis\.DataSet\((.*?)\);\n", page)
    assert m, f"no {name} DataSet in the page"
    return json.loads(m.group(1))


def _evil_subgraph() -> Subgraph:
    g = nx.MultiDiGraph()
    g.add_node("p1", type="Person", label=EVIL, description=BREAKOUT, aliases=["a & b"], date="")
    g.add_node("c1", type="Case", label="Case 'one' \"quoted\"", description="", aliases=[],
               date="")
    g.add_edge("c1", "p1", key="defendant", property="defendant", label="defendant in",
               sources=["src-a", "src-b"], dates=["2024"], confidence="high")
    g.add_edge("c1", "p1", key="judge", property="judge", label=EVIL, sources=[], dates=[],
               confidence="")
    g.add_edge("c1", "p1", key="prosecutor", property="prosecutor", label="prosecuted by",
               sources=["src-c"], dates=[], confidence="low")
    return Subgraph(g, ["p1"])


def test_page_is_self_contained(tiny_store):
    sub = ego_network(network_for(tiny_store), "ayla-huseynova", depth=2)
    page = to_html(sub, title="Ayla")
    assert "vis.Network" in page and "vis-network" in page  # the library is inlined
    # no tag loads anything: no src= or href= attributes at all, so no CDN and no network
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", page, re.I)
    assert "cdnjs" not in page and "jsdelivr" not in page and "bootstrap" not in page.lower()
    assert len(_data(page, "nodes")) == len(sub.graph)


def test_untrusted_text_cannot_become_markup():
    page = to_html(_evil_subgraph(), title=EVIL)
    assert "<img" not in page                    # neither in the title nor in the data
    assert BREAKOUT not in page and "alert(2)</script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the title, as visible text
    nodes = {n["id"]: n for n in _data(page, "nodes")}
    # the browser gets the original text back; vis-network shows labels on a canvas and
    # string tooltips with innerText, so it is displayed, never parsed
    assert nodes["p1"]["label"] == EVIL
    assert EVIL in nodes["p1"]["title"] and BREAKOUT in nodes["p1"]["title"]
    edges = [e for e in _data(page, "edges") if e["from"] == "c1"]
    assert EVIL in edges[0]["title"] and "<img" in edges[0]["label"]


def test_script_json_escapes_every_breakout():
    text = script_json({"a": "</script>&<!--\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script>&<!--\u2028"}


def test_styles_focus_and_merged_edges():
    sub = _evil_subgraph()
    net = build_network(sub)
    nodes = {n["id"]: n for n in net.nodes}
    person, case = style_for("Person"), style_for("Case")
    assert nodes["p1"]["shape"] == person.shape and nodes["c1"]["shape"] == case.shape
    assert nodes["p1"]["color"]["background"] == person.colour
    assert nodes["p1"]["color"]["border"] == FOCUS_COLOUR and nodes["p1"]["borderWidth"] > 1
    assert nodes["c1"]["borderWidth"] == 1
    edges = {(e["from"], e["to"]): e for e in net.edges}
    assert set(edges) == {("p1", "c1"), ("c1", "p1")}
    # `defendant` is drawn from the person so that it reads "X —defendant in→ case"
    defendant = edges[("p1", "c1")]
    assert defendant["label"] == "defendant in" and "2 sources" in defendant["title"]
    assert "confidence high" in defendant["title"] and "date 2024" in defendant["title"]
    # two claims in one direction between one pair: one drawn edge carrying both labels
    both = edges[("c1", "p1")]
    assert "prosecuted by" in both["title"] and "<img" in both["label"]  # label is clipped


def test_legend_lists_types_present(tiny_store):
    sub = ego_network(network_for(tiny_store), "ayla-huseynova", depth=1)
    page = to_html(sub)
    legend = re.search(r'<div id="legend">(.*?)</div>', page).group(1)
    for cls in {d["type"] for _, d in sub.graph.nodes(data=True)}:
        st = style_for(cls)
        assert st.group in legend and st.colour in legend
    assert "Source" not in legend  # only the types drawn


def test_physics_freezes_and_output_is_deterministic(tiny_store):
    sub = ego_network(network_for(tiny_store), "case-huseynova-2024", depth=2)
    moving, fixed = to_html(sub), to_html(sub, physics=False)
    assert 'net.once("stabilizationIterationsDone", frozen)' in moving
    assert "physics: false" in moving                      # frozen after stabilisation
    assert '"enabled": true' in moving.split("var options = ")[1].split(";")[0]
    assert '"enabled": false' in fixed.split("var options = ")[1].split(";")[0]
    assert to_html(sub) == moving                          # seeded layout, sorted data
    assert all("x" in n and "y" in n for n in _data(fixed, "nodes"))


def test_overflow_is_said_not_drawn(tiny_store):
    g = network_for(tiny_store)
    sub = ego_network(g, "ayla-huseynova", depth=3, max_nodes=3)
    assert sub.overflow > 0
    page = to_html(sub)
    assert f"and {sub.overflow} more not shown" in page
    kind, n = Counter(sub.hidden_by_type).most_common(1)[0]
    assert f"{n} {kind}" in page
    assert len(_data(page, "nodes")) == 3


@pytest.mark.parametrize("link", [None, "explore?entity={id}"])
def test_profile_links_only_when_asked(link):
    page = to_html(_evil_subgraph(), link=link)
    assert ("double-click a node to open its profile" in page) == (link is not None)
    assert f"var link = {script_json(link)};" in page

