"""`repgraph build --store URL`: load a new generation, verify it, switch, clean up.

The steps keep the server usable throughout (graph.remote describes the names):
1. register the generation in the control graph as "loading", with each level's graph
   names, so that a build killed halfway can be found and dropped later;
2. send the quads: as N-Quads POSTed to the dataset's Graph Store Protocol endpoint
   where the server takes them (Oxigraph, Fuseki, GraphDB), else as INSERT DATA in
   chunks (Virtuoso: its protocol endpoint takes one graph per request, and INSERT
   DATA loads ~10k quads/s there, faster than graph by graph);
3. count what arrived against what was sent;
4. point `current` at it with one SPARQL UPDATE — the only step readers see;
5. drop every generation but this one and the previous (a reader may still use that).
A failure before step 4 drops the partial generation and leaves the server as it was.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from graph.exc import QueryError, StoreError
from graph.ingest import Ingested
from graph.remote import (
    CONTROL,
    CURRENT,
    GENERATION,
    PREVIOUS,
    STORE,
    Client,
    V,
    default_graph_name,
    names_for,
)
from graph.rewrite import Names

CHUNK = 5000  # triples per INSERT DATA request
QUAD_CHUNK = 200_000  # quads per N-Quads request to a Graph Store Protocol endpoint
BLOCK = 1000  # triples per GRAPH block within a request
DROP_CHUNK = 200  # DROP operations per update request
#: a generation still "loading" after this long belongs to a dead build and may be dropped
STALE_LOADING_SECONDS = 3600


def load(client: Client, data: Ingested, meta: dict[str, Any]) -> str:
    """Load both levels as a new generation, make it current, return its id."""
    gen = secrets.token_hex(5)
    levels: dict[str, list[ox.Quad]] = {}
    for level, lines in (("full", data.full), ("public", data.public)):
        levels[level] = list(ox.parse(("\n".join(lines) + "\n").encode("utf-8"),
                                      format=ox.RdfFormat.N_QUADS))
    graphs = {level: sorted({q.graph_name.value for q in quads
                             if isinstance(q.graph_name, ox.NamedNode)})
              for level, quads in levels.items()}
    with_default = [level for level, quads in levels.items()
                    if any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads)]
    meta = {**meta, "remote": {"generation": gen, "default_graph": with_default}}
    _register(client, gen, meta, graphs)
    try:
        as_quads = client.endpoints.store is not None
        for level, quads in levels.items():
            names = names_for(gen, level, graphs[level])
            expected, as_quads = _insert(client, gen, level, quads, names, as_quads)
            try:
                _verify(client, names, expected)
            except StoreError:
                if not as_quads:
                    raise
                # a store endpoint that answered 2xx without loading: INSERT DATA instead
                expected, as_quads = _insert(client, gen, level, quads, names, False)
                _verify(client, names, expected)
        previous = _switch(client, gen)
    except BaseException:
        _drop(client, gen)
        raise
    _cleanup(client, keep={gen, previous} - {None})
    return gen


def _register(client: Client, gen: str, meta: dict[str, Any],
              graphs: dict[str, list[str]]) -> None:
    g = f"<{GENERATION}{gen}>"
    lines = [f"{g} a <{V}Generation> ; <{V}state> \"loading\" ; "
             f"<{V}started> {ox.Literal(str(int(time.time())))} ; "
             f"<{V}meta> {ox.Literal(json.dumps(meta, sort_keys=True))} ."]
    for level, names in graphs.items():
        lines += [f"{g} <{V}graph-{level}> <{name}> ." for name in names]
    _send(client, {CONTROL: lines})


def _renamer(names: Names) -> Any:
    def rename(term: Any) -> Any:
        if isinstance(term, ox.NamedNode) and term.value in names.graphs:
            try:
                return ox.NamedNode(term.value + names.suffix)
            except ValueError:
                raise StoreError(f"graph name <{term.value}> cannot be renamed for a server "
                                 "(an IRI without a path); give the graph a path") from None
        return term
    return rename


def _insert(client: Client, gen: str, level: str, quads: list[ox.Quad],
            names: Names, as_quads: bool) -> tuple[tuple[int, int], bool]:
    """Send the level's renamed quads and its union graph; return (named quads, triples)
    and whether the server took them as N-Quads (else INSERT DATA, from now on)."""
    rename = _renamer(names)
    by_graph: dict[str, list[str]] = defaultdict(list)
    blank: dict[str, list[str]] = defaultdict(list)  # blank nodes must share one request
    seen: set[tuple[str, str]] = set()
    union: set[str] = set()
    named = 0
    for q in quads:
        s, p, o = rename(q.subject), rename(q.predicate), rename(q.object)
        triple = f"{s} {p} {o} ."
        in_default = isinstance(q.graph_name, ox.DefaultGraph)
        graph = default_graph_name(gen, level) if in_default else rename(q.graph_name).value
        if (graph, triple) in seen:
            continue
        seen.add((graph, triple))
        named += not in_default
        target = blank if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode) \
            else by_graph
        target[graph].append(triple)
        if triple not in union:
            union.add(triple)
            target[names.union].append(triple)
    if as_quads:
        as_quads = _send_quads(client, by_graph)
    else:
        _send(client, by_graph)
    if blank:
        _send(client, blank, chunk=None)
    return (named, len(union)), as_quads


def _send_quads(client: Client, by_graph: dict[str, list[str]]) -> bool:
    """POST the quads as N-Quads in large requests where the server takes them (Oxigraph
    bulk-loads them); return False if it refused and INSERT DATA was used instead.

    A refused first request (a server without a quad-accepting store endpoint answers
    4xx) switches to INSERT DATA for everything; quads already sent are not doubled, as
    a graph is a set, and `_verify` counts what arrived either way.
    """
    lines = (f"{triple[:-2]} <{graph}> ." for graph, triples in by_graph.items()
             for triple in triples)
    first = True
    while batch := list(itertools.islice(lines, QUAD_CHUNK)):
        try:
            client.post_quads(("\n".join(batch) + "\n").encode("utf-8"))
        except QueryError:
            if not first:
                raise
            _send(client, by_graph)
            return False
        first = False
    return True


def _send(client: Client, by_graph: dict[str, list[str]], chunk: int | None = CHUNK) -> None:
    """INSERT DATA requests of at most `chunk` triples (None: everything in one request),
    each graph's triples in GRAPH blocks of at most BLOCK (Virtuoso's parser runs out of
    stack at about 5,000 triples in one block)."""
    batch: list[str] = []
    size = 0
    for graph, triples in by_graph.items():
        for i in range(0, len(triples), BLOCK):
            part = triples[i:i + BLOCK]
            batch.append(f"GRAPH <{graph}> {{\n" + "\n".join(part) + "\n}")
            size += len(part)
            if chunk and size >= chunk:
                client.update("INSERT DATA {\n" + "\n".join(batch) + "\n}")
                batch, size = [], 0
    if batch:
        client.update("INSERT DATA {\n" + "\n".join(batch) + "\n}")


def _count(client: Client, query: str) -> int:
    rows = client.select(query)
    return int(rows[0]["n"].value) if rows else 0  # type: ignore[union-attr]


def _verify(client: Client, names: Names, expected: tuple[int, int]) -> None:
    quads, triples = expected  # names.* below are IRIs we generated, never user text
    got_union = _count(client, f"SELECT (COUNT(*) AS ?n) FROM <{names.union}> "  # noqa: S608
                               "WHERE { ?s ?p ?o }")
    got_quads = _count(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                               f"FILTER(STRENDS(STR(?g), \"{names.suffix}\")) }}")
    if (got_quads, got_union) != (quads, triples):
        raise StoreError(f"the server holds {got_quads} quads and {got_union} union triples "
                         f"after loading {quads} and {triples}; the build was not published")


def _switch(client: Client, gen: str) -> str | None:
    """Make `gen` current in one update; return the generation it replaced."""
    c, s, g = f"<{CONTROL}>", f"<{STORE}>", f"<{GENERATION}{gen}>"
    rows = client.select(f"SELECT ?gen WHERE {{ GRAPH {c} {{ {s} <{CURRENT}> ?gen }} }}")
    client.update(
        f"DELETE {{ GRAPH {c} {{ {s} <{CURRENT}> ?old . {s} <{PREVIOUS}> ?prev ."
        f" {g} <{V}state> ?state }} }}\n"
        f"INSERT {{ GRAPH {c} {{ {s} <{CURRENT}> {g} . {s} <{PREVIOUS}> ?old ."
        f" {g} <{V}state> \"ready\" }} }}\n"
        f"WHERE {{ OPTIONAL {{ GRAPH {c} {{ {s} <{CURRENT}> ?old }} }}"
        f" OPTIONAL {{ GRAPH {c} {{ {s} <{PREVIOUS}> ?prev }} }}"
        f" OPTIONAL {{ GRAPH {c} {{ {g} <{V}state> ?state }} }} }}")
    return rows[0]["gen"].value[len(GENERATION):] if rows else None  # type: ignore[union-attr]


def _cleanup(client: Client, keep: set[str | None]) -> None:
    rows = client.select(f"SELECT ?gen ?state ?started WHERE {{ GRAPH <{CONTROL}> {{ ?gen a "
                         f"<{V}Generation> ; <{V}state> ?state ; <{V}started> ?started }} }}")
    now = time.time()
    for row in rows:
        gen = row["gen"].value[len(GENERATION):]  # type: ignore[union-attr]
        loading = row["state"].value == "loading"  # type: ignore[union-attr]
        young = now - float(row["started"].value) < STALE_LOADING_SECONDS  # type: ignore[union-attr]
        if gen not in keep and not (loading and young):
            _drop(client, gen)


def _drop(client: Client, gen: str) -> None:
    """Remove a generation's graphs, then its control entry (so a retry can find them)."""
    g = f"<{GENERATION}{gen}>"
    ops = []
    for level in ("full", "public"):
        rows = client.select(
            f"SELECT ?g WHERE {{ GRAPH <{CONTROL}> {{ {g} <{V}graph-{level}> ?g }} }}")
        names = names_for(gen, level, [r["g"].value for r in rows])  # type: ignore[union-attr]
        ops += [f"DROP SILENT GRAPH <{names.stored(n)}>" for n in sorted(names.graphs)]
        ops += [f"DROP SILENT GRAPH <{names.union}>",
                f"DROP SILENT GRAPH <{default_graph_name(gen, level)}>"]
    for i in range(0, len(ops), DROP_CHUNK):
        client.update(" ;\n".join(ops[i:i + DROP_CHUNK]))
    client.update(f"DELETE WHERE {{ GRAPH <{CONTROL}> {{ {g} ?p ?o }} }}")
