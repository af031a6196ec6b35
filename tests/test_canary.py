"""A restricted canary (entity, claim, source with unique markers) in the tiny fixture must
appear in no public output: store dump, exports, images, endpoint answers, app pages, logs.
Each check also looks at the full store's output, so it can fail."""

from __future__ import annotations

import logging
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from streamlit.testing.v1 import AppTest

from graph.endpoint import make_server
from graph.export import EXPORTERS, export_bytes
from graph.render import build_view, render_bytes
from graph.store import GraphStore

ROOT = Path(__file__).resolve().parent.parent
MARKERS = ("CANARY-WITNESS-7f3a", "CANARY-SOURCE-5d1e", "CANARY-NOTE-91c2", "witness-canary",
           "src-secret")
BATTERY = [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "DESCRIBE <https://repression-graph.org/id/witness-canary>",
    "DESCRIBE <https://repression-graph.org/id/src-secret>",
    'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "CANARY", "i")) }',
    "ASK { <https://repression-graph.org/id/witness-canary> ?p ?o }",
    "SELECT * WHERE { ?c <http://www.w3.org/ns/prov#wasDerivedFrom> ?src }",
]


def leaks(text: str | bytes) -> list[str]:
    if isinstance(text, bytes) and text.startswith(b"PK"):  # a zip (the CSV export): its files
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(text)) as z:
            text = b"\n".join(z.read(n) for n in z.namelist())
    s = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return [m for m in MARKERS if m in s]


def test_store_dump(tiny_store: GraphStore, tiny_full: GraphStore) -> None:
    for fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        assert leaks(tiny_store.dump(fmt)) == []
        assert len(leaks(tiny_full.dump(fmt))) == len(MARKERS)


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_every_export(fmt: str, tiny_store: GraphStore, tiny_full: GraphStore) -> None:
    assert leaks(export_bytes(tiny_store, fmt)[1]) == []
    assert leaks(export_bytes(tiny_full, fmt)[1])


def _drawn(view: object) -> str:
    """What an image shows as text: node data and citations (PNG/PDF draw glyphs)."""
    g = view.sub.graph  # type: ignore[attr-defined]
    return " ".join(str(d) for _, d in g.nodes(data=True)) + " ".join(
        str(c) for c in view.citations)  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "html"])
def test_every_image(fmt: str, tiny_store: GraphStore, tiny_full: GraphStore) -> None:
    views = [{"focus": "ayla-huseynova", "depth": 2}, {"query": "judges"},
             {"query": "person", "params": {"id": "ayla-huseynova"}},
             {"path": ("ayla-huseynova", "bakir-mammadov")}]
    for kw in views:
        view = build_view(tiny_store, **kw)  # type: ignore[arg-type]
        data = render_bytes(view, fmt, "slide")
        assert leaks(_drawn(view)) == [], kw
        if fmt in ("svg", "html"):
            assert leaks(data) == [], (kw, fmt)
    # the same focus on the full store does show the witness: the check can fail
    full = build_view(tiny_full, focus="ayla-huseynova", depth=2)
    assert leaks(_drawn(full))
    if fmt in ("svg", "html"):
        assert leaks(render_bytes(full, fmt, "slide"))


@pytest.fixture(scope="module")
def endpoint(tiny_location: Path) -> Iterator[str]:
    server = make_server(str(tiny_location), port=0)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("query", BATTERY)
def test_endpoint_battery(endpoint: str, query: str, tiny_full: GraphStore) -> None:
    for accept in ("application/sparql-results+json", "text/csv", "text/turtle",
                   "application/n-triples"):
        req = urllib.request.Request(f"{endpoint}?{urllib.parse.urlencode({'query': query})}",
                                     headers={"Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:  # 406 for a form the query cannot give
            assert exc.code == 406, (query, accept)
            continue
        assert leaks(body) == [], (query, accept)
    if not query.startswith(("ASK", "DESCRIBE")):  # the same text on the full store does leak
        from graph.results import to_csv

        assert leaks(to_csv(tiny_full.query(query))), query


PAGES = ["overview", "explore", "connections", "transnational", "timeline", "sparql", "images"]


@pytest.mark.parametrize("page", PAGES)
def test_app_pages_in_public_mode(page: str, tiny_location: Path,
                                  monkeypatch: pytest.MonkeyPatch,
                                  caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    monkeypatch.setenv("REPGRAPH_STORE", str(tiny_location))
    monkeypatch.setenv("REPGRAPH_AUDIT_LOG", str(tmp_path / "audit.log"))
    monkeypatch.delenv("REPGRAPH_MODE", raising=False)
    monkeypatch.syspath_prepend(str(ROOT))
    caplog.set_level(logging.DEBUG)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"entity": "ayla-huseynova", "a": "ayla-huseynova",
                            "b": "bakir-mammadov", "q": "witness"})
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = repr(at._tree)  # every element the page produced, iframes' HTML included
    assert leaks(shown) == [], page
    if page in ("explore", "connections"):  # the page really showed the public data
        assert "Ayla" in shown
    assert leaks(caplog.text) == []
    assert not (tmp_path / "audit.log").exists()  # public mode keeps no audit log


def test_search_does_not_find_restricted(tiny_store: GraphStore, tiny_full: GraphStore) -> None:
    from graph.search import search

    assert [h.id for h in search(tiny_store, "CANARY-WITNESS")] == []
    assert "witness-canary" in [h.id for h in search(tiny_full, "CANARY-WITNESS")]
