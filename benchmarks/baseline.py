"""The baseline: the same quads in rdflib's in-memory store, the same saved queries.

This is what a user of plain rdflib would get: `Dataset(default_union=True)` loaded
from N-Quads, queries run through rdflib's SPARQL engine with `initBindings`.

Run as a child process (`python benchmarks/baseline.py SPEC.json`): it loads the
data once, then forks one grandchild per query, so that a query that overruns the
cap is killed without paying for a reload (at 1M quads the load alone takes
minutes).  It prints one JSON object per line; the parent (run.py) applies the
cap to the load by killing this process.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import statistics
import sys
import time


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


def run_query(ds, text: str, bindings: dict, runs: int) -> dict:
    """Median of up to `runs` executions; one run only when a run takes over 2 s."""
    from graph.results import PREFIXES

    times, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        result = ds.query(text, initNs=PREFIXES, initBindings=bindings)
        rows = len(list(result))
        times.append(time.perf_counter() - start)
        if times[-1] > 2:
            break
    return {"median": statistics.median(times), "runs": len(times), "rows": rows}


def main(spec_path: str) -> None:
    from rdflib import Dataset, URIRef

    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    start = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(spec["nquads"], format="nquads")
    emit({"event": "loaded", "seconds": time.perf_counter() - start, "rss_mb": rss_mb(),
          "quads": len(ds)})
    cap = float(spec["cap"])
    for q in spec["queries"]:
        bindings = {k: URIRef(v) for k, v in q["bindings"].items()}
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the grandchild: run, report, exit without cleanup
            os.close(read)
            try:
                out = run_query(ds, q["text"], bindings, int(spec["runs"]))
            except Exception as exc:  # report any engine failure as a result
                out = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            os.write(write, json.dumps(out).encode())
            os._exit(0)
        os.close(write)
        ready, _, _ = select.select([read], [], [], cap)
        if ready:
            chunks = []
            while chunk := os.read(read, 65536):
                chunks.append(chunk)
            result = json.loads(b"".join(chunks) or b'{"error": "no answer"}')
        else:
            os.kill(pid, signal.SIGKILL)
            result = {"capped": cap}
        os.close(read)
        os.waitpid(pid, 0)
        emit({"event": "query", "name": q["name"], **result})
    emit({"event": "done", "rss_mb": rss_mb()})


if __name__ == "__main__":
    main(sys.argv[1])
