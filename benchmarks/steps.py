"""Steps measured in a fresh process, so that wall time and peak memory are their own.

`python benchmarks/steps.py STEP ARGS...` prints one JSON line:
- `build DATA LOCATION [shacl|noshacl|auto]`: sheets → validated full and public stores
  (graph.build.build), with the time spent reading and checking rows on its own;
- `bulk FILE FORMAT`: Oxigraph's raw bulk load of a file into a new on-disk store —
  the practical limit a build is compared against;
- `network LOCATION`: graph.network.network_for on the full store in a fresh process
  (projects and writes the generation's cache the first time, reads it back after);
- `app LOCATION`: the Streamlit app's cold start to its first page (AppTest in a
  fresh interpreter, imports included) with REPGRAPH_STORE pointing at LOCATION.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent


def peak_mb() -> float:
    """Peak resident memory of this process so far, plus that of the largest child it
    waited for (the build's row-checking process): an upper bound (Linux reports KiB)."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def build(data: str, location: str, shacl: str = "auto") -> dict:
    import graph.build as gb

    start = time.perf_counter()
    report = gb.build([Path(data)], location,
                      shacl={"shacl": True, "noshacl": False}.get(shacl))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "ingest": report.checking, "shacl": report.shacl,
            "quads": report.triples, "peak_mb": peak_mb()}


def bulk(path: str, fmt: str) -> dict:
    import pyoxigraph as ox

    data = Path(path).read_bytes()
    with tempfile.TemporaryDirectory(prefix="bulk-") as tmp:
        store = ox.Store(tmp)
        start = time.perf_counter()
        store.bulk_load(data, format=getattr(ox.RdfFormat, fmt))
        store.flush()
        seconds = time.perf_counter() - start
        quads = len(store)
        del store
    return {"seconds": seconds, "quads": quads, "bytes": len(data), "peak_mb": peak_mb()}


def network(location: str) -> dict:
    """The projection as a process gets it: computed, or read back from the generation."""
    from graph.network import network_for
    from graph.store import open_store

    start = time.perf_counter()
    g = network_for(open_store(location, full=True))
    return {"seconds": time.perf_counter() - start, "nodes": g.number_of_nodes(),
            "peak_mb": peak_mb()}


def app(location: str) -> dict:
    os.environ["REPGRAPH_STORE"] = location
    os.chdir(ROOT)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.run()
    errors = [str(e.value)[:200] for e in at.exception]
    shown = len(at.markdown) + len(at.metric) + len(at.dataframe) + len(at.title)
    return {"seconds": time.perf_counter() - T0, "errors": errors, "elements": shown,
            "peak_mb": peak_mb()}


if __name__ == "__main__":
    step, *args = sys.argv[1:]
    result = {"build": build, "bulk": bulk, "network": network, "app": app}[step](*args)
    print(json.dumps(result), flush=True)
