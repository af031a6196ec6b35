"""Stores on a SPARQL 1.1 server: stateless app replicas over one shared engine.

One server holds both levels and, during a build, two generations. The naming
scheme (docs/deployment.md explains it for operators):

    <urn:x-repgraph:control>                  a small control graph:
        <urn:x-repgraph:store> <urn:x-repgraph:current> <urn:x-repgraph:generation:ID>
        the generation's meta (JSON), state, start time and each level's graph names
    <G!rg.ID.LEVEL>                           each named graph G of a level, renamed
    <urn:x-repgraph:generation:ID:LEVEL:union>   the union of the level's triples

Why this shape:
- Levels and generations must not share graph names (the same source graph holds
  restricted claims in `full` and not in `public`), and Oxigraph server and Virtuoso
  offer one dataset each. So every IRI that names one of a level's graphs is
  suffixed *wherever it occurs* (graph name, subject, object): joins between a
  graph and its source's description (`GRAPH ?g {...} ?g dct:title ?t`) keep
  working, IRI constants in queries are renamed the same way (graph.rewrite), and
  results are renamed back, so a query sees the names the embedded store uses.
  A query that takes apart such an IRI's *text* inside the query (STRENDS(STR(?g)...))
  sees the suffix; results never do. The suffix starts with "!", the lowest
  character an IRI may contain, so ORDER BY sorts renamed IRIs as before.
- The default graph is one stored union graph per level, not a FROM list of every
  source graph: on Oxigraph server a FROM list costs about 0.25 ms per graph per
  query (61 ms with 100 sources, 0.75 s with 3,000, measured), a single graph ~2 ms.
  It holds each triple once (an RDF merge); the embedded store's union default graph
  counts a triple stated by two sources twice, so only non-DISTINCT counts over such
  triples can differ.
- Every query is pinned with FROM/FROM NAMED by graph.rewrite: without FROM NAMED,
  Virtuoso lets GRAPH ?g reach every graph on the server, restricted ones included.
- A build loads a new generation, then switches `current` with one SPARQL UPDATE;
  readers look the pointer up at most every REPGRAPH_POINTER_TTL seconds (default 5),
  and the previous generation is kept for readers that still hold it.

Credentials come from REPGRAPH_SPARQL_USER / REPGRAPH_SPARQL_PASSWORD (HTTP basic or
digest, whichever the server asks for), never from the URL, and are never logged.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.client import HTTPResponse
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from graph.exc import QueryTimeout, StoreError
from graph.results import QueryResult, Term
from graph.rewrite import Names, prepare
from graph.sparqlclient import JSON_RESULTS, TRUSTED_TIMEOUT, Client, check_complete, fixed

if TYPE_CHECKING:
    from graph.ingest import Ingested

CONTROL = "urn:x-repgraph:control"
STORE = "urn:x-repgraph:store"
CURRENT = "urn:x-repgraph:current"
PREVIOUS = "urn:x-repgraph:previous"
GENERATION = "urn:x-repgraph:generation:"
EMPTY = "urn:x-repgraph:no-graph"
V = "urn:x-repgraph:"  # control vocabulary: state, started, meta, graph-public, graph-full
GRAPH_RESULTS = "application/n-triples, text/turtle;q=0.9"
XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


def names_for(gen: str, level: str, graphs: Iterable[str], mode: str = "list") -> Names:
    return Names(frozenset(graphs), f"!rg.{gen}.{level}",
                 f"{GENERATION}{gen}:{level}:union", EMPTY, mode)


def default_graph_name(gen: str, level: str) -> str:
    """Where triples the embedded store keeps in its default graph live on a server."""
    return f"{GENERATION}{gen}:{level}:default"


# -- the store -------------------------------------------------------------------------

@dataclass
class _View:
    """What a generation and level are called on the server, with its meta."""

    gen: str
    meta: dict[str, Any]
    names: Names
    has_default: bool
    seen: float = field(default_factory=time.monotonic)


class RemoteStore:
    """One level of the current generation on a SPARQL server; the GraphStore contract."""

    def __init__(self, spec: str, level: str = "public") -> None:
        if level not in ("public", "full"):
            raise StoreError(f"unknown level {level!r}")
        self.spec, self.level = spec, level
        self.client = Client(spec)
        self.ttl = float(os.environ.get("REPGRAPH_POINTER_TTL", "5"))
        self._lock = threading.Lock()
        self._view_cache: _View | None = None
        self.base = ""  # the entity namespace, from the current generation's meta
        self._view()

    def __repr__(self) -> str:
        return f"RemoteStore({self.spec!r}, level={self.level!r})"

    # the pointer, looked up at most every `ttl` seconds
    def _view(self) -> _View:
        with self._lock:
            view = self._view_cache
            if view is not None and time.monotonic() - view.seen < self.ttl:
                return view
            rows = self.client.select(
                f"SELECT ?gen ?meta WHERE {{ GRAPH <{CONTROL}> {{ <{STORE}> <{CURRENT}> ?gen . "
                f"?gen <{V}meta> ?meta }} }}")
            if not rows:
                raise StoreError(f"no built store at {self.spec}: run "
                                 f"`repgraph build --store {self.spec}` first")
            gen = rows[0]["gen"].value[len(GENERATION):]  # type: ignore[union-attr]
            if view is None or view.gen != gen:
                view = self._load_view(gen, json.loads(rows[0]["meta"].value))  # type: ignore[union-attr]
                self.base = str(view.meta.get("base", ""))
            view.seen = time.monotonic()
            self._view_cache = view
            return view

    def _load_view(self, gen: str, meta: dict[str, Any]) -> _View:
        rows = self.client.select(
            f"SELECT ?g WHERE {{ GRAPH <{CONTROL}> {{ <{GENERATION}{gen}> "
            f"<{V}graph-{self.level}> ?g }} }}")
        graphs = [r["g"].value for r in rows]  # type: ignore[union-attr]
        has_default = self.level in meta.get("remote", {}).get("default_graph", [])
        view = _View(gen, meta, names_for(gen, self.level, graphs), has_default)
        mode = os.environ.get("REPGRAPH_NAMED_GRAPHS") or self._probe(view)
        if mode not in ("list", "filter"):
            raise StoreError(f"REPGRAPH_NAMED_GRAPHS must be 'list' or 'filter', not {mode!r}")
        view.names = names_for(gen, self.level, graphs, mode)
        return view

    def _probe(self, view: _View) -> str:
        """"filter" if the engine keeps named graphs open under FROM alone (Virtuoso does;
        the standard says they are closed): there GRAPH patterns are kept in the level by
        a filter on the name, as long FROM NAMED lists are slow (80 s against 5 s for a
        count over 2,800 graphs, measured on Virtuoso 7.2)."""
        n = view.names
        text = (f"ASK FROM <{n.union}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "  # our own IRIs
                f"FILTER(STRENDS(STR(?g), {json.dumps(n.suffix)})) }}")
        return "filter" if self._run(text, "ask", view, None, TRUSTED_TIMEOUT).boolean else "list"

    @property
    def generation(self) -> str:
        return f"{self._view().gen}/{self.level}"

    @property
    def meta(self) -> dict[str, Any]:
        return self._view().meta

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None,
              max_rows: int | None = None, timeout: float | None = None) -> QueryResult:
        """Run a query on this level; with `timeout` (user queries) the HTTP deadline."""
        view = self._view()
        prepared = prepare(sparql, view.names, bindings)
        return self._run(prepared.text, prepared.form, view, max_rows,
                         TRUSTED_TIMEOUT if timeout is None else timeout)

    def _run(self, text: str, form: str, view: _View, max_rows: int | None,
             timeout: float) -> QueryResult:
        start = time.perf_counter()
        deadline = time.monotonic() + timeout
        accept = GRAPH_RESULTS if form == "graph" else JSON_RESULTS
        resp = self.client.post(self.client.endpoints.query, {"query": text}, accept, timeout)
        try:
            check_complete(resp, max_rows)
            result = _read(resp, form, view.names.suffix, max_rows, deadline)
            result.truncated = result.truncated or resp.headers.get("X-SPARQL-MaxRows") is not None
        except (OSError, SyntaxError, ValueError) as exc:
            if time.monotonic() >= deadline:
                raise QueryTimeout(f"query stopped after the {timeout:g} s time limit") from None
            # a server that stops a query mid-answer (Oxigraph's --timeout-s) breaks the stream
            raise QueryTimeout("the SPARQL server broke off its answer, usually at its own "
                               f"time limit ({exc})") from None
        finally:
            resp.close()
        result.elapsed = time.perf_counter() - start
        return result

    def dump(self, fmt: ox.RdfFormat) -> bytes:
        """Every quad of this level, with the names the embedded store uses."""
        view = self._view()
        mem = ox.Store()
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        mem.extend(ox.Quad(r[0], r[1], r[2], r[3]) for r in rows)  # type: ignore[arg-type]
        if view.has_default:
            g = default_graph_name(view.gen, self.level)
            text = f"SELECT ?s ?p ?o FROM NAMED <{g}> WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"  # noqa: S608 (our own IRI)
            rows = self._run(text, "select", view, None, TRUSTED_TIMEOUT).rows
            mem.extend(ox.Quad(r[0], r[1], r[2]) for r in rows)  # type: ignore[arg-type]
        return mem.dump(format=fmt) or b""

    def __len__(self) -> int:
        row = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0]
        return int(row[0].value)  # type: ignore[union-attr]


def _read(resp: HTTPResponse, form: str, suffix: str, max_rows: int | None,
          deadline: float) -> QueryResult:
    """Parse while reading; stop at max_rows, and at the deadline (the socket timeout
    alone would let a server that trickles rows run on)."""
    if form == "graph":
        fmt = ox.RdfFormat.from_media_type(resp.headers.get_content_type()) \
            or ox.RdfFormat.N_TRIPLES
        triples: list[ox.Triple] = []
        for q in ox.parse(fixed(resp), format=fmt):
            if max_rows is not None and len(triples) >= max_rows:
                return QueryResult("graph", triples=triples, truncated=True)
            _on_time(len(triples), deadline)
            triples.append(ox.Triple(*(_back(t, suffix) for t in q.triple)))  # type: ignore[arg-type]
        return QueryResult("graph", triples=triples)
    answer = ox.parse_query_results(fixed(resp), format=ox.QueryResultsFormat.JSON)
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if form == "ask":  # Virtuoso answers a false ASK as an empty table of ?__ASK_RETVAL
        return QueryResult("ask", boolean=any(
            s[0] is not None and s[0].value not in ("0", "false") for s in answer))
    variables = [v.value for v in answer.variables]
    rows: list[tuple[Term | None, ...]] = []
    for solution in answer:
        if max_rows is not None and len(rows) >= max_rows:
            return QueryResult("select", variables, rows, truncated=True)
        _on_time(len(rows), deadline)
        rows.append(tuple(_back(solution[i], suffix) for i in range(len(variables))))
    return QueryResult("select", variables, rows)


def _on_time(n: int, deadline: float) -> None:
    if n % 1000 == 999 and time.monotonic() > deadline:
        raise QueryTimeout("query stopped at the time limit while its answer was arriving")


def _back(term: Any, suffix: str) -> Any:
    """A term as the embedded store would give it: renamed IRIs restored, booleans canonical."""
    if isinstance(term, ox.NamedNode):
        return ox.NamedNode(term.value.replace(suffix, "")) if suffix in term.value else term
    if isinstance(term, ox.Literal):
        if term.datatype == XSD_BOOLEAN and term.value in ("1", "0"):  # Virtuoso's lexical form
            return ox.Literal("true" if term.value == "1" else "false", datatype=XSD_BOOLEAN)
        if suffix in term.value:
            value = term.value.replace(suffix, "")
            return (ox.Literal(value, language=term.language) if term.language
                    else ox.Literal(value, datatype=term.datatype))
        return term
    if isinstance(term, ox.Triple):
        return ox.Triple(*(_back(t, suffix) for t in term))
    return term


def load_remote(location: str, data: Ingested, meta: dict[str, Any]) -> None:
    """Load a build into a new generation on the server and make it current."""
    from graph.remote_load import load  # the loader is only needed by `repgraph build`

    load(Client(location), data, meta)
