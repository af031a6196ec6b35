"""Sheets → validated full and public stores, all or nothing.

"A failed build changes nothing": the stores are written into a new generation folder
that becomes visible only through the atomic swap in graph.store, and only once every
check (reading, row checks, SHACL) has passed; a failure removes the folder.

Locally, the rows are read and checked in a forked process that streams each public
quad to this one as soon as its row passes, and this process bulk-loads them meanwhile:
Oxigraph's bulk loader keeps one core busy, so the row checks ride on the other. Up to a
few hundred thousand quads the full store is loaded from the same stream beside the
public one; beyond, it is the public store's backup plus the restricted quads, compacted
(docs/performance.md).
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import multiprocessing as mp
import os
import queue
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from graph.config import SHACL_MAX_TRIPLES, base_iri
from graph.exc import InputError, Problem, RepgraphError
from graph.ingest import Ingested, ingest
from graph.store import is_remote, new_generation, publish_generation


class BuildFailed(RepgraphError):
    """The stores could not be written (not a problem in the input)."""


@dataclass
class BuildReport:
    location: str
    triples: dict[str, int]
    counts: dict[str, int]
    dropped_public_claims: int
    warnings: list[Problem] = field(default_factory=list)
    shacl: str = "skipped"
    seconds: float = 0.0
    #: of which reading and checking rows (at the same time as loading, where streamed)
    checking: float = 0.0

    def summary(self) -> str:
        lines = [f"built {self.location} in {self.seconds:.2f} s",
                 f"  full store:   {self.triples['full']:>9,} quads",
                 f"  public store: {self.triples['public']:>9,} quads",
                 f"  SHACL: {self.shacl}"]
        if self.dropped_public_claims:
            lines.append(f"  {self.dropped_public_claims} public claim(s) left out of the "
                         "public store because they touch restricted entities or sources")
        lines += [f"  {k}: {v}" for k, v in sorted(self.counts.items())]
        return "\n".join(lines)


def check(folders: list[Path], base: str | None = None, shacl: bool | None = None
          ) -> tuple[Ingested, str]:
    """Every check a build makes, writing nothing; raises InputError or ValidationError."""
    data = ingest(folders, base)
    return data, _shacl(len(data.full), lambda: data.full, shacl)


def _shacl(quads: int, lines: Callable[[], list[str]], shacl: bool | None) -> str:
    """Run SHACL when asked, or by default on graphs up to SHACL_MAX_TRIPLES; the verdict."""
    if not (shacl if shacl is not None else quads <= SHACL_MAX_TRIPLES):
        return f"skipped ({quads:,} quads > {SHACL_MAX_TRIPLES:,}; row checks applied)"
    from graph.validate import validate_quads  # pyshacl is slow to import

    validate_quads(lines())
    return "conforms"


def build(folders: list[Path], location: str, base: str | None = None,
          shacl: bool | None = None) -> BuildReport:
    """Validate the datasets and write both stores; the old ones stay if anything fails."""
    start = time.perf_counter()
    base = base or base_iri()
    if is_remote(location):
        from graph.remote import load_remote

        data, verdict = check(folders, base, shacl)
        checking = time.perf_counter() - start
        meta = _meta(base, folders, data, {"full": len(data.public) + len(data.restricted),
                                           "public": len(data.public)})
        load_remote(location, data, meta)
    else:
        root = Path(location)
        tmp = new_generation(root)
        try:
            if "fork" in mp.get_all_start_methods():
                data, verdict, quads, checking = _stream_and_load(tmp, folders, base, shacl)
            else:  # no fork (Windows): check everything, then load
                data, verdict = check(folders, base, shacl)
                checking = time.perf_counter() - start
                quads = _write_stores(tmp, data)
            meta = _meta(base, folders, data, quads)
            (tmp / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        except BaseException:
            gc.collect()  # closes RocksDB before the folder goes
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        publish_generation(root, tmp)
    return BuildReport(location, meta["triples"],  # type: ignore[arg-type]
                       dict(data.counts), data.dropped_public_claims, data.warnings, verdict,
                       time.perf_counter() - start, checking)


def _meta(base: str, folders: list[Path], data: Ingested, quads: dict[str, int]
          ) -> dict[str, object]:
    return {"base": base, "datasets": [str(f) for f in folders],
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "counts": dict(data.counts), "dropped_public_claims": data.dropped_public_claims,
            "triples": quads}


class _PublicPipe:
    """The ingest process's end: public quads, written to the loader in batches, and
    kept as well while SHACL may still need them."""

    def __init__(self, stream: BinaryIO, keep: int) -> None:
        self.stream, self.keep = stream, keep
        self.count = 0
        self.batch: list[str] = []
        self.kept: list[str] = []

    def __call__(self, line: str) -> None:
        self.count += 1
        self.batch.append(line)
        if self.count <= self.keep:
            self.kept.append(line)
        if len(self.batch) >= 20_000:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.stream.write(("\n".join(self.batch) + "\n").encode())
            self.batch.clear()


def _ingest_process(folders: list[Path], base: str, shacl: bool | None, read_fd: int,
                    write_fd: int, answer: Connection) -> None:
    """Runs in the forked process: read and check the rows, stream the public quads,
    then answer (ingested data without its public quads, SHACL verdict) or the error."""
    os.close(read_fd)
    start = time.perf_counter()
    try:
        with os.fdopen(write_fd, "wb", buffering=1 << 20) as stream:
            pipe = _PublicPipe(stream, SHACL_MAX_TRIPLES if shacl is None
                               else (sys.maxsize if shacl else 0))
            data = ingest(folders, base, public_lines=pipe)
            pipe.flush()
        checking = time.perf_counter() - start
        total = pipe.count + len(data.restricted)
        verdict = _shacl(total, lambda: pipe.kept + data.restricted, shacl)
        answer.send(("ok", data, verdict, checking))
    except BaseException as exc:  # every failure goes back to the build
        try:
            answer.send(("error", exc))
        except Exception:  # an unpicklable error: say what it was
            answer.send(("error", BuildFailed(f"{type(exc).__name__}: {exc}")))
    finally:
        answer.close()


#: Up to this many bytes of input, both stores are bulk-loaded side by side from the
#: checked rows; above it, the public store alone, and the full store is its backup plus
#: the restricted quads, compacted. An estimate: the sheets give ~0.064 quads a byte
#: (~500k quads here), and a guess that is wrong only costs time (`_stream_and_load`).
SIDE_BY_SIDE_MAX_BYTES = 8_000_000

#: Oxigraph's bulk loader sorts and writes at most this many quads at a time
#: (DEFAULT_BULK_LOAD_BATCH_SIZE); a load of more leaves several sorted runs that every
#: scan merges until the store is compacted. Less a margin for repeated lines.
_LOADER_BATCH = 900_000


def _input_bytes(folders: list[Path]) -> int:
    """The size of the files a build reads (ingest reads each folder's top level)."""
    return sum(f.stat().st_size for folder in folders if folder.is_dir()
               for f in folder.iterdir() if f.is_file())


def _stream_and_load(tmp: Path, folders: list[Path], base: str, shacl: bool | None
                     ) -> tuple[Ingested, str, dict[str, int], float]:
    """Check the rows in a forked process while this one bulk-loads the public quads it
    streams (and, for inputs up to SIDE_BY_SIDE_MAX_BYTES, the full store beside them);
    then, for larger inputs, the full store as in `_write_stores`. At 1M quads the row
    checks (4–5 s) vanish into the load (13 s)."""
    side_by_side = _input_bytes(folders) <= SIDE_BY_SIDE_MAX_BYTES
    ctx = mp.get_context("fork")
    read_fd, write_fd = os.pipe()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_ingest_process, daemon=True,
                        args=(folders, base, shacl, read_fd, write_fd, send))
    child.start()
    os.close(write_fd)
    send.close()
    load_errors: list[Exception] = []
    outcome: tuple[Any, ...] | None = None
    try:
        public = ox.Store(str(tmp / "public"))
        full = ox.Store(str(tmp / "full")) if side_by_side else None
        with io.BufferedReader(io.FileIO(read_fd, "rb"), 1 << 20) as stream:
            if full is None:
                _load_stream(public, stream, load_errors)
                outcome = _answer(receive)
            else:
                outcome = _load_side_by_side(public, full, stream, receive, load_errors)
    finally:  # on any failure here too: the process ends (a closed pipe stops it)
        receive.close()
        child.join(timeout=60)
        if child.is_alive():
            child.kill()
            child.join()
    if outcome is None:
        raise BuildFailed(f"the row-checking process died (exit code {child.exitcode})")
    if outcome[0] == "error" and (not load_errors or isinstance(outcome[1], InputError)):
        raise outcome[1]  # problems in the rows explain a refused line best
    if load_errors:
        raise BuildFailed(f"loading the stores failed: {load_errors[0]}")
    data, verdict, checking = outcome[1:]
    if full is None:
        return data, verdict, _add_restricted(tmp, public, data), checking
    quads = {"full": len(full), "public": len(public)}  # distinct: repeated rows collapse
    if quads["full"] > _LOADER_BATCH:  # a bigger input than SIDE_BY_SIDE_MAX_BYTES guessed
        full.optimize()
    del public, full
    gc.collect()  # closes RocksDB before the folder is renamed
    return data, verdict, quads, checking


def _answer(receive: Connection) -> tuple[Any, ...] | None:
    """The row checker's answer, or None if it died without one."""
    with contextlib.suppress(EOFError):
        return receive.recv()  # type: ignore[no-any-return]
    return None


def _load_stream(store: ox.Store, stream: Any, errors: list[Exception]) -> None:
    """Bulk-load a stream of N-Quads; a refused line is recorded and the rest read, so
    that the row checks go on to the end (their problems say more than a loader error)."""
    try:
        # lenient: every line was generated from checked ids and escaped literals
        # (or re-serialised by Oxigraph from an RDF file), so skip re-validating
        store.bulk_load(stream, format=ox.RdfFormat.N_QUADS, lenient=True)
    except (SyntaxError, OSError) as exc:
        errors.append(exc)
        while stream.read(1 << 20):
            pass


def _load_side_by_side(public: ox.Store, full: ox.Store, stream: io.BufferedReader[io.FileIO],
                       receive: Connection, errors: list[Exception]
                       ) -> tuple[Any, ...] | None:
    """Load both stores at once, each on its own thread (Oxigraph's loader releases the
    GIL): every public quad goes to both as it arrives, and the restricted quads to the
    full store once the rows are checked.

    Each store is then one bulk load, which leaves it as compact as `optimize()` does, so
    the full store needs neither the public store's backup nor a compaction. Up to
    ~500k quads both loads fit beside the row checks on two cores (100k: 1.6 → 1.2 s).
    Beyond a loader batch the full store would need compacting, which costs more than
    the backup path saves (1M: 19.3 s + 4.4 s against 21.6 s), hence SIDE_BY_SIDE_MAX_BYTES.
    """
    feeds = (_Feed(), _Feed())
    loaders = [threading.Thread(target=_load_stream, args=(store, feed, errors))
               for store, feed in zip((public, full), feeds, strict=True)]
    for loader in loaders:
        loader.start()
    outcome: tuple[Any, ...] | None = None
    try:
        while chunk := stream.read1(1 << 20):
            for feed in feeds:
                feed.put(chunk)
        feeds[0].put(b"")
        outcome = _answer(receive)
        if outcome is not None and outcome[0] == "ok" and outcome[1].restricted:
            feeds[1].put(("\n".join(outcome[1].restricted) + "\n").encode())
    finally:
        for feed in feeds:
            feed.put(b"")  # the end (again, for the public feed: no harm)
        for loader in loaders:
            loader.join()
    return outcome


class _Feed:
    """A file a bulk loader reads on its thread, written chunk by chunk from another; an
    empty chunk is the end."""

    def __init__(self) -> None:
        self._chunks: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._rest = memoryview(b"")
        self._ended = False

    def put(self, chunk: bytes) -> None:
        self._chunks.put(chunk)

    def read(self, size: int = -1) -> bytes:
        while not self._rest and not self._ended:
            chunk = self._chunks.get()
            self._ended = not chunk
            self._rest = memoryview(chunk)
        if size < 0 or size >= len(self._rest):
            out, self._rest = self._rest, memoryview(b"")
        else:
            out, self._rest = self._rest[:size], self._rest[size:]
        return bytes(out)

    def readable(self) -> bool:
        return True


def _write_stores(tmp: Path, data: Ingested) -> dict[str, int]:
    """Write the public store, then the full store as a copy of it plus the restricted quads.

    The full store is the public one with restricted quads added, so the public quads are
    bulk-loaded once: a RocksDB backup in the same folder hard-links the public store's
    immutable files (no copy), and only the restricted quads are loaded into it, then
    compacted. At 1M quads this takes 22–26 s where loading every quad twice took 37 s
    (docs/performance.md).
    """
    public = ox.Store(str(tmp / "public"))
    # lenient: every line was generated from checked ids and escaped literals
    # (or re-serialised by Oxigraph from an RDF file), so skip re-validating them
    _load(public, data.public)
    return _add_restricted(tmp, public, data)


def _add_restricted(tmp: Path, public: ox.Store, data: Ingested) -> dict[str, int]:
    """The full store: a backup of the loaded public store plus the restricted quads."""
    public.flush()
    public.backup(str(tmp / "full"))
    public_quads = len(public)  # distinct quads: repeated rows collapse
    full = ox.Store(str(tmp / "full"))
    if data.restricted:
        _load(full, data.restricted)
        # the restricted quads arrive as a second sorted run beside the public one, and a
        # scan would merge both at every step (timeline at 1M: 1.3 s against 0.8 s);
        # compacting costs 0.3-0.5x an N-Triples load and makes the full store as fast
        full.optimize()
    full.flush()
    full_quads = len(full)
    del full
    gc.collect()  # closes RocksDB before the folder is renamed
    return {"full": full_quads, "public": public_quads}


def _load(store: ox.Store, lines: list[str]) -> None:
    if lines:
        store.bulk_load("\n".join(lines) + "\n", format=ox.RdfFormat.N_QUADS, lenient=True)
