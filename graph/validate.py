"""SHACL validation of a built graph against ontology/shapes.ttl.

The row checks in graph.ingest already enforce what the shapes say, row by row
and with file:row:column messages; the shapes are the declarative statement of
the same rules, checked on the whole graph where it is small enough for pyshacl
(see SHACL_MAX_TRIPLES), and usable by any other SHACL engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rdflib import Dataset, Graph

from graph.config import ONTOLOGY_DIR
from graph.exc import ValidationError


@lru_cache(maxsize=1)
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def validate_graph(data: Graph) -> list[str]:
    """Violation messages of `data` (empty when it conforms)."""
    from pyshacl import validate

    conforms, report, _ = validate(data, shacl_graph=shapes(), inference="none",
                                   advanced=False, allow_warnings=True)
    if conforms:
        return []
    from rdflib.namespace import SH

    messages = []
    for result in report.subjects(predicate=None, object=SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        msg = report.value(result, SH.resultMessage)
        messages.append(f"{focus} {path or ''}: {msg}")
    return sorted(messages)


def quads_to_graph(lines: Iterable[str]) -> Graph:
    """Merge N-Quads lines into one rdflib graph (shapes look across named graphs)."""
    ds = Dataset()
    ds.parse(data="\n".join(lines), format="nquads")
    merged = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def validate_quads(lines: Iterable[str]) -> None:
    """Raise ValidationError listing every violation."""
    problems = validate_graph(quads_to_graph(lines))
    if problems:
        raise ValidationError("SHACL violations:\n" + "\n".join(f"  {p}" for p in problems))
