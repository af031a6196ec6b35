"""The "Images & exports" page, driven with Streamlit's AppTest on the tiny fixture store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "images.py")


@pytest.fixture()
def page(tiny_location: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("REPGRAPH_STORE", str(tiny_location))
    monkeypatch.setenv("REPGRAPH_MODE", "public")
    monkeypatch.syspath_prepend(str(ROOT))  # `from app_pages import common`, as under app.py
    return AppTest.from_file(PAGE, default_timeout=120)


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.caption] + [e.value for e in at.info] + \
        [e.value for e in at.markdown] + [e.value for e in at.warning]
    return "\n".join(str(p) for p in parts)


def test_page_asks_for_a_choice_first(page: AppTest) -> None:
    page.run()
    assert not page.exception
    assert page.title[0].value == "Images & exports"
    assert "Choose what to draw" in texts(page)
    assert "Public data only" in texts(page)
    # every export format is offered, named for the public store
    labels = {b.label for b in page.get("download_button")}
    assert {"Turtle", "N-Triples", "TriG", "JSON-LD", "GraphML", "GEXF", "CSV sheets",
            "FollowTheMoney"} <= labels
    assert "repression-graph-public-csv.zip" in texts(page)


def test_focus_from_the_url_draws_an_image(page: AppTest) -> None:
    page.query_params["focus"] = "ayla-huseynova"
    page.query_params["size"] = "card"
    page.run()
    assert not page.exception
    assert len(page.get("image")) == 1
    assert page.selectbox(key="images.size").value == "card"
    assert "sources" in texts(page) and "layout: force" in texts(page)
    keys = {b.key for b in page.get("download_button")}
    assert {"images.dl.png", "images.dl.svg", "images.dl.pdf", "images.dl.html"} <= keys


def test_saved_query_and_layout(page: AppTest) -> None:
    page.run()
    page.radio(key="images.mode").set_value("query").run()
    page.selectbox(key="images.query").set_value("judges").run()
    assert not page.exception
    assert page.query_params["mode"] == "query" and page.query_params["query"] == "judges"
    assert "layout: layered" in texts(page)
    page.selectbox(key="images.layout").set_value("force").run()
    assert "layout: force" in texts(page)


def test_path_between_two_entities(page: AppTest) -> None:
    page.query_params["mode"] = "path"
    page.query_params["a"] = "ayla-huseynova"
    page.query_params["b"] = "bakir-mammadov"
    page.run()
    assert not page.exception
    assert len(page.get("image")) == 1
    assert "layout: layered" in texts(page)


def test_unknown_entity_in_the_url_is_not_drawn(page: AppTest) -> None:
    page.query_params["focus"] = "<script>nobody</script>"
    page.run()
    assert not page.exception
    assert len(page.get("image")) == 0
    assert "Choose what to draw" in texts(page)


def test_title_is_shown_as_typed(page: AppTest) -> None:
    page.query_params["focus"] = "ayla-huseynova"
    page.run()
    page.text_input(key="images.title").input("Case of <b>Ayla</b>").run()
    assert not page.exception
    assert page.query_params["title"] == "Case of <b>Ayla</b>"
    assert len(page.get("image")) == 1


@pytest.fixture(autouse=True)
def _forget_pages_module() -> None:
    """Each AppTest imports pages.common afresh (its caches hold a store per test)."""
    for name in [m for m in sys.modules if m == "app_pages" or m.startswith("app_pages.")]:
        del sys.modules[name]
