"""Talking SPARQL 1.1 Protocol to a server: endpoints, credentials, Virtuoso's quirks.

Kept apart from graph.remote (what the store means) so that this file is only about
HTTP: which URLs a server answers at, how credentials are sent (never from the URL,
never logged), how errors become the project's errors, and how a Virtuoso answer is
made standard before pyoxigraph's parsers read it.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from http.client import HTTPResponse
from typing import IO, cast

import pyoxigraph as ox

from graph.exc import QueryError, QueryTimeout, StoreError
from graph.results import Term

JSON_RESULTS = "application/sparql-results+json"
#: trusted (internal) queries get this long before the client gives up on the server
TRUSTED_TIMEOUT = float(os.environ.get("REPGRAPH_REMOTE_TIMEOUT", "300"))


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    #: where a build may POST N-Quads (Graph Store Protocol on the dataset), if anywhere
    store: str | None = None


def endpoints(url: str, with_credentials: bool) -> Endpoints:
    """Query and update URLs from a server URL (REPGRAPH_QUERY_URL/_UPDATE_URL override).

    `.../sparql` is Virtuoso-style (updates at /sparql-auth when credentials are set;
    Neptune: set REPGRAPH_UPDATE_URL to the same /sparql); `.../repositories/ID` is
    GraphDB (updates at /statements); anything else is Oxigraph- and Fuseki-style
    (`URL/query`, `URL/update`). Builds POST N-Quads to the dataset where the server
    takes them — Oxigraph `URL/store` (bulk loading), Fuseki `URL/data`, GraphDB
    `/statements`; REPGRAPH_GSP_URL overrides, empty to turn it off — and fall back to
    INSERT DATA where it does not (Virtuoso's Graph Store Protocol takes one graph per
    request).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        raise StoreError("put credentials in REPGRAPH_SPARQL_USER and REPGRAPH_SPARQL_PASSWORD,"
                         " not in the store URL")
    root = url.rstrip("/")
    store: str | None
    if root.endswith("/sparql"):
        query, update = root, root + "-auth" if with_credentials else root
        store = None
    elif "/repositories/" in root:
        query, update = root, root + "/statements"
        store = update
    else:
        query, update = root + "/query", root + "/update"
        # Oxigraph's server bulk-loads (not one transaction) with these flags; the build
        # is atomic anyway: it writes new graph names and switches only after counting
        store = root + ("/data" if parts.path.strip("/") else "/store?no_transaction&lenient")
    found = Endpoints(os.environ.get("REPGRAPH_QUERY_URL", query),
                      os.environ.get("REPGRAPH_UPDATE_URL", update),
                      os.environ.get("REPGRAPH_GSP_URL", store or "") or None)
    for u in (found.query, found.update, found.store or "http://"):
        if not u.startswith(("http://", "https://")):
            raise StoreError(f"not an http(s) SPARQL endpoint: {u}")
    return found


class Client:
    """Posts SPARQL to one server; opens a fresh opener per request (urllib's auth
    handlers keep retry counters that are not safe to share between threads)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._user = os.environ.get("REPGRAPH_SPARQL_USER") or None
        self._password = os.environ.get("REPGRAPH_SPARQL_PASSWORD", "")
        self.endpoints = endpoints(url, self._user is not None)

    def _opener(self) -> urllib.request.OpenerDirector:
        if self._user is None:
            return urllib.request.build_opener()
        pm = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        urls = [self.endpoints.query, self.endpoints.update, self.endpoints.store or ""]
        pm.add_password(None, [u for u in urls if u],  # type: ignore[arg-type]
                        self._user, self._password)
        return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(pm),
                                           urllib.request.HTTPDigestAuthHandler(pm))

    def post(self, url: str, form: Mapping[str, str], accept: str, timeout: float
             ) -> HTTPResponse:
        body = urllib.parse.urlencode(form).encode("utf-8")
        return self._send(url, body, "application/x-www-form-urlencoded", accept, timeout)

    def post_quads(self, nquads: bytes, timeout: float = TRUSTED_TIMEOUT) -> None:
        """Add N-Quads to the dataset through the Graph Store Protocol endpoint."""
        if self.endpoints.store is None:
            raise StoreError("this server has no Graph Store Protocol endpoint for quads")
        with self._send(self.endpoints.store, nquads, "application/n-quads", "*/*",
                        timeout) as resp:
            resp.read()

    def _send(self, url: str, body: bytes, content_type: str, accept: str, timeout: float
              ) -> HTTPResponse:
        # only http(s) URLs get here: endpoints() refuses other schemes
        req = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310
            "Content-Type": content_type, "Accept": accept})
        try:
            return self._opener().open(req, timeout=timeout)  # type: ignore[no-any-return]
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace").strip()
            if exc.code in (401, 403):
                raise StoreError(f"the SPARQL server at {url} refused the credentials "
                                 "(REPGRAPH_SPARQL_USER / REPGRAPH_SPARQL_PASSWORD)") from None
            if 400 <= exc.code < 500:
                raise QueryError(f"the SPARQL server refused the request ({exc.code}): "
                                 f"{detail}") from None
            raise StoreError(f"the SPARQL server at {url} failed ({exc.code}): "
                             f"{detail[:500]}") from None
        except TimeoutError:
            raise QueryTimeout(f"no answer from the SPARQL server within {timeout:g} s") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach the SPARQL server at {url}: {reason}") from None

    def update(self, sparql: str, timeout: float = TRUSTED_TIMEOUT) -> None:
        with self.post(self.endpoints.update, {"update": sparql}, "*/*", timeout) as resp:
            resp.read()

    def select(self, sparql: str, timeout: float = TRUSTED_TIMEOUT) -> list[dict[str, Term]]:
        """A trusted SELECT sent as is (control graph, verification), rows as dicts."""
        with self.post(self.endpoints.query, {"query": sparql}, JSON_RESULTS, timeout) as resp:
            check_complete(resp, None)
            answer = ox.parse_query_results(fixed(resp), format=ox.QueryResultsFormat.JSON)
            names = [v.value for v in answer.variables]  # type: ignore[union-attr]
            return [{n: s[n] for n in names if s[n] is not None} for s in answer]  # type: ignore[union-attr]


class _Virtuoso:
    """A byte stream with Virtuoso's `nodeID://` blank-node prefix removed, so that
    pyoxigraph's standard parser accepts it (streamed: rows are read only as needed)."""

    _NEEDLE, _REPL = b'"value": "nodeID://', b'"value": "'

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._ready = bytearray()  # rewritten bytes not yet handed out
        self._tail = b""  # what could be the start of a needle cut by a chunk boundary
        self._eof = False

    def _fill(self, want: int) -> None:
        while len(self._ready) < want and not self._eof:
            chunk = self._raw.read(65536)
            data = (self._tail + chunk).replace(self._NEEDLE, self._REPL)
            if not chunk:
                self._eof, self._tail = True, b""
                self._ready += data
                break
            k = next((k for k in range(len(self._NEEDLE) - 1, 0, -1)
                      if data.endswith(self._NEEDLE[:k])), 0)
            self._ready += data[:len(data) - k]
            self._tail = data[len(data) - k:]

    def read(self, n: int | None = -1) -> bytes:
        """At most n bytes (the parser relies on that), all of them when n is negative."""
        want = len(self._ready) + (1 << 62) if n is None or n < 0 else n
        self._fill(want)
        out = bytes(self._ready[:want])
        del self._ready[:want]
        return out


def fixed(resp: IO[bytes]) -> IO[bytes]:
    return cast(IO[bytes], _Virtuoso(resp))


def check_complete(resp: HTTPResponse, max_rows: int | None) -> None:
    """Virtuoso cuts results silently at ResultSetMaxRows, and an "anytime" query returns
    partial results: refuse both rather than pass on a wrong answer as complete."""
    if resp.headers.get("X-SQL-State"):
        raise QueryTimeout("the SPARQL server stopped the query early "
                           f"({resp.headers.get('X-SQL-Message', 'partial results')})")
    if max_rows is None and resp.headers.get("X-SPARQL-MaxRows"):
        raise StoreError("the SPARQL server truncated a result at "
                         f"{resp.headers['X-SPARQL-MaxRows']} rows: raise its row limit "
                         "(Virtuoso: [SPARQL] ResultSetMaxRows)")
