"""Overview: what the graph holds, events over time, the charges used, the most connected actors."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.network import local
from graph.query import saved_queries
from graph.stats import type_counts
from graph.store import GraphStore
from graph.timeline import CHART_GROUPS, counts_by_period
from graph.views import most_connected
from pages import common as c

store = c.current_store()
g = c.network(store)


@st.cache_data(show_spinner=False)
def _counts(_store: GraphStore, generation: str) -> list[tuple[str, int]]:
    return type_counts(_store)


@st.cache_data(show_spinner=False)
def _charges(_store: GraphStore, generation: str) -> list[dict[str, str | None]]:
    return _store.query(saved_queries()["by-charge"].text).values()


gen = f"{store.level}:{store.generation}"
st.title("Overview")
st.caption(f"A knowledge graph of political repression: people, cases, courts, charges and the "
           f"states involved, every fact with its source. Showing the {store.level} store.")

counts = dict(_counts(store, gen))
evs = c.events(store)
srcs = c.source_table(store)
cols = st.columns(6)
cols[0].metric("People", counts.get("Person", 0))
cols[1].metric("Cases", counts.get("Case", 0))
cols[2].metric("Events", len(evs))
cols[3].metric("Courts", counts.get("Court", 0))
cols[4].metric("Sources", len(srcs))
cols[5].metric("Links in the network", g.number_of_edges())

st.subheader("Arrests, trials and verdicts over time")
per_year = counts_by_period(evs, "year")
if per_year:
    frame = pd.DataFrame([{"year": y, "kind": c.type_caption(k), "events": n}
                          for y, counter in per_year.items() for k, n in counter.items()])
    order = [c.type_caption(k) for k in (*CHART_GROUPS, "Other")]
    table = frame.pivot_table(index="year", columns="kind", values="events", fill_value=0)
    table = table[[k for k in order if k in table.columns]]
    st.bar_chart(table, y_label="events", x_label="year", stack=True)
    st.caption("Dated events by year and kind; see the Timeline page for each event.")
else:
    st.caption("No dated events yet.")

left, right = st.columns(2)
with left:
    st.subheader("Most used charges")
    rows = _charges(store, gen)
    frame = pd.DataFrame([{"Article": r.get("article"), "Charge": r.get("label"),
                           "Category": r.get("category"), "Cases": int(r.get("cases") or 0),
                           "Defendants": r.get("defendants"),
                           "Profile": c.entity_url(local(r["charge"], store.base))
                           if r.get("charge") else None} for r in rows[:15]])
    if frame.empty:
        st.caption("No charges recorded.")
    else:
        st.dataframe(frame, hide_index=True, width="stretch", placeholder="", column_config={
            "Profile": st.column_config.LinkColumn("Profile", display_text="open")})

with right:
    st.subheader("Most connected actors")
    st.caption("Ranked by the number of cases they appear in, then by betweenness centrality "
               "(how often they lie on the shortest paths between others).")
    ranked = most_connected(g, c.scores(store), n=8)
    tabs = st.tabs(list(ranked))
    for tab, (kind, actors) in zip(tabs, ranked.items(), strict=True):
        with tab:
            if not actors:
                st.caption(f"No {kind.lower()} named in the data yet.")
                continue
            st.dataframe(pd.DataFrame([{
                "Name": a.label, "Cases": a.cases, "Links": a.degree,
                "Betweenness": a.betweenness, "Profile": c.entity_url(a.id)} for a in actors]),
                hide_index=True, width="stretch", placeholder="", column_config={
                    "Profile": st.column_config.LinkColumn("Profile", display_text="open"),
                    "Betweenness": st.column_config.NumberColumn(format="%.3f")})

st.subheader("Go further")
links = st.columns(5)
links[0].page_link("pages/explore.py", label="Explore a person")
links[1].page_link("pages/connections.py", label="Find connections")
links[2].page_link("pages/transnational.py", label="Transnational repression")
links[3].page_link("pages/timeline.py", label="Timeline and custody")
links[4].page_link("pages/sparql.py", label="Query with SPARQL")

with st.expander("Everything in the store, by type"):
    st.dataframe(pd.DataFrame([{"Type": c.type_caption(t), "Entities": n}
                               for t, n in counts.items()]), hide_index=True)
    st.caption(f"Store generation {store.generation}; {len(srcs)} sources. "
               f"Countries and criminal-code articles appear once something refers to them.")
