"""The Streamlit app, page by page, through app.py's navigation (streamlit.testing AppTest).

Every test runs the real app on a real store built in this session: the shipped
dataset for what users see, the tiny fixture for restricted-data and escaping checks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.build import build

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny"
EVIL = "<img src=x onerror=alert(1)>"

Run = Callable[..., AppTest]


@pytest.fixture(autouse=True)
def _app_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))  # `app_pages.common`, as `streamlit run app.py` has it
    monkeypatch.delenv("REPGRAPH_MODE", raising=False)


def _runner(location: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("REPGRAPH_STORE", str(location))

    def run(page: str, secrets: dict | None = None, **params: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for name, value in params.items():
            at.query_params[name.replace("__", ".")] = value
        for name, value in (secrets or {}).items():
            at.secrets[name] = value
        at.switch_page(f"app_pages/{page}.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


@pytest.fixture()
def real(real_location: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    return _runner(real_location, monkeypatch)


@pytest.fixture()
def tiny(tiny_location: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    return _runner(tiny_location, monkeypatch)


@pytest.fixture(scope="module")
def evil_location(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny dataset plus a person whose name, description and note are markup."""
    data = tmp_path_factory.mktemp("evil-data") / "tiny"
    shutil.copytree(TINY, data)
    with (data / "entities.csv").open("a", encoding="utf-8") as f:
        f.write(f'evil-person,Person,{EVIL},,"</script><script>alert(2)</script> '
                f'**bold** [link](javascript:alert(3)) :red[x]",,public\n')
    with (data / "claims.csv").open("a", encoding="utf-8") as f:
        f.write("evil-person,nationality,az,,src-alpha,high,public,<b>note</b>\n")
        f.write("case-huseynova-2024,defenceLawyer,evil-person,,src-alpha,high,public,\n")
    loc = tmp_path_factory.mktemp("evil-store")
    build([data], str(loc))
    return loc


def frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def column(at: AppTest, name: str) -> list[str]:
    return [str(v) for df in frames(at) if name in df.columns for v in df[name]]


def network_nodes(at: AppTest) -> list[dict]:
    """The nodes of the page's first network view, as handed to vis-network."""
    page = at.get("iframe")[0].proto.srcdoc
    return json.loads(re.search(r"var nodes = new vis\.DataSet\((.*?)\);\n", page).group(1))


# -- the entry point ----------------------------------------------------------------------------

def test_app_opens_on_overview(real_location: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPGRAPH_STORE", str(real_location))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "Overview"


def test_missing_store_says_how_to_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _runner(tmp_path / "nowhere", monkeypatch)("overview")
    assert "no built store" in at.error[0].value and "make build" in at.info[0].value
    assert not at.dataframe


# -- Overview -------------------------------------------------------------------------------------

def test_overview(real: Run, real_store) -> None:
    from graph.network import centrality, network_for
    from graph.query import saved_queries
    from graph.stats import type_counts
    from graph.views import most_connected

    at = real("overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["People"] == str(dict(type_counts(real_store))["Person"])
    assert int(metrics["Events"]) > 50 and int(metrics["Sources"]) > 50
    assert at.get("vega_lite_chart"), "the events-over-time chart"
    charges = frames(at)[0]
    by_charge = real_store.query(saved_queries()["by-charge"].text).values()
    assert list(charges["Charge"]) == [r["label"] for r in by_charge[:15]]
    assert list(charges["Cases"]) == sorted(charges["Cases"], reverse=True)
    assert [t.label for t in at.tabs] == ["Judges", "Prosecutors", "Courts", "Institutions"]
    g = network_for(real_store)
    ranked = most_connected(g, centrality(g), n=8)
    tables = [df for df in frames(at) if "Betweenness" in df.columns]
    shown = [(kind, actors) for kind, actors in ranked.items() if actors]  # empty: a caption
    for (kind, actors), df in zip(shown, tables, strict=True):
        assert list(df["Name"]) == [a.label for a in actors], kind
    assert "Baku Grave Crimes Court" in list(tables[[k for k, _ in shown].index("Courts")]["Name"])


# -- Explore --------------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["Huseynov", "Гусейнов", "Hüseynov"])
def test_search_any_spelling_finds_both_huseynovs(real: Run, spelling: str) -> None:
    at = real("explore")
    at.text_input(key="explore.search").input(spelling).run()
    assert not at.exception
    results = at.radio(key="explore.pick")
    top = results.options[:3]
    assert any("Emin Huseynov" in o for o in top) and any("Mehman Huseynov" in o for o in top)
    assert all("person" in o for o in top)
    assert at.query_params["q"] == [spelling] or at.query_params["q"] == spelling
    results.set_value("mehman-huseynov").run()
    assert not at.exception
    assert at.header[0].value == "Mehman Huseynov"
    assert at.query_params["entity"] in ("mehman-huseynov", ["mehman-huseynov"])


def test_abilov_profile_shows_sentence_with_source(real: Run) -> None:
    at = real("explore", entity="iqbal-abilov")
    assert at.header[0].value == "Iqbal Abilov"
    rows = [r for df in frames(at) if "Fact" in df.columns
            for r in df.to_dict("records") if r["Fact"] == "sentence (years)"]
    assert rows and {r["Value"] for r in rows} == {"18"}
    ihr = [r for r in rows if r["Source"].startswith(
        "Talysh Historian Gets 18-Year Prison Term, Drawing International Outcry")]
    assert ihr and "Institute for Human Rights (IHR), 2025-05-20" in ihr[0]["Source"]
    assert ihr[0]["Link"].startswith("https://www.instituteforhumanrights.org/")
    assert ihr[0]["Confidence"] == "high"
    labels = [e.label for e in at.expander]
    assert any("verdict" in x and "Verdict against Iqbal Abilov" in x for x in labels)
    events = [x for x in labels if re.match(r"^\d{4}", x)]
    assert events == sorted(events)                  # events in date order
    ids = {n["id"] for n in network_nodes(at)}
    assert {"iqbal-abilov", "case-abilov-2024"} <= ids


def test_network_controls_live_in_the_url(real: Run) -> None:
    at = real("explore", entity="iqbal-abilov")
    one = len(network_nodes(at))
    at.slider(key="explore.depth").set_value(2).run()
    assert at.query_params["depth"] in ("2", ["2"])
    assert len(network_nodes(at)) > one
    at.multiselect(key="explore.types").set_value(["Person", "Case"]).run()
    assert not at.exception
    assert at.query_params["types"] in ("Person,Case", ["Person,Case"])
    assert all(n["shape"] in ("dot", "box") for n in network_nodes(at))
    at.selectbox(key="explore.move").set_value("case-abilov-2024").run()
    assert not at.exception
    assert at.header[0].value.startswith("Iqbal Abilov — treason case")


def test_shared_link_restores_the_view(real: Run) -> None:
    at = real("explore", entity="iqbal-abilov", depth="3", types="Person,Case,Court",
              years="2024-2025", charges="az-cc-274")
    assert at.slider(key="explore.depth").value == 3
    assert at.multiselect(key="explore.types").value == ["Person", "Case", "Court"]
    assert tuple(at.slider(key="explore.years").value) == (2024, 2025)
    assert at.multiselect(key="explore.charges").value == ["az-cc-274"]
    assert "depth 3" in at.get("iframe")[0].proto.srcdoc


def test_conflicting_sources_side_by_side(real: Run) -> None:
    at = real("explore", entity="mehman-huseynov")
    assert any("Sources disagree" in w.value for w in at.warning)
    shown = " ".join(m.value for m in at.markdown)
    assert "2017\\-01\\-09" in shown and "2017\\-02" in shown


def test_unknown_entity_is_a_message(real: Run) -> None:
    at = real("explore", entity="no-such-person")
    assert "No entity with the id" in at.warning[0].value
    assert not at.header


# -- Connections ----------------------------------------------------------------------------------

def test_connections(real: Run) -> None:
    at = real("connections")
    at.text_input(key="connections.a.search").input("Abilov").run()
    at.selectbox(key="connections.a").set_value("iqbal-abilov").run()
    at.text_input(key="connections.b.search").input("Гусейнов").run()
    at.selectbox(key="connections.b").set_value("emin-huseynov").run()
    assert not at.exception
    assert at.query_params["a"] in ("iqbal-abilov", ["iqbal-abilov"])
    assert at.query_params["b"] in ("emin-huseynov", ["emin-huseynov"])
    assert "shortest paths between Iqbal Abilov and Emin Huseynov" in at.subheader[0].value
    steps = frames(at)[0]
    assert steps["Step"].iloc[0] == 1 and all(steps["Sources"])
    assert len(at.get("iframe")) == 1


def test_connections_from_a_link(real: Run) -> None:
    at = real("connections", a="anton-drachev", b="sergei-sofronov", k="1")
    assert at.slider(key="connections.k").value == 1
    assert len([e for e in at.expander if e.label.startswith("Path")]) == 1


# -- Transnational --------------------------------------------------------------------------------

def test_transnational_lists_exiles_and_reasons(real: Run) -> None:
    at = real("transnational")
    table = frames(at)[0]
    people = dict(zip(table["Person"], table["Reasons"], strict=True))
    assert "tried in absentia" in people["Arif Mammadov"]
    assert "tried in absentia" in people["Ilgar Hajiyev"]
    assert "foreign national" in people["Anton Drachev"]
    residence = column(at, "Country")
    assert "Belgium" in residence and "United States" in residence
    assert len(at.get("iframe")) == 1


# -- Timeline -------------------------------------------------------------------------------------

def test_timeline_custody_as_of(real: Run) -> None:
    at = real("timeline", asof="2017-06-01")
    assert at.slider(key="timeline.asof").value == dt.date(2017, 6, 1)
    assert "Mehman Huseynov" in column(at, "Person")
    at.slider(key="timeline.asof").set_value(dt.date(2019, 3, 10)).run()
    held = column(at, "Person")
    assert "Mehman Huseynov" not in held and "Rufat Safarov" in held
    assert at.query_params["asof"] in ("2019-03-10", ["2019-03-10"])


def test_timeline_filters(real: Run) -> None:
    at = real("timeline")
    at.multiselect(key="timeline.people").set_value(["mehman-huseynov"]).run()
    events = frames(at)[0]
    assert len(events) > 3 and all("Mehman Huseynov" in p for p in events["People"])
    assert at.query_params["people"] in ("mehman-huseynov", ["mehman-huseynov"])
    at.multiselect(key="timeline.kinds").set_value(["Verdict"]).run()
    assert set(frames(at)[0]["Kind"]) == {"verdict"}


# -- SPARQL ---------------------------------------------------------------------------------------

def test_sparql_syntax_error_is_a_message(real: Run) -> None:
    at = real("sparql")
    at.text_area(key="sparql.text").input("SELECT ?x WHERE { ?x ").run()
    at.button(key="sparql.run").click().run()
    assert not at.exception
    assert "syntax error" in at.error[0].value.lower()


def test_sparql_refuses_updates(real: Run) -> None:
    at = real("sparql", q="DELETE WHERE { ?s ?p ?o }")
    assert "refused" in at.error[0].value


def test_sparql_saved_query_table_downloads_and_link(real: Run) -> None:
    at = real("sparql")
    at.selectbox(key="sparql.saved").set_value("transnational").run()
    assert not at.exception
    assert at.query_params["saved"] in ("transnational", ["transnational"])
    table = frames(at)[0]
    assert {"Arif Mammadov", "Ilgar Hajiyev"} <= set(table["name"])
    assert "id:arif-mammadov" in set(table["person"])        # prefixed names
    assert "explore?entity=arif-mammadov" in set(table["profile"])
    assert len(at.get("download_button")) == 2


def test_sparql_parameters_and_graph_view(real: Run) -> None:
    at = real("sparql", saved="person")
    assert "Fill in the parameter id" in at.error[0].value
    at = real("sparql", saved="person", p__id="iqbal-abilov")
    assert len(frames(at)[0]) > 20
    at = real("sparql", q="SELECT ?case ?person WHERE { ?case rg:defendant ?person }")
    assert len(at.get("iframe")) == 1                       # pairs of entities: a graph


def test_sparql_truncation_is_said(real: Run) -> None:
    at = real("sparql", q="SELECT ?a ?b ?c WHERE { ?a a rg:Person . ?b a rg:Person . "
                         "?c a rg:Case }")
    assert any("cut at the row limit" in w.value for w in at.warning)


# -- restricted data and escaping ----------------------------------------------------------------

def test_public_mode_never_shows_restricted(tiny: Run) -> None:
    at = tiny("explore", q="CANARY-WITNESS-7f3a")
    assert not any("CANARY" in o for r in at.radio for o in r.options)
    at = tiny("explore", entity="witness-canary")
    assert "No entity" in at.warning[0].value
    at = tiny("explore", entity="ayla-huseynova")
    shown = repr([d.value.to_dict() for d in at.dataframe]) + at.get("iframe")[0].proto.srcdoc
    assert "CANARY" not in shown


def test_full_mode_needs_authentication(tiny: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPGRAPH_MODE", "full")
    at = tiny("explore", entity="ayla-huseynova")
    assert "authentication" in at.error[0].value and not at.dataframe
    # login, the allow-list and what a signed-in user sees: tests/test_full_mode.py


def test_untrusted_text_is_escaped(evil_location: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _runner(evil_location, monkeypatch)("explore", entity="evil-person")
    header = at.header[0].value
    assert header == "\\<img src\\=x onerror\\=alert\\(1\\)\\>"   # shown as text
    for element in [*at.markdown, *at.caption, *at.header]:
        assert not re.search(r"(?<!\\)<(img|script|b)\b", element.value), element.value
        assert "](javascript" not in element.value
    page = at.get("iframe")[0].proto.srcdoc
    assert "<img" not in page and "alert(2)</script>" not in page
    assert EVIL in column(at, "Value") or "<b>note</b>" in column(at, "Note")
