"""What every page shares: which store to show, cached loaders, URL state, safe text, networks.

Pages stay thin: they read the store through `current_store()` (the one place that
decides between the public and the full store), take derived data from the cached
loaders below, and keep their state in the URL with `url_state`/`set_url` so any
view can be shared as a link.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from urllib.parse import quote

import networkx as nx
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from graph import audit as audit_log
from graph.config import default_store
from graph.exc import StoreError
from graph.interactive import to_html
from graph.network import Subgraph, network_for
from graph.profile import Profile, SourceInfo, profile, sources
from graph.search import Hit, search
from graph.store import GraphStore, current_generation, is_remote, open_store
from graph.text import visible
from graph.timeline import Event, events_for

T = TypeVar("T")

# -- session-state keys (widget keys), one place for all pages -------------------------
EXPLORE_SEARCH = "explore.search"
EXPLORE_PICK = "explore.pick"
EXPLORE_DEPTH = "explore.depth"
EXPLORE_TYPES = "explore.types"
EXPLORE_YEARS = "explore.years"
EXPLORE_CHARGES = "explore.charges"
EXPLORE_MOVE = "explore.move"
CONN_A = "connections.a"
CONN_B = "connections.b"
CONN_K = "connections.k"
TIMELINE_PEOPLE = "timeline.people"
TIMELINE_CASES = "timeline.cases"
TIMELINE_CHARGES = "timeline.charges"
TIMELINE_KINDS = "timeline.kinds"
TIMELINE_ASOF = "timeline.asof"
SPARQL_TEXT = "sparql.text"
SPARQL_SAVED = "sparql.saved"
SPARQL_RESULT = "sparql.result"
SPARQL_PARAM = "sparql.param."
SPARQL_RUN = "sparql.run"

#: Views send at most this many nodes to the browser; the rest is counted, not drawn.
MAX_NODES = 500
NETWORK_HEIGHT = 620

MODES = ("public", "full")


def stop(message: str, hint: str = "") -> NoReturn:
    """Show why a page cannot go on, and stop it (no traceback reaches the browser)."""
    st.error(message)
    if hint:
        st.info(hint)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises; this keeps type checkers honest


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml (or the deployment's secrets) has an [auth] section."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


@st.cache_resource(show_spinner=False)
def _open(spec: str, full: bool, generation: str) -> GraphStore:
    del generation  # part of the cache key only: a rebuild opens the new generation
    return open_store(spec, full=full)


def full_mode() -> bool:
    return os.environ.get("REPGRAPH_MODE", "public").strip().lower() == "full"


def allowed_users() -> frozenset[str]:
    """E-mail addresses allowed into full mode: [repgraph] allowed_users in the secrets,
    or REPGRAPH_ALLOWED_USERS (comma-separated). Empty means nobody."""
    users: list[str] = []
    with contextlib.suppress(FileNotFoundError, StreamlitSecretNotFoundError):
        users = list(st.secrets.get("repgraph", {}).get("allowed_users", []))
    users += os.environ.get("REPGRAPH_ALLOWED_USERS", "").split(",")
    return frozenset(u.strip().lower() for u in users if u.strip())


def _require_user() -> str:
    """Full mode: an OIDC login (st.login) by someone on the allow-list, or stop here."""
    if not st.user.is_logged_in:
        st.title("Sign in")
        st.write("This deployment shows restricted facts about people at risk. Sign in with "
                 "your organisation's account to continue.")
        st.button("Log in", key="auth.login", on_click=st.login, type="primary")
        st.stop()
    email = str(st.user.get("email") or "").strip().lower()
    if email not in allowed_users():
        if not st.session_state.get("_audit.denied"):
            audit_log.record("denied", email or "unknown")
            st.session_state["_audit.denied"] = True
        st.button("Log out", key="auth.logout.denied", on_click=st.logout)
        stop("Your account is not allowed to see this deployment's data.",
             "Ask the team that runs it to add your address to the allow-list.")
    if not st.session_state.get("_audit.login"):
        audit_log.record("login", email)
        st.session_state["_audit.login"] = True
    with st.sidebar:
        st.caption(f"Signed in as {email} — full store, restricted facts included")
        st.button("Log out", key="auth.logout", on_click=st.logout)
    return email


def audit(event: str, **fields: object) -> None:
    """Record what an authenticated user did (full mode only; public mode keeps no log)."""
    if full_mode() and st.user.is_logged_in:
        audit_log.record(event, str(st.user.get("email") or "unknown"), **fields)


def audited(event: str, make: Callable[[], T], **fields: object) -> Callable[[], T]:
    """A deferred download that is logged when the user actually asks for it."""
    def run() -> T:
        audit(event, **fields)
        return make()
    return run


def current_store() -> GraphStore:
    """The store this app shows: public by default, full only in full mode with authentication.

    REPGRAPH_STORE names the store (folder or URL), REPGRAPH_MODE is `public` or
    `full`.  Full mode holds restricted facts about people at risk, so it refuses
    to start unless authentication is configured; every page goes through here,
    so this is the one place to extend the check (login, allow-list).
    """
    mode = os.environ.get("REPGRAPH_MODE", "public").strip().lower() or "public"
    if mode not in MODES:
        stop(f"REPGRAPH_MODE must be 'public' or 'full', not '{mode}'.")
    full = mode == "full"
    if full and not auth_configured():
        stop("This app was started in full mode, which shows restricted facts, but no "
             "authentication is configured.",
             "Add an [auth] section to .streamlit/secrets.toml, or start the app in public "
             "mode (unset REPGRAPH_MODE).")
    if full:
        _require_user()
    spec = default_store()
    generation = spec
    if not is_remote(spec):
        gen = current_generation(Path(spec))
        generation = str(gen) if gen else "none"
    try:
        return _open(spec, full, generation)
    except StoreError as exc:
        stop(str(exc), "Build the store with `make build` (or `repgraph build`), or point "
                       "REPGRAPH_STORE at a built store.")


# -- cached derived data (read-only, shared by every session) ---------------------------

@st.cache_resource(show_spinner="Loading the network…")
def _network(_store: GraphStore, generation: str) -> nx.MultiDiGraph:
    return network_for(_store)


def network(store: GraphStore) -> nx.MultiDiGraph:
    return _network(store, f"{store.level}:{store.generation}")


@st.cache_data(show_spinner=False, max_entries=256)
def _profile(_store: GraphStore, generation: str, entity: str) -> Profile:
    return profile(_store, network(_store), entity)


def profile_of(store: GraphStore, entity: str) -> Profile:
    return _profile(store, f"{store.level}:{store.generation}", entity)


def events(store: GraphStore) -> list[Event]:
    """Every event, once per generation (kept in memory and on disk: graph.derived)."""
    return events_for(store)


def source_table(store: GraphStore) -> dict[str, SourceInfo]:
    return sources(store)


def find(store: GraphStore, text: str, limit: int = 20) -> list[Hit]:
    return search(store, text, limit) if text.strip() else []


# -- state in the URL --------------------------------------------------------------------

def url_state(key: str, param: str, default: T, parse: Callable[[str], T]) -> None:
    """Seed a widget's value from the URL: on first render, and when the URL changed under us.

    Call before creating the widget with `key`; after it, call `set_url` with the
    widget's value so the address bar always reproduces the view.
    """
    raw = st.query_params.get(param)
    seen = f"_url.{param}"
    if key not in st.session_state or (raw is not None and raw != st.session_state.get(seen)):
        try:
            st.session_state[key] = parse(raw) if raw is not None else default
        except (ValueError, TypeError):
            st.session_state[key] = default
    st.session_state[seen] = raw


def set_url(param: str, value: str | None) -> None:
    """Write one view parameter to the address bar (removed when empty)."""
    if value in (None, ""):
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value
    st.session_state[f"_url.{param}"] = value or None


def focus_from(key: str, reset: bool = False) -> None:
    """Widget callback: make the widget's value the Explore page's focus entity."""
    value = st.session_state.get(key)
    if value:
        st.query_params["entity"] = value
        if reset:
            st.session_state[key] = None


def split_list(text: str) -> list[str]:
    return [x for x in (t.strip() for t in text.split(",")) if x]


def entity_url(entity: str) -> str:
    """A relative link to an entity's profile (works under any base path)."""
    return f"explore?entity={quote(entity, safe='')}"


# -- safe text ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=^&\"'])")


def md(text: object) -> str:
    """Text shown literally inside Streamlit markdown: no formatting, links, HTML or emoji.

    >>> md("<img src=x onerror=alert(1)> *bold*")
    '\\\\<img src\\\\=x onerror\\\\=alert\\\\(1\\\\)\\\\> \\\\*bold\\\\*'
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(visible(str(text)).split()))


# -- networks ---------------------------------------------------------------------------------

def show_network(sub: Subgraph, title: str = "", height: int = NETWORK_HEIGHT,
                 links: bool = True) -> None:
    """Draw a capped subgraph in an iframe (self-contained HTML, physics frozen after layout)."""
    if sub.overflow:
        kinds = ", ".join(f"{n} {t}" for t, n in sub.hidden_by_type.most_common(6))
        st.info(f"Showing {len(sub.graph)} nodes; {sub.overflow} more are not drawn "
                f"({kinds}). Narrow the view to see them.")
    page = to_html(sub, title=title, height=f"{height}px",
                   link="explore?entity={id}" if links else None)
    st.iframe(page, height=height + 16)


def type_caption(cls: str) -> str:
    """An ontology class name as readers say it (PretrialDetention → pretrial detention)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", cls).lower()


def claims_table(claims: list[Any]) -> None:
    """Claims as a table: the fact, its value, and who says so (title, publisher, date, link)."""
    import pandas as pd

    def cited(src: SourceInfo) -> str:
        extra = ", ".join(x for x in (src.publisher, src.published) if x)
        return f"{src.title} — {extra}" if extra else src.title

    st.dataframe(
        pd.DataFrame([{
            "Fact": cl.label, "Value": cl.value_label,
            "Profile": entity_url(cl.value) if cl.is_entity else None,
            "Date": cl.date, "Confidence": cl.confidence, "Source": cited(cl.source),
            "Link": cl.source.url or None, "Note": cl.note} for cl in claims]),
        hide_index=True, width="stretch", height="content", placeholder="",
        column_config={
            "Fact": st.column_config.TextColumn("Fact", width=115),
            "Value": st.column_config.TextColumn("Value", width="medium"),
            "Profile": st.column_config.LinkColumn("Profile", display_text="open", width=60),
            "Date": st.column_config.TextColumn("Date", width=90),
            "Source": st.column_config.TextColumn("Source", width="large"),
            "Link": st.column_config.LinkColumn("Link", display_text="source ↗", width=80),
            "Confidence": st.column_config.TextColumn("Confidence", width=85),
            "Note": st.column_config.TextColumn("Note", width="medium"),
        })


def entity_picker(store: GraphStore, g: nx.MultiDiGraph, label: str, key: str,
                  param: str) -> str | None:
    """Search-then-choose for one entity, kept in the URL as `param` (an entity id)."""
    current = st.query_params.get(param)
    if current is not None and current not in g:
        current = None
    text = st.text_input(label, key=f"{key}.search",
                         placeholder="Type a name in any spelling")
    hits = find(store, text, 15)
    ids = [h.id for h in hits]
    if current and current not in ids:
        ids.insert(0, current)
    names = {h.id: f"{h.label} · {type_caption(h.type)}" for h in hits}
    if current:
        names.setdefault(current, f"{g.nodes[current].get('label', current)} · "
                                  f"{type_caption(g.nodes[current].get('type', ''))}")
    st.session_state[key] = current  # the URL is the truth; the callback updates it
    return st.selectbox(f"{label}: choose", ids, key=key, format_func=names.get,
                        index=None, label_visibility="collapsed", on_change=_to_url,
                        args=(key, param),
                        placeholder="Choose from the matches" if ids else "No matches yet")


def _to_url(key: str, param: str) -> None:
    set_url(param, st.session_state.get(key))
