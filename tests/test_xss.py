"""Hostile text in labels, aliases, notes and source titles stays text everywhere it is shown:
app pages, network tooltips, SVG, interactive HTML, exports."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.build import build
from graph.exc import InputError
from graph.export import export_bytes
from graph.interactive import to_html
from graph.network import ego_network, network_for
from graph.render import build_view, render_bytes
from graph.store import GraphStore, open_store

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = {
    "label": "<script>alert('label')</script>",
    "alias": "</script><script>alert('alias')</script>",
    "description": "<img src=x onerror=alert('desc')>",
    "note": "<iframe src=javascript:alert('note')></iframe>",
    "title": "<svg onload=alert('title')>",
    "rlo": "invoice\u202egnp.exe",
}
#: What must never appear raw in markup: an element an attacker opened.
RAW = re.compile(r"<(script|img|iframe|svg onload)[\s>][^\n]*"
                 r"alert\('(label|alias|desc|note|title)'")


def _append(path: Path, row: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow([row.get(c, "") for c in header])


@pytest.fixture(scope="module")
def evil(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    data = tmp_path_factory.mktemp("xss") / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "tiny", data)
    _append(data / "sources.csv", {"id": "src-evil", "title": PAYLOADS["title"],
                                   "url": "https://example.org/evil", "publisher": PAYLOADS["rlo"]})
    _append(data / "entities.csv", {"id": "evil-person", "type": "Person",
                                    "label": PAYLOADS["label"],
                                    "aliases": PAYLOADS["alias"] + ";" + PAYLOADS["rlo"],
                                    "description": PAYLOADS["description"]})
    for prop, obj in (("occupation", "journalist"), ("relative", "ayla-huseynova")):
        _append(data / "claims.csv", {"subject": "evil-person", "property": prop, "object": obj,
                                      "source": "src-evil", "note": PAYLOADS["note"]})
    loc = data.parent / "store"
    build([data], str(loc))
    return loc


@pytest.fixture(scope="module")
def store(evil: Path) -> GraphStore:
    return open_store(str(evil))


def test_javascript_urls_are_refused_at_input(tiny_copy: Path, tmp_path: Path) -> None:
    _append(tiny_copy / "sources.csv", {"id": "src-js", "title": "x", "url": "javascript:alert(1)"})
    with pytest.raises(InputError, match=r"sources.csv:5:url: 'javascript:alert\(1\)' is not an"):
        build([tiny_copy], str(tmp_path / "s"))


def test_direction_overrides_are_made_visible(store: GraphStore) -> None:
    node = network_for(store).nodes["evil-person"]
    assert "invoice⟨U+202E⟩gnp.exe" in node["aliases"]
    assert all("\u202e" not in a for a in node["aliases"])


def test_interactive_html(store: GraphStore) -> None:
    page = to_html(ego_network(network_for(store), "evil-person", depth=1), title=PAYLOADS["label"])
    assert not RAW.search(page)
    assert "\u202e" not in page


@pytest.mark.parametrize("fmt", ["svg", "html"])
def test_images(store: GraphStore, fmt: str) -> None:
    view = build_view(store, focus="evil-person", depth=1, title=PAYLOADS["label"])
    data = render_bytes(view, fmt, "slide").decode("utf-8")
    assert not RAW.search(data)
    assert ("&lt;script&gt;alert(&#x27;label&#x27;)" in data
            or "&lt;script&gt;alert('label')" in data)
    assert "\u202e" not in data


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_escape_and_keep_the_text(store: GraphStore, fmt: str) -> None:
    import io

    import networkx as nx

    data = export_bytes(store, fmt)[1]
    assert not RAW.search(data.decode("utf-8"))  # no element opened by the data
    g = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(data))
    assert PAYLOADS["label"] in {d.get("label") for _, d in g.nodes(data=True)}


@pytest.mark.parametrize(("fmt", "rdf"), [("jsonld", "JSON_LD"), ("ttl", "TURTLE"),
                                          ("trig", "TRIG")])
def test_rdf_exports_keep_the_text_as_data(store: GraphStore, fmt: str, rdf: str) -> None:
    """In data formats the text is a quoted string: it must come back exactly."""
    import pyoxigraph as ox

    data = export_bytes(store, fmt)[1]
    values = {q.object.value for q in ox.parse(data, format=getattr(ox.RdfFormat, rdf))
              if isinstance(q.object, ox.Literal)}
    assert {PAYLOADS["label"], PAYLOADS["alias"], PAYLOADS["note"]} <= values


@pytest.mark.parametrize("page", ["explore", "connections", "sparql"])
def test_app_pages(evil: Path, page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPGRAPH_STORE", str(evil))
    monkeypatch.delenv("REPGRAPH_MODE", raising=False)
    monkeypatch.syspath_prepend(str(ROOT))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"entity": "evil-person", "a": "evil-person", "b": "ayla-huseynova",
                            "q": 'SELECT ?l WHERE { ?s rdfs:label ?l FILTER(CONTAINS(?l, "<")) }'})
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning",
                 "error", "success"):
        for element in getattr(at, kind):
            text = str(element.value)
            # markdown from user text arrives escaped: no tag can open
            assert not re.search(r"(?<!\\)<(script|img|iframe|svg)", text), (kind, text)
            assert "\u202e" not in text, (kind, text)
    # the network iframe is the one place that is HTML: its document must not open a tag
    # from the data (widget options such as selectboxes are drawn as text by Streamlit)
    for frame in _iframes(at):
        assert not RAW.search(frame)
        assert "\u202e" not in frame


def _iframes(at: AppTest) -> list[str]:
    def walk(node):  # type: ignore[no-untyped-def]
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return [n.proto.srcdoc for n in walk(at._tree[0])
            if type(n).__name__ == "UnknownElement" and n.type == "iframe"]
