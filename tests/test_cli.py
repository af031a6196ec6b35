"""The `repgraph` command as a user types it (DESIGN.md §8), in-process and as a real
console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph.cli import main

ROOT = Path(__file__).resolve().parent.parent


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_query_table_csv_json(tiny_location: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tiny_location)
    code, out, _ = cli(capsys, "query", "--store", store, "judges")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["judge", "name", "cases", "defendants"]
    assert "id:kamal-rzayev" in lines[2] and "Kamal Rzayev" in lines[2]
    assert lines[-1] == "(1 row)"
    code, out, _ = cli(capsys, "query", "--store", store, "--format", "csv", "prosecutors")
    assert out.splitlines()[:2] == [
        "prosecutor,name,cases,defendants",
        "https://repression-graph.org/id/nadir-aliyev,Nadir Aliyev,1,Ayla Hüseynova"]
    code, out, _ = cli(capsys, "query", "--store", store, "--format", "json", "ASK { ?s ?p ?o }")
    assert json.loads(out) == {"head": {}, "boolean": True}


def test_query_with_param_and_file(tiny_location: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "query", "--store", str(tiny_location), "--format", "json",
                       "sources-of", "--param", "id=ayla-huseynova")
    doc = json.loads(out)
    assert [b["source"]["value"] for b in doc["results"]["bindings"]] == [
        "https://repression-graph.org/id/src-alpha"]
    rq = tmp_path / "mine.rq"
    rq.write_text("# title: Labels\nSELECT ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label"
                  " LIMIT 2\n", encoding="utf-8")
    code, out, _ = cli(capsys, "query", "--store", str(tiny_location), "--format", "csv",
                       str(rq))
    assert code == 0 and out.splitlines()[0] == "label" and len(out.splitlines()) == 3


def test_query_refusals_and_errors(tiny_location: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tiny_location)
    code, _, err = cli(capsys, "query", "--store", store, "DELETE WHERE { ?s ?p ?o }")
    assert code == 2 and "updates are refused: this is a read-only store" in err
    code, _, err = cli(capsys, "query", "--store", store, "SELECT * WHERE { ?s ?p }")
    assert code == 2 and "SPARQL syntax error" in err
    code, _, err = cli(capsys, "query", "--store", store, "judgez")
    assert code == 2 and "no saved query named 'judgez'" in err
    code, _, err = cli(capsys, "query", "--store", store, "person")
    assert code == 2 and "needs --param id=VALUE" in err
    code, _, err = cli(capsys, "query", "--store", str(tiny_location / "nope"), "judges")
    assert code == 2 and "no built store" in err and "repgraph build" in err


def test_query_timeout_and_truncation(tiny_location: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tiny_location)
    code, _, err = cli(capsys, "query", "--store", store, "--timeout", "1",
                       "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert code == 2 and "time limit" in err
    code, out, err = cli(capsys, "query", "--store", store, "--max-rows", "3",
                         "SELECT * WHERE { ?s ?p ?o }")
    assert code == 0 and "(3 rows, truncated)" in out
    assert "truncated at 3 rows" in err


def test_public_by_default_full_on_request(tiny_location: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    q = 'SELECT ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "CANARY-WITNESS")) }'
    _, out, _ = cli(capsys, "query", "--store", str(tiny_location), "--format", "csv", q)
    assert "CANARY" not in out
    _, out, _ = cli(capsys, "query", "--store", str(tiny_location), "--full", "--format",
                    "csv", q)
    assert "CANARY-WITNESS-7f3a" in out


def test_search_any_spelling(tiny_location: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for text in ("Гусейнова", "Huseynova", "Hüseynova"):
        code, out, _ = cli(capsys, "search", "--store", str(tiny_location), text)
        assert code == 0 and out.splitlines()[0].startswith("ayla-huseynova "), out
    code, out, _ = cli(capsys, "search", "--store", str(tiny_location), "CANARY")
    assert "witness-canary" not in out
    code, out, _ = cli(capsys, "search", "--store", str(tiny_location), "zzzzqqq")
    assert code == 1 and out.strip() == "no match"


def test_stats_and_validate(tiny_location: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "stats", "--store", str(tiny_location))
    stats = dict(line.split(None, 1) for line in out.splitlines() if line.startswith(
        ("level", "claims", "sources")))
    assert stats == {"level": "public", "claims": "40", "sources": "2"}
    assert "entities: Person" in out
    code, out, _ = cli(capsys, "validate", "--data", str(ROOT / "tests" / "fixtures" / "tiny"))
    assert code == 0 and out.startswith("valid: 43 claims, 3 sources")


def test_console_script_build_then_query(tmp_path: Path) -> None:
    """The installed `repgraph` entry point, as a user runs it after `make install`."""
    exe = Path(sys.executable).parent / "repgraph"
    assert exe.exists(), "run `make install` (pip install -e .) first"
    store = tmp_path / "store"
    built = subprocess.run([str(exe), "build", "--data", str(ROOT / "tests/fixtures/tiny"),
                            "--store", str(store)], capture_output=True, text=True,
                           timeout=120)
    assert built.returncode == 0, built.stderr
    assert "SHACL: conforms" in built.stdout
    assert "2 public claim(s) left out of the public store" in built.stdout
    q = subprocess.run([str(exe), "query", "--store", str(store), "transnational",
                        "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert q.returncode == 0 and "Bakir Məmmədov" in q.stdout and "Ivan Petrov" in q.stdout
