"""The store as RDF files: Turtle, N-Triples, TriG (named graphs = sources), JSON-LD.

Everything is read through `store.dump(N-Quads)` (embedded and remote stores alike)
and written sorted, so that two exports of the same store are byte-identical and a
diff between two builds shows what changed.  Turtle and N-Triples hold triples
only: they carry the union of all graphs, and provenance (which source says so)
survives in the rg:Claim nodes; TriG and JSON-LD keep every named graph.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from graph.results import PREFIXES
from graph.store import GraphStore

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def prefixes(base: str) -> dict[str, str]:
    """The project's prefixes plus `id:` for entity IRIs."""
    return {"id": base, **PREFIXES}


def quads(store: GraphStore) -> list[ox.Quad]:
    """Every quad of the store, in a stable order."""
    data = store.dump(ox.RdfFormat.N_QUADS)
    return sorted(ox.parse(data, format=ox.RdfFormat.N_QUADS), key=str)  # type: ignore[arg-type]


def _triples(store: GraphStore) -> list[ox.Triple]:
    return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads(store)}, key=str)


def turtle(store: GraphStore) -> dict[str, bytes]:
    data = ox.serialize(_triples(store), format=ox.RdfFormat.TURTLE,
                        prefixes=prefixes(store.base))
    return {"graph.ttl": data or b""}


def ntriples(store: GraphStore) -> dict[str, bytes]:
    return {"graph.nt": ox.serialize(_triples(store), format=ox.RdfFormat.N_TRIPLES) or b""}


def trig(store: GraphStore) -> dict[str, bytes]:
    ordered = sorted(quads(store), key=lambda q: (str(q.graph_name), str(q)))
    data = ox.serialize(ordered, format=ox.RdfFormat.TRIG, prefixes=prefixes(store.base))
    return {"graph.trig": data or b""}


def jsonld_context(base: str) -> dict[str, Any]:
    """The JSON-LD context: prefixes only (no term renaming, so every key is a CURIE)."""
    return {"@context": prefixes(base)}


def _compact(iri: str, ctx: dict[str, str]) -> str:
    for name, ns in ctx.items():
        rest = iri[len(ns):]
        if iri.startswith(ns) and rest and not rest.startswith("//"):
            return f"{name}:{rest}"
    return iri


def _term_id(term: ox.NamedNode | ox.BlankNode, ctx: dict[str, str]) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _compact(term.value, ctx)


def _value(term: Any, ctx: dict[str, str]) -> dict[str, str]:
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": _compact(term.datatype.value, ctx)}
    return {"@id": _term_id(term, ctx)}


def jsonld(store: GraphStore) -> dict[str, bytes]:
    """JSON-LD with the context inline (readers need no network), one object per named graph.

    The context is also written on its own (`context.jsonld`) for people who write
    JSON-LD by hand against the same prefixes.
    """
    ctx = prefixes(store.base)
    graphs: dict[str, dict[str, dict[str, list[Any]]]] = defaultdict(dict)
    for q in quads(store):
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else _term_id(q.graph_name, ctx)
        node = graphs[g].setdefault(_term_id(q.subject, ctx), {})  # type: ignore[arg-type]
        if q.predicate.value == RDF_TYPE and not isinstance(q.object, ox.Literal):
            node.setdefault("@type", []).append(_term_id(q.object, ctx))  # type: ignore[arg-type]
        else:
            node.setdefault(_compact(q.predicate.value, ctx), []).append(_value(q.object, ctx))

    def nodes(subjects: dict[str, dict[str, list[Any]]]) -> list[dict[str, Any]]:
        out = []
        for sid in sorted(subjects):
            props = subjects[sid]
            obj: dict[str, Any] = {"@id": sid}
            for key in sorted(props):
                obj[key] = sorted(props[key], key=lambda v: json.dumps(v, sort_keys=True))
            out.append(obj)
        return out

    top: list[dict[str, Any]] = nodes(graphs.pop("", {}))
    top += [{"@id": g, "@graph": nodes(graphs[g])} for g in sorted(graphs)]
    doc = {"@context": ctx, "@graph": top}
    dump = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False)
    context = json.dumps(jsonld_context(store.base), ensure_ascii=False, indent=1)
    return {"graph.jsonld": dump.encode("utf-8") + b"\n",
            "context.jsonld": context.encode("utf-8") + b"\n"}
