"""Running user SPARQL safely: checked text, killable workers, bounded results.

Neither rdflib nor pyoxigraph can interrupt a running query, so user queries run
in long-lived worker processes that open the store read-only; a worker that
overruns the time limit is killed and replaced while the others keep answering.
A fresh process per query would cost far more than the query itself.

Before anything runs, the text is scanned (comments, strings and IRIs skipped)
for the keywords of updates, SERVICE, LOAD and FROM/FROM NAMED, so that no user
query writes, opens a network connection or reads a local file; the dataset is
pinned by which store (public or full) the worker opened.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from graph.config import MAX_ROWS, QUERY_TIMEOUT
from graph.exc import QueryError, QueryRefused, QueryTimeout
from graph.results import QueryResult, Term
from graph.sparqltext import FORMS, tokens, unescape
from graph.store import materialise

UPDATE_WORDS = {"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def check_query(text: str) -> str:
    """Refuse what a read-only, offline query must not do; return select, ask or graph.

    >>> check_query("SELECT * WHERE { ?s ?p 'SERVICE' }")
    'select'
    """
    # SPARQL decodes \uXXXX escapes anywhere in the text before parsing; so must we, or
    # "\u0053ERVICE" would pass the scan and still reach the engine as SERVICE.
    words = [t.text.upper() for t in tokens(unescape(text)) if t.kind == "word"]
    if "LOAD" in words or UPDATE_WORDS & set(words):
        raise QueryRefused("updates are refused: this is a read-only store "
                           f"({', '.join(sorted((UPDATE_WORDS | {'LOAD'}) & set(words)))})")
    if "SERVICE" in words:
        raise QueryRefused("SERVICE is refused: queries cannot reach other endpoints or the "
                           "network")
    if "FROM" in words:
        raise QueryRefused("FROM and FROM NAMED are refused: the dataset is fixed by your "
                           "access level (use GRAPH ?g { ... } to query by source)")
    for word in words:
        if word in FORMS:
            return FORMS[word]
    raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")


# -- worker side ------------------------------------------------------------------------

def _worker(conn: Connection, path: str) -> None:
    """Loop in a child process: open the store read-only, answer queries until told to stop."""
    import pyoxigraph as ox

    from graph.store import execute_on_oxigraph

    store = ox.Store.read_only(path)
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        sparql, bindings, max_rows = job
        try:
            result = execute_on_oxigraph(store, sparql, bindings, max_rows,
                                         use_default_graph_as_union=True)
            conn.send(("ok", result))  # a SELECT answer travels as TSV bytes
        except QueryError as exc:
            conn.send(("error", str(exc)))
        except Exception as exc:  # report, never die silently
            conn.send(("error", f"query failed: {exc}"))


@dataclass
class _Worker:
    process: Any  # multiprocessing.context.SpawnProcess
    conn: Connection


class QueryPool:
    """Long-lived read-only workers over one store folder, with a per-query deadline."""

    def __init__(self, path: str, workers: int = 2, timeout: float = QUERY_TIMEOUT,
                 max_rows: int = MAX_ROWS) -> None:
        self.path, self.timeout, self.max_rows = path, timeout, max_rows
        self._ctx = mp.get_context("spawn")  # fork is unsafe under threads (Streamlit)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._size = workers
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker, args=(child, self.path), daemon=True)
        proc.start()
        child.close()
        if not parent.poll(60) or parent.recv()[0] != "ready":
            proc.kill()
            raise QueryError(f"query worker failed to open {self.path}")
        w = _Worker(proc, parent)
        with self._lock:
            self._all.append(w)
        return w

    def _retire(self, w: _Worker) -> None:
        w.process.kill()
        w.process.join(5)
        w.conn.close()
        with self._lock:
            if w in self._all:
                self._all.remove(w)

    def run(self, sparql: str, bindings: Mapping[str, Term] | None = None,
            timeout: float | None = None, max_rows: int | None = None) -> QueryResult:
        """Check and run one user query; raise QueryRefused, QueryTimeout or QueryError."""
        check_query(sparql)
        limit = self.timeout if timeout is None else timeout
        start = time.perf_counter()
        try:
            w = self._idle.get(timeout=limit)
        except queue.Empty:
            raise QueryTimeout(f"all query workers stayed busy for {limit:g} s; "
                               "try again later") from None
        remaining = max(0.05, limit - (time.perf_counter() - start))
        try:
            w.conn.send((sparql, dict(bindings or {}), max_rows or self.max_rows))
            if not w.conn.poll(remaining):
                self._retire(w)
                w = self._start()
                raise QueryTimeout(f"query stopped after the {limit:g} s time limit")
            status, payload = w.conn.recv()
        except (EOFError, BrokenPipeError, OSError):
            self._retire(w)
            w = self._start()
            raise QueryError("the query worker crashed; the query was not completed") from None
        finally:
            self._idle.put(w)
        if status != "ok":
            raise QueryError(payload)
        result = materialise(payload)
        result.elapsed = time.perf_counter() - start
        return result

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
        for w in workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
            w.process.join(2)
            if w.process.is_alive():
                w.process.kill()
        self._all.clear()

    def __enter__(self) -> QueryPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_POOLS: dict[str, QueryPool] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(path: str, workers: int = 2) -> QueryPool:
    """A process-wide pool per store folder, for long-lived processes (app, endpoint)."""
    with _POOLS_LOCK:
        pool = _POOLS.get(path)
        if pool is None:
            pool = _POOLS[path] = QueryPool(path, workers=workers)
        return pool


def run_user_query(store: Any, text: str, bindings: Mapping[str, Term] | None = None,
                   timeout: float | None = None, max_rows: int | None = None,
                   shared: bool = False) -> QueryResult:
    """Run an untrusted query against any store with the sandbox's checks and limits.

    Embedded stores use worker processes (a shared pool when `shared`, else a one-off
    worker, as the CLI wants); remote stores get the same text checks and an HTTP
    deadline, the server itself holding no local files to read.
    """
    check_query(text)
    timeout = QUERY_TIMEOUT if timeout is None else timeout
    max_rows = MAX_ROWS if max_rows is None else max_rows
    path = getattr(store, "path", None)
    if path is None:
        return store.query(text, bindings, max_rows=max_rows, timeout=timeout)  # type: ignore[no-any-return]
    if shared:
        return pool_for(str(path)).run(text, bindings, timeout=timeout, max_rows=max_rows)
    with QueryPool(str(path), workers=1, timeout=timeout, max_rows=max_rows) as pool:
        return pool.run(text, bindings)
