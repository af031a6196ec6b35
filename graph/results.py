"""Query results as plain, picklable values, and their text renderings.

Results cross process boundaries (sandbox workers, remote servers), so they are
held as pyoxigraph terms (picklable, cheap) in a small dataclass rather than as
live iterators over a store.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.text import visible

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

PREFIXES: dict[str, str] = {
    "rg": "https://repression-graph.org/ns#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "wd": "http://www.wikidata.org/entity/",
}


@dataclass
class QueryResult:
    """A SELECT table, an ASK answer or a CONSTRUCT/DESCRIBE graph."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    elapsed: float = 0.0

    def dicts(self) -> Iterator[dict[str, Term | None]]:
        for row in self.rows:
            yield dict(zip(self.variables, row, strict=True))

    def values(self) -> list[dict[str, str | None]]:
        """Rows as plain strings (IRIs and literal values), for tables and tests."""
        return [{v: plain(t) for v, t in zip(self.variables, row, strict=True)}
                for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)


def plain(term: Term | None) -> str | None:
    """The value a reader wants: an IRI's text or a literal's lexical form."""
    if term is None:
        return None
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def shorten(iri: str, base: str | None = None) -> str:
    """Prefixed name for display (rg:judge, id:iqbal-abilov)."""
    if base and iri.startswith(base):
        return "id:" + iri[len(base):]
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri[len(ns):].replace("-", "").replace(".", "").isalnum():
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


def display(term: Term | None, base: str | None = None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value, base)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return visible(term.value)
    return str(term)


def to_table(result: QueryResult, base: str | None = None, width: int = 60) -> str:
    """An aligned text table, the CLI's default output."""
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    if result.kind == "graph":
        return "\n".join(f"{t} ." for t in result.triples)
    cells = [[_clip(display(t, base), width) for t in row] for row in result.rows]
    heads = result.variables
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(heads)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''}"
                 f"{', truncated' if result.truncated else ''})")
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV results: plain values, header of variable names."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ask":
        w.writerow(["boolean"])
        w.writerow(["true" if result.boolean else "false"])
    elif result.kind == "graph":
        w.writerow(["subject", "predicate", "object"])
        for t in result.triples:
            w.writerow([plain(t.subject), plain(t.predicate), plain(t.object)])
    else:
        w.writerow(result.variables)
        for row in result.rows:
            w.writerow([plain(t) or "" for t in row])
    return out.getvalue()


def term_json(term: Term) -> dict[str, str]:
    """One term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        d = {"type": "literal", "value": term.value}
        if term.language:
            d["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = term.datatype.value
        return d
    return {"type": "triple", "value": str(term)}


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 JSON results (graphs as a list of subject/predicate/object bindings)."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    if result.kind == "graph":
        variables: Sequence[str] = ("subject", "predicate", "object")
        rows = [(t.subject, t.predicate, t.object) for t in result.triples]
    else:
        variables, rows = result.variables, result.rows  # type: ignore[assignment]
    bindings = [{v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
                for row in rows]
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    if result.truncated:
        doc["truncated"] = True  # type: ignore[assignment]
    return json.dumps(doc, ensure_ascii=False, indent=1)
