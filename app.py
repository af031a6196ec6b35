"""The Streamlit explorer: only the page list (each page in app_pages/ lays
out what graph/ computes).

Run with `make run`, or: streamlit run app.py   (REPGRAPH_STORE, REPGRAPH_MODE choose the store)
"""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

# No page icons: Streamlit fetches the favicon of a ":material/…:" icon from a Google CDN,
# and views must not make requests beyond this server.
st.set_page_config(page_title="Repression graph", layout="wide")

pages = [
    st.Page("app_pages/overview.py", title="Overview", default=True),
    st.Page("app_pages/explore.py", title="Explore"),
    st.Page("app_pages/connections.py", title="Connections"),
    st.Page("app_pages/transnational.py", title="Transnational"),
    st.Page("app_pages/timeline.py", title="Timeline"),
    st.Page("app_pages/sparql.py", title="SPARQL"),
]
if (HERE / "app_pages" / "images.py").exists():  # written separately; the app works without it
    pages.append(st.Page("app_pages/images.py", title="Images & exports"))

st.navigation(pages).run()
