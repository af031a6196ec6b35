"""The Streamlit explorer: only the page list (each page in pages/ lays out what graph/ computes).

Run with `make run`, or: streamlit run app.py   (REPGRAPH_STORE, REPGRAPH_MODE choose the store)
"""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

# Emoji icons only: Streamlit fetches the favicon of a ":material/…:" icon from a Google CDN,
# and views must not make requests beyond this server.
st.set_page_config(page_title="Repression graph", page_icon="🕸️", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Overview", icon="📊", default=True),
    st.Page("pages/explore.py", title="Explore", icon="🔎"),
    st.Page("pages/connections.py", title="Connections", icon="🔗"),
    st.Page("pages/transnational.py", title="Transnational", icon="🌍"),
    st.Page("pages/timeline.py", title="Timeline", icon="🗓️"),
    st.Page("pages/sparql.py", title="SPARQL", icon="⌨️"),
]
if (HERE / "pages" / "images.py").exists():  # written separately; the app works without it
    pages.append(st.Page("pages/images.py", title="Images & exports", icon="🖼️"))

st.navigation(pages).run()
