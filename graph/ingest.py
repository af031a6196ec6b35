"""Sheets → checked N-Quads for the full and the public store.

One pass over the rows: each is checked against the ontology (types, properties,
ranges, ids, sources, dates) while its quads are written, so that a million-row
dataset is validated at parsing speed and every problem is reported with its
file, row and column — all of them in one run, not just the first.

Where things go (DESIGN.md §5):
- entity descriptions (type, label, aliases) → graph <base>graph/entities
- source descriptions → graph <base>graph/sources
- each claim → the named graph of its source (its IRI is the source's IRI), as the
  triple itself plus an rg:Claim node carrying date, confidence and note
- ontology and vocabularies → <base>graph/ontology and <base>graph/vocabularies
Restricted material goes only to the full list; a public claim that touches a
restricted entity or source is dropped from the public list and counted.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.config import base_iri
from graph.exc import InputError, Problem
from graph.literals import LiteralProblem, nt_string, nt_typed, partial_date, to_literal
from graph.ontology import Schema, schema
from graph.sheets import Row, read_dataset_sheets
from graph.vocab import load_vocabulary

ID_RE = re.compile(r"^[a-z0-9]+(?:[-._][a-z0-9]+)*$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
RG = "https://repression-graph.org/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS_ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
DESCRIPTION = "<https://schema.org/description>"
SAME_AS = "<http://www.w3.org/2002/07/owl#sameAs>"
DCT_TITLE = "<http://purl.org/dc/terms/title>"
DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
A = f"<{RDF}type>"
LABEL = f"<{RDFS}label>"
COMMENT = f"<{RDFS}comment>"
VIS = f"<{RG}visibility>"
CONFIDENCE = ("high", "medium", "low")
VISIBILITY = ("public", "restricted")
RDF_SUFFIXES = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG,
                ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS}
REFUSED_SUFFIXES = {".rdf", ".xml", ".owl", ".jsonld", ".json"}


def graph_iri(base: str, name: str) -> str:
    """IRI of one of the fixed named graphs (entities, sources, ontology, vocabularies)."""
    return f"{base}graph/{name}"


@dataclass
class Ingested:
    """The result of reading datasets: quads for each store, warnings, counts."""

    #: quads for both stores
    public: list[str] = field(default_factory=list)
    #: quads for the full store only: the full store is public + restricted, which lets
    #: the build load the public quads once and add these to a copy (graph.build)
    restricted: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    #: public claims left out of the public store because they touch restricted material
    dropped_public_claims: int = 0

    @property
    def full(self) -> list[str]:
        """Every quad of the full store (a new list: public quads first)."""
        return self.public + self.restricted


@dataclass
class _Entity:
    type: str
    where: str
    public: bool


class _Ingest:
    def __init__(self, base: str, s: Schema,
                 public_lines: Callable[[str], None] | None = None) -> None:
        self.base = base
        self.schema = s
        self.public_lines = public_lines
        self.vocab = load_vocabulary(base)
        self.problems: list[Problem] = []
        self.out = Ingested()
        self.entities: dict[str, _Entity] = {
            i: _Entity(t, "vocabulary", True) for i, t in self.vocab.types.items()
        }
        self.sources: dict[str, _Entity] = {}
        self.defendants: set[str] = set()
        self.case_rows: dict[str, Row] = {}

    # -- helpers -------------------------------------------------------------------
    def iri(self, ident: str) -> str:
        return f"<{self.base}{ident}>"

    def emit(self, line: str, public: bool) -> None:
        if not public:
            self.out.restricted.append(line)
        elif self.public_lines is not None:
            self.public_lines(line)
        else:
            self.out.public.append(line)

    def check_id(self, row: Row, column: str, ident: str) -> bool:
        if not ident:
            self.problems.append(row.problem(column, "id is empty"))
            return False
        if not ID_RE.match(ident):
            self.problems.append(row.problem(column, (
                f"id '{ident}' is not a slug: use lower-case letters, digits and hyphens "
                "(e.g. iqbal-abilov, case-abilov-2024, az-cc-206.3.2)")))
            return False
        known = self.entities.get(ident) or self.sources.get(ident)
        if known is not None:
            self.problems.append(row.problem(column, (
                f"duplicate id '{ident}' (already defined at {known.where})")))
            return False
        return True

    def visibility(self, row: Row) -> bool | None:
        vis = row.get("visibility").lower() or "public"
        if vis not in VISIBILITY:
            self.problems.append(row.problem("visibility",
                                             f"'{vis}' is not public or restricted"))
            return None
        return vis == "public"

    def unknown_id(self, row: Row, column: str, ident: str) -> None:
        pool = list(self.entities) + list(self.sources)
        near = difflib.get_close_matches(ident, pool, n=1, cutoff=0.75)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        self.problems.append(row.problem(column, f"unknown entity '{ident}'{hint}"))

    # -- sheets --------------------------------------------------------------------
    def source(self, row: Row) -> None:
        ident = row.get("id")
        public = self.visibility(row)
        if not self.check_id(row, "id", ident) or public is None:
            return
        self.sources[ident] = _Entity("Source", f"{row.file}:{row.line}", public)
        if not row.get("title"):
            self.problems.append(row.problem("title", "a source needs a title"))
        g = f"<{graph_iri(self.base, 'sources')}>"
        s = self.iri(ident)
        lines = [f"{s} {A} <{RG}Source>", f"{s} {DCT_TITLE} {nt_string(row.get('title'))}",
                 f"{s} {LABEL} {nt_string(row.get('title'))}"]
        for column, prop, kind in (("url", "url", "uri"), ("publisher", "publisher", "string"),
                                   ("published", "published", "date"),
                                   ("accessed", "accessed", "date")):
            if value := row.get(column):
                try:
                    lines.append(f"{s} <{RG}{prop}> {to_literal(value, kind)}")
                except LiteralProblem as exc:
                    self.problems.append(row.problem(column, str(exc)))
        if not public:
            lines.append(f"{s} {VIS} \"restricted\"")
        for line in lines:
            self.emit(f"{line} {g} .", public)
        self.out.counts["sources"] += 1

    def entity(self, row: Row) -> None:
        ident, cls = row.get("id"), row.get("type")
        public = self.visibility(row)
        if not self.check_id(row, "id", ident) or public is None:
            return
        if cls not in self.schema.classes:
            near = difflib.get_close_matches(cls, list(self.schema.classes), n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            self.problems.append(row.problem("type", f"unknown type '{cls}'{hint}"))
            return
        self.entities[ident] = _Entity(cls, f"{row.file}:{row.line}", public)
        if self.schema.is_a(cls, "Case"):
            self.case_rows[ident] = row
        label = row.get("label")
        if not label:
            self.problems.append(row.problem("label", "an entity needs a label"))
        g = f"<{graph_iri(self.base, 'entities')}>"
        s = self.iri(ident)
        lines = [f"{s} {A} <{RG}{cls}>", f"{s} {LABEL} {nt_string(label)}"]
        for alias in filter(None, (a.strip() for a in row.get("aliases").split(";"))):
            lines.append(f"{s} {SKOS_ALT} {nt_string(alias)}")
        if desc := row.get("description"):
            lines.append(f"{s} {DESCRIPTION} {nt_string(desc)}")
        if wd := row.get("wikidata"):
            if WIKIDATA_RE.match(wd):
                lines.append(f"{s} {SAME_AS} <http://www.wikidata.org/entity/{wd}>")
            else:
                self.problems.append(row.problem("wikidata",
                                                 f"'{wd}' is not a Wikidata id like Q42"))
        if not public:
            lines.append(f"{s} {VIS} \"restricted\"")
        for line in lines:
            self.emit(f"{line} {g} .", public)
        self.out.counts[f"type:{cls}"] += 1

    def claim(self, row: Row) -> None:
        subj, prop_name, obj, src = (row.get(c) for c in ("subject", "property", "object",
                                                          "source"))
        claim_public = self.visibility(row)
        ok = claim_public is not None
        subject = self.entities.get(subj)
        if not subj:
            self.problems.append(row.problem("subject", "subject is empty"))
            ok = False
        elif subject is None:
            self.unknown_id(row, "subject", subj)
            ok = False
        prop = self.schema.properties.get(prop_name)
        if prop is None:
            names = [p for p in self.schema.properties if p not in ("confidence", "claimDate")]
            near = difflib.get_close_matches(prop_name, names, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            self.problems.append(row.problem("property", f"unknown property '{prop_name}'{hint}"))
            ok = False
        elif subject is not None and prop.domains and not any(
            self.schema.is_a(subject.type, d) for d in prop.domains
        ):
            self.problems.append(row.problem("property", (
                f"'{prop_name}' does not apply to a {subject.type} "
                f"(it applies to: {', '.join(sorted(prop.domains))})")))
            ok = False
        source = self.sources.get(src)
        if not src:
            self.problems.append(row.problem("source", "every claim needs a source"))
            ok = False
        elif source is None:
            near = difflib.get_close_matches(src, list(self.sources), n=1, cutoff=0.75)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            self.problems.append(row.problem("source",
                                             f"source '{src}' is not in sources.csv{hint}"))
            ok = False
        obj_term, obj_public = "", True
        if prop is not None and not obj:
            self.problems.append(row.problem("object", "object is empty"))
            ok = False
        elif prop is not None and prop.is_relation:
            target = self.entities.get(obj)
            if target is None:
                self.unknown_id(row, "object", obj)
                ok = False
            elif prop.range_class and not self.schema.is_a(target.type, prop.range_class):
                self.problems.append(row.problem("object", (
                    f"'{prop_name}' needs a {prop.range_class}, but '{obj}' is a {target.type}")))
                ok = False
            else:
                obj_term, obj_public = self.iri(obj), target.public
        elif prop is not None:
            try:
                obj_term = to_literal(obj, prop.kind)
            except LiteralProblem as exc:
                self.problems.append(row.problem("object", str(exc)))
                ok = False
        date = row.get("date")
        date_term = ""
        if date:
            try:
                date_term = nt_typed(*partial_date(date))
            except LiteralProblem as exc:
                self.problems.append(row.problem("date", str(exc)))
                ok = False
        confidence = row.get("confidence").lower() or "medium"
        if confidence not in CONFIDENCE:
            self.problems.append(row.problem("confidence",
                                             f"'{confidence}' is not high, medium or low"))
            ok = False
        if not ok or prop is None or subject is None or source is None:
            return
        if prop_name == "defendant":
            self.defendants.add(subj)
        public = bool(claim_public) and source.public and subject.public and obj_public
        if claim_public and not public:
            self.out.dropped_public_claims += 1
        s, p, g = self.iri(subj), f"<{prop.iri}>", self.iri(src)
        key = "\x1f".join((subj, prop_name, obj, src, date))
        digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16]
        c = f"<{self.base}claim/{digest}>"  # stable: the same row gives the same claim IRI
        lines = [f"{s} {p} {obj_term}", f"{c} {A} <{RG}Claim>", f"{c} <{RDF}subject> {s}",
                 f"{c} <{RDF}predicate> {p}", f"{c} <{RDF}object> {obj_term}",
                 f"{c} <{RG}confidence> <{RG}{confidence}>", f"{c} {DERIVED} {g}"]
        if date_term:
            lines.append(f"{c} <{RG}claimDate> {date_term}")
        if note := row.get("note"):
            lines.append(f"{c} {COMMENT} {nt_string(note)}")
        if not claim_public:
            lines.append(f"{c} {VIS} \"restricted\"")
        for line in lines:
            self.emit(f"{line} {g} .", public)
        self.out.counts["claims"] += 1

    def rdf_file(self, path: Path) -> None:
        label = str(path)
        fmt = RDF_SUFFIXES[path.suffix]
        public = ".restricted." not in path.name
        default = f"<{graph_iri(self.base, 'file/' + path.parent.name + '/' + path.name)}>"
        try:
            for q in ox.parse(path=str(path), format=fmt):
                graph = q.graph_name if hasattr(q, "graph_name") else ox.DefaultGraph()
                g = default if isinstance(graph, ox.DefaultGraph) else str(graph)
                self.emit(f"{q.subject} {q.predicate} {q.object} {g} .", public)
                if isinstance(q.subject, ox.NamedNode) and q.predicate.value == f"{RDF}type" \
                        and q.subject.value.startswith(self.base) \
                        and isinstance(q.object, ox.NamedNode) and q.object.value.startswith(RG):
                    ident = q.subject.value[len(self.base):]
                    self.entities.setdefault(ident, _Entity(q.object.value[len(RG):], label,
                                                            public))
        except SyntaxError as exc:
            self.problems.append(Problem(label, None, None, f"RDF syntax error: {exc}"))
        self.out.counts["rdf files"] += 1

    def finish(self) -> None:
        for case, row in self.case_rows.items():
            if case not in self.defendants:
                self.problems.append(row.problem("id", (
                    f"case '{case}' has no defendant: add a claim "
                    f"'{case},defendant,<person id>,...' to claims.csv")))
        for line in self.vocab.ontology_lines:
            self.emit(f"{line} <{graph_iri(self.base, 'ontology')}> .", True)
        for line in self.vocab.vocab_lines:
            self.emit(f"{line} <{graph_iri(self.base, 'vocabularies')}> .", True)


def ingest(folders: list[Path], base: str | None = None,
           public_lines: Callable[[str], None] | None = None) -> Ingested:
    """Read and check every dataset folder; raise InputError listing all problems.

    With `public_lines`, each public quad goes there as soon as its row is checked
    instead of into `Ingested.public`, so that a store can load them while later rows
    are still being read (graph.build).
    """
    job = _Ingest(base or base_iri(), schema(), public_lines)
    sheets = []
    for folder in folders:
        if not folder.is_dir():
            job.problems.append(Problem(str(folder), None, None, "no such dataset folder"))
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in REFUSED_SUFFIXES:
                job.problems.append(Problem(str(path), None, None, (
                    "RDF/XML, JSON-LD and other XML/JSON inputs are refused (they can expand "
                    "entities or fetch remote contexts); convert to Turtle or TriG")))
        found = read_dataset_sheets(folder, job.problems)
        if not found and not any(p.suffix in RDF_SUFFIXES for p in folder.iterdir()):
            job.problems.append(Problem(str(folder), None, None, (
                "no sheets found: expected sources.csv, entities.csv, claims.csv "
                "or one .xlsx workbook")))
        sheets.append((folder, found))
    # Sources and entities of all folders first: ids are unique across datasets and a
    # claim in one dataset may cite an entity of another.
    for _, found in sheets:
        for row in found["sources"].rows if "sources" in found else []:
            job.source(row)
    for folder, found in sheets:
        for row in found["entities"].rows if "entities" in found else []:
            job.entity(row)
        for path in sorted(folder.iterdir()):
            if path.suffix in RDF_SUFFIXES:
                job.rdf_file(path)
    for _, found in sheets:
        for row in found["claims"].rows if "claims" in found else []:
            job.claim(row)
    job.finish()
    errors = [p for p in job.problems if p.level == "error"]
    if errors:
        raise InputError(job.problems)
    job.out.warnings = job.problems
    return job.out
