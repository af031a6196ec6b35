"""Transnational: exiles, foreign nationals, trials in absentia and the foreign states named."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common as c
from graph.network import transnational_subgraph
from graph.store import GraphStore
from graph.views import TransnationalRow, by_residence, reason_counts, transnational

store = c.current_store()
g = c.network(store)


@st.cache_data(show_spinner=False)
def _rows(_store: GraphStore, generation: str) -> list[TransnationalRow]:
    return transnational(_store, c.network(_store))


rows = _rows(store, f"{store.level}:{store.generation}")

st.title("Transnational repression")
st.caption("People targeted across borders: tried in absentia, prosecuted while living abroad, "
           "foreign nationals prosecuted in Azerbaijan, accused of ties to a foreign state, or "
           "targeted in the country where they found refuge. From the `transnational` saved "
           "query.")

if not rows:
    st.info("No transnational cases in this store yet.")
    st.stop()

reasons = reason_counts(rows)
cols = st.columns(1 + min(5, len(reasons)))
cols[0].metric("People", len(rows))
for col, (reason, n) in zip(cols[1:], reasons.most_common(5), strict=False):
    col.metric(reason.capitalize(), n)

st.subheader("People and reasons")
st.dataframe(pd.DataFrame([{
    "Person": r.label,
    "Reasons": "; ".join(r.reasons),
    "Foreign states involved": "; ".join(r.states),
    "Lives in": "; ".join(label for _, label in r.residence),
    "Cases": "; ".join(label for _, label in r.cases),
    "Profile": c.entity_url(r.person)} for r in rows]),
    hide_index=True, width="stretch", placeholder="", height="content",
    column_config={"Profile": st.column_config.LinkColumn("Profile", display_text="open"),
                   "Cases": st.column_config.TextColumn("Cases", width="large")})

left, right = st.columns([2, 3])
with left:
    st.subheader("Where targeted people live")
    groups = by_residence(rows)
    known = [(country, people) for country, people in groups if country != "not recorded"]
    if known:
        st.bar_chart(pd.DataFrame({"country": [x for x, _ in known],
                                   "people": [len(p) for _, p in known]}).set_index("country"),
                     horizontal=True, y_label="", x_label="people", height=60 + 28 * len(known))
    unknown = sum(len(p) for country, p in groups if country == "not recorded")
    if unknown:
        st.caption(f"No country of residence recorded for {unknown} of {len(rows)} people.")
with right:
    st.subheader("By country of residence")
    st.dataframe(pd.DataFrame([{"Country": country, "People": len(people),
                                "Who": ", ".join(people)} for country, people in groups]),
                 hide_index=True, width="stretch", placeholder="")

st.subheader("Network of people, cases and states")
sub = transnational_subgraph(g, [r.person for r in rows], max_nodes=c.MAX_NODES)
c.show_network(sub, title=f"Transnational repression — {len(rows)} people")
