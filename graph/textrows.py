"""Reading a trusted SELECT's rows as plain text, straight from Oxigraph's TSV.

The projection reads tens of thousands of cells and uses only their text (an IRI's
string, a literal's lexical form). Splitting the TSV here is 3× faster than making a
term object per cell (`graph.store.materialise`), and `TextRowStream` goes further:
it parses the answer while Oxigraph is still writing it, so the Python work is done by
the time the query ends instead of after it.
"""

from __future__ import annotations

import itertools
import queue
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future

import pyoxigraph as ox

from graph.results import PREFIXES, plain
from graph.store import EmbeddedStore, GraphStore, Tsv, execute_on_oxigraph, query_errors

Row = tuple[str | None, ...]


def text_rows(store: GraphStore, sparql: str) -> list[Row]:
    """A trusted SELECT's rows as the text of each cell: an IRI's string, a literal's
    lexical form (no language or datatype), a blank node's id, None where unbound.

    Remote stores answer through their own client and are read from its terms."""
    if isinstance(store, EmbeddedStore):
        answer = execute_on_oxigraph(store.raw, sparql, None, None,
                                     use_default_graph_as_union=True)
        if isinstance(answer, Tsv):
            return tsv_text(answer.data)
        result = answer  # not a SELECT: no rows
    else:
        result = store.query(sparql)
    return [tuple(plain(t) for t in row) for row in result.rows]


def tsv_text(data: bytes) -> list[Row]:
    """The cells of a whole SPARQL TSV answer as text (see `text_rows`)."""
    return list(rows_from_pieces([data]))


class TextRowStream:
    """A trusted SELECT read as text (`text_rows`) while it still runs.

    The query runs on `pool` from the moment this is made; Oxigraph evaluates without
    holding the GIL and hands over its TSV in the 8 KB pieces it writes. Iterating
    parses each piece as it arrives, so a caller can do other work first (the projection
    reads its nodes meanwhile) and has parsed nearly every row when the query ends: at
    100k triples this took the claim rows' ~45 ms of parsing and grouping off the
    projection's critical path. A query error is raised by the iteration.
    """

    def __init__(self, store: GraphStore, sparql: str, pool: Executor) -> None:
        self._pieces: queue.SimpleQueue[bytes | list[Row] | None] = queue.SimpleQueue()
        self._done: Future[None] = pool.submit(self._run, store, sparql)

    def _run(self, store: GraphStore, sparql: str) -> None:
        try:
            if isinstance(store, EmbeddedStore):
                with query_errors():  # as `text_rows` and every store query raise
                    answer = store.raw.query(sparql, prefixes=PREFIXES,
                                             use_default_graph_as_union=True)
                    if isinstance(answer, ox.QuerySolutions):
                        answer.serialize(self, format=ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
            else:
                self._pieces.put(text_rows(store, sparql))
        finally:
            self._pieces.put(None)

    def write(self, data: bytes) -> int:
        """Oxigraph's serialiser writes here (on the worker thread)."""
        self._pieces.put(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def __iter__(self) -> Iterator[Row]:
        yield from rows_from_pieces(iter(self._pieces.get, None))
        self._done.result()  # a failed query raises here


def rows_from_pieces(pieces: Iterable[bytes | list[Row]]) -> Iterator[Row]:
    """The rows of a TSV answer that arrives in pieces cut anywhere (even inside a
    character), as `tsv_text` reads the whole; a list is rows already read."""
    rest = b""
    header: str | None = None
    for piece in itertools.chain(pieces, [None]):
        if isinstance(piece, list):
            yield from piece
            continue
        if piece is None:  # the end: the last row may lack its newline
            if not rest:
                break
            piece = b"\n"
        data = rest + piece
        cut = data.rfind(b"\n") + 1  # TSV escapes newlines: a row is one line
        rest = data[cut:]
        lines = data[:cut].decode("utf-8").split("\n")
        lines.pop()
        if header is None and lines:
            header = lines.pop(0)
        if header:
            for line in lines:
                yield _line_text(line)
        else:  # no variables: each row is empty
            yield from (() for _ in lines)


def _line_text(line: str) -> Row:
    return tuple([_cell_text(cell) for cell in line.split("\t")])


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
            "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    if code:
        return chr(int(code, 16))
    return _ESCAPED.get(match.group(3), match.group(0))


def _cell_text(cell: str) -> str | None:
    if not cell:
        return None
    first = cell[0]
    if first == "<" and not cell.startswith("<<"):
        return cell[1:-1]
    if first == '"':
        body = cell[1:cell.rindex('"')]
        return _ESCAPE.sub(_unescape, body) if "\\" in body else body
    if cell.startswith("_:"):
        return cell[2:]
    return cell  # a number or boolean in short form (or a quoted triple, as written)
