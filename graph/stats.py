"""Counts of what a store holds: for `repgraph stats` and the app's overview."""

from __future__ import annotations

from graph.derived import kept
from graph.store import GraphStore

_COUNTS = """
PREFIX rg: <https://repression-graph.org/ns#>
SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?entities { ?s a ?type . }
  FILTER(STRSTARTS(STR(?type), STR(rg:)))
} GROUP BY ?type ORDER BY DESC(?n) ?type
"""


def type_counts(store: GraphStore) -> list[tuple[str, int]]:
    """Entities per ontology class, from the entity registry graph (vocabularies excluded)."""
    text = _COUNTS.replace("?entities", f"<{store.base}graph/entities>")
    return [(str(r["type"]).split("#")[-1], int(r["n"] or 0))
            for r in store.query(text).values()]


def type_counts_for(store: GraphStore) -> list[tuple[str, int]]:
    """`type_counts`, computed once per generation (graph.derived)."""
    return kept(store, "type-counts", lambda: type_counts(store),
                lambda rows: [list(r) for r in rows], lambda rows: [(t, int(n)) for t, n in rows])


def source_count_for(store: GraphStore) -> int:
    """How many sources the store cites, computed once per generation."""
    def count() -> int:
        rows = store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a rg:Source }").values()
        return int(rows[0]["n"] or 0)
    return kept(store, "source-count", count)


def stats(store: GraphStore) -> list[tuple[str, str]]:
    """Label/value pairs: quads, claims, sources, entities by type."""
    q = """
    PREFIX rg: <https://repression-graph.org/ns#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    SELECT (COUNT(*) AS ?quads)
           (SUM(IF(?p = rdf:type && ?o = rg:Claim, 1, 0)) AS ?claims)
           (SUM(IF(?p = rdf:type && ?o = rg:Source, 1, 0)) AS ?sources)
    WHERE { GRAPH ?g { ?s ?p ?o } }"""
    row = store.query(q).values()[0]
    out = [("level", store.level), ("generation", store.generation)]
    out += [(key, f"{int(row[key] or 0):,}") for key in ("quads", "claims", "sources")]
    out += [(f"entities: {t}", f"{n:,}") for t, n in type_counts(store)]
    return out
