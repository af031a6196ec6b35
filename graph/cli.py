"""The `repgraph` command (DESIGN.md §8).

Every command reads the public store unless --full is given: what a command
prints or writes may end up in a report, so restricted data is opt-in.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graph.config import DEFAULT_DATA, MAX_ROWS, QUERY_TIMEOUT, default_store
from graph.exc import InputError, RepgraphError


def _store_arg(p: argparse.ArgumentParser, full: bool = True) -> None:
    p.add_argument("--store", default=None,
                   help="store folder or SPARQL server URL (default: REPGRAPH_STORE or .repgraph/)")
    if full:
        p.add_argument("--full", action="store_true",
                       help="use the full store, restricted material included (default: public)")


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise RepgraphError(f"--param takes NAME=VALUE, got '{pair}'")
        out[name] = value
    return out


def cmd_build(a: argparse.Namespace) -> int:
    from graph.build import build

    report = build([Path(d) for d in a.data or [DEFAULT_DATA]], a.store or default_store(),
                   shacl=a.shacl)
    for w in report.warnings:
        print(w, file=sys.stderr)
    print(report.summary())
    return 0


def cmd_validate(a: argparse.Namespace) -> int:
    from graph.build import check

    data, verdict = check([Path(d) for d in a.data or [DEFAULT_DATA]], shacl=a.shacl)
    for w in data.warnings:
        print(w, file=sys.stderr)
    print(f"valid: {data.counts['claims']} claims, {data.counts['sources']} sources, "
          f"{len(data.full):,} quads; SHACL {verdict}")
    return 0


def cmd_query(a: argparse.Namespace) -> int:
    from graph.query import bind, resolve
    from graph.results import to_csv, to_json, to_table
    from graph.sandbox import run_user_query
    from graph.store import open_store

    text, saved = resolve(a.query)
    store = open_store(a.store, full=a.full)
    bindings = bind(_params(a.param), saved, store.base)
    result = run_user_query(store, text, bindings, timeout=a.timeout, max_rows=a.max_rows)
    if a.format == "csv":
        sys.stdout.write(to_csv(result))
    elif a.format == "json":
        print(to_json(result))
    else:
        print(to_table(result, store.base))
    if result.truncated:
        print(f"warning: results truncated at {a.max_rows} rows", file=sys.stderr)
    return 0


def cmd_search(a: argparse.Namespace) -> int:
    from graph.search import search
    from graph.store import open_store

    store = open_store(a.store, full=a.full)
    hits = search(store, a.text, limit=a.limit)
    if not hits:
        print("no match")
        return 1
    width = max(len(h.id) for h in hits)
    for h in hits:
        extra = f"  (as '{h.matched}')" if h.matched != h.label else ""
        print(f"{h.id.ljust(width)}  {h.type:<12} {h.label}{extra}  [{h.score:.0f}]")
    return 0


def cmd_stats(a: argparse.Namespace) -> int:
    from graph.stats import stats
    from graph.store import open_store

    store = open_store(a.store, full=a.full)
    for key, value in stats(store):
        print(f"{key:<28} {value}")
    return 0


def cmd_render(a: argparse.Namespace) -> int:
    from graph.render import render_to_file
    from graph.store import open_store

    if sum(bool(x) for x in (a.focus, a.query, a.path)) != 1:
        raise RepgraphError("render needs one of --focus ID, --path A B or --query SAVED-NAME")
    store = open_store(a.store, full=a.full)
    out = render_to_file(store, Path(a.output), focus=a.focus, depth=a.depth, query=a.query,
                         params=_params(a.param), title=a.title, size=a.size,
                         path=tuple(a.path) if a.path else None, layout=a.layout)
    print(f"wrote {out}")
    return 0


def cmd_export(a: argparse.Namespace) -> int:
    from graph.export import export
    from graph.store import open_store

    store = open_store(a.store, full=a.full)
    out = export(store, a.format, Path(a.output))
    print(f"wrote {out}")
    return 0


def cmd_serve(a: argparse.Namespace) -> int:
    from graph.endpoint import serve

    serve(a.store or default_store(), host=a.host, port=a.port, full=False)
    return 0


def cmd_synth(a: argparse.Namespace) -> int:
    from graph.synth import write_synthetic

    counts = write_synthetic(a.persons, Path(a.output), seed=a.seed)
    print(f"wrote {a.output}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="repgraph", description=(
        "A knowledge graph of political repression networks: build, query, render, export."))
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="sheets → validated full and public stores")
    p.add_argument("--data", action="append", metavar="DIR",
                   help="dataset folder (repeatable; default data/azerbaijan)")
    _store_arg(p, full=False)
    p.add_argument("--shacl", action=argparse.BooleanOptionalAction, default=None,
                   help="force SHACL on or off (default: on up to 50k quads)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="the build's checks, writing nothing")
    p.add_argument("--data", action="append", metavar="DIR")
    p.add_argument("--shacl", action=argparse.BooleanOptionalAction, default=None)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="run SPARQL, a .rq file or a saved query")
    _store_arg(p)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a binding, e.g. --param id=iqbal-abilov (never pasted into the text)")
    p.add_argument("--timeout", type=float, default=QUERY_TIMEOUT, help="seconds (default 10)")
    p.add_argument("--max-rows", type=int, default=MAX_ROWS, help="row cap (default 10000)")
    p.add_argument("query", help="SPARQL text, a FILE.rq, or a saved query name")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("render", help="a network image: PNG, SVG, PDF or interactive HTML")
    _store_arg(p)
    p.add_argument("--focus", metavar="ID")
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--query", metavar="SAVED-NAME")
    p.add_argument("--path", nargs=2, metavar=("A", "B"),
                   help="the shortest paths between two entities")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--layout", choices=("auto", "force", "layered", "countries"), default="auto",
                   help="force-directed, left-to-right layers, or grouped by country")
    p.add_argument("--title")
    p.add_argument("--size", choices=("card", "slide", "a4"), default="slide",
                   help="card 1200×675, slide 1920×1080, a4 (vector)")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("export", help="the graph as ttl, nt, trig, jsonld, graphml, gexf, csv, ftm")
    _store_arg(p)
    p.add_argument("--format", required=True,
                   choices=("ttl", "nt", "trig", "jsonld", "graphml", "gexf", "csv", "ftm"))
    p.add_argument("-o", "--output", required=True, metavar="FILE", help=(
        "output file; for csv a folder (no suffix) holding sources.csv, entities.csv, "
        "claims.csv (plus extra.trig when needed), or a .zip; jsonld also writes "
        "NAME.context.jsonld beside it"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("serve", help="read-only SPARQL 1.1 endpoint over the public store")
    _store_arg(p, full=False)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7878)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("search", help="entities matching any spelling")
    _store_arg(p)
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=10)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("synth", help="a synthetic dataset in the sheets format (benchmarks)")
    p.add_argument("--persons", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("stats", help="counts of what the store holds")
    _store_arg(p)
    p.set_defaults(func=cmd_stats)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n = sum(1 for p in exc.problems if p.level == "error")
        print(f"{n} error(s); nothing was written", file=sys.stderr)
        return 2
    except RepgraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `repgraph query ... | head` closed the pipe: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
