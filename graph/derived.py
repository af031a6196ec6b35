"""Whole-graph results computed once per store generation and kept beside it on disk.

The projection and centrality of a million-triple graph take seconds to compute but
under a second to read back, and they cannot change until the next build (a build
makes a new generation). So the first process that needs them computes them and
writes `<generation>/derived/<level>.<name>.json`; every later process — another app
replica, the next cold start — reads the file.  Remote stores have no generation
folder; their results stay in memory.  JSON, not pickle: reading a cache must never
run code.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_MEMORY: dict[str, Any] = {}
_LOCK = threading.Lock()
_KEEP = 32  # results of a few generations and both levels; the big ones are two per level


def cache_file(store: Any, name: str) -> Path | None:
    """Where a derived result of this store lives, or None for stores without a folder."""
    path = getattr(store, "path", None)
    if path is None:
        return None
    return Path(path).parent / "derived" / f"{store.level}.{name}.json"


def cached(store: Any, name: str, compute: Callable[[], T], dump: Callable[[T], Any],
           load: Callable[[Any], T]) -> T:
    """Read `name` from the generation's cache, or compute it and try to write it there."""
    target = cache_file(store, name)
    if target is not None and target.is_file():
        try:
            return load(json.loads(target.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache is recomputed, never trusted
    value = compute()
    if target is not None:
        try:
            target.parent.mkdir(exist_ok=True)
            tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
            tmp.write_text(json.dumps(dump(value), ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, target)  # readers see the whole file or none
        except OSError:
            pass  # a read-only deployment simply recomputes per process
    return value


def _same(value: Any) -> Any:
    return value


def kept(store: Any, name: str, compute: Callable[[], T],
         dump: Callable[[T], Any] = _same, load: Callable[[Any], T] = _same) -> T:
    """`cached`, kept in this process's memory as well (per store, level and generation).

    Everything the app shows on its first page goes through here, so a cold start
    reads small files instead of querying a large store (docs/performance.md).
    """
    key = f"{name}:{type(store).__name__}:{store.base}:{store.level}:{store.generation}"
    with _LOCK:
        if key in _MEMORY:
            return _MEMORY[key]  # type: ignore[no-any-return]
    value = cached(store, name, compute, dump, load)
    with _LOCK:
        _MEMORY[key] = value
        while len(_MEMORY) > _KEEP:
            _MEMORY.pop(next(iter(_MEMORY)))
    return value


def forget() -> None:
    """Drop what this process holds in memory (the files stay): a fresh process, in tests."""
    with _LOCK:
        _MEMORY.clear()
