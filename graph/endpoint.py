"""`repgraph serve`: a read-only SPARQL 1.1 Protocol endpoint over the public store.

For standard clients (YASGUI, SPARQLWrapper, rdflib's SPARQLStore, Gephi): GET and
POST (form and direct), content negotiation, the W3C protocol tests' status codes
for bad requests, a service description with VoID counts at GET /, CORS for
browser clients. The store is always the public one — there is no flag for the
full store. User queries get the CLI's sandbox (graph.sandbox: no updates, SERVICE,
LOAD or FROM; time limit; row cap, reported in X-Repgraph-Truncated), run in
killable worker processes for an embedded store. At most `workers` queries run at
once and at most `queue` wait for a slot; beyond that the answer is 503 with
Retry-After. The access log holds method, path, status and milliseconds only.

Built on the standard library's ThreadingHTTPServer: no new dependency, and the
work is in the query workers, not in the HTTP layer.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from graph import protocol
from graph.config import MAX_ROWS, QUERY_TIMEOUT
from graph.exc import QueryError, QueryRefused, QueryTimeout, RepgraphError, StoreError
from graph.results import QueryResult
from graph.sandbox import check_query, pool_for, run_user_query
from graph.store import GraphStore, current_generation, is_remote, open_store

log = logging.getLogger("repgraph.endpoint")
MAX_BODY = 1 << 20  # bytes of query a POST may carry
PATHS = ("/", "/sparql")


class Busy(Exception):
    """Every query slot and every waiting place is taken."""


class Limiter:
    """At most `running` queries at once; up to `waiting` more wait for a slot."""

    def __init__(self, running: int, waiting: int) -> None:
        self._slots = threading.BoundedSemaphore(running)
        self._lock = threading.Lock()
        self._waiting, self.max_waiting = 0, waiting

    @contextlib.contextmanager
    def slot(self, wait: float) -> Iterator[None]:
        if not self._slots.acquire(blocking=False):
            with self._lock:
                if self._waiting >= self.max_waiting:
                    raise Busy
                self._waiting += 1
            try:
                acquired = self._slots.acquire(timeout=wait)
            finally:
                with self._lock:
                    self._waiting -= 1
            if not acquired:
                raise Busy
        try:
            yield
        finally:
            self._slots.release()


class Endpoint:
    """The public store (following rebuilds), the limits, and a cached description."""

    def __init__(self, spec: str, workers: int, queue: int, timeout: float, max_rows: int,
                 url: str) -> None:
        self.spec, self.workers, self.timeout, self.max_rows = spec, workers, timeout, max_rows
        self.url = url
        self.limiter = Limiter(workers, queue)
        self._lock = threading.Lock()
        self._store: GraphStore = open_store(spec)
        self._description: tuple[str, list[Any]] | None = None
        self.warm()

    def store(self) -> GraphStore:
        """The current public store: an embedded location is re-opened after a build."""
        if is_remote(self.spec):
            return self._store
        gen = current_generation(Path(self.spec))
        with self._lock:
            path = getattr(self._store, "path", None)
            if gen is not None and path is not None and Path(path).parent != gen:
                self._store = open_store(self.spec)
                self.warm()
                # let queries already running on the old generation finish, then stop its workers
                threading.Timer(self.timeout + 5, pool_for(str(path)).close).start()
            return self._store

    def warm(self) -> None:
        """Start the query workers now rather than on the first request."""
        path = getattr(self._store, "path", None)
        if path is not None:
            pool_for(str(path), workers=self.workers)

    def run(self, text: str) -> QueryResult:
        store = self.store()
        with self.limiter.slot(self.timeout):
            path = getattr(store, "path", None)
            if path is not None:
                return pool_for(str(path), workers=self.workers).run(
                    text, timeout=self.timeout, max_rows=self.max_rows)
            return run_user_query(store, text, timeout=self.timeout, max_rows=self.max_rows)

    def description(self) -> list[Any]:
        store = self.store()
        with self._lock:
            if self._description is None or self._description[0] != store.generation:
                self._description = (store.generation, protocol.description(store, self.url))
            return self._description[1]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "repgraph"
    sys_version = ""
    timeout = 60  # seconds a client may take to send its request
    server: EndpointServer

    # -- plumbing -----------------------------------------------------------------------
    def _send(self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "X-Repgraph-Truncated")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, (message.rstrip() + "\n").encode("utf-8"), headers=headers)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        ms = (time.perf_counter() - getattr(self, "_t0", time.perf_counter())) * 1000
        log.info("%s %s %s %.0fms", self.command, urlsplit(self.path).path[:200], code, ms)

    def log_error(self, format: str, *args: Any) -> None:
        """The stdlib would log the request line (query text included): log nothing."""

    def handle_one_request(self) -> None:
        self._t0 = time.perf_counter()
        super().handle_one_request()

    # -- methods ------------------------------------------------------------------------
    def do_OPTIONS(self) -> None:
        self._send(204, b"", headers={
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "86400", "Allow": "GET, POST, OPTIONS"})

    def do_GET(self) -> None:
        self._query(parse_qs(urlsplit(self.path).query, keep_blank_values=True), [])

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        ctype, _, options = (self.headers.get("Content-Type") or "").partition(";")
        ctype = ctype.strip().lower()
        charset = next((o.split("=", 1)[1].strip().strip('"').lower() for o in options.split(";")
                        if o.strip().lower().startswith("charset=")), "utf-8")
        try:
            length = int(self.headers.get("Content-Length") or -1)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True  # the body stays unread: the connection is unusable
            if length < 0:
                return self._error(411, "a POST needs a Content-Length")
            return self._error(413, f"the request is larger than {MAX_BODY} bytes")
        body = self.rfile.read(length)
        if ctype == "application/sparql-update":
            return self._error(400, "updates are not accepted: this endpoint is read-only")
        if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            return self._error(415, "send application/x-www-form-urlencoded (query=...) or "
                               "application/sparql-query")
        if charset not in ("utf-8", "utf8"):
            return self._error(415, f"only UTF-8 is accepted, not {charset}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self._error(400, "the request body is not valid UTF-8")
        if ctype == "application/sparql-query":
            return self._query(params, [text])
        for k, v in parse_qs(text, keep_blank_values=True).items():
            params.setdefault(k, []).extend(v)
        return self._query(params, [], post_form=True)

    def do_PUT(self) -> None:
        self._error(405, "use GET or POST", {"Allow": "GET, POST, OPTIONS"})

    do_DELETE = do_PATCH = do_PUT

    # -- the protocol -------------------------------------------------------------------
    def _query(self, params: dict[str, list[str]], direct: list[str],
               post_form: bool = False) -> None:
        if urlsplit(self.path).path not in PATHS:
            return self._error(404, "not found: the endpoint is at /sparql")
        if "update" in params or "using-graph-uri" in params:
            return self._error(400, "updates are not accepted: this endpoint is read-only")
        queries = params.get("query", []) + direct
        if len(queries) > 1:
            return self._error(400, "send exactly one query")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return self._error(400, "the dataset is fixed (the public data): drop "
                               "default-graph-uri and named-graph-uri")
        if not queries:
            if self.command in ("GET", "HEAD") and not post_form:
                return self._describe()
            return self._error(400, "no query: send query=... or an application/sparql-query body")
        text = queries[0]
        try:
            kind = check_query(text)
        except QueryError as exc:
            return self._error(400, str(exc))
        media = protocol.negotiate(self.headers.get("Accept"), kind)
        if media is None:
            return self._error(406, "acceptable here: " + ", ".join(protocol.OFFERS[kind]))
        endpoint = self.server.endpoint
        try:
            result = endpoint.run(text)
        except Busy:
            return self._error(503, "too many queries at once; try again shortly",
                               {"Retry-After": "2"})
        except QueryTimeout as exc:
            return self._error(503, str(exc))
        except QueryRefused as exc:
            return self._error(400, str(exc))
        except StoreError as exc:
            log.warning("store unavailable: %s", type(exc).__name__)
            return self._error(503, "the data store is unavailable; try again later",
                               {"Retry-After": "10"})
        except QueryError as exc:
            crashed = str(exc).startswith("the query worker crashed")
            return self._error(500 if crashed else 400, str(exc))
        body = protocol.serialise(result, media, endpoint.store().base)
        headers = {"Vary": "Accept", "X-Repgraph-Truncated": str(result.truncated).lower()}
        return self._send(200, body, f"{media}; charset=utf-8", headers)

    def _describe(self) -> None:
        media = protocol.negotiate(self.headers.get("Accept"), "description")
        if media is None:
            return self._error(406, "acceptable here: "
                               + ", ".join(protocol.OFFERS["description"]))
        endpoint = self.server.endpoint
        if media == protocol.HTML:
            from graph.query import saved_queries

            examples = {q.title: q.text for q in saved_queries().values() if not q.params}
            body = protocol.form_page(endpoint.url, examples)
            csp = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
            return self._send(200, body, "text/html; charset=utf-8",
                              {"Content-Security-Policy": csp, "Vary": "Accept"})
        try:
            triples = endpoint.description()
        except RepgraphError:
            return self._error(503, "the data store is unavailable; try again later")
        body = protocol.to_rdf(triples, media, extra=protocol.SD_PREFIXES)
        return self._send(200, body, f"{media}; charset=utf-8",
                          {"Vary": "Accept"})


class EndpointServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is routine: one line, no traceback."""
        import sys

        log.warning("connection error: %s", type(sys.exc_info()[1]).__name__)


def make_server(spec: str, host: str = "127.0.0.1", port: int = 7878,
                workers: int | None = None, queue: int | None = None,
                timeout: float | None = None, max_rows: int | None = None,
                url: str | None = None) -> EndpointServer:
    """An endpoint server, bound but not yet serving (port 0 picks a free port)."""
    workers = workers or int(os.environ.get("REPGRAPH_ENDPOINT_WORKERS", "2"))
    queue = int(os.environ.get("REPGRAPH_ENDPOINT_QUEUE", "64")) if queue is None else queue
    endpoint = Endpoint(spec, workers, queue, QUERY_TIMEOUT if timeout is None else timeout,
                        MAX_ROWS if max_rows is None else max_rows, url or "")
    server = EndpointServer((host, port), endpoint)
    if not url:
        endpoint.url = os.environ.get("REPGRAPH_PUBLIC_URL",
                                      f"http://{host}:{server.server_address[1]}/sparql")
    return server


def serve(store_spec: str, host: str = "127.0.0.1", port: int = 7878, full: bool = False,
          **limits: Any) -> None:
    """Serve the public store until interrupted."""
    if full:
        raise RepgraphError("the endpoint serves the public store only")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    server = make_server(store_spec, host, port, **limits)
    print(f"SPARQL endpoint at {server.endpoint.url} (public data, read-only)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
