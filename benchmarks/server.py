"""The Oxigraph server column: the same store served over HTTP on 127.0.0.1.

`oxigraph serve-read-only --union-default-graph` opens the built full store folder
itself (RocksDB allows several read-only openers), so no second copy is loaded.
Queries go over the SPARQL 1.1 Protocol and the JSON results are parsed, as any
client must.  Parameters travel as VALUES blocks placed as graph.rewrite places them for a remote
store — the protocol has no bindings.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.rewrite import with_bindings

#: Loopback requests must never go through a proxy configured in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def oxigraph_binary() -> str:
    local = Path(sys.executable).parent / "oxigraph"
    found = str(local) if local.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed: .venv/bin/pip install oxigraph")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def oxigraph_server(store_dir: Path) -> Iterator[str]:
    """Serve a store folder read-only; yields the query URL."""
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location", str(store_dir),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"oxigraph server exited: {proc.stderr.read()[:500]!r}")
            try:
                query(url, "ASK { }")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def query(url: str, text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
          timeout: float = 120) -> int:
    """Run one query over HTTP; return the number of result rows (parsed JSON)."""
    body = urllib.parse.urlencode({"query": with_bindings(text, bindings or {})}).encode()
    req = urllib.request.Request(url, data=body, headers={  # noqa: S310 (an http URL we built)
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    with _OPENER.open(req, timeout=timeout) as resp:
        answer = json.loads(resp.read())
    return len(answer["results"]["bindings"]) if "results" in answer else 1


def _test_servers() -> Any:
    """tests/servers.py (start and stop real engines), loaded by path: tests/ is no package."""
    path = Path(__file__).resolve().parent.parent / "tests" / "servers.py"
    spec = importlib.util.spec_from_file_location("repgraph_test_servers", path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@contextmanager
def server_queries(data: Path, store_dir: Path, work: Path, remote: bool = True) -> Iterator[
        tuple[Callable[[str, Mapping[str, Any]], object], str, float | None]]:
    """A query function on an Oxigraph server holding the same data, how it was set up,
    and the time the build took to load the server (None when it serves the built folder).

    The deployment path first: `repgraph build --store URL` into `oxigraph serve` and
    graph.remote.RemoteStore on top (query rewriting, pinned dataset, results renamed
    back). Without graph.remote (or with remote=False: loading a server through the
    build takes minutes at 1M), `oxigraph serve-read-only` over the built full store.
    """
    servers = None
    if remote:
        try:
            servers = _test_servers()
            from graph.build import build
            from graph.store import open_store
        except ImportError:
            servers = None
    if servers is not None:
        with servers.running("oxigraph", work / "oxigraph-server") as srv:
            start = time.perf_counter()
            build([data], srv.url)
            loaded = time.perf_counter() - start
            remote = open_store(srv.url, full=True)
            yield (lambda text, b: remote.query(text, b)), "graph.remote.RemoteStore on " \
                "`oxigraph serve` (built with `repgraph build --store URL`)", loaded
        return
    with oxigraph_server(store_dir) as url:
        yield (lambda text, b: query(url, text, b)), "`oxigraph serve-read-only` over the " \
            "built full store, parameters as VALUES", None
