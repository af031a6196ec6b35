"""`repgraph serve`, driven by real clients over loopback: SPARQLWrapper, rdflib's
SPARQLStore and plain HTTP (the W3C protocol tests' negative cases), plus a bounded
load test that prints its latency percentiles."""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import socket
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

from graph.build import build
from graph.endpoint import EndpointServer, make_server
from graph.query import saved_queries
from graph.store import GraphStore
from tests.servers import credentials, require, running

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny"
CANARY = "CANARY-"
JUDGES = saved_queries()["judges"].text
SLOW = ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
        "FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), 'no')) }")


@contextlib.contextmanager
def serving(spec: str, **limits: object) -> Iterator[EndpointServer]:
    server = make_server(spec, port=0, **limits)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def endpoint(tiny_location: Path) -> Iterator[str]:
    with serving(str(tiny_location), workers=2, queue=64, timeout=10) as server:
        yield server.endpoint.url


def request(url: str, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 30
            ) -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def get(url: str, query: str, accept: str | None = None, **params: str
        ) -> tuple[int, dict[str, str], bytes]:
    qs = urllib.parse.urlencode({"query": query, **params})
    return request(f"{url}?{qs}", headers={"Accept": accept} if accept else {})


# -- standard clients ----------------------------------------------------------------------------

def wrapper(url: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json(endpoint: str) -> None:
    data = wrapper(endpoint, JUDGES, JSON).queryAndConvert()
    rows = data["results"]["bindings"]  # type: ignore[index]
    judge = next(r for r in rows if r["name"]["value"] == "Kamal Rzayev")
    assert judge["cases"] == {"type": "literal", "value": "2",
                              "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


def test_sparqlwrapper_xml(endpoint: str) -> None:
    doc = wrapper(endpoint, JUDGES, XML).queryAndConvert()
    names = [n.firstChild.data for n in doc.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert "Kamal Rzayev" in names


def test_sparqlwrapper_csv_and_tsv(endpoint: str) -> None:
    csv = wrapper(endpoint, JUDGES, CSV).queryAndConvert().decode()  # type: ignore[union-attr]
    assert csv.splitlines()[0] == "judge,name,cases,defendants"
    assert "Kamal Rzayev,2," in csv
    tsv = wrapper(endpoint, JUDGES, TSV).queryAndConvert().decode()  # type: ignore[union-attr]
    assert tsv.splitlines()[0] == "?judge\t?name\t?cases\t?defendants"
    parsed = list(ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV))  # a valid TSV result
    assert parsed[0]["name"] == ox.Literal("Kamal Rzayev")


def test_sparqlwrapper_ask_and_construct(endpoint: str) -> None:
    ask = wrapper(endpoint, "ASK { ?j rdfs:label 'Kamal Rzayev' }", JSON).queryAndConvert()
    assert ask["boolean"] is True  # type: ignore[index]
    text = ("CONSTRUCT { ?j rdfs:label ?l } WHERE { ?c rg:judge ?j . ?j rdfs:label ?l }")
    turtle = wrapper(endpoint, text, TURTLE).queryAndConvert()
    g = Graph().parse(data=turtle, format="turtle")
    assert {str(o) for o in g.objects()} == {"Kamal Rzayev"}


def test_rdflib_sparqlstore(endpoint: str) -> None:
    g = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = list(g.query("SELECT ?name WHERE { ?c rg:prosecutor ?p . ?p rdfs:label ?name }"))
    assert {str(r[0]) for r in rows} == {"Nadir Aliyev"}


def test_post_form_and_direct(endpoint: str) -> None:
    form = urllib.parse.urlencode({"query": JUDGES}).encode()
    for body, ctype in ((form, "application/x-www-form-urlencoded"),
                        (JUDGES.encode(), "application/sparql-query; charset=utf-8")):
        status, headers, data = request(endpoint, "POST", body, {
            "Content-Type": ctype, "Accept": "application/sparql-results+json"})
        assert status == 200, data
        assert headers["content-type"].startswith("application/sparql-results+json")
        assert "Kamal Rzayev" in data.decode()


@pytest.mark.parametrize(("accept", "media", "fmt"), [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_graph_results_negotiated(endpoint: str, tiny_store: GraphStore, accept: str, media: str,
                                  fmt: ox.RdfFormat) -> None:
    text = "DESCRIBE <https://repression-graph.org/id/kamal-rzayev>"
    status, headers, body = get(endpoint, text, accept)
    assert status == 200 and headers["content-type"].startswith(media)
    got = {q.triple for q in ox.parse(body, format=fmt)}
    assert got == set(tiny_store.query(text).triples)


@pytest.mark.parametrize(("accept", "fmt"), [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_results_round_trip(endpoint: str, tiny_store: GraphStore, accept: str,
                            fmt: ox.QueryResultsFormat) -> None:
    """Every term kind (IRI, language and typed literals, unbound) survives each format."""
    text = saved_queries()["timeline"].text
    status, _, body = get(endpoint, text, accept)
    assert status == 200
    got = [tuple(s[i] for i in range(len(s))) for s in ox.parse_query_results(body, fmt)]  # type: ignore[union-attr]
    assert got == tiny_store.query(text).rows


# -- the protocol's negative cases ---------------------------------------------------------------

@pytest.mark.parametrize(("method", "path", "body", "headers", "status"), [
    ("GET", "?query=SELECT%20*%20WHERE%20%7B", None, {}, 400),  # malformed
    ("GET", "?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400),  # two queries
    ("GET", "?update=CLEAR%20ALL", None, {}, 400),  # update on the query endpoint
    ("POST", "", b"update=CLEAR+ALL", {"Content-Type": "application/x-www-form-urlencoded"}, 400),
    ("POST", "", b"CLEAR ALL", {"Content-Type": "application/sparql-update"}, 400),
    ("POST", "", b"query=ASK%7B%7D", {"Content-Type": "text/plain"}, 415),
    ("POST", "", b"query=ASK%7B%7D", {}, 415),  # no media type
    ("POST", "", "ASK {}".encode("latin-1"),
     {"Content-Type": "application/sparql-query; charset=ISO-8859-1"}, 415),
    ("POST", "", b"", {"Content-Type": "application/x-www-form-urlencoded"}, 400),  # no query
    ("GET", "?query=ASK%7B%7D", None, {"Accept": "image/png"}, 406),
    ("GET", "?query=ASK%7B%7D&default-graph-uri=urn%3Ax", None, {}, 400),
    ("PUT", "", b"x", {"Content-Type": "text/turtle"}, 405),
    ("GET", "/nowhere?query=ASK%7B%7D", None, {}, 404),
])
def test_bad_requests(endpoint: str, method: str, path: str, body: bytes | None,
                      headers: dict[str, str], status: int) -> None:
    url = endpoint.rsplit("/", 1)[0] + path if path.startswith("/") else endpoint + path
    got, response_headers, message = request(url, method, body, headers)
    assert got == status, message
    assert response_headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("text", [
    "SELECT * FROM <urn:x> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <urn:x> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "LOAD <http://example.org/data.ttl>",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
])
def test_sandbox_refusals_are_400(endpoint: str, text: str) -> None:
    status, _, body = get(endpoint, text)
    assert status == 400
    assert b"refused" in body


def test_post_without_length_is_411(endpoint: str) -> None:
    parts = urllib.parse.urlsplit(endpoint)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/sparql-query\r\nConnection: close\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 411")


def test_cors(endpoint: str) -> None:
    status, headers, _ = request(endpoint, "OPTIONS", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204
    assert headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()
    _, headers, _ = get(endpoint, "ASK {}")
    assert headers["access-control-allow-origin"] == "*"


# -- service description ---------------------------------------------------------------------------

def test_service_description(endpoint: str, tiny_store: GraphStore) -> None:
    status, headers, body = request(endpoint, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    sd = ox.Store()
    sd.load(body, format=ox.RdfFormat.TURTLE)
    me = ox.NamedNode(endpoint)
    sd_ns = "http://www.w3.org/ns/sparql-service-description#"
    assert ox.Quad(me, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                   ox.NamedNode(sd_ns + "Service")) in sd
    triples = next(iter(sd.query(
        "SELECT ?n WHERE { ?ds <http://rdfs.org/ns/void#triples> ?n ; "
        "<http://rdfs.org/ns/void#sparqlEndpoint> ?e }")))[0]
    assert int(triples.value) == len(tiny_store)  # type: ignore[arg-type]
    names = {s[0].value for s in sd.query(f"SELECT ?g WHERE {{ ?x <{sd_ns}name> ?g }}")}  # type: ignore[union-attr]
    assert "https://repression-graph.org/id/src-alpha" in names
    assert "https://repression-graph.org/id/src-secret" not in names
    status, headers, page = request(endpoint, headers={"Accept": "text/html"})
    assert status == 200 and b"<form" in page
    assert "default-src 'none'" in headers["content-security-policy"]


# -- limits ----------------------------------------------------------------------------------

def test_row_cap_is_reported(tiny_location: Path) -> None:
    with serving(str(tiny_location), max_rows=5) as server:
        status, headers, body = get(server.endpoint.url, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200
    assert headers["x-repgraph-truncated"] == "true"
    assert len(json.loads(body)["results"]["bindings"]) == 5


def test_time_limit_while_others_are_answered(tiny_location: Path) -> None:
    with serving(str(tiny_location), workers=2, timeout=1) as server:
        url = server.endpoint.url
        slow: dict[str, object] = {}
        t = threading.Thread(target=lambda: slow.update(r=get(url, SLOW)))
        started = time.monotonic()
        t.start()
        time.sleep(0.3)
        status, _, body = get(url, JUDGES)  # answered while the slow query runs
        assert status == 200 and b"Kamal Rzayev" in body
        t.join(30)
        status, _, message = slow["r"]  # type: ignore[misc]
        print(f"\ntime limit 1 s: the slow query was answered after "
              f"{time.monotonic() - started:.1f} s with {status}")
        assert status == 503 and b"time limit" in message


def test_too_many_queries_get_503(tiny_location: Path) -> None:
    with serving(str(tiny_location), workers=1, queue=0, timeout=3) as server:
        url = server.endpoint.url
        slow: dict[str, object] = {}
        t = threading.Thread(target=lambda: slow.update(r=get(url, SLOW)))
        t.start()
        time.sleep(0.5)
        status, headers, _ = get(url, "ASK {}")
        assert status == 503
        assert int(headers["retry-after"]) > 0
        t.join(30)
        assert get(url, "ASK {}")[0] == 200  # the slot is free again


# -- public data only, minimal logs ---------------------------------------------------------

def test_restricted_material_never_leaves(endpoint: str) -> None:
    texts = [q.text for q in saved_queries().values() if not q.params]
    texts += ["SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
              "CONSTRUCT WHERE { ?s ?p ?o }",
              "DESCRIBE <https://repression-graph.org/id/witness-canary>",
              "SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'CANARY')) }"]
    bodies = [get(endpoint, t, accept)[2] for t in texts
              for accept in ("application/sparql-results+json", "text/turtle")
              if get(endpoint, t, accept)[0] == 200]
    for accept in ("text/turtle", "application/ld+json", "text/html"):
        bodies.append(request(endpoint, headers={"Accept": accept})[2])
    assert len(bodies) >= len(texts)
    assert not any(CANARY.encode() in b for b in bodies)


def test_access_log_is_minimal(endpoint: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="repgraph.endpoint"):
        get(endpoint, "SELECT ('LOGSECRET-1' AS ?x) WHERE {}")
        get(endpoint, "SELECT * WHERE { LOGSECRET-2 }")
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("GET /sparql 200 ") for line in lines)
    assert any(line.startswith("GET /sparql 400 ") for line in lines)
    assert not any("LOGSECRET" in line for line in lines)


# -- over a SPARQL server ---------------------------------------------------------------------

@pytest.mark.server
def test_endpoint_over_a_remote_store(tmp_path: Path) -> None:
    require("oxigraph")
    with running("oxigraph", tmp_path) as engine, credentials(engine.env):
        build([TINY], engine.url)
        with serving(engine.url, timeout=5) as server:
            url = server.endpoint.url
            data = wrapper(url, JUDGES, JSON).queryAndConvert()
            names = {r["name"]["value"] for r in data["results"]["bindings"]}  # type: ignore[index]
            assert names == {"Kamal Rzayev"}
            everything = get(url, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")[2]
            assert b"src-alpha" in everything and CANARY.encode() not in everything
            assert b"!rg." not in everything  # server-side names never show
            assert get(url, "SELECT * FROM <urn:x> WHERE { ?s ?p ?o }")[0] == 400


# -- load ------------------------------------------------------------------------------------------

def test_load(endpoint: str) -> None:
    """20 clients × 100 saved queries each over loopback: no errors; latency printed."""
    texts = [q.text for q in saved_queries().values() if not q.params]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        for i in range(100):
            text = texts[(n + i) % len(texts)]
            start = time.perf_counter()
            try:
                status, _, body = get(endpoint, text, "application/sparql-results+json")
                ok = status == 200 and "results" in json.loads(body)
            except (OSError, ValueError) as exc:
                status, ok = str(exc), False  # type: ignore[assignment]
            with lock:
                latencies.append(time.perf_counter() - start)
                if not ok:
                    errors.append(f"{status}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    wall = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=20)
    print(f"\nload: {len(latencies)} requests from 20 clients in {wall:.1f} s "
          f"({len(latencies) / wall:.0f}/s); p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {cuts[18] * 1000:.0f} ms, errors {len(errors)}")
    assert len(latencies) == 2000
    assert errors == []
