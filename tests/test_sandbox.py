"""User SPARQL is read-only, offline, bounded in time and rows — on a real store, with
real worker processes that really get killed."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from graph.exc import QueryError, QueryRefused, QueryTimeout
from graph.sandbox import QueryPool, check_query, run_user_query
from graph.store import GraphStore, open_store
from tests.tricky import tricky_store

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.parametrize("query", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP GRAPH <urn:g>",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "CREATE GRAPH <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "insert data { <urn:a> <urn:b> <urn:c> }",
])
def test_updates_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="refused"):
        check_query(query)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o { SELECT * WHERE { SERVICE SILENT <http://x/> { ?a ?b ?c } } } }",
    "SELECT * WHERE { ?x ?y ?z OPTIONAL { service <http://x/> { ?s ?p ?o } } }",
    "SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
])
def test_service_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE is refused"):
        check_query(query)


@pytest.mark.parametrize("query", [
    "SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/hostname> WHERE { ?s ?p ?o }",
])
def test_from_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="FROM and FROM NAMED are refused"):
        check_query(query)


@pytest.mark.parametrize(("query", "kind"), [
    ('SELECT ?s WHERE { ?s ?p "SERVICE FROM LOAD INSERT" }', "select"),
    ("SELECT ?service ?from WHERE { ?service <urn:load> ?from } # DELETE", "select"),
    ("PREFIX insert: <urn:x#> ASK { ?s insert:delete ?o }", "ask"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "graph"),
    ("DESCRIBE <urn:x>", "graph"),
    ("SELECT * WHERE { ?s <http://example.org/SERVICE/FROM> ?o }", "select"),
])
def test_keywords_inside_strings_iris_comments_are_fine(query: str, kind: str) -> None:
    assert check_query(query) == kind


def test_not_a_query() -> None:
    with pytest.raises(QueryError, match="not a SPARQL query"):
        check_query("hello")


def test_syntax_error_is_reported(tiny_store: GraphStore) -> None:
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        run_user_query(tiny_store, "SELECT ?s WHERE { ?s ?p }")


def test_rows_are_capped_and_truncation_reported(tiny_store: GraphStore) -> None:
    result = run_user_query(tiny_store, "SELECT * WHERE { ?s ?p ?o }", max_rows=7)
    assert len(result.rows) == 7
    assert result.truncated
    small = run_user_query(tiny_store, "SELECT * WHERE { ?s a <urn:none> }", max_rows=7)
    assert small.rows == [] and not small.truncated


def test_public_level_is_pinned(tiny_location: Path) -> None:
    """A worker for the public store cannot see restricted material, whatever it asks."""
    public = open_store(str(tiny_location))
    for q in ('SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "CANARY")) }',
              'SELECT * WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?o), "CANARY")) }'):
        assert run_user_query(public, q).rows == []
    full = open_store(str(tiny_location), full=True)
    assert run_user_query(full, 'SELECT * WHERE { GRAPH ?g { ?s ?p ?o } '
                                'FILTER(CONTAINS(STR(?o), "CANARY")) }').rows


def test_runaway_query_is_killed_and_others_keep_answering(real_location: Path) -> None:
    store = open_store(str(real_location))
    with QueryPool(str(store.path), workers=2, timeout=1.0) as pool:  # type: ignore[attr-defined]
        answers: list[int] = []

        def other() -> None:
            time.sleep(0.3)
            answers.append(len(pool.run("SELECT * WHERE { ?s a ?t } LIMIT 5").rows))

        t = threading.Thread(target=other)
        t.start()
        start = time.monotonic()
        with pytest.raises(QueryTimeout, match="time limit"):
            pool.run(CROSS_PRODUCT)
        elapsed = time.monotonic() - start
        t.join(10)
        assert elapsed < 1.0 + 2.0
        assert answers == [5]
        # the killed worker was replaced: the pool still has two working processes
        assert len(pool.run("SELECT * WHERE { ?s ?p ?o } LIMIT 3").rows) == 3
        assert len(pool.run("SELECT * WHERE { ?s ?p ?o } LIMIT 2").rows) == 2


def test_bindings_are_not_text(tiny_store: GraphStore) -> None:
    """A hostile value is a value: it can only fail to match, never change the query."""
    import pyoxigraph as ox

    q = "SELECT ?id ?label WHERE { ?id <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    hostile = ox.Literal('x" } ; DROP ALL ; SELECT * { ?s ?p "')
    result = run_user_query(tiny_store, q.replace("?id ?label WHERE", "?label ?id WHERE"),
                            {"label": hostile})
    assert result.rows == []


# -- results cross as TSV: every term must come back exactly ------------------------------

@pytest.mark.parametrize("query", [
    "SELECT ?s ?o ?none WHERE { ?s <urn:p> ?o } ORDER BY STR(?s)",
    "SELECT ?x WHERE { ?s <urn:p> ?o OPTIONAL { ?s <urn:q> ?x } }",  # rows of one unbound cell
    "SELECT * WHERE {}",                                            # one row, no variables
    "SELECT ?x WHERE { FILTER(false) }",                            # no rows
])
@pytest.mark.parametrize("cap", [None, 0, 1, 5, 10, 11])
def test_tsv_results_equal_iteration(query: str, cap: int | None) -> None:
    from graph.store import run_on_oxigraph

    store = tricky_store()
    expected = [tuple(s) for s in store.query(query)]
    got = run_on_oxigraph(store, query, None, cap)
    assert got.rows == (expected if cap is None else expected[:cap])
    assert got.truncated == (cap is not None and len(expected) > cap)
    assert got.variables == [v.value for v in store.query(query).variables]
