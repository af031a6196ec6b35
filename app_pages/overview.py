"""Overview: what the graph holds, events over time, the charges used, the most connected actors."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import common as c
from graph.network import local, size_for
from graph.query import saved_values_for
from graph.stats import source_count_for, type_counts_for
from graph.timeline import CHART_GROUPS, counts_by_period
from graph.views import most_connected_for

store = c.current_store()

st.title("Overview")
st.caption(f"A knowledge graph of political repression: people, cases, courts, charges and the "
           f"states involved, every fact with its source. Showing the {store.level} store.")

counts = dict(type_counts_for(store))
evs = c.events(store)
cols = st.columns(6)
cols[0].metric("People", counts.get("Person", 0))
cols[1].metric("Cases", counts.get("Case", 0))
cols[2].metric("Events", len(evs))
cols[3].metric("Courts", counts.get("Court", 0))
cols[4].metric("Sources", source_count_for(store))
cols[5].metric("Links in the network", size_for(store)[1])

st.subheader("Arrests, trials and verdicts over time")
per_year = counts_by_period(evs, "year")
if per_year:
    order = [c.type_caption(k) for k in (*CHART_GROUPS, "Other")]
    frame = pd.DataFrame([{"year": y, "kind": c.type_caption(k), "events": n,
                           "rank": order.index(c.type_caption(k))}
                          for y, counter in per_year.items() for k, n in counter.items()])
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(events):Q", title="events"),
        color=alt.Color("kind:N", sort=order, title=None,
                        scale=alt.Scale(domain=order, scheme="tableau20")),
        order=alt.Order("rank:Q"),
        tooltip=["year", "kind", "events"],
    ).properties(height=280)
    st.altair_chart(chart, width="stretch")
    st.caption("Dated events by year and kind; see the Timeline page for each event.")
else:
    st.caption("No dated events yet.")

left, right = st.columns(2)
with left:
    st.subheader("Most used charges")
    rows = saved_values_for(store, "by-charge")
    frame = pd.DataFrame([{"Charge": r.get("label"), "Cases": int(r.get("cases") or 0),
                           "Category": r.get("category"), "Defendants": r.get("defendants"),
                           "Profile": c.entity_url(local(r["charge"], store.base))
                           if r.get("charge") else None} for r in rows[:15]])
    if frame.empty:
        st.caption("No charges recorded.")
    else:
        st.dataframe(frame, hide_index=True, width="stretch", placeholder="", column_config={
            "Charge": st.column_config.TextColumn("Charge", width="medium"),
            "Cases": st.column_config.NumberColumn("Cases", width=60),
            "Profile": st.column_config.LinkColumn("Profile", display_text="open", width=60)})

with right:
    st.subheader("Most connected actors")
    st.caption("Ranked by the number of cases they appear in, then by betweenness centrality "
               "(how often they lie on the shortest paths between others).")
    ranked = most_connected_for(store, n=8)
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
FURTHER = [
    ("app_pages/explore.py", "Explore a person →",
     "Find anyone by any spelling; every fact with its source, and the network around them."),
    ("app_pages/connections.py", "Find connections →",
     "How two people, courts or cases are linked, step by sourced step."),
    ("app_pages/transnational.py", "Transnational repression →", "Exiles, foreign nationals, "
                                                             "trials in absentia."),
    ("app_pages/timeline.py", "Timeline and custody →",
     "Events over time; who was held on a date."),
    ("app_pages/sparql.py", "Query with SPARQL →", "Saved queries and your own, with downloads."),
]
for col, (page, label, text) in zip(st.columns(len(FURTHER)), FURTHER, strict=True):
    col.page_link(page, label=label)
    col.caption(text)

with st.expander("Everything in the store, by type"):
    st.dataframe(pd.DataFrame([{"Type": c.type_caption(t), "Entities": n}
                               for t, n in counts.items()]), hide_index=True)
    st.caption(f"Store generation {store.generation}; {source_count_for(store)} sources. "
               f"Countries and criminal-code articles appear once something refers to them.")
