"""Real SPARQL servers on 127.0.0.1 for tests: the Oxigraph server and OpenLink Virtuoso.

Each helper starts the engine in its own temporary folder on free loopback ports,
waits until it answers a query, and returns a `Server` whose `stop()` kills it
(use `running(...)` as a context manager so a failing test cannot leave one behind).
`unavailable(kind)` says why an engine cannot be started here (binary missing), so a
test can skip with the reason instead of failing on a machine without it.

    with running("oxigraph", tmp_path) as server:
        build([TINY], server.url)          # credentials: server.env
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("oxigraph", "virtuoso")
VIRTUOSO_BIN = "/usr/bin/virtuoso-t"
#: seconds after which the engines stop a query themselves: a client that gives up cannot
#: cancel a query on the server, and tests of the time limit must not leave one running
SERVER_QUERY_LIMIT = 20
#: Virtuoso's administrator account as created in a fresh database; loopback only.
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"


@dataclass
class Server:
    """A running engine: `url` is what `--store` takes; `env` holds the credentials to set."""

    kind: str
    url: str
    folder: Path
    process: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def log(self) -> str:
        """The engine's output so far, for a failure message."""
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def oxigraph_bin() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def unavailable(kind: str) -> str | None:
    """Why `kind` cannot run here, or None when it can."""
    if kind == "oxigraph" and not oxigraph_bin():
        return "the oxigraph server is not installed (pip install oxigraph)"
    if kind == "virtuoso" and not Path(VIRTUOSO_BIN).exists():
        return "Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)"
    return None


def require(kind: str) -> None:
    """Skip the calling test when `kind` cannot run here — or fail it under CI (CI set),
    where a missing engine means the set-up is broken, not that the test may pass."""
    import pytest

    reason = unavailable(kind)
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def _answers(query_url: str) -> bool:
    url = query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with _opener().open(req, timeout=2) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _wait(server: Server, query_url: str, seconds: float) -> Server:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        if _answers(query_url):
            return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{server.kind} did not start within {seconds:.0f} s:\n{server.log()}")


def _spawn(args: list[str], folder: Path) -> subprocess.Popen[bytes]:
    log = (folder / "server.log").open("wb")
    try:
        return subprocess.Popen(args, cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    finally:
        log.close()


def start_oxigraph(folder: Path, seconds: float = 30) -> Server:
    """`oxigraph serve --location DIR --bind 127.0.0.1:PORT` (read-write, so a build can load)."""
    binary = oxigraph_bin()
    if binary is None:
        raise RuntimeError(unavailable("oxigraph"))
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = _spawn([binary, "serve", "--location", str(folder / "data"),
                   "--bind", f"127.0.0.1:{port}", "--timeout-s", str(SERVER_QUERY_LIMIT)],
                  folder)
    url = f"http://127.0.0.1:{port}"
    return _wait(Server("oxigraph", url, folder, proc), url + "/query", seconds)


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ServerThreads = 20
DirsAllowed = {d}
ThreadCleanupInterval = 0
ResourcesCleanupInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 20
MaxClientConnections = 20
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {limit}
MaxQueryCostEstimationTime = 0
"""


def start_virtuoso(folder: Path, seconds: float = 90, max_rows: int = 1_000_000) -> Server:
    """virtuoso-t in the foreground with a minimal virtuoso.ini; loads go through /sparql-auth.

    A fresh database's dba account (password dba) may update; anonymous /sparql may not,
    which is also how a deployment should keep it.
    """
    if not Path(VIRTUOSO_BIN).exists():
        raise RuntimeError(unavailable("virtuoso"))
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(d=folder, sql_port=sql_port, http_port=http_port,
                                        limit=SERVER_QUERY_LIMIT, max_rows=max_rows),
                   encoding="utf-8")
    proc = _spawn([VIRTUOSO_BIN, "+foreground", "+configfile", str(ini)], folder)
    url = f"http://127.0.0.1:{http_port}/sparql"
    server = Server("virtuoso", url, folder, proc,
                    {"REPGRAPH_SPARQL_USER": VIRTUOSO_USER,
                     "REPGRAPH_SPARQL_PASSWORD": VIRTUOSO_PASSWORD})
    return _wait(server, url, seconds)


def start(kind: str, folder: Path) -> Server:
    if kind == "oxigraph":
        return start_oxigraph(folder)
    if kind == "virtuoso":
        return start_virtuoso(folder)
    raise ValueError(f"unknown engine {kind!r}; known: {', '.join(KINDS)}")


@contextlib.contextmanager
def running(kind: str, folder: Path) -> Iterator[Server]:
    """Start an engine and always kill it afterwards."""
    server = start(kind, folder)
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def credentials(env: dict[str, str]) -> Iterator[None]:
    """Set a server's credential variables for the duration, restoring the old values."""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
