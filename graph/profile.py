"""An entity's profile: every claim about it, grouped by meaning, each with its source.

What a reader of the Explore page needs to judge a fact is who says so, when, and
how sure the curators are; so a profile is built from the reified claims (one per
source), not from the plain triples, and every claim carries its source's title,
publisher, date and URL and its confidence.

Grouping follows how advocates read a dossier: facts about the entity itself
(occupation, nationality, birth date ...), the cases it is part of (as defendant,
judge, court ...) with the facts of each case, and the events (arrests, hearings,
verdicts ...) in date order.  Where sources disagree on something that can only
have one value (a date, a sentence length), the claims are returned side by side
as a Conflict instead of silently picking one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import networkx as nx
import pyoxigraph as ox

from graph.network import local
from graph.ontology import schema
from graph.store import GraphStore

# `?s` (or `?o`) is constrained by a VALUES block of IRIs: pyoxigraph applies query
# substitutions after evaluating the whole pattern (0.7 s per entity at 500k quads), while
# VALUES uses the index (under 1 ms).  The IRIs are pyoxigraph NamedNodes built from ids
# in the graph, so their text is validated and cannot change the query.
_CLAIMS_OUT = """
PREFIX rg: <https://repression-graph.org/ns#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?s ?p ?o ?date ?src ?conf ?note WHERE {
  VALUES ?s { $IRIS }
  ?c rdf:subject ?s ; a rg:Claim ; rdf:predicate ?p ; rdf:object ?o ;
     prov:wasDerivedFrom ?src ; rg:confidence ?conf .
  OPTIONAL { ?c rg:claimDate ?date . }
  OPTIONAL { ?c rdfs:comment ?note . }
}"""

_CLAIMS_IN = _CLAIMS_OUT.replace("VALUES ?s", "VALUES ?o").replace(
    "?c rdf:subject ?s ; a rg:Claim", "?c rdf:object ?o ; a rg:Claim ; rdf:subject ?s")

#: Entities per VALUES block: keeps each query text small on big profiles.
BATCH = 400

_SOURCES = """
PREFIX rg: <https://repression-graph.org/ns#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?src (SAMPLE(?t) AS ?title) (SAMPLE(?pub) AS ?publisher) (SAMPLE(?d) AS ?published)
       (SAMPLE(?u) AS ?url) WHERE {
  ?src a rg:Source .
  OPTIONAL { ?src dct:title ?t . } OPTIONAL { ?src rg:publisher ?pub . }
  OPTIONAL { ?src rg:published ?d . } OPTIONAL { ?src rg:url ?u . }
} GROUP BY ?src"""

#: Properties that hold one value at a time: different values from different sources
#: are a disagreement to show, not a list.  (Occupations, courts, charges are many.)
SINGLE_VALUED = ("birthDate", "birthPlace", "date", "endDate", "foundingDate", "sentenceYears",
                 "sentenceMonths", "sentenceRequestedYears", "durationMonths", "inAbsentia")

#: The order facts about an entity are listed in; others follow alphabetically.
FACT_ORDER = ("occupation", "position", "status", "memberOf", "headOf", "founderOf",
              "nationality", "countryOfResidence", "birthDate", "birthPlace", "placeOfDetention",
              "relative", "sibling", "spouse", "parent", "award", "country", "location",
              "date", "endDate", "inAbsentia", "defendant", "person", "participant", "case",
              "charge", "convictedUnder", "court", "judge", "prosecutor", "defenceLawyer",
              "complainant", "arrestingAgency", "sentenceYears", "sentenceMonths",
              "sentenceRequestedYears", "durationMonths", "outcome", "allegedForeignTie",
              "hostCountry", "diplomaticContext", "relatedCase")


@dataclass(frozen=True)
class SourceInfo:
    id: str
    title: str
    publisher: str = ""
    published: str = ""
    url: str = ""


@dataclass(frozen=True)
class Claim:
    """One statement from one source: subject —property→ value."""

    subject: str
    property: str
    label: str          # how to read the property in this direction ("occupation", "defendant in")
    value: str          # an entity id, an IRI, or a literal's text
    value_label: str    # what to show for the value
    is_entity: bool
    date: str
    source: SourceInfo
    confidence: str
    note: str


@dataclass
class Block:
    """A case or an event related to the entity, with the claims made about it."""

    id: str
    label: str
    type: str
    date: str
    roles: list[str]
    claims: list[Claim]


@dataclass
class Conflict:
    """Sources that disagree on a single-valued property, grouped by the value each gives."""

    subject: str
    subject_label: str
    property: str
    label: str
    options: list[tuple[str, list[Claim]]]


@dataclass
class Profile:
    id: str
    label: str
    type: str
    description: str
    aliases: list[str]
    facts: list[Claim]
    cases: list[Block]
    events: list[Block]
    linked: list[Claim]
    conflicts: list[Conflict] = field(default_factory=list)
    omitted: int = 0


_SOURCE_CACHE: dict[str, dict[str, SourceInfo]] = {}
_LOCK = threading.Lock()


def sources(store: GraphStore) -> dict[str, SourceInfo]:
    """Every source in the store by id, read once per store generation."""
    key = f"{store.base}:{store.generation}"
    with _LOCK:
        found = _SOURCE_CACHE.get(key)
    if found is None:
        found = {}
        for r in store.query(_SOURCES).dicts():
            sid = local(r["src"].value, store.base)  # type: ignore[union-attr]
            found[sid] = SourceInfo(sid, *(_text(r[k]) for k in
                                           ("title", "publisher", "published", "url")))
        with _LOCK:
            _SOURCE_CACHE.clear()
            _SOURCE_CACHE[key] = found
    return found


def _text(term: object) -> str:
    return "" if term is None else str(term.value)  # type: ignore[attr-defined]


def _claims(store: GraphStore, g: nx.MultiDiGraph, entities: list[str],
            incoming: bool) -> dict[str, list[Claim]]:
    """Claims about each entity (as subject, or as object when `incoming`), in reading order."""
    base = store.base
    srcs = sources(store)
    props = schema().properties
    found: dict[str, list[Claim]] = {e: [] for e in entities}
    for i in range(0, len(entities), BATCH):
        iris = " ".join(str(ox.NamedNode(base + e)) for e in entities[i:i + BATCH])
        text = (_CLAIMS_IN if incoming else _CLAIMS_OUT).replace("$IRIS", iris)
        for r in store.query(text).dicts():
            subj = local(r["s"].value, base)  # type: ignore[union-attr]
            prop = r["p"].value.rsplit("#", 1)[-1]  # type: ignore[union-attr]
            obj = r["o"]
            spec = props.get(prop)
            if incoming:
                about = local(obj.value, base)  # type: ignore[union-attr]
                value, label, is_entity = subj, (spec.edge_label if spec else prop), True
            else:
                about = subj
                label = spec.label if spec else prop
                is_entity = isinstance(obj, ox.NamedNode)
                value = local(obj.value, base) if is_entity else _text(obj)  # type: ignore[union-attr]
            value_label = g.nodes[value].get("label", value) if is_entity and value in g else value
            sid = local(r["src"].value, base)  # type: ignore[union-attr]
            found.setdefault(about, []).append(Claim(
                subj, prop, label, value, value_label, is_entity, _text(r["date"]),
                srcs.get(sid, SourceInfo(sid, sid)),
                r["conf"].value.rsplit("#", 1)[-1],  # type: ignore[union-attr]
                _text(r["note"])))
    return {e: sorted(cs, key=_claim_order) for e, cs in found.items()}


def _claim_order(c: Claim) -> tuple[int, str, str, str, str]:
    rank = FACT_ORDER.index(c.property) if c.property in FACT_ORDER else len(FACT_ORDER)
    return (rank, c.property, c.value_label.casefold(), c.date, c.source.id)


def _kind(g: nx.MultiDiGraph, node: str) -> str:
    t = g.nodes[node].get("type", "Entity")
    s = schema()
    if s.is_a(t, "Case"):
        return "case"
    if s.is_a(t, "Event"):
        return "event"
    return "other"


def _roles(g: nx.MultiDiGraph, entity: str, other: str) -> list[str]:
    """How the entity takes part in a case or event ("defendant", "judge", "court" ...)."""
    props = schema().properties
    keys = set(g.get_edge_data(other, entity) or {}) | set(g.get_edge_data(entity, other) or {})
    return sorted(props[k].label if k in props else k for k in keys)


def related(g: nx.MultiDiGraph, entity: str) -> tuple[list[str], list[str]]:
    """The cases and events an entity is part of, directly or through one of its cases.

    Events come in date order (undated last); the entity itself is never its own block.
    """
    cases: set[str] = set()
    events: set[str] = set()
    for other in set(g.successors(entity)) | set(g.predecessors(entity)):
        kind = _kind(g, other)
        if kind == "case":
            cases.add(other)
        elif kind == "event":
            events.add(other)
    for ev in list(events):  # an event's case is part of the story (an arrest's prosecution)
        cases.update(c for _, c, k in g.out_edges(ev, keys=True) if k == "case")
    for case in cases | {entity}:
        if case in g and _kind(g, case) == "case":
            events.update(ev for ev, _, k in g.in_edges(case, keys=True)
                          if k == "case" and _kind(g, ev) == "event")
    cases.discard(entity)
    events.discard(entity)
    return sorted(cases), sorted(events, key=lambda e: (g.nodes[e].get("date") or "9999", e))


def _compatible(prop: str, a: str, b: str) -> bool:
    if a == b:
        return True
    if prop in ("birthDate", "date", "endDate", "foundingDate"):
        return a.startswith(b) or b.startswith(a)  # 2017 and 2017-01-09 agree
    try:
        return float(a) == float(b)
    except ValueError:
        return a.strip().casefold() == b.strip().casefold()


def conflicts(claims: list[Claim], labels: dict[str, str]) -> list[Conflict]:
    """Single-valued properties on which the given claims disagree."""
    groups: dict[tuple[str, str], list[Claim]] = {}
    for c in claims:
        if c.property in SINGLE_VALUED:
            groups.setdefault((c.subject, c.property), []).append(c)
    found = []
    for (subj, prop), cs in sorted(groups.items()):
        values = list(dict.fromkeys(c.value for c in cs))
        if all(_compatible(prop, a, b) for a in values for b in values):
            continue
        options = [(v, [c for c in cs if c.value == v]) for v in values]
        found.append(Conflict(subj, labels.get(subj, subj), prop, cs[0].label, options))
    return found


def profile(store: GraphStore, g: nx.MultiDiGraph, entity: str, max_blocks: int = 200) -> Profile:
    """Everything the store says about an entity, grouped for reading.

    Raises KeyError for an id that is not in the (public or full) graph.
    """
    if entity not in g:
        raise KeyError(f"unknown entity '{entity}'")
    d = g.nodes[entity]
    case_ids, event_ids = related(g, entity)
    omitted = max(0, len(case_ids) - max_blocks) + max(0, len(event_ids) - max_blocks)
    case_ids, event_ids = case_ids[:max_blocks], event_ids[:max_blocks]
    about = _claims(store, g, [entity, *case_ids, *event_ids], incoming=False)
    facts = about[entity]
    incoming = _claims(store, g, [entity], incoming=True)[entity]
    blocks = {"case": [], "event": []}  # type: dict[str, list[Block]]
    for kind, ids in (("case", case_ids), ("event", event_ids)):
        for b in ids:
            bd = g.nodes[b]
            blocks[kind].append(Block(b, bd.get("label", b), bd.get("type", ""),
                                      bd.get("date", ""), _roles(g, entity, b), about[b]))
    in_blocks = set(case_ids) | set(event_ids)
    linked = [c for c in incoming if c.value not in in_blocks]
    labels = {n: g.nodes[n].get("label", n) for n in [entity, *in_blocks]}
    every = facts + [c for kind in blocks.values() for b in kind for c in b.claims]
    return Profile(entity, d.get("label", entity), d.get("type", "Entity"),
                   d.get("description", ""), list(d.get("aliases", [])), facts,
                   blocks["case"], blocks["event"], linked, conflicts(every, labels), omitted)
