"""graph/views.py: the data behind the Overview, Transnational and SPARQL graph views."""

from __future__ import annotations

from graph.network import centrality, network_for, shortest_paths
from graph.sandbox import run_user_query
from graph.views import (
    by_residence,
    members,
    most_connected,
    neighbours,
    nodes_of_type,
    path_steps,
    result_subgraph,
    transnational,
)


def test_most_connected_actors(real_store):
    g = network_for(real_store)
    ranked = most_connected(g, centrality(g), n=5)
    assert list(ranked) == ["Judges", "Prosecutors", "Courts", "Institutions"]
    assert ranked["Courts"][0].id == "baku-grave-crimes-court" and ranked["Courts"][0].cases >= 5
    assert all(r.type == "Court" for r in ranked["Courts"])
    assert not any(r.type == "Court" for r in ranked["Institutions"])
    judges = {r.id for r in ranked["Judges"]}
    assert judges <= set(members(g, ("role", "judge")))
    assert all(r.cases >= 1 for r in ranked["Judges"])
    counts = [(-r.cases, -r.betweenness) for r in ranked["Courts"]]
    assert counts == sorted(counts)


def test_transnational_rows(real_store):
    g = network_for(real_store)
    rows = {r.person: r for r in transnational(real_store, g)}
    assert {"arif-mammadov", "ilgar-hajiyev", "emin-huseynov", "iqbal-abilov",
            "anton-drachev", "sergei-sofronov"} <= set(rows)
    arif = rows["arif-mammadov"]
    assert "tried in absentia" in arif.reasons and arif.residence == (("be", "Belgium"),)
    assert arif.cases and all(case.startswith("case-") for case, _ in arif.cases)
    assert "foreign national" in rows["anton-drachev"].reasons
    assert "Russia" in rows["anton-drachev"].states
    groups = dict(by_residence(list(rows.values())))
    assert "Arif Mammadov" in groups["Belgium"] and "Ilgar Hajiyev" in groups["United States"]


def test_tiny_transnational_is_public_only(tiny_store):
    rows = transnational(tiny_store, network_for(tiny_store))
    assert {r.person for r in rows} >= {"bakir-mammadov", "ivan-petrov"}
    assert "CANARY" not in repr(rows)


def test_result_subgraph_from_pairs_and_graphs(tiny_store):
    g = network_for(tiny_store)
    pairs = run_user_query(tiny_store, "SELECT ?case ?person WHERE { ?case rg:defendant ?person }")
    sub = result_subgraph(g, pairs, tiny_store.base)
    assert sub is not None
    assert {"case-huseynova-2024", "ayla-huseynova"} <= set(sub.graph)
    assert sub.graph.has_edge("case-huseynova-2024", "ayla-huseynova", key="defendant")
    single = run_user_query(tiny_store, "SELECT ?p WHERE { ?p a rg:Person }")
    assert result_subgraph(g, single, tiny_store.base) is None
    built = run_user_query(tiny_store,
                           "CONSTRUCT { ?c rg:judge ?j } WHERE { ?c rg:judge ?j }")
    sub = result_subgraph(g, built, tiny_store.base)
    assert sub is not None and "kamal-rzayev" in sub.graph
    capped = result_subgraph(g, pairs, tiny_store.base, max_nodes=2)
    assert capped is not None and len(capped.graph) == 2 and capped.overflow > 0


def test_paths_neighbours_and_types(tiny_store):
    g = network_for(tiny_store)
    path = shortest_paths(g, "ayla-huseynova", "bakir-mammadov", 1)[0]
    hops = path_steps(g, path)
    assert len(hops) == len(path) - 1 and all(hops)
    first = hops[0][0]
    assert first.sources and first.confidence in ("high", "medium", "low")
    assert {first.source_node, first.target_node} == {path[0], path[1]}
    near = {n for n, _, _ in neighbours(g, "case-huseynova-2024")}
    assert {"ayla-huseynova", "kamal-rzayev", "example-district-court"} <= near
    assert "witness-canary" not in near
    assert ("example-district-court", "Example District Court") in nodes_of_type(g, "Court")


def test_overview_data_is_kept_per_generation(tmp_path):
    """What the Overview shows is computed once per generation and read back from files by
    a fresh process, equal to computing it again; the public level never sees the full one's."""
    from pathlib import Path

    from graph import derived
    from graph.build import build
    from graph.derived import cache_file
    from graph.network import size_for
    from graph.query import saved_queries, saved_values_for
    from graph.stats import source_count_for, type_counts, type_counts_for
    from graph.store import open_store
    from graph.timeline import events_for, load_events
    from graph.views import most_connected_for

    build([Path(__file__).parent / "fixtures" / "tiny"], str(tmp_path / "s"))
    public, full = open_store(str(tmp_path / "s")), open_store(str(tmp_path / "s"), full=True)

    def everything(store):
        return (type_counts_for(store), source_count_for(store), events_for(store),
                saved_values_for(store, "by-charge"), most_connected_for(store), size_for(store))

    first = everything(public)
    for name in ("type-counts", "source-count", "events", "saved.by-charge",
                 "most-connected.8", "size"):
        assert cache_file(public, name).is_file(), name  # type: ignore[union-attr]
    derived.forget()  # a new process: only the files remain
    assert everything(public) == first
    g = network_for(public)
    assert first[0] == type_counts(public)
    assert first[2] == load_events(public, g)
    assert first[3] == public.query(saved_queries()["by-charge"].text).values()
    assert first[4] == most_connected(g, centrality(g), 8)
    assert first[5] == (g.number_of_nodes(), g.number_of_edges())
    assert source_count_for(full) > first[1]  # the fixture's restricted source
    assert "CANARY" not in repr(first)
