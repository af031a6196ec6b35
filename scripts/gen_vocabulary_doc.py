"""Write docs/vocabulary.md — the sheet vocabulary — from ontology/repression.ttl.

The table users consult while filling in `type` and `property` cells is derived from
the ontology, never written by hand; tests/test_docs.py fails when it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.ontology import load_schema, sheet_properties  # noqa: E402

KIND = {"string": "text", "boolean": "true / false", "decimal": "number (5.5)",
        "integer": "whole number", "uri": "http(s) URL",
        "date": "date: YYYY, YYYY-MM or YYYY-MM-DD"}


def render(onto: Path) -> str:
    s = load_schema(onto)
    out = ["# Sheet vocabulary", "",
           "Generated from `ontology/repression.ttl` by `scripts/gen_vocabulary_doc.py`; do not "
           "edit by hand.", "",
           "## Types (the `type` column of entities.csv)", "",
           "| type | is a kind of | meaning |", "|---|---|---|"]
    for name in sorted(s.classes):
        if name in ("Claim", "Confidence", "Agent"):
            continue
        parents = sorted(a for a in s.ancestors[name] if a not in (name, "Agent"))
        out.append(f"| `{name}` | {', '.join(parents) or '—'} | {s.comments.get(name, '')} |")
    out += ["", "## Properties (the `property` column of claims.csv)", "",
            "| property | subject types | object | edge label | meaning |",
            "|---|---|---|---|---|"]
    for p in sheet_properties(s):
        obj = f"id of a {p.range_class}" if p.is_relation else KIND.get(p.kind, p.kind)
        domains = ", ".join(sorted(p.domains)) or "any"
        edge = p.edge_label if p.is_relation else ""
        out.append(f"| `{p.name}` | {domains} | {obj} | {edge} | {p.comment} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    (ROOT / "docs" / "vocabulary.md").write_text(render(ROOT / "ontology" / "repression.ttl"),
                                                 encoding="utf-8")
