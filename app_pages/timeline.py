"""Timeline: events on a time axis, filtered by person, case and charge; who was held on a date."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import common as c
from graph.timeline import (
    CHART_GROUPS,
    chart_group,
    date_bounds,
    filter_events,
    in_custody,
    parse_start,
    sentence_text,
)

store = c.current_store()
g = c.network(store)
evs = c.events(store)


def label(n: str) -> str:
    return str(g.nodes[n].get("label", n)) if n in g else n


st.title("Timeline")
st.caption("Arrests, detentions, trials, verdicts, appeals, releases, threats and other events, "
           "in date order. Dates may be known only to the month or year.")
if not evs:
    st.info("No events in this store yet.")
    st.stop()

people = sorted({p for e in evs for p in e.people}, key=lambda n: label(n).casefold())
cases = sorted({e.case for e in evs if e.case}, key=lambda n: label(n).casefold())
charges = sorted({x for e in evs for x in e.charges}, key=lambda n: label(n).casefold())
kinds = [*CHART_GROUPS, "Other"]

filters = [(c.TIMELINE_PEOPLE, "people", people), (c.TIMELINE_CASES, "cases", cases),
           (c.TIMELINE_CHARGES, "charges", charges), (c.TIMELINE_KINDS, "kinds", kinds)]
for key, param, options in filters:
    allowed = set(options)
    c.url_state(key, param, [], lambda v, allowed=allowed: [x for x in c.split_list(v)
                                                              if x in allowed])
cols = st.columns(4)
chosen_people = cols[0].multiselect("People", people, key=c.TIMELINE_PEOPLE, format_func=label,
                                    placeholder="Everyone")
chosen_cases = cols[1].multiselect("Cases", cases, key=c.TIMELINE_CASES, format_func=label,
                                   placeholder="All cases")
chosen_charges = cols[2].multiselect("Charges", charges, key=c.TIMELINE_CHARGES,
                                     format_func=label, placeholder="Any charge")
chosen_kinds = cols[3].multiselect("Kinds of event", kinds, key=c.TIMELINE_KINDS,
                                   format_func=c.type_caption, placeholder="All kinds")
for (_, param, _), value in zip(filters, (chosen_people, chosen_cases, chosen_charges,
                                          chosen_kinds), strict=True):
    c.set_url(param, ",".join(value) or None)

shown = filter_events(evs, chosen_people, chosen_cases, chosen_charges, chosen_kinds)
dated = [e for e in shown if e.date]
st.caption(f"{len(shown)} of {len(evs)} events; {len(shown) - len(dated)} without a date are "
           "listed in the table only.")

if dated:
    frame = pd.DataFrame([{
        "date": parse_start(e.date), "shown as": e.date,
        "kind": c.type_caption(chart_group(e.type)),
        "event": e.label, "people": ", ".join(label(p) for p in e.people)} for e in dated])
    chart = alt.Chart(frame).mark_circle(size=110, opacity=0.8).encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("kind:N", title=None, sort=[c.type_caption(k) for k in kinds]),
        color=alt.Color("kind:N", legend=None),
        tooltip=["shown as", "kind", "event", "people"],
    ).properties(height=40 + 34 * frame["kind"].nunique())
    st.altair_chart(chart, width="stretch")

st.dataframe(pd.DataFrame([{
    "Date": e.date or "undated", "Kind": c.type_caption(e.type), "Event": e.label,
    "People": ", ".join(label(p) for p in e.people), "Case": label(e.case) if e.case else "",
    "Court": label(e.court) if e.court else "",
    "Charges": ", ".join(label(x) for x in e.charges),
    "Sentence": sentence_text(e.sentence_months),
    "In absentia": "yes" if e.in_absentia else "",
    "Profile": c.entity_url(e.id)} for e in shown]) if shown else pd.DataFrame(),
    hide_index=True, width="stretch", placeholder="",
    column_config={"Profile": st.column_config.LinkColumn("Profile", display_text="open")})

# -- who was in custody on a date --------------------------------------------------------------
st.subheader("Who was in custody on a date")
bounds = date_bounds(evs)
first, last = bounds if bounds else (dt.date(2000, 1, 1), dt.date.today())
last = max(last, min(dt.date.today(), dt.date(last.year + 1, 12, 31)))
c.url_state(c.TIMELINE_ASOF, "asof", last,
            lambda v: min(last, max(first, dt.date.fromisoformat(v))))
as_of = st.slider("As of", min_value=first, max_value=last, key=c.TIMELINE_ASOF,
                  format="YYYY-MM-DD")
c.set_url("asof", None if as_of == last else as_of.isoformat())
held = in_custody(evs, as_of.isoformat())
st.caption("Held from an arrest, pretrial detention or a verdict with a prison sentence until a "
           "recorded release or pardon (or, when none is recorded, until the sentence runs "
           "out). Nothing in absentia counts. Partial dates count for their whole month or "
           "year.")
if held:
    st.dataframe(pd.DataFrame([{
        "Person": label(h.person), "In custody since": h.since, "Since (event)": label(h.event),
        "Sentence": sentence_text(h.sentence_months),
        "Until": (h.until or "") + (" (released)" if h.released else
                                    " (sentence ends)" if h.until else ""),
        "Profile": c.entity_url(h.person)} for h in held]),
        hide_index=True, width="stretch", placeholder="",
        column_config={"Profile": st.column_config.LinkColumn("Profile", display_text="open")})
    st.metric("People in custody on this date", len(held))
else:
    st.info(f"No one in the data was in custody on {as_of.isoformat()}.")
