"""The SPARQL 1.1 Protocol's formats: content negotiation, result serialisations and
the service description (with VoID counts) that `repgraph serve` answers with.

Kept apart from the HTTP server so that each format is a small function that can be
tested by parsing its output back with pyoxigraph.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from graph.results import PREFIXES, QueryResult, Term, term_json, to_csv

JSON, XML = "application/sparql-results+json", "application/sparql-results+xml"
CSV, TSV = "text/csv", "text/tab-separated-values"
TURTLE, NTRIPLES, JSONLD = "text/turtle", "application/n-triples", "application/ld+json"
HTML = "text/html"

#: what a client may ask for, per query form, in the server's order of preference
OFFERS: dict[str, list[str]] = {
    "select": [JSON, XML, CSV, TSV],
    "ask": [JSON, XML, CSV, TSV],
    "graph": [TURTLE, NTRIPLES, JSONLD],
    "description": [TURTLE, NTRIPLES, JSONLD, HTML],
}
#: other names clients use for the same formats
ALIASES = {"application/json": JSON, "application/xml": XML, "text/xml": XML,
           "text/plain": NTRIPLES, "application/x-turtle": TURTLE}
RDF_FORMATS = {TURTLE: ox.RdfFormat.TURTLE, NTRIPLES: ox.RdfFormat.N_TRIPLES,
               JSONLD: ox.RdfFormat.JSON_LD}


def negotiate(accept: str | None, kind: str) -> str | None:
    """The best offered media type for an Accept header, or None (→ 406).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "select")
    'application/sparql-results+xml'
    >>> negotiate("image/png", "graph") is None
    True
    """
    offers = OFFERS[kind]
    if not accept or not accept.strip():
        return offers[0]
    best: tuple[float, int, str] | None = None
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        media = ALIASES.get(media.lower(), media.lower())
        q = 1.0
        for p in params:
            name, _, value = p.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        for rank, offer in enumerate(offers):
            if media in (offer, "*/*") or (media.endswith("/*")
                                           and offer.startswith(media[:-1])):
                specific = 0 if media == offer else 1  # an exact match beats a wildcard
                candidate = (-q, specific * 100 + rank, offer)
                if best is None or candidate < best:
                    best = candidate
    return best[2] if best else None


# -- results -----------------------------------------------------------------------------

def to_json(result: QueryResult) -> bytes:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}).encode()
    bindings = [{v: term_json(t) for v, t in zip(result.variables, row, strict=True)
                 if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            attr = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attr = ""
        return f"<literal{attr}>{escape(_xml_safe(term.value))}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>")


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped: write them as U+FFFD."""
    return "".join(c if c in "\t\n\r" or c >= " " else "\ufffd" for c in text)


def to_xml(result: QueryResult) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("</head>\n")
    if result.kind == "ask":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>\n")
    else:
        out.append("<results>\n")
        for row in result.rows:
            cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                            for v, t in zip(result.variables, row, strict=True) if t is not None)
            out.append(f"<result>{cells}</result>\n")
        out.append("</results>\n")
    out.append("</sparql>\n")
    return "".join(out).encode("utf-8")


def to_tsv(result: QueryResult) -> bytes:
    """SPARQL 1.1 TSV: terms in Turtle syntax (tabs and newlines escaped), unbound empty."""
    if result.kind == "ask":
        return f"?boolean\n{'true' if result.boolean else 'false'}\n".encode()
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_rdf(triples: Iterable[ox.Triple], media: str, base: str | None = None,
           extra: dict[str, str] | None = None) -> bytes:
    prefixes = {**PREFIXES, **(extra or {})}
    if base:
        prefixes["id"] = base
    fmt = RDF_FORMATS[media]
    kwargs = {"prefixes": prefixes} if fmt == ox.RdfFormat.TURTLE else {}
    return ox.serialize(list(triples), format=fmt, **kwargs) or b""  # type: ignore[arg-type]


SERIALISERS: dict[str, Callable[[QueryResult], bytes]] = {
    JSON: to_json, XML: to_xml, TSV: to_tsv, CSV: lambda r: to_csv(r).encode("utf-8")}


def serialise(result: QueryResult, media: str, base: str | None = None) -> bytes:
    if result.kind == "graph":
        return to_rdf(result.triples, media, base)
    return SERIALISERS[media](result)


# -- service description ----------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SD_PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS}
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                  "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD")

_COUNTS = """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?p) AS ?properties)
  (COUNT(DISTINCT ?s) AS ?subjects) WHERE { GRAPH ?g { ?s ?p ?o } }"""
_CLASSES = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?x a ?c }"
_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
_ENTITIES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH <{base}graph/entities> { ?s a ?t } }"


def description(store: object, endpoint: str) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description of the endpoint, its dataset described with VoID."""
    query = store.query  # type: ignore[attr-defined]
    base = str(store.base)  # type: ignore[attr-defined]
    me, ds, dg = ox.NamedNode(endpoint), ox.BlankNode("dataset"), ox.BlankNode("default")
    counts = next(query(_COUNTS).dicts())
    classes = query(_CLASSES).rows[0][0]
    entities = query(_ENTITIES.replace("{base}", base)).rows[0][0]

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    def void(name: str) -> ox.NamedNode:
        return ox.NamedNode(VOID + name)

    t = [ox.Triple(me, RDF_TYPE, sd("Service")), ox.Triple(me, sd("endpoint"), me),
         ox.Triple(me, sd("supportedLanguage"), sd("SPARQL11Query")),
         ox.Triple(me, sd("feature"), sd("UnionDefaultGraph")),
         ox.Triple(me, sd("defaultDataset"), ds),
         ox.Triple(ds, RDF_TYPE, sd("Dataset")), ox.Triple(ds, RDF_TYPE, void("Dataset")),
         ox.Triple(ds, ox.NamedNode("http://purl.org/dc/terms/title"),
                   ox.Literal("repression-graph: public data")),
         ox.Triple(ds, void("sparqlEndpoint"), me),
         ox.Triple(ds, void("uriSpace"), ox.Literal(base)),
         ox.Triple(ds, void("triples"), counts["triples"]),  # type: ignore[arg-type]
         ox.Triple(ds, void("properties"), counts["properties"]),  # type: ignore[arg-type]
         ox.Triple(ds, void("distinctSubjects"), counts["subjects"]),  # type: ignore[arg-type]
         ox.Triple(ds, void("classes"), classes),  # type: ignore[arg-type]
         ox.Triple(ds, void("entities"), entities),  # type: ignore[arg-type]
         ox.Triple(ds, sd("defaultGraph"), dg), ox.Triple(dg, RDF_TYPE, sd("Graph"))]
    t += [ox.Triple(me, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in RESULT_FORMATS]
    for i, (g, n) in enumerate(query(_GRAPHS).rows):
        named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        t += [ox.Triple(ds, sd("namedGraph"), named), ox.Triple(named, sd("name"), g),  # type: ignore[arg-type]
              ox.Triple(named, sd("graph"), graph), ox.Triple(graph, RDF_TYPE, sd("Graph")),
              ox.Triple(graph, void("triples"), n)]  # type: ignore[arg-type]
    return t


def form_page(endpoint: str, examples: dict[str, str]) -> bytes:
    """A small HTML page for people who open the endpoint in a browser (no scripts)."""
    first = next(iter(examples.values()), "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    options = "".join(f"<li><a href=\"?query={html.escape(_url(text))}\">{html.escape(name)}"
                      "</a></li>" for name, text in examples.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>repression-graph SPARQL endpoint</title>
<style>body{{font:16px system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
textarea{{width:100%;height:14em;font:14px monospace}}</style></head>
<body><h1>repression-graph SPARQL endpoint</h1>
<p>A read-only SPARQL 1.1 endpoint over the <strong>public</strong> data, at
<code>{html.escape(endpoint)}</code>. Use it from YASGUI, SPARQLWrapper, rdflib or any
SPARQL client; queries are limited in time and rows.</p>
<form method="get"><textarea name="query">{html.escape(first)}</textarea>
<p><button type="submit">Run (JSON)</button></p></form>
<h2>Saved queries</h2><ul>{options}</ul></body></html>
""".encode()


def _url(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
