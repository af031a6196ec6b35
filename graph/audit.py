"""An append-only audit log of what authenticated users did in full mode.

One JSON object per line: time, event (login, query, export, render), user, and
details that cannot leak what they touched — query text and entity ids are stored
as SHA-256 digests (an auditor holding the text can check a match; a reader of the
log learns nothing), and only whitelisted, non-sensitive fields (format, status,
row count, saved-query name) are kept as they are.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path

#: Fields written as they are; everything else is hashed.
PLAIN_FIELDS = frozenset({"format", "status", "rows", "truncated", "saved", "level", "size",
                          "depth", "seconds", "error"})
EVENTS = frozenset({"login", "logout", "query", "export", "render", "denied"})
_LOCK = threading.Lock()


def digest(value: object) -> str:
    return "sha256:" + hashlib.sha256(str(value).encode("utf-8")).hexdigest()


def log_path() -> Path:
    """REPGRAPH_AUDIT_LOG, else audit.log inside the store location."""
    from graph.config import default_store

    explicit = os.environ.get("REPGRAPH_AUDIT_LOG")
    if explicit:
        return Path(explicit)
    return Path(default_store()) / "audit.log"


def record(event: str, user: str, path: Path | None = None, **fields: object) -> dict[str, object]:
    """Append one event; returns what was written (for tests and callers that echo it)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event '{event}'")
    entry: dict[str, object] = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                "event": event, "user": user}
    for key, value in sorted(fields.items()):
        if value is None:
            continue
        entry[key] = value if key in PLAIN_FIELDS else digest(value)
    target = path or log_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
    with _LOCK:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    return entry
