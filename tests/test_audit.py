"""The audit log records who did what in full mode, and nothing restricted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.audit import digest, record


def test_entries_are_appended_as_json_lines(tmp_path: Path) -> None:
    log = tmp_path / "audit.log"
    record("login", "ana@example.org", path=log)
    record("query", "ana@example.org", path=log, query="SELECT * { ?s ?p 'CANARY-NOTE-91c2' }",
           rows=3, truncated=False, status="ok")
    record("render", "ana@example.org", path=log, focus="witness-canary", format="png")
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert [e["event"] for e in lines] == ["login", "query", "render"]
    assert lines[1]["rows"] == 3 and lines[1]["status"] == "ok"
    assert lines[1]["query"] == digest("SELECT * { ?s ?p 'CANARY-NOTE-91c2' }")
    assert lines[2]["focus"] == digest("witness-canary") and lines[2]["format"] == "png"
    text = log.read_text(encoding="utf-8")
    assert "CANARY" not in text and "witness-canary" not in text
    assert oct(log.stat().st_mode & 0o777) == "0o600"


def test_existing_lines_are_never_rewritten(tmp_path: Path) -> None:
    log = tmp_path / "audit.log"
    record("login", "a", path=log)
    first = log.read_bytes()
    record("logout", "a", path=log)
    assert log.read_bytes().startswith(first)


def test_unknown_event_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown audit event"):
        record("delete-everything", "a", path=tmp_path / "x.log")
