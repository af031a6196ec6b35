"""The Streamlit explorer: only the page list (each page in pages/ lays out what graph/ computes).

Run with `make run`, or: streamlit run app.py   (REPGRAPH_STORE, REPGRAPH_MODE choose the store)
"""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Repression graph", layout="wide")  # no page_icon: icons load from a CDN

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/explore.py", title="Explore", icon=":material/person_search:"),
    st.Page("pages/connections.py", title="Connections", icon=":material/conversion_path:"),
    st.Page("pages/transnational.py", title="Transnational", icon=":material/public:"),
    st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:"),
    st.Page("pages/sparql.py", title="SPARQL", icon=":material/terminal:"),
]
if (HERE / "pages" / "images.py").exists():  # written separately; the app works without it
    pages.append(st.Page("pages/images.py", title="Images & exports", icon=":material/image:"))

st.navigation(pages).run()
