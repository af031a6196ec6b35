"""Finding entities by any spelling: the one search behind the CLI and the app.

The index is built from the network projection's labels and aliases, once per
store generation; matching across scripts and transliterations is graph.names'.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from graph.names import NameIndex
from graph.network import network_for
from graph.store import GraphStore


@dataclass(frozen=True)
class Hit:
    id: str
    label: str
    type: str
    description: str
    matched: str
    score: float


_INDEX: dict[str, NameIndex] = {}
_LOCK = threading.Lock()


def index_for(store: GraphStore) -> NameIndex:
    g = network_for(store)
    key = f"{store.base}:{store.generation}"
    with _LOCK:
        index = _INDEX.get(key)
    if index is None:
        index = NameIndex((n, d["label"], d["aliases"]) for n, d in g.nodes(data=True))
        with _LOCK:
            _INDEX.clear()
            _INDEX[key] = index
    return index


def search(store: GraphStore, text: str, limit: int = 20) -> list[Hit]:
    """Entities whose label or alias matches `text` in any script, best first."""
    g = network_for(store)
    hits = []
    for m in index_for(store).search(text, limit=limit):
        d = g.nodes[m.id]
        hits.append(Hit(m.id, d["label"], d["type"], d.get("description", ""), m.matched,
                        m.score))
    return hits
