"""Advocacy images: sizes, content, determinism, scripts, escaping, offline HTML, no leaks."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from graph.exc import RepgraphError
from graph.layout import force_layout, layered_layout
from graph.overlap import Area, Box, overlap_area
from graph.page import SIZES, missing_glyphs, wrap_label
from graph.render import Citation, View, build_view, render_bytes, render_to_file
from graph.store import GraphStore

ROOT = Path(__file__).resolve().parent.parent
CANARIES = ("CANARY-WITNESS-7f3a", "CANARY-SOURCE-5d1e", "CANARY-NOTE-91c2")
SVG_NS = "{http://www.w3.org/2000/svg}"
PIXELS = {"card": (1200, 675), "slide": (1920, 1080), "a4": (1654, 2338)}


def svg_texts(svg: bytes) -> list[str]:
    """Every text element's content, as a reader of the SVG sees it (XML entities decoded)."""
    root = ET.fromstring(svg)  # noqa: S314 -- our own output; parsing proves it well-formed
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


@pytest.fixture(scope="module")
def ego(tiny_store: GraphStore) -> View:
    return build_view(tiny_store, focus="ayla-huseynova", depth=2)


@pytest.mark.parametrize("size", ["card", "slide", "a4"])
def test_png_has_the_size_and_is_not_blank(ego: View, size: str, artifacts: Path) -> None:
    data = render_bytes(ego, "png", size)
    (artifacts / f"render-ayla-{size}.png").write_bytes(data)
    img = Image.open(io.BytesIO(data)).convert("RGB")
    assert img.size == PIXELS[size]
    px = np.asarray(img, dtype=np.int32)
    dark = int((px.sum(axis=2) < 600).sum())
    colours = len(np.unique(px.reshape(-1, 3), axis=0))
    assert dark > 0.01 * img.size[0] * img.size[1]  # text, markers, edges: not an empty canvas
    assert colours > 50  # the type colours and anti-aliased text


def test_svg_holds_every_label_and_citation(ego: View) -> None:
    texts = "\n".join(svg_texts(render_bytes(ego, "svg", "slide")))
    g = ego.sub.graph
    assert {"ayla-huseynova", "case-huseynova-2024", "kamal-rzayev"} <= set(g)
    for n, d in g.nodes(data=True):
        for line in wrap_label(d["label"], SIZES["slide"].wrap).splitlines():
            assert line in texts, f"label of {n} missing: {line!r}"
    assert ego.citations, "a view with sourced edges has citations"
    for c in ego.citations:
        assert f"[{c.number}] {c.publisher}, {c.date}" in texts
    assert "Fictional report on the Example District Court" in texts
    assert "Public data only" in texts and "built " in texts
    assert "Ayla Hüseynova" in texts  # the title, in the original script
    assert "charged under" in texts  # relation labels are drawn


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "html"])
def test_rendering_twice_gives_identical_bytes(ego: View, fmt: str) -> None:
    assert render_bytes(ego, fmt, "slide") == render_bytes(ego, fmt, "slide")


def test_rendering_is_identical_across_processes(tiny_location: Path, tmp_path: Path) -> None:
    """Hash seeds differ between processes: no set order may leak into the picture."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"p{seed}.svg"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "graph.cli", "render", "--store",
                        str(tiny_location), "--query", "transnational", "-o", str(out)],
                       check=True, cwd=ROOT, env=env, capture_output=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_azerbaijani_and_cyrillic_labels_render_with_real_glyphs(ego: View) -> None:
    text = "Əliyev İlqar Şahin Çingiz ğ ı ö ü — Гусейнова Жанна Щукин"
    assert missing_glyphs(text) == set()
    assert missing_glyphs("漢字") == {"漢", "字"}  # the check can fail
    g = ego.sub.graph.copy()
    g.nodes["kamal-rzayev"]["label"] = text
    view = View(**{**ego.__dict__, "sub": type(ego.sub)(g, ego.sub.focus)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = render_bytes(view, "svg", "a4")
        render_bytes(view, "png", "a4")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    joined = " ".join(" ".join(svg_texts(svg)).split())
    assert "Əliyev İlqar Şahin" in joined and "Гусейнова" in joined
    assert "font-family:'DejaVu Sans'" in svg.decode().replace(" ", "") or \
        "DejaVu Sans" in svg.decode()


def test_markup_in_labels_is_escaped(ego: View) -> None:
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)> & "q" $x^2$'
    g = ego.sub.graph.copy()
    g.nodes["nadir-aliyev"]["label"] = evil
    cites = [Citation(1, "src-x", evil, evil, "2025", "javascript:alert(3)")]
    view = View(**{**ego.__dict__, "sub": type(ego.sub)(g, ego.sub.focus), "title": evil,
                   "subtitle": evil, "citations": cites})
    svg = render_bytes(view, "svg", "slide")
    assert b"<script" not in svg and b"<img" not in svg
    assert any("<script>alert(1)</script>" in t for t in svg_texts(svg))  # shown, as text
    assert any("$x^2$" in t for t in svg_texts(svg))  # dollars are text, not mathtext
    page = render_bytes(view, "html", "slide").decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the escaped title
    assert 'href="javascript:' not in page  # only http(s) sources become links


def test_html_is_self_contained(ego: View) -> None:
    page = render_bytes(ego, "html", "slide").decode()
    assert not re.search(r"<script[^>]+src\s*=", page, re.I)
    assert not re.search(r"<link[^>]+href\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"@import\s+(url\()?[\"']?(https?:)?//", page, re.I)
    assert "vis.Network" in page and "Sources" in page and "Public data only" in page


@pytest.mark.parametrize("kwargs", [
    {"focus": "ayla-huseynova", "depth": 3},
    {"query": "transnational"},
    {"query": "judges"},
    {"path": ("ayla-huseynova", "bakir-mammadov")},
], ids=["ego", "transnational", "judges", "path"])
def test_no_restricted_material_in_public_images(tiny_store: GraphStore, tiny_full: GraphStore,
                                                 kwargs: dict) -> None:
    view = build_view(tiny_store, **kwargs)
    assert "witness-canary" not in view.sub.graph
    assert "src-secret" not in {c.id for c in view.citations}
    for fmt in ("svg", "html"):
        data = render_bytes(view, fmt, "slide").decode()
        for canary in CANARIES:
            assert canary not in data
    for fmt in ("png", "pdf"):  # drawn from the same view; make sure they render
        assert render_bytes(view, fmt, "card")
    if "focus" in kwargs:  # the full store's image does show the canary: the test can fail
        full = build_view(tiny_full, **kwargs)
        svg = render_bytes(full, "svg", "slide").decode()
        assert "CANARY-WITNESS-7f3a" in svg and "Includes restricted data" in svg
        assert "witness-canary" in full.restricted
        assert ("ayla-huseynova", "bakir-mammadov", "relative") in full.restricted_links
        assert not view.restricted and not view.restricted_links


def test_saved_query_networks(tiny_store: GraphStore) -> None:
    judges = build_view(tiny_store, query="judges")
    assert judges.layout == "layered"
    assert {"kamal-rzayev", "case-huseynova-2024", "ayla-huseynova"} <= set(judges.sub.graph)
    assert judges.layers["ayla-huseynova"] < judges.layers["case-huseynova-2024"] \
        < judges.layers["kamal-rzayev"]
    trans = build_view(tiny_store, query="transnational")
    assert trans.layout == "countries"
    assert {"bakir-mammadov", "ivan-petrov"} <= set(trans.sub.graph)
    assert trans.groups["bakir-mammadov"] == "de"  # placed where he lives
    assert trans.groups["case-mammadov-2023"] == "az"  # the prosecuting state
    assert trans.notes["case-mammadov-2023"] == "tried in absentia"


def test_path_view_runs_left_to_right(tiny_store: GraphStore) -> None:
    view = build_view(tiny_store, path=("ayla-huseynova", "bakir-mammadov"))
    assert view.layout == "layered"
    assert view.layers["ayla-huseynova"] == 0
    assert view.layers["bakir-mammadov"] == max(view.layers.values())


def test_clear_errors(tiny_store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(RepgraphError, match="did you mean 'ayla-huseynova'"):
        build_view(tiny_store, focus="ayla-huseynva")
    with pytest.raises(RepgraphError, match="no saved query named 'nope'"):
        build_view(tiny_store, query="nope")
    with pytest.raises(RepgraphError, match="choose one of"):
        build_view(tiny_store, focus="ayla-huseynova", query="judges")
    with pytest.raises(RepgraphError, match=r"use \.png, \.svg, \.pdf or \.html"):
        render_to_file(tiny_store, tmp_path / "x.gif", focus="ayla-huseynova")


def test_cli_render(tiny_location: Path, tmp_path: Path) -> None:
    from graph.cli import main

    out = tmp_path / "ayla.pdf"
    assert main(["render", "--store", str(tiny_location), "--focus", "ayla-huseynova",
                 "--size", "a4", "--title", "A test", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["render", "--store", str(tiny_location), "--focus", "nobody",
                 "-o", str(tmp_path / "x.png")]) == 2


def test_layouts_leave_no_label_overlapping_another() -> None:
    import networkx as nx

    g = nx.star_graph(12)
    g = nx.relabel_nodes(g, {i: f"n{i:02d}" for i in g})
    boxes = {n: Box(1.6, 0.1, 0.6) for n in g}
    area = Area(12.0, 6.0)
    pos = force_layout(g, boxes, area, anchor="n00")
    assert overlap_area(pos, boxes) == 0
    for n, (x, y) in pos.items():
        assert boxes[n].width / 2 <= x + 1e-9 <= area.width - boxes[n].width / 2 + 2e-9
        assert boxes[n].below - 1e-9 <= y <= area.height - boxes[n].above + 1e-9
    layers = {n: (0 if n == "n00" else 1) for n in g}
    pos = layered_layout(g, layers, {n: Box(1.6, 0.1, 0.3) for n in g}, area)
    assert overlap_area(pos, {n: Box(1.6, 0.1, 0.3) for n in g}) == 0
    assert len({round(pos[n][0], 6) for n in g if n != "n00"}) == 1  # one column


def test_real_dataset_images(real_store: GraphStore, artifacts: Path) -> None:
    """The shipped data draws without error at every size (images kept for a human look)."""
    for kwargs, name in (({"focus": "iqbal-abilov", "depth": 2}, "abilov"),
                         ({"query": "transnational"}, "transnational"),
                         ({"query": "judges"}, "judges")):
        view = build_view(real_store, **kwargs)
        assert len(view.sub.graph) > 5 and view.citations
        for size in ("card", "slide", "a4"):
            (artifacts / f"render-{name}-{size}.png").write_bytes(
                render_bytes(view, "png", size))
