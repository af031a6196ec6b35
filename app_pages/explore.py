"""Explore: find an entity by any spelling, read its profile with sources, see its network."""

from __future__ import annotations

import streamlit as st

from app_pages import common as c
from graph.network import ego_network
from graph.timeline import date_bounds
from graph.views import neighbours, nodes_of_type

#: Type filter choices for the network (each includes its subclasses).
NETWORK_TYPES = ("Person", "Case", "Event", "Court", "StateBody", "Organization", "Charge",
                 "ChargeCategory", "Country")

store = c.current_store()
g = c.network(store)

st.title("Explore")

# -- search ---------------------------------------------------------------------------------
c.url_state(c.EXPLORE_SEARCH, "q", "", str)
text = st.text_input("Find a person, case, court, charge or institution",
                     key=c.EXPLORE_SEARCH,
                     placeholder="Any spelling: Hüseynov, Huseynov, Guseynov, Гусейнов …")
c.set_url("q", text.strip() or None)
hits = c.find(store, text, 12)
entity = st.query_params.get("entity")
if entity is not None and entity not in g:
    st.warning(f"No entity with the id “{c.md(entity)}” in this store.")
    entity = None

if text.strip() and not hits:
    st.info("Nothing matches that name. Try fewer letters or another spelling.")
elif hits:
    ids = [h.id for h in hits]
    by_id = {h.id: h for h in hits}
    st.session_state[c.EXPLORE_PICK] = entity if entity in by_id else None
    st.radio(
        f"{len(hits)} best matches — choose one to open its profile", ids,
        key=c.EXPLORE_PICK, on_change=c.focus_from, args=(c.EXPLORE_PICK,),
        format_func=lambda i: f"**{c.md(by_id[i].label)}** · {c.type_caption(by_id[i].type)}",
        captions=[c.md(h.description[:160] + ("…" if len(h.description) > 160 else ""))
                  or " " for h in hits])

if entity is None:
    if not text.strip():
        st.caption("Type a name as you remember it. Results show each entity's type and "
                   "description; open one to read every fact with its source and see the "
                   "network around it.")
    st.stop()

c.set_url("entity", entity)

# -- profile ----------------------------------------------------------------------------------
p = c.profile_of(store, entity)
st.divider()
st.header(c.md(p.label))
st.caption(f"{c.type_caption(p.type)} · id {c.md(p.id)}")
if p.description:
    st.markdown(c.md(p.description))
if p.aliases:
    st.markdown("**Also written:** " + " · ".join(c.md(a) for a in sorted(p.aliases)))

if p.conflicts:
    st.warning(f"Sources disagree on {len(p.conflicts)} fact"
               f"{'s' if len(p.conflicts) != 1 else ''}: compare them below.")
    for conflict in p.conflicts:
        st.markdown(f"**{c.md(conflict.subject_label)}** — {c.md(conflict.label)}")
        cols = st.columns(len(conflict.options))
        for col, (value, claims) in zip(cols, conflict.options, strict=True):
            with col.container(border=True):
                st.markdown(f"**{c.md(claims[0].value_label or value)}**")
                for cl in claims:
                    st.caption(f"{c.md(cl.source.title)} — {c.md(cl.source.publisher)}"
                               f"{', ' + c.md(cl.source.published) if cl.source.published else ''}"
                               f" · confidence {c.md(cl.confidence)}")

st.subheader("Facts")
if p.facts:
    c.claims_table(p.facts)
else:
    st.caption("No claims with this entity as subject.")

if p.cases:
    st.subheader(f"Cases ({len(p.cases)})")
    for block in p.cases:
        role = f" — as {c.md(', '.join(block.roles))}" if block.roles else ""
        with st.expander(f"{c.md(block.label)}{role}", expanded=len(p.cases) <= 3):
            st.page_link("app_pages/explore.py", label="Open the case's profile",
                         query_params={"entity": block.id})
            c.claims_table(block.claims)

if p.events:
    st.subheader(f"Events ({len(p.events)}), in date order")
    for block in p.events:
        when = block.date or "undated"
        with st.expander(f"{c.md(when)} · {c.md(c.type_caption(block.type))} · "
                         f"{c.md(block.label)}", expanded=len(p.events) <= 8):
            c.claims_table(block.claims)
if p.omitted:
    st.info(f"{p.omitted} more cases and events are not listed here; see the Timeline page.")

if p.linked:
    st.subheader(f"Linked from other entities ({len(p.linked)})")
    c.claims_table(p.linked)

# -- ego network --------------------------------------------------------------------------------
st.divider()
st.subheader("Network")
bounds = date_bounds(c.events(store))
years = (bounds[0].year, bounds[1].year) if bounds else (2000, 2030)
charges = dict(nodes_of_type(g, "Charge"))

c.url_state(c.EXPLORE_DEPTH, "depth", 1, lambda v: min(3, max(1, int(v))))
c.url_state(c.EXPLORE_TYPES, "types", [], lambda v: [t for t in c.split_list(v)
                                                      if t in NETWORK_TYPES])
c.url_state(c.EXPLORE_YEARS, "years", years,
            lambda v: tuple(sorted(max(years[0], min(years[1], int(y)))
                                   for y in v.split("-", 1))))
c.url_state(c.EXPLORE_CHARGES, "charges", [], lambda v: [x for x in c.split_list(v)
                                                          if x in charges])
col1, col2, col3, col4 = st.columns([1, 2, 2, 2])
depth = col1.slider("Depth", 1, 3, key=c.EXPLORE_DEPTH, help="Steps away from the focus")
types = col2.multiselect("Only these types", NETWORK_TYPES, key=c.EXPLORE_TYPES,
                         format_func=c.type_caption, placeholder="All types")
span = col3.slider("Events between", years[0], max(years[1], years[0] + 1),
                   key=c.EXPLORE_YEARS, help="Events outside these years are hidden")
chosen_charges = col4.multiselect("Cases with these charges", list(charges),
                                  key=c.EXPLORE_CHARGES, format_func=lambda x: charges[x],
                                  placeholder="Any charge")
c.set_url("depth", str(depth) if depth != 1 else None)
c.set_url("types", ",".join(types) or None)
full_span = tuple(span) == years
c.set_url("years", None if full_span else f"{span[0]}-{span[1]}")
c.set_url("charges", ",".join(chosen_charges) or None)

sub = ego_network(g, entity, depth=depth, max_nodes=c.MAX_NODES, types=types or None,
                  start=None if full_span else str(span[0]),
                  end=None if full_span else str(span[1]), charges=chosen_charges or None)
c.show_network(sub, title=f"{p.label} — {len(sub.graph)} nodes, depth {depth}")

near = neighbours(sub.graph, entity)
if near:
    labels = {n: f"{label} · {c.type_caption(t)}" for n, label, t in near}
    st.selectbox("Move the focus to a neighbour", list(labels), index=None,
                 key=c.EXPLORE_MOVE, format_func=labels.get, on_change=c.focus_from,
                 args=(c.EXPLORE_MOVE, True), placeholder=f"{len(near)} neighbours — choose one")
st.caption("Hover a node or link for details; double-click a node to open its profile in a "
           "new tab.")
