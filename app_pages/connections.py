"""Connections: the shortest paths between two entities, with the claims and sources per step."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common as c
from graph.network import PATH_HUB_TYPES, path_subgraph, shortest_paths
from graph.store import GraphStore
from graph.views import path_steps

store = c.current_store()
g = c.network(store)
srcs = c.source_table(store)

st.title("Connections")
st.caption("How are two people, cases, courts or institutions linked? The shortest chains of "
           "sourced claims between them. Paths do not pass through countries or charge "
           "categories, which link almost everyone.")

left, right = st.columns(2)
with left:
    a = c.entity_picker(store, g, "From", c.CONN_A, "a")
with right:
    b = c.entity_picker(store, g, "To", c.CONN_B, "b")
c.url_state(c.CONN_K, "k", 3, lambda v: min(10, max(1, int(v))))
k = st.slider("How many paths", 1, 10, key=c.CONN_K)
c.set_url("k", str(k) if k != 3 else None)

if not (a and b):
    st.info("Choose two entities to see how they are connected.")
    st.stop()
if a == b:
    st.info("Choose two different entities.")
    st.stop()


@st.cache_data(show_spinner="Finding paths…", max_entries=128)
def _paths(_store: GraphStore, generation: str, a: str, b: str, k: int) -> list[list[str]]:
    return shortest_paths(c.network(_store), a, b, k)


paths = _paths(store, f"{store.level}:{store.generation}", a, b, k)
la, lb = g.nodes[a].get("label", a), g.nodes[b].get("label", b)
if not paths:
    st.warning(f"No path links {c.md(la)} and {c.md(lb)} without passing through "
               f"{' or '.join(c.type_caption(t) + 's' for t in PATH_HUB_TYPES)}.")
    st.stop()

st.subheader(f"{len(paths)} shortest path{'s' if len(paths) != 1 else ''} between "
             f"{c.md(la)} and {c.md(lb)}")
for i, path in enumerate(paths, 1):
    names = " → ".join(c.md(g.nodes[n].get("label", n)) for n in path)
    with st.expander(f"Path {i} · {len(path) - 1} steps: {names}", expanded=i == 1):
        rows = []
        for hop, steps in enumerate(path_steps(g, path), 1):
            for s in steps:
                first = srcs.get(s.sources[0]) if s.sources else None
                rows.append({
                    "Step": hop, "From": s.source_label, "Relation": s.relation,
                    "To": s.target_label, "Date": ", ".join(s.dates),
                    "Confidence": s.confidence,
                    "Sources": "; ".join(srcs[x].title if x in srcs else x for x in s.sources),
                    "Link": first.url if first and first.url else None})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", placeholder="",
                     column_config={"Link": st.column_config.LinkColumn(
                         "Link", display_text="source ↗")})
        st.markdown("Open a profile: " + " · ".join(
            f"[{c.md(g.nodes[n].get('label', n))}]({c.entity_url(n)})" for n in path))

st.subheader("As a network")
c.show_network(path_subgraph(g, paths), title=f"{la} ↔ {lb}", height=520)
