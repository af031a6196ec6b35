"""The graph as FollowTheMoney entities (JSON lines) for OpenSanctions and Aleph tooling.

Mapping (ontology class or property → FtM schema):
- Person → Person; Organization, NGO, MediaOutlet, PoliticalParty,
  IntergovernmentalOrganization → Organization; StateBody, Court → PublicBody;
  Case → CourtCase (charges as `category`, court name as `court`); events → Event;
  sources → Document (title, URL, publisher, date).
- defendant, judge, prosecutor, defenceLawyer, complainant, court,
  arrestingAgency → CourtCaseParty with that role; memberOf, headOf, founderOf →
  Membership; relative, sibling, parent, spouse → Family.
- Countries become FtM country codes (our ids are ISO 3166-1 alpha-2); charges
  are named on the case, not entities of their own.
Every entity and relation lists the Documents it rests on in `proof`, and entity
ids are the graph's ids prefixed with `repgraph-`, so lines can be joined back.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx
from followthemoney import model
from followthemoney.proxy import EntityProxy

from graph.network import network_for
from graph.ontology import schema
from graph.results import plain
from graph.store import GraphStore

PREFIX = "repgraph-"
PARTY_ROLES = {"defendant": "defendant", "judge": "judge", "prosecutor": "prosecutor",
               "defenceLawyer": "defence lawyer", "complainant": "complainant",
               "court": "court", "arrestingAgency": "arresting agency"}
MEMBERSHIP = {"memberOf": "member", "headOf": "head", "founderOf": "founder"}
FAMILY = {"relative": "relative", "sibling": "sibling", "parent": "child of",
          "spouse": "spouse"}
_LITERALS = """PREFIX rg: <https://repression-graph.org/ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?s ?p ?o WHERE {
  VALUES ?p { rg:birthDate rg:position rg:status rg:inAbsentia owl:sameAs rg:date rg:outcome }
  ?s ?p ?o }"""
_DOCS = """PREFIX rg: <https://repression-graph.org/ns#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?s ?title ?url ?publisher ?published WHERE { GRAPH <%sgraph/sources> {
  ?s a rg:Source ; dct:title ?title .
  OPTIONAL { ?s rg:url ?url } OPTIONAL { ?s rg:publisher ?publisher }
  OPTIONAL { ?s rg:published ?published } } }"""


def schema_for(cls: str) -> str | None:
    """The FtM schema for an ontology class, or None for classes that are not entities."""
    s = schema()
    for ours, theirs in (("Person", "Person"), ("Court", "PublicBody"),
                         ("StateBody", "PublicBody"), ("Organization", "Organization"),
                         ("Case", "CourtCase"), ("Event", "Event")):
        if s.is_a(cls, ours):
            return theirs
    return None


def _text(term: object) -> str:
    return plain(term) or ""  # type: ignore[arg-type]


def _eid(ident: str) -> str:
    return PREFIX + ident


def entities(store: GraphStore) -> list[EntityProxy]:
    """Every FtM entity for the store, sorted by id."""
    g = network_for(store)
    base = store.base
    facts: dict[str, dict[str, list[str]]] = {}
    for s_, p, o in store.query(_LITERALS).rows:
        facts.setdefault(_text(s_)[len(base):], {}).setdefault(
            _text(p).rsplit("#", 1)[-1], []).append(_text(o))
    out: dict[str, EntityProxy] = {}
    for row in store.query(_DOCS % base).rows:
        doc = model.make_entity("Document")
        doc.id = _eid(_text(row[0])[len(base):])
        doc.add("title", _text(row[1]))
        for prop, term in (("sourceUrl", row[2]), ("publisher", row[3]),
                           ("publishedAt", row[4])):
            if term is not None:
                doc.add(prop, _text(term))
        out[doc.id] = doc
    for n, d in sorted(g.nodes(data=True)):
        name = schema_for(d["type"])
        if name is None:
            continue
        ent = model.make_entity(name)
        ent.id = _eid(n)
        ent.add("name", d.get("label") or n)
        ent.add("alias", d.get("aliases") or [])
        ent.add("description", d.get("description") or None)
        _literals(ent, facts.get(n, {}))
        out[ent.id] = ent
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3]):
        _edge(g, out, u, v, k, d)
    return [out[k] for k in sorted(out)]


def _literals(ent: EntityProxy, f: dict[str, list[str]]) -> None:
    wd = [x.rsplit("/", 1)[-1] for x in f.get("sameAs", []) if "wikidata.org" in x]
    if ent.schema.name == "Person":
        ent.add("birthDate", f.get("birthDate", []))
        ent.add("position", f.get("position", []))
    if ent.schema.name != "Event":
        ent.add("wikidataId", wd)
    if ent.schema.name == "CourtCase":
        ent.add("status", f.get("status", []))
        if "true" in f.get("inAbsentia", []):
            ent.add("type", "trial in absentia")
    if ent.schema.name == "Event":
        ent.add("date", f.get("date", []))
        ent.add("summary", f.get("outcome", []))


def _edge(g: nx.MultiDiGraph, out: dict[str, EntityProxy], u: str, v: str, k: str,
          d: dict[str, Any]) -> None:
    src, dst = out.get(_eid(u)), out.get(_eid(v))
    proof = [_eid(s) for s in d.get("sources") or [] if _eid(s) in out]
    target_type = g.nodes[v]["type"]
    if src is None:
        return
    if target_type == "Country":
        prop = {"nationality": "nationality", "countryOfResidence": "country",
                "country": "country", "hostCountry": "country"}.get(k)
        if prop and prop in src.schema.properties:
            src.add(prop, v)
        return
    if target_type == "Charge" and src.schema.name == "CourtCase":
        src.add("category", g.nodes[v].get("label") or v)
        return
    if dst is None:
        return
    rel: EntityProxy | None = None
    if src.schema.name == "CourtCase" and k in PARTY_ROLES:
        rel = model.make_entity("CourtCaseParty")
        rel.add("case", src.id)
        rel.add("party", dst.id)
        rel.add("role", PARTY_ROLES[k])
        if k == "court":
            src.add("court", g.nodes[v].get("label") or v)
    elif k in MEMBERSHIP and dst.schema.is_a("Organization"):
        rel = model.make_entity("Membership")
        rel.add("member", src.id)
        rel.add("organization", dst.id)
        rel.add("role", MEMBERSHIP[k])
    elif k in FAMILY and src.schema.name == dst.schema.name == "Person":
        rel = model.make_entity("Family")
        rel.add("person", src.id)
        rel.add("relative", dst.id)
        rel.add("relationship", FAMILY[k])
    elif src.schema.name == "Event" and dst.schema.is_a("LegalEntity"):
        src.add("organizer" if k == "organizer" else "involved", dst.id)
        src.add("proof", proof)
        return
    if rel is None:
        return
    rel_id = f"{PREFIX}{k}-{(rel.make_id(k, u, v) or '')[:20]}"
    rel.id = rel_id
    rel.add("proof", proof)
    rel.add("date", d.get("dates") or [])
    out[rel_id] = rel


def ftm_lines(store: GraphStore) -> dict[str, bytes]:
    """JSON lines, one entity per line, sorted by id."""
    lines = [json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True)
             for e in entities(store)]
    return {"entities.ftm.json": ("\n".join(lines) + "\n").encode("utf-8")}
