"""Images & exports: publication-ready network images with their sources, and the data itself.

Thin on purpose: graph.render chooses the network, layout and caption and draws
it; graph.export writes each data format.  Everything comes from the store the
app shows (the public one unless the app runs in authenticated full mode).
"""

from __future__ import annotations

import re

import streamlit as st

from app_pages import common as c
from graph.exc import RepgraphError
from graph.export import EXPORTERS, download_name, export_bytes
from graph.names import fold
from graph.query import saved_queries
from graph.render import LAYOUTS, MAX_NODES_BY_SIZE, MEDIA_TYPES, View, build_view, render_bytes
from graph.store import GraphStore

# Widget keys (one place for this page; pages/common.py holds the other pages' keys).
IMG_MODE = "images.mode"
IMG_FOCUS = "images.focus"
IMG_DEPTH = "images.depth"
IMG_A = "images.a"
IMG_B = "images.b"
IMG_QUERY = "images.query"
IMG_PARAM = "images.param."
IMG_TITLE = "images.title"
IMG_SIZE = "images.size"
IMG_LAYOUT = "images.layout"

MODES = {"focus": "An entity and its surroundings", "path": "How two entities are connected",
         "query": "A saved query"}
SIZES = {"slide": "Slide (1920 × 1080)", "card": "Social card (1200 × 675)",
         "a4": "Print (A4 portrait, vector)"}
FORMATS = {"png": "PNG image", "svg": "SVG (vector, text stays text)", "pdf": "PDF (vector)",
           "html": "Interactive HTML (works offline)"}

store = c.current_store()
g = c.network(store)
generation = f"{store.level}:{store.generation}"

st.title("Images & exports")
if store.level == "public":
    st.caption("Network images for reports, slides and posts — each with a legend, numbered "
               "sources and the dataset's date — and the data in open formats. Public data only.")
else:
    st.warning("This app shows the full store: images and exports below include restricted "
               "material. Do not publish them.")

# -- what to draw ------------------------------------------------------------------------------
c.url_state(IMG_MODE, "mode", "focus", lambda v: v if v in MODES else "focus")
mode = st.radio("Show", list(MODES), key=IMG_MODE, format_func=MODES.get, horizontal=True)
c.set_url("mode", mode if mode != "focus" else None)

queries = saved_queries()
kw: dict[str, object] = {}
if mode == "focus":
    left, right = st.columns([3, 1])
    with left:
        focus = c.entity_picker(store, g, "Focus", IMG_FOCUS, "focus")
    with right:
        c.url_state(IMG_DEPTH, "depth", 2, lambda v: min(3, max(1, int(v))))
        depth = st.slider("Steps from the focus", 1, 3, key=IMG_DEPTH)
        c.set_url("depth", str(depth) if depth != 2 else None)
    if focus:
        kw = {"focus": focus, "depth": depth}
elif mode == "path":
    left, right = st.columns(2)
    with left:
        a = c.entity_picker(store, g, "From", IMG_A, "a")
    with right:
        b = c.entity_picker(store, g, "To", IMG_B, "b")
    if a and b and a != b:
        kw = {"path": (a, b)}
else:
    c.url_state(IMG_QUERY, "query", "transnational", lambda v: v if v in queries else
                "transnational")
    name = st.selectbox("Saved query", list(queries), key=IMG_QUERY,
                        format_func=lambda q: queries[q].title)
    c.set_url("query", name)
    st.caption(c.md(queries[name].description))
    params: dict[str, str] = {}
    for p in queries[name].params:
        value = c.entity_picker(store, g, p.help or p.name, IMG_PARAM + p.name, p.name) \
            if p.kind == "entity" else st.text_input(p.help or p.name, key=IMG_PARAM + p.name)
        if value:
            params[p.name] = value
    if len(params) == len(queries[name].params):
        kw = {"query": name, "params": params}

left, mid, right = st.columns([3, 2, 1])
with left:
    c.url_state(IMG_TITLE, "title", "", str)
    title = st.text_input("Title (empty: automatic)", key=IMG_TITLE, max_chars=140).strip()
    c.set_url("title", title or None)
with mid:
    c.url_state(IMG_SIZE, "size", "slide", lambda v: v if v in SIZES else "slide")
    size = st.selectbox("Size", list(SIZES), key=IMG_SIZE, format_func=SIZES.get)
    c.set_url("size", size if size != "slide" else None)
with right:
    c.url_state(IMG_LAYOUT, "layout", "auto", lambda v: v if v in LAYOUTS else "auto")
    layout = st.selectbox("Layout", LAYOUTS, key=IMG_LAYOUT)
    c.set_url("layout", layout if layout != "auto" else None)


@st.cache_data(show_spinner=False, max_entries=64)
def _view(_store: GraphStore, generation: str, args: str, size: str, layout: str,
          title: str, _kw: dict[str, object]) -> View:
    """The view for a choice (`args` is a stable text form of `_kw`: the cache key)."""
    del generation, args
    return build_view(_store, title=title or None, layout=layout,
                      max_nodes=MAX_NODES_BY_SIZE[size], **_kw)  # type: ignore[arg-type]


@st.cache_data(show_spinner=False, max_entries=64)
def _image(_v: View, key: str, fmt: str, size: str) -> bytes:
    del key
    return render_bytes(_v, fmt, size)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60] or "network"


if not kw:
    st.info("Choose what to draw: an entity, two entities, or a saved query.")
else:
    key = repr(sorted(kw.items()))
    try:
        with st.spinner("Drawing…"):
            view = _view(store, generation, key, size, layout, title, kw)
            cache_key = f"{generation}|{key}|{size}|{layout}|{title}"
            png = _image(view, cache_key, "png", size)
            c.audit("render", view=key, format="png", size=size)
    except RepgraphError as exc:
        c.stop(str(exc))
    shown = len(view.sub.graph)
    note = f" · {view.sub.overflow} more not shown" if view.sub.overflow else ""
    st.caption(f"{shown} entities, {view.sub.graph.number_of_edges()} links, "
               f"{len(view.citations)} sources{note} · layout: {view.layout}")
    st.image(png, width="stretch")
    stem = f"{_slug(view.title)}-{size}"
    cols = st.columns(len(FORMATS))
    for col, (fmt, label) in zip(cols, FORMATS.items(), strict=True):
        with col:
            st.download_button(
                label, key=f"images.dl.{fmt}", file_name=f"{stem}.{fmt}",
                mime=MEDIA_TYPES[fmt], on_click="ignore",
                data=c.audited("render", (lambda fmt=fmt: png if fmt == "png" else
                                          _image(view, cache_key, fmt, size)),
                               view=key, format=fmt, size=size))

# -- data --------------------------------------------------------------------------------------
st.divider()
st.subheader("Download the data")
st.caption("The whole graph this app shows, in each format: RDF for triple stores, GraphML "
           "and GEXF for Gephi, the CSV sheets (they re-import with `repgraph build`), and "
           "FollowTheMoney entities for OpenSanctions and Aleph tooling.")


@st.cache_data(show_spinner=False, max_entries=16)
def _export(_store: GraphStore, generation: str, fmt: str) -> bytes:
    del generation
    return export_bytes(_store, fmt)[1]


for fmt, ex in EXPORTERS.items():
    name, media = download_name(store, fmt)
    left, right = st.columns([1, 3])
    with left:
        st.download_button(ex.title, key=f"images.export.{fmt}", file_name=name, mime=media,
                           on_click="ignore",
                           data=c.audited("export", lambda fmt=fmt: _export(store, generation,
                                                                             fmt), format=fmt))
    with right:
        st.caption(f"`{name}` — {ex.description}")
