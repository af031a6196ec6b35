"""The shared vocabularies every dataset can reference: countries, charges, categories.

They live as Turtle in ontology/vocabularies/ with fixed ids (ISO codes,
`<country>-cc-<article>`), so datasets from different teams meet on one node.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from graph.config import ONTOLOGY_DIR
from graph.namespace import DEFAULT_BASE, RG

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass(frozen=True)
class Vocabulary:
    """N-Triples lines of the ontology and vocabularies, and the ids they define."""

    ontology_lines: tuple[str, ...]
    vocab_lines: tuple[str, ...]
    #: id -> class local name
    types: dict[str, str]
    labels: dict[str, str]


def _rebase(term: ox.NamedNode | ox.BlankNode | ox.Literal, base: str) -> str:
    text = str(term)
    if base != DEFAULT_BASE and isinstance(term, ox.NamedNode) and term.value.startswith(
        DEFAULT_BASE
    ):
        return f"<{base}{term.value[len(DEFAULT_BASE):]}>"
    return text


def _lines(path: Path, base: str) -> list[str]:
    return [
        f"{_rebase(t.subject, base)} {t.predicate} {_rebase(t.object, base)}"
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    ]


@lru_cache(maxsize=4)
def load_vocabulary(base: str, ontology_dir: Path = ONTOLOGY_DIR) -> Vocabulary:
    """Parse ontology/repression.ttl and ontology/vocabularies/*.ttl once per base IRI."""
    onto = _lines(ontology_dir / "repression.ttl", base)
    vocab: list[str] = []
    types: dict[str, str] = {}
    labels: dict[str, str] = {}
    rg = str(RG._NS)
    for path in sorted((ontology_dir / "vocabularies").glob("*.ttl")):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            vocab.append(f"{_rebase(t.subject, base)} {t.predicate} {_rebase(t.object, base)}")
            s = t.subject
            if not isinstance(s, ox.NamedNode) or not s.value.startswith(DEFAULT_BASE):
                continue
            ident = s.value[len(DEFAULT_BASE):]
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                if t.object.value.startswith(rg):
                    types[ident] = t.object.value[len(rg):]
            elif (t.predicate.value == RDFS_LABEL and isinstance(t.object, ox.Literal)
                  and (ident not in labels or t.object.language in (None, "en"))):
                labels[ident] = t.object.value
    return Vocabulary(tuple(onto), tuple(vocab), types, labels)
