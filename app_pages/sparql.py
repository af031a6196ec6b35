"""SPARQL: write or load a query, run it in the sandbox, read, download or draw the results."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common as c
from graph.exc import QueryError
from graph.query import bind, saved_queries
from graph.results import QueryResult, display, to_csv, to_json
from graph.sandbox import run_user_query
from graph.views import entity_ids, result_subgraph

store = c.current_store()
g = c.network(store)
saved = saved_queries()

DEFAULT = """# Every person and the cases they are a defendant in
SELECT ?person ?name ?case WHERE {
  ?case rg:defendant ?person .
  ?person rdfs:label ?name .
}
ORDER BY ?name
LIMIT 100"""

st.title("SPARQL")
st.caption("Query the graph directly. Queries are read-only and run in a sandbox: no updates, "
           "no SERVICE, LOAD or FROM, a time limit and a row limit. Prefixes rg:, rdfs:, skos:, "
           "schema:, prov:, dct: and others are predefined; an entity's IRI is its id under "
           f"`{store.base}`.")


def _load_saved() -> None:
    name = st.session_state.get(c.SPARQL_SAVED)
    if name in saved:
        st.session_state[c.SPARQL_TEXT] = saved[name].text
        st.session_state[c.SPARQL_RESULT] = None
        st.session_state["_sparql.autorun"] = not saved[name].params
        c.set_url("saved", name)
        c.set_url("q", None)


# The URL carries either a saved query's name (with its parameters) or the query text.
url_saved = st.query_params.get("saved")
c.url_state(c.SPARQL_SAVED, "saved", None, lambda v: v if v in saved else None)
c.url_state(c.SPARQL_TEXT, "q", saved[url_saved].text if url_saved in saved else DEFAULT, str)
if url_saved in saved and "q" not in st.query_params and \
        st.session_state.get("_sparql.loaded") != url_saved:
    st.session_state[c.SPARQL_TEXT] = saved[url_saved].text
st.session_state["_sparql.loaded"] = url_saved

left, right = st.columns([3, 2])
with right:
    st.selectbox("Saved queries", list(saved), key=c.SPARQL_SAVED, index=None,
                 format_func=lambda n: saved[n].title, on_change=_load_saved,
                 placeholder="Load a saved query…")
    chosen = st.session_state.get(c.SPARQL_SAVED)
    if chosen in saved:
        st.markdown(c.md(saved[chosen].description))
    with st.expander("All saved queries"):
        for sq in saved.values():
            st.markdown(f"**{c.md(sq.title)}** (`{sq.name}`) — {c.md(sq.description)}")
with left:
    text = st.text_area("Query", key=c.SPARQL_TEXT, height=300)

params = {}
sq = saved.get(chosen) if chosen and text == saved[chosen].text else None
if sq is not None:
    for p in sq.params:
        key = c.SPARQL_PARAM + p.name
        c.url_state(key, f"p.{p.name}", "", str)
        params[p.name] = st.text_input(f"Parameter {p.name} ({p.kind})", key=key,
                                       help=p.help or None)
        c.set_url(f"p.{p.name}", params[p.name] or None)

with st.expander("Syntax-highlighted view"):
    st.code(text, language="sparql")

def _request_run() -> None:
    # A callback, not the button's return value: the request survives any rerun that
    # happens before the query runs (a URL update reruns the page).
    st.session_state["_sparql.autorun"] = True


st.button("Run query", type="primary", key=c.SPARQL_RUN, on_click=_request_run)
shared = ("q" in st.query_params or "saved" in st.query_params) and \
    st.session_state.get(c.SPARQL_RESULT) is None and not st.session_state.get("_sparql.ran")
if shared or st.session_state.pop("_sparql.autorun", False):
    st.session_state["_sparql.ran"] = True
    if sq is not None:
        c.set_url("saved", sq.name)
        c.set_url("q", None)
    else:
        c.set_url("saved", None)
        c.set_url("q", text)
    missing = [name for name, value in params.items() if not value.strip()]
    outcome: QueryResult | str
    if missing:
        outcome = f"Fill in the parameter{'s' if len(missing) > 1 else ''} {', '.join(missing)}."
    else:
        try:
            bindings = bind({k: v.strip() for k, v in params.items()}, sq, store.base)
            with st.spinner("Running…"):
                outcome = run_user_query(store, text, bindings, shared=True)
            c.audit("query", query=text, saved=sq.name if sq else None, status="ok",
                    rows=len(outcome), truncated=outcome.truncated)
        except QueryError as exc:  # refused, timed out, syntax error, bad parameter
            outcome = str(exc)
            c.audit("query", query=text, saved=sq.name if sq else None, status="error")
    st.session_state[c.SPARQL_RESULT] = outcome

outcome = st.session_state.get(c.SPARQL_RESULT)
if outcome is None:
    st.stop()
if isinstance(outcome, str):
    st.error(outcome)
    st.stop()

result: QueryResult = outcome
if result.truncated:
    st.warning(f"Only the first {len(result):,} results are shown: the result was cut at the row "
               "limit. Add LIMIT or narrow the query.")
if result.kind == "ask":
    st.success(f"Answer: {'yes (true)' if result.boolean else 'no (false)'}")
else:
    st.caption(f"{len(result):,} {'rows' if result.kind == 'select' else 'triples'} in "
               f"{result.elapsed * 1000:.0f} ms")
    if result.kind == "select":
        frame = pd.DataFrame([[display(t, store.base) for t in row] for row in result.rows],
                             columns=result.variables)
        firsts = [next((e for e in row if e and e in g), None)
                  for row in entity_ids(result, store.base)]
        if any(firsts):
            frame.insert(0, "profile", [c.entity_url(e) if e else None for e in firsts])
    else:
        frame = pd.DataFrame([[display(t.subject, store.base), display(t.predicate, store.base),
                               display(t.object, store.base)] for t in result.triples],
                             columns=["subject", "predicate", "object"])
    st.dataframe(frame, hide_index=True, width="stretch", placeholder="", column_config={
        "profile": st.column_config.LinkColumn("profile", display_text="open")})

cols = st.columns(4)
cols[0].download_button("Download CSV", to_csv(result), "results.csv", "text/csv")
cols[1].download_button("Download JSON", to_json(result), "results.json",
                        "application/sparql-results+json")

sub = result_subgraph(g, result, store.base, max_nodes=c.MAX_NODES)
if sub is not None:
    st.subheader("Graph view")
    st.caption("The entities the results pair up, linked by the graph's own claims where they "
               "exist, else by the two result columns.")
    c.show_network(sub, title="Query results", height=520)
