"""Hostile queries through every door — CLI, the app's SPARQL editor, the endpoint — against
a recorder server on 127.0.0.1 and a planted secret file: nothing reaches out, nothing leaks."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.endpoint import make_server

ROOT = Path(__file__).resolve().parent.parent
SECRET = "PLANTED-SECRET-c0ffee"


class Recorder(ThreadingHTTPServer):
    """Counts every request that reaches it, whatever the method."""

    def __init__(self) -> None:
        self.hits: list[str] = []

        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                outer.hits.append(f"{self.command} {self.path}")
                body = b"<http://x/s> <http://x/p> \"RECORDER-DATA\" ."
                self.send_response(200)
                self.send_header("Content-Type", "application/n-triples")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _any

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secret") / "secret.ttl"
    path.write_text(f'<http://x/s> <http://x/p> "{SECRET}" .\n', encoding="utf-8")
    return path


def hostile(recorder: Recorder, secret: Path) -> list[tuple[str, str]]:
    url = f"http://127.0.0.1:{recorder.server_address[1]}"
    file = secret.as_uri()
    return [
        (f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}", "SERVICE is refused"),
        (f"SELECT * WHERE {{ ?a ?b ?c {{ SELECT * WHERE {{ SERVICE SILENT <{url}/n> "
         "{ ?s ?p ?o } } } }", "SERVICE is refused"),
        (f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{file}> {{ ?s ?p ?o }} }} }}",
         "SERVICE is refused"),
        (f"SELECT * FROM <{url}/data.nt> WHERE {{ ?s ?p ?o }}", "FROM and FROM NAMED are refused"),
        (f"SELECT * FROM <{file}> WHERE {{ ?s ?p ?o }}", "FROM and FROM NAMED are refused"),
        (f"SELECT * FROM NAMED <{file}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
         "FROM and FROM NAMED are refused"),
        (f"LOAD <{url}/data.nt>", "updates are refused"),
        (f"LOAD <{file}> INTO GRAPH <urn:x>", "updates are refused"),
        (f"INSERT DATA {{ <urn:a> <urn:b> <{url}/c> }}", "updates are refused"),
    ]


def _check(recorder: Recorder, output: str) -> None:
    assert recorder.hits == [], recorder.hits
    assert SECRET not in output and "RECORDER-DATA" not in output


def test_cli(recorder: Recorder, secret_file: Path, tiny_location: Path) -> None:
    for query, refusal in hostile(recorder, secret_file):
        done = subprocess.run([sys.executable, "-m", "graph.cli", "query", "--store",
                               str(tiny_location), "--full", query], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, query
        assert refusal in done.stderr, (query, done.stderr)
        _check(recorder, done.stdout + done.stderr)


def test_endpoint(recorder: Recorder, secret_file: Path, tiny_location: Path) -> None:
    server = make_server(str(tiny_location), port=0)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        for query, refusal in hostile(recorder, secret_file):
            get = f"{base}?{urllib.parse.urlencode({'query': query})}"
            for req in (urllib.request.Request(get),
                        urllib.request.Request(base, data=query.encode(), method="POST", headers={
                            "Content-Type": "application/sparql-query"})):
                with pytest.raises(urllib.error.HTTPError) as info:
                    urllib.request.urlopen(req, timeout=30)
                assert info.value.code == 400
                body = info.value.read().decode()
                assert refusal.split(" ")[0] in body, body
                _check(recorder, body)
    finally:
        server.shutdown()
        server.server_close()


def _sparql_page(location: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("REPGRAPH_STORE", str(location))
    monkeypatch.delenv("REPGRAPH_MODE", raising=False)
    monkeypatch.syspath_prepend(str(ROOT))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("app_pages/sparql.py")
    at.run()
    return at


def _ask(at: AppTest, query: str) -> str:
    at.text_area[0].set_value(query)
    at.button(key=next(b.key for b in at.button if b.label == "Run query")).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return "\n".join(str(e.value) for kind in ("error", "warning", "markdown", "caption")
                     for e in getattr(at, kind)) + "\n".join(str(d.value) for d in at.dataframe)


def test_app_editor(recorder: Recorder, secret_file: Path, tiny_location: Path,
                    monkeypatch: pytest.MonkeyPatch) -> None:
    at = _sparql_page(tiny_location, monkeypatch)
    for query, refusal in hostile(recorder, secret_file):
        shown = _ask(at, query)
        assert refusal in shown, (query, shown)
        _check(recorder, shown)


def test_runaway_query_in_app_does_not_block_another_session(
        real_location: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cross product stops within the limit + 2 s while another session gets answers."""
    from graph.config import QUERY_TIMEOUT

    slow = _sparql_page(real_location, monkeypatch)
    quick = _sparql_page(real_location, monkeypatch)
    results: dict[str, tuple[float, str]] = {}

    def run(name: str, at: AppTest, query: str, delay: float) -> None:
        time.sleep(delay)
        start = time.monotonic()
        shown = _ask(at, query)
        results[name] = (time.monotonic() - start, shown)

    threads = [
        threading.Thread(target=run, args=("slow", slow, "SELECT (COUNT(*) AS ?n) WHERE { "
                                           "?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", 0)),
        threading.Thread(target=run, args=("quick", quick,
                                           "SELECT ?s WHERE { ?s a ?t } LIMIT 3", 1.0))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(QUERY_TIMEOUT + 60)
    slow_time, slow_shown = results["slow"]
    quick_time, quick_shown = results["quick"]
    assert "time limit" in slow_shown
    assert slow_time < QUERY_TIMEOUT + 2 + 3  # + AppTest's own rerun overhead
    assert "3 rows" in quick_shown
    assert quick_time < QUERY_TIMEOUT / 2
