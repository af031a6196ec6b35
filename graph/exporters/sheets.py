"""The store back as the three sheets (sources.csv, entities.csv, claims.csv).

The sheets are rebuilt from the source graph, the entity graph and the claim nodes,
so `repgraph build` of an export gives the same store (the round trip is tested).
Anything the sheets cannot express — triples contributed as Turtle/TriG files —
goes into `extra.trig` beside them (`extra.restricted.trig` for a full-store
export, so that re-importing never makes restricted material public).

Cells a spreadsheet would execute (=, +, -, @ ...) get a leading apostrophe.  A
valid build never holds such values (the sheet reader refuses them), so this costs
the round trip nothing and protects whoever opens an export in Excel.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pyoxigraph as ox

from graph.exc import InputError
from graph.exporters.rdf import prefixes, quads
from graph.sheets import COLUMNS, looks_like_formula
from graph.store import GraphStore

RG = "https://repression-graph.org/ns#"
_P = """PREFIX rg: <https://repression-graph.org/ns#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX schema: <https://schema.org/>
"""
_SOURCES = _P + """SELECT ?s ?title ?url ?publisher ?published ?accessed ?vis WHERE {
  GRAPH <%sgraph/sources> { ?s a rg:Source .
    OPTIONAL { ?s dct:title ?title } OPTIONAL { ?s rg:url ?url }
    OPTIONAL { ?s rg:publisher ?publisher } OPTIONAL { ?s rg:published ?published }
    OPTIONAL { ?s rg:accessed ?accessed } OPTIONAL { ?s rg:visibility ?vis } } }"""
_ENTITIES = _P + """SELECT ?s ?type ?label ?desc ?wd ?vis WHERE {
  GRAPH <%sgraph/entities> { ?s a ?type . FILTER(STRSTARTS(STR(?type), STR(rg:)))
    OPTIONAL { ?s rdfs:label ?label } OPTIONAL { ?s schema:description ?desc }
    OPTIONAL { ?s owl:sameAs ?wd } OPTIONAL { ?s rg:visibility ?vis } } }"""
_ALIASES = _P + """SELECT ?s ?alias WHERE {
  GRAPH <%sgraph/entities> { ?s skos:altLabel ?alias } }"""
_CLAIMS = _P + """SELECT ?s ?p ?o ?src ?date ?conf ?note ?vis WHERE { GRAPH ?g {
  ?c a rg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
     prov:wasDerivedFrom ?src ; rg:confidence ?conf .
  OPTIONAL { ?c rg:claimDate ?date } OPTIONAL { ?c rdfs:comment ?note }
  OPTIONAL { ?c rg:visibility ?vis } } }"""


def _v(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def safe_cell(value: str) -> str:
    """A cell as text a spreadsheet will not execute."""
    return "'" + value if looks_like_formula(value) else value


def _local(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base) else iri


def rows(store: GraphStore) -> dict[str, list[list[str]]]:
    """The three sheets as rows of text (header first), sorted."""
    base = store.base
    out: dict[str, list[list[str]]] = {}
    sources: dict[str, list[str]] = {}
    for r in store.query(_SOURCES % base).rows:
        sid = _local(_v(r[0]), base)
        sources.setdefault(sid, [sid, *(_v(x) for x in r[1:6]), _v(r[6]) or "public"])
    out["sources"] = [list(COLUMNS["sources"]), *(sources[k] for k in sorted(sources))]
    aliases: dict[str, set[str]] = {}
    for r in store.query(_ALIASES % base).rows:
        aliases.setdefault(_local(_v(r[0]), base), set()).add(_v(r[1]))
    entities: dict[str, list[str]] = {}
    for r in store.query(_ENTITIES % base).rows:
        eid = _local(_v(r[0]), base)
        wd = _v(r[4]).rsplit("/", 1)[-1] if r[4] is not None else ""
        entities.setdefault(eid, [eid, _v(r[1])[len(RG):], _v(r[2]),
                                  ";".join(sorted(aliases.get(eid, ()))), _v(r[3]), wd,
                                  _v(r[5]) or "public"])
    out["entities"] = [list(COLUMNS["entities"]), *(entities[k] for k in sorted(entities))]
    claims = set()
    for r in store.query(_CLAIMS).rows:
        obj = r[2]
        value = _local(obj.value, base) if isinstance(obj, ox.NamedNode) else _v(obj)
        claims.add((_local(_v(r[0]), base), _v(r[1])[len(RG):], value,
                    _v(r[4]), _local(_v(r[3]), base), _v(r[5]).rsplit("#", 1)[-1],
                    _v(r[7]) or "public", _v(r[6])))
    out["claims"] = [list(COLUMNS["claims"]), *(list(c) for c in sorted(claims))]
    return out


def to_csv(table: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for row in table:
        w.writerow([safe_cell(c) for c in row])
    return buf.getvalue().encode("utf-8")


def sheets(store: GraphStore) -> dict[str, bytes]:
    """sources.csv, entities.csv, claims.csv (+ extra TriG for what sheets cannot hold)."""
    files = {f"{name}.csv": to_csv(table) for name, table in rows(store).items()}
    extra = _leftovers(store, files)
    if extra:
        name = "extra.trig" if store.level == "public" else "extra.restricted.trig"
        files[name] = ox.serialize(extra, format=ox.RdfFormat.TRIG,
                                   prefixes=prefixes(store.base)) or b""
    return files


def _leftovers(store: GraphStore, files: dict[str, bytes]) -> list[ox.Quad]:
    """Quads of the store that building the sheets would not give back.

    Found by ingesting the sheets just written (the same code path as a build) and
    comparing; the ontology and vocabularies are left out, a build adds them anyway.
    """
    from graph.ingest import graph_iri, ingest

    fixed = {graph_iri(store.base, "ontology"), graph_iri(store.base, "vocabularies")}
    with tempfile.TemporaryDirectory(prefix="repgraph-export-") as tmp:
        for name, content in files.items():
            (Path(tmp) / name).write_bytes(content)
        try:
            again = ingest([Path(tmp)], store.base)
        except InputError:
            return []  # e.g. a case whose only defendant is restricted: sheets stay as they are
    lines = again.full if store.level == "full" else again.public
    rebuilt = set(ox.parse(("\n".join(lines) + "\n").encode("utf-8"),
                           format=ox.RdfFormat.N_QUADS))
    return [q for q in quads(store)
            if q not in rebuilt and getattr(q.graph_name, "value", "") not in fixed]
