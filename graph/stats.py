"""Counts of what a store holds: for `repgraph stats` and the app's overview."""

from __future__ import annotations

from graph.store import GraphStore

_COUNTS = """
PREFIX rg: <https://repression-graph.org/ns#>
SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?type . }
  FILTER(STRSTARTS(STR(?g), STR(?entities)))
  FILTER(STRSTARTS(STR(?type), STR(rg:)))
} GROUP BY ?type ORDER BY DESC(?n) ?type
"""


def type_counts(store: GraphStore) -> list[tuple[str, int]]:
    """Entities per ontology class, from the entity registry graph (vocabularies excluded)."""
    import pyoxigraph as ox

    text = _COUNTS.replace("?entities", f"<{store.base}graph/entities>")
    result = store.query(text, {})
    del ox
    return [(str(r["type"].value).split("#")[-1], int(r["n"].value))  # type: ignore[union-attr]
            for r in result.dicts()]


def stats(store: GraphStore) -> list[tuple[str, str]]:
    """Label/value pairs: quads, claims, sources, entities by type."""
    q = """
    PREFIX rg: <https://repression-graph.org/ns#>
    SELECT (COUNT(*) AS ?quads)
           (SUM(IF(?p = rdf:type && ?o = rg:Claim, 1, 0)) AS ?claims)
           (SUM(IF(?p = rdf:type && ?o = rg:Source, 1, 0)) AS ?sources)
    WHERE { GRAPH ?g { ?s ?p ?o } }"""
    row = next(store.query(q).dicts())
    out = [("level", store.level), ("generation", store.generation),
           ("quads", f"{int(row['quads'].value):,}"),  # type: ignore[union-attr]
           ("claims", f"{int(row['claims'].value):,}"),  # type: ignore[union-attr]
           ("sources", f"{int(row['sources'].value):,}")]  # type: ignore[union-attr]
    out += [(f"entities: {t}", f"{n:,}") for t, n in type_counts(store)]
    return out
