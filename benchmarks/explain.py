"""Where a saved query spends its time: Oxigraph's plan with per-step row counts and timings.

    .venv/bin/python benchmarks/explain.py STORE_FOLDER QUERY_NAME|FILE.rq [--id ENTITY] [--all]

STORE_FOLDER is one level of a built generation (…/builds/<gen>/full).  Runs
`oxigraph query --explain --stats` on a scratch copy of that folder (the CLI opens
a store for writing, which must never touch a store the app reads), then prints the
plan as an indented tree: rows, total and own seconds per step, the hot steps marked
with `*` and joins without keys (cross products, the usual cause of a slow query)
with `!!`.  A parameterised query is explained with its parameter as a VALUES block (the
CLI takes no bindings), i.e. as a SPARQL server runs it — slower on Oxigraph than the
embedded store's substitutions (docs/performance.md, "Remote bindings").
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pyoxigraph as ox
from server import oxigraph_binary

from graph.query import parse_saved, saved_queries
from graph.rewrite import with_bindings


def walk(node: dict, depth: int, total: float, out: list[str], show_all: bool) -> None:
    spent = node.get("duration in seconds", 0.0)
    kids = node.get("children", [])
    own = spent - sum(k.get("duration in seconds", 0.0) for k in kids)
    name = node["name"]
    cross = ("Join" in name and "keys = ," in name) or name.endswith("keys = )")
    hot = own > 0.1 * total
    if show_all or hot or cross or spent > 0.05 * total:
        mark = "!!" if cross else " *" if hot else "  "
        out.append(f"{mark} {'  ' * depth}{name[:150]}  [{node.get('number of results', '?')} rows,"
                   f" {spent:.3f} s, own {own:.3f} s]")
    for k in kids:
        walk(k, depth + 1, total, out, show_all)


def explain(folder: Path, name: str, entity: str | None, show_all: bool) -> str:
    sq = parse_saved(Path(name)) if name.endswith(".rq") else saved_queries()[name]
    text = sq.text
    if sq.params:
        base = json.loads((folder.parent / "meta.json").read_text())["base"]
        text = with_bindings(text, {"id": ox.NamedNode(base + (entity or ""))})
    with tempfile.TemporaryDirectory(prefix="explain-") as tmp:
        copy = Path(tmp) / "store"
        shutil.copytree(folder, copy)
        plan = Path(tmp) / "plan.json"
        subprocess.run([oxigraph_binary(), "query", "--location", str(copy), "--query", text,
                        "--union-default-graph", "--results-format", "tsv", "--results-file",
                        str(Path(tmp) / "rows.tsv"), "--explain-file", str(plan), "--stats"],
                       check=True, capture_output=True)
        tree = json.loads(plan.read_text())["plan"]
    out = [f"{name}: {tree.get('duration in seconds', 0):.3f} s with statistics on "
           "(own = time in the step itself, children excluded)"]
    walk(tree, 0, tree.get("duration in seconds", 1.0) or 1.0, out, show_all)
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path, help="a store level folder, e.g. …/builds/<gen>/full")
    ap.add_argument("query", help="saved query name, or a .rq file (a draft of one)")
    ap.add_argument("--id", help="entity id for parameterised queries")
    ap.add_argument("--all", action="store_true", help="print every step, not only hot ones")
    args = ap.parse_args()
    print(explain(args.store, args.query, args.id, args.all))


if __name__ == "__main__":
    main()
