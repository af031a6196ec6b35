"""Settings read from the environment, with the defaults DESIGN.md promises.

Kept in one place so that the CLI, the app and the endpoint agree on where the
store lives and how tightly user queries are bounded.
"""

from __future__ import annotations

import os
from pathlib import Path

from graph.namespace import DEFAULT_BASE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
QUERIES_DIR = ONTOLOGY_DIR / "queries"
DEFAULT_DATA = PROJECT_ROOT / "data" / "azerbaijan"

#: User queries are stopped after this many seconds (REPGRAPH_QUERY_TIMEOUT).
QUERY_TIMEOUT = float(os.environ.get("REPGRAPH_QUERY_TIMEOUT", "10"))
#: User queries return at most this many rows (REPGRAPH_MAX_ROWS); truncation is reported.
MAX_ROWS = int(os.environ.get("REPGRAPH_MAX_ROWS", "10000"))
#: SHACL runs during build up to this many quads; above it the row checks (which enforce
#: the same rules row by row) stand alone: pyshacl takes ~35 s at 100k quads.
SHACL_MAX_TRIPLES = int(os.environ.get("REPGRAPH_SHACL_MAX_TRIPLES", "50000"))


def base_iri() -> str:
    """The namespace entity ids live in (REPGRAPH_BASE); ends with / or #."""
    base = os.environ.get("REPGRAPH_BASE", DEFAULT_BASE)
    if not base.endswith(("/", "#")):
        base += "/"
    return base


def default_store() -> str:
    """The store location: REPGRAPH_STORE, else .repgraph/ at the project root."""
    return os.environ.get("REPGRAPH_STORE", str(PROJECT_ROOT / ".repgraph"))
