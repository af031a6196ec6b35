"""Regenerate the derived part of ontology/shapes.ttl from ontology/repression.ttl.

The hand-written shapes (claims, cases, labels, sources) stay as they are; below
the marker, one datatype shape per typed literal property and one range shape per
relation property are derived from the ontology, so that adding a property to the
ontology and running this script keeps validation complete.  tests/test_shapes.py
fails when the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.ontology import load_schema  # noqa: E402

MARKER = "# ---------------------------------------------------------------- date shapes"
DATE = "( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYearMonth ] [ sh:datatype xsd:gYear ] )"


def derived(onto: Path) -> str:
    s = load_schema(onto)
    parts = [MARKER, "\n\n"]
    for p in sorted(s.properties.values(), key=lambda p: p.name):
        if p.kind == "date" and p.name not in ("claimDate", "published"):
            parts.append(f"""shape:{p.name}Date a sh:NodeShape ;
    sh:targetSubjectsOf rg:{p.name} ;
    sh:property [ sh:path rg:{p.name} ;
                  sh:or {DATE} ;
                  sh:message "{p.name} must be a date (YYYY, YYYY-MM or YYYY-MM-DD)" ] .

""")
        elif p.kind in ("boolean", "decimal", "integer"):
            parts.append(f"""shape:{p.name}Datatype a sh:NodeShape ;
    sh:targetSubjectsOf rg:{p.name} ;
    sh:property [ sh:path rg:{p.name} ; sh:datatype xsd:{p.kind} ;
                  sh:message "{p.name} must be xsd:{p.kind}" ] .

""")
    parts.append("# " + "-" * 64 + " range shapes\n\n")
    for p in sorted(s.properties.values(), key=lambda p: p.name):
        if p.is_relation and p.name != "confidence":
            parts.append(f"""shape:{p.name}Range a sh:NodeShape ;
    sh:targetSubjectsOf rg:{p.name} ;
    sh:property [ sh:path rg:{p.name} ; sh:class rg:{p.range_class} ;
                  sh:message "the object of {p.name} must be of type {p.range_class}" ] .

""")
    return "".join(parts).rstrip() + "\n"


def generate(shapes: Path, onto: Path) -> str:
    head = shapes.read_text(encoding="utf-8").partition(MARKER)[0]
    return head + derived(onto)


if __name__ == "__main__":
    shapes_path = ROOT / "ontology" / "shapes.ttl"
    shapes_path.write_text(generate(shapes_path, ROOT / "ontology" / "repression.ttl"),
                           encoding="utf-8")
