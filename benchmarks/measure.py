"""Timing helpers: medians after warm-up, child processes, the rdflib baseline driver."""

from __future__ import annotations

import json
import queue
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def median_time(fn: Callable[[], Any], runs: int = 5, warmup: int = 1) -> tuple[float, Any]:
    """Median wall time of `runs` calls after `warmup` calls; also the last result."""
    out = None
    for _ in range(warmup):
        out = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def adaptive(fn: Callable[[], Any], runs: int) -> tuple[float, Any, int]:
    """Median of `runs` timed calls after a warm-up call; fewer when the query is slow.

    A warm-up over 1 s leaves three timed runs (a single sample of a query near a 1 s
    target would decide its verdict by the machine's noise); over 10 s the warm-up itself
    is the measurement, so that a slow query at 1M costs a few runs, not eight.
    """
    start = time.perf_counter()
    out = fn()
    first = time.perf_counter() - start
    if first > 10:
        return first, out, 1
    n = runs if first < 1 else min(runs, 3)
    seconds, out = median_time(fn, n, warmup=0)
    return seconds, out, n


def measure_local(store: Any, specs: list[tuple[str, str, dict]], runs: int) -> dict[str, dict]:
    """Each query on the embedded store (trusted path, all rows), raw with the sandbox's
    row cap, and through the sandbox's worker pool — interleaved run by run, so that
    other load on the machine falls on all three alike."""
    from graph.config import MAX_ROWS
    from graph.sandbox import QueryPool

    out: dict[str, dict] = {}
    with QueryPool(str(store.path), workers=1, timeout=3600) as pool:
        for name, text, bindings in specs:
            calls = {"embedded": lambda tx=text, b=bindings: store.query(tx, b),
                     "raw": lambda tx=text, b=bindings: store.query(tx, b, max_rows=MAX_ROWS),
                     "pool": lambda tx=text, b=bindings: pool.run(tx, b)}
            first, result, n = adaptive(calls["embedded"], runs)
            rows = len(result)
            times: dict[str, list[float]] = {k: [] for k in calls}
            if n == 1 and first > 10:  # too slow to repeat: one run of each
                times["embedded"].append(first)
                for k in ("raw", "pool"):
                    start = time.perf_counter()
                    calls[k]()
                    times[k].append(time.perf_counter() - start)
            else:
                for k in ("raw", "pool"):
                    calls[k]()  # warm-up (the pool's worker has its own caches)
                for _ in range(n):
                    for k, fn in calls.items():
                        start = time.perf_counter()
                        fn()
                        times[k].append(time.perf_counter() - start)
            out[name] = {k: statistics.median(v) for k, v in times.items()}
            out[name].update(rows=rows, n=n)
    return out


def child(step: str, *args: str, timeout: float = 3600, env: dict | None = None) -> dict:
    """Run benchmarks/steps.py STEP in a fresh interpreter; its JSON answer."""
    proc = subprocess.run([sys.executable, str(HERE / "steps.py"), step, *args],
                          capture_output=True, text=True, timeout=timeout, env=env,
                          check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"step {step} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def child_median(step: str, *args: str, runs: int = 1, key: str = "seconds") -> dict:
    """Several fresh-process runs of a step: the median run (by `key`), with all times."""
    results = [child(step, *args) for _ in range(runs)]
    results.sort(key=lambda r: r[key])
    best = dict(results[len(results) // 2])
    best["all"] = [r[key] for r in results]
    best["peak_mb"] = max(r["peak_mb"] for r in results)
    return best


def rdflib_baseline(nquads: Path, queries: list[dict], work: Path, cap: float,
                    load_cap: float, runs: int = 3) -> dict:
    """Load the quads into rdflib and run each query there, each capped at `cap` seconds.

    Returns {"load": seconds or None, "load_capped": bool, "rss_mb", "queries": {name: ...}}.
    A query over the cap is reported as {"capped": cap}; a load over `load_cap` kills
    the baseline and every query is reported as not run — never silently skipped.
    """
    spec = work / "baseline.json"
    spec.write_text(json.dumps({"nquads": str(nquads), "queries": queries, "cap": cap,
                                "runs": runs}), encoding="utf-8")
    errors = work / "baseline.err"
    with errors.open("w") as err:  # a file, not a pipe: a full pipe would stall the child
        proc = subprocess.Popen([sys.executable, str(HERE / "baseline.py"), str(spec)],
                                stdout=subprocess.PIPE, stderr=err, text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    out: dict[str, Any] = {"load": None, "load_capped": False, "rss_mb": None, "queries": {}}
    deadline = time.monotonic() + load_cap
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                if out["load"] is None:
                    out["load_capped"] = True
                    out["load_cap"] = load_cap
                break
            if line is None:
                break
            event = json.loads(line)
            if event["event"] == "loaded":
                out["load"], out["rss_mb"] = event["seconds"], event["rss_mb"]
                deadline = time.monotonic() + len(queries) * (cap + 10) + 60
            elif event["event"] == "query":
                out["queries"][event["name"]] = event
            elif event["event"] == "done":
                out["rss_mb"] = event["rss_mb"]
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    if out["load"] is None and not out["load_capped"]:
        out["error"] = errors.read_text(errors="replace")[-1000:]
    return out
