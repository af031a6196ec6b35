"""The NetworkX projection as GraphML and GEXF, for Gephi, Cytoscape and NetworkX itself.

Nodes carry the entity's type, label, aliases, description, date and IRI; edges
carry the relation (property and its edge label), the sources behind it, the
claim dates and the best confidence.  Lists are joined with "; " because neither
format has list values.  Source ids resolve under the store's base IRI
(`<base><source id>`) and the CSV/RDF exports hold their titles and URLs.
"""

from __future__ import annotations

import io
import re

import networkx as nx

from graph.network import network_for
from graph.store import GraphStore

SEP = "; "


def flat_graph(store: GraphStore) -> nx.MultiDiGraph:
    """A copy of the projection with only string attributes, in sorted order."""
    g = network_for(store)
    out = nx.MultiDiGraph(base=store.base, level=store.level)
    for n in sorted(g):
        d = g.nodes[n]
        out.add_node(n, type=d.get("type", ""), label=d.get("label", n),
                     aliases=SEP.join(d.get("aliases") or []),
                     description=d.get("description", ""), date=d.get("date", ""),
                     iri=store.base + n)
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3]):
        out.add_edge(u, v, key=k, property=d.get("property", k), label=d.get("label", k),
                     sources=SEP.join(d.get("sources") or []),
                     dates=SEP.join(d.get("dates") or []), confidence=d.get("confidence", ""))
    return out


def graphml(store: GraphStore) -> dict[str, bytes]:
    buf = io.BytesIO()
    nx.write_graphml(flat_graph(store), buf, encoding="utf-8", prettyprint=True)
    return {"graph.graphml": buf.getvalue()}


def gexf(store: GraphStore) -> dict[str, bytes]:
    """GEXF 1.2; the file's date is the build date, not today, so exports are reproducible."""
    buf = io.BytesIO()
    nx.write_gexf(flat_graph(store), buf, encoding="utf-8", prettyprint=True)
    meta = getattr(store, "meta", None) or {}
    built = str(meta.get("built", ""))[:10] or "1970-01-01"
    data = re.sub(rb'lastmodifieddate="[0-9-]+"', f'lastmodifieddate="{built}"'.encode(),
                  buf.getvalue(), count=1)
    data = re.sub(rb"<creator>NetworkX [^<]*</creator>", b"<creator>repression-graph</creator>",
                  data, count=1)
    return {"graph.gexf": data}
