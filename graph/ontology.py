"""The ontology as the ingester and the views need it: names, ranges, labels.

ontology/repression.ttl is the single source of truth; this module reads it once
and answers the questions the sheet checks ask ("is `judge` a property?", "may a
Verdict carry it?", "must its object be a Person?") and the ones views ask ("what
is the edge label of `charge`?").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef

from graph.config import ONTOLOGY_DIR
from graph.namespace import RG, SCHEMA

LITERAL_KINDS = {
    XSD.string: "string",
    XSD.boolean: "boolean",
    XSD.decimal: "decimal",
    XSD.integer: "integer",
    XSD.anyURI: "uri",
    RG.PartialDate: "date",
}


@dataclass(frozen=True)
class PropertySpec:
    """What a `property` cell may name, and what its subject and object must be."""

    name: str
    iri: URIRef
    label: str
    comment: str
    #: "relation" (object is an entity id) or a literal kind: string, boolean, decimal, ...
    kind: str
    #: For relations, the class (local name) the object must belong to.
    range_class: str | None
    #: Classes (local names) the subject may belong to; empty means any.
    domains: frozenset[str]
    edge_label: str

    @property
    def is_relation(self) -> bool:
        return self.kind == "relation"


@dataclass(frozen=True)
class Schema:
    """Classes and sheet properties of the ontology, with the subclass closure."""

    classes: dict[str, URIRef]
    labels: dict[str, str]
    comments: dict[str, str]
    #: class -> itself and all its superclasses (local names)
    ancestors: dict[str, frozenset[str]]
    properties: dict[str, PropertySpec] = field(default_factory=dict)

    def is_a(self, cls: str, other: str) -> bool:
        """True if `cls` is `other` or one of its subclasses."""
        return other in self.ancestors.get(cls, frozenset())

    def subclasses(self, cls: str) -> list[str]:
        """`cls` and every class below it, sorted; used to expand type filters."""
        return sorted(c for c, anc in self.ancestors.items() if cls in anc)

    def class_of_iri(self, iri: str) -> str | None:
        """Local name of an ontology class IRI, or None if it is not one of ours."""
        prefix = str(RG._NS)
        if iri.startswith(prefix) and iri[len(prefix):] in self.classes:
            return iri[len(prefix):]
        return None


def _local(iri: URIRef) -> str:
    return str(iri)[len(str(RG._NS)):]


def _ours(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(RG._NS)) and term != URIRef(
        str(RG._NS)
    )


def _closure(direct: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}

    def walk(c: str, seen: frozenset[str]) -> frozenset[str]:
        if c in out:
            return out[c]
        acc = {c}
        for parent in direct.get(c, ()):
            if parent not in seen:
                acc |= walk(parent, seen | {c})
        return frozenset(acc)

    for c in direct:
        out[c] = walk(c, frozenset())
    return out


def load_schema(path: Path | None = None) -> Schema:
    """Read the ontology file into a Schema (uncached; see `schema()`)."""
    g = Graph().parse(path or ONTOLOGY_DIR / "repression.ttl", format="turtle")
    return schema_from_graph(g)


def schema_from_graph(g: Graph) -> Schema:
    classes: dict[str, URIRef] = {}
    direct: dict[str, set[str]] = {}
    for c in g.subjects(RDF.type, OWL.Class):
        if _ours(c):
            name = _local(c)  # type: ignore[arg-type]
            classes[name] = c  # type: ignore[assignment]
            direct[name] = {_local(p) for p in g.objects(c, RDFS.subClassOf) if _ours(p)}  # type: ignore[arg-type]
    labels = {_local(s): str(o) for s, o in g.subject_objects(RDFS.label) if _ours(s)}  # type: ignore[arg-type]
    comments = {_local(s): str(o) for s, o in g.subject_objects(RDFS.comment) if _ours(s)}  # type: ignore[arg-type]
    props: dict[str, PropertySpec] = {}
    for p in set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(
        g.subjects(RDF.type, OWL.DatatypeProperty)
    ):
        if not _ours(p):
            continue
        name = _local(p)  # type: ignore[arg-type]
        rng = g.value(p, RDFS.range)
        if rng is not None and _ours(rng) and _local(rng) in classes:  # type: ignore[arg-type]
            kind, range_class = "relation", _local(rng)  # type: ignore[arg-type]
        else:
            kind = LITERAL_KINDS.get(rng, "string") if isinstance(rng, URIRef) else "string"
            range_class = None
        edge = g.value(p, RG.edgeLabel)
        props[name] = PropertySpec(
            name=name,
            iri=p,  # type: ignore[arg-type]
            label=labels.get(name, name),
            comment=comments.get(name, ""),
            kind=kind,
            range_class=range_class,
            domains=frozenset(_local(d) for d in g.objects(p, SCHEMA.domainIncludes) if _ours(d)),  # type: ignore[arg-type]
            edge_label=str(edge) if edge is not None else labels.get(name, name),
        )
    return Schema(classes, labels, comments, _closure(direct), props)


@lru_cache(maxsize=1)
def schema() -> Schema:
    """The shipped ontology, parsed once per process."""
    return load_schema()


def sheet_properties(s: Schema, names: Iterable[str] | None = None) -> list[PropertySpec]:
    """Properties users may write in claims.csv (everything but claim metadata)."""
    hidden = {"confidence", "claimDate", "visibility", "url", "publisher", "published", "accessed"}
    wanted = set(names) if names is not None else None
    return [
        p for n, p in sorted(s.properties.items())
        if n not in hidden and (wanted is None or n in wanted)
    ]
