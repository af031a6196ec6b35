"""Rows read as text from Oxigraph's TSV (graph.textrows): the projection's reader."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest

from graph.exc import QueryError
from graph.results import plain
from graph.store import EmbeddedStore
from graph.textrows import TextRowStream, rows_from_pieces, text_rows, tsv_text
from tests.tricky import tricky_store

QUERIES = [
    "SELECT ?s ?o ?none WHERE { ?s <urn:p> ?o } ORDER BY STR(?s)",
    "SELECT ?x WHERE { ?s <urn:p> ?o OPTIONAL { ?s <urn:q> ?x } }",  # one unbound cell
    "SELECT * WHERE {}",                                            # one row, no variables
    "SELECT ?x WHERE { FILTER(false) }",                            # no rows
    "SELECT ?o WHERE { ?s <urn:p> ?o } ORDER BY STR(?o)",
    # ~1,300 rows of three tricky cells: an answer Oxigraph writes in many pieces
    "SELECT ?a ?b ?c WHERE { ?x <urn:p> ?a . ?y <urn:p> ?b . ?z <urn:p> ?c }",
]


def _expected(store: ox.Store, query: str) -> list[tuple[str | None, ...]]:
    return [tuple(plain(t) for t in s) for s in store.query(query)]  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def tricky_embedded(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    """The tricky store on disk, opened the way a built store is."""
    path = tmp_path_factory.mktemp("tricky") / "full"
    writer = tricky_store(str(path))
    writer.flush()
    del writer  # RocksDB: one writer, then readers
    return EmbeddedStore(path, "full", "urn:", {})


@pytest.mark.parametrize("query", QUERIES)
def test_tsv_text_equals_the_terms_text(query: str) -> None:
    """Each cell is exactly the term's text — escapes, language tags, datatypes, blank
    nodes and unbound cells included."""
    store = tricky_store()
    data = store.query(query).serialize(format=ox.QueryResultsFormat.TSV)  # type: ignore[union-attr]
    assert tsv_text(data) == _expected(store, query)


@pytest.mark.parametrize("query", QUERIES)
def test_streamed_rows_equal_the_whole_answer(query: str,
                                              tricky_embedded: EmbeddedStore) -> None:
    expected = _expected(tricky_embedded.raw, query)
    assert text_rows(tricky_embedded, query) == expected
    with ThreadPoolExecutor(1) as pool:
        assert list(TextRowStream(tricky_embedded, query, pool)) == expected


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_pieces_may_be_cut_anywhere(size: int) -> None:
    """Oxigraph hands over 8 KB pieces wherever the buffer fills: inside a row, a cell,
    or a character of several bytes (Cyrillic, emoji here)."""
    store = tricky_store()
    query = QUERIES[0]
    data = store.query(query).serialize(format=ox.QueryResultsFormat.TSV)  # type: ignore[union-attr]
    pieces = [data[i:i + size] for i in range(0, len(data), size)]
    assert list(rows_from_pieces(pieces)) == _expected(store, query)
    unterminated = data.removesuffix(b"\n")  # a last row without its newline still counts
    assert list(rows_from_pieces([unterminated[i:i + size]
                                  for i in range(0, len(unterminated), size)])) == \
        _expected(store, query)


def test_a_failing_query_raises_from_the_stream(tricky_embedded: EmbeddedStore) -> None:
    with ThreadPoolExecutor(1) as pool:
        rows = TextRowStream(tricky_embedded, "SELECT ?x WHERE { ?x <urn:p> }", pool)
        with pytest.raises(QueryError, match="syntax error"):
            list(rows)
