"""XML bombs and external entities never expand; a killed build never leaves a mixed store."""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from graph.build import build
from graph.exc import InputError
from graph.store import current_generation, open_store

ROOT = Path(__file__).resolve().parent.parent

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&lol9;</rdf:RDF>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY secret SYSTEM "file://{path}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&secret;</rdf:RDF>
"""


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("suffix", [".rdf", ".xml", ".owl"])
def test_billion_laughs_rdf_xml_refused_fast(tiny_copy: Path, tmp_path: Path,
                                             suffix: str) -> None:
    (tiny_copy / f"bomb{suffix}").write_text(BILLION_LAUGHS, encoding="utf-8")
    before = _peak_rss_mb()
    start = time.monotonic()
    with pytest.raises(InputError, match="RDF/XML, JSON-LD and other XML/JSON inputs are refused"):
        build([tiny_copy], str(tmp_path / "s"))
    assert time.monotonic() - start < 1.0 + 2.0  # the build's own checks included
    assert _peak_rss_mb() - before < 200


def test_external_entity_not_read(tiny_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4b1d", encoding="utf-8")
    (tiny_copy / "xxe.rdf").write_text(EXTERNAL_ENTITY.format(path=secret), encoding="utf-8")
    with pytest.raises(InputError) as info:
        build([tiny_copy], str(tmp_path / "s"))
    assert "TOP-SECRET-4b1d" not in str(info.value)


def _bomb_xlsx(path: Path, payload: str) -> None:
    """A real workbook whose first sheet's XML carries a hostile DOCTYPE."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "sources"
    wb.create_sheet("entities")
    wb.create_sheet("claims")
    wb.active.append(["id", "title"])
    good = path.with_suffix(".good.xlsx")
    wb.save(good)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = payload.encode()
            dst.writestr(item, data)
    good.unlink()


@pytest.mark.parametrize("kind", ["laughs", "external"])
def test_hostile_xlsx_refused_fast(tmp_path: Path, kind: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-9e2a", encoding="utf-8")
    payload = (BILLION_LAUGHS if kind == "laughs" else EXTERNAL_ENTITY.format(path=secret))
    payload = payload.replace("rdf:RDF", "worksheet").replace(
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"',
        ' xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
    data = tmp_path / "book"
    data.mkdir()
    _bomb_xlsx(data / "data.xlsx", payload)
    before = _peak_rss_mb()
    start = time.monotonic()
    with pytest.raises(InputError) as info:
        build([data], str(tmp_path / "s"))
    assert time.monotonic() - start < 1.0
    assert _peak_rss_mb() - before < 200
    message = str(info.value)
    assert "data.xlsx" in message and "TOP-SECRET-9e2a" not in message


# -- killing the build ------------------------------------------------------------------

def _fingerprint(loc: Path) -> str | None:
    """The generation `current` points at, checked to be whole: both stores open and match."""
    gen = current_generation(loc)
    if gen is None:
        return None
    meta = json.loads((gen / "meta.json").read_text(encoding="utf-8"))
    full, public = open_store(str(loc), full=True), open_store(str(loc))
    assert len(full) == meta["triples"]["full"]  # type: ignore[arg-type]
    assert len(public) == meta["triples"]["public"]  # type: ignore[arg-type]
    assert 0 < len(public) < len(full)  # type: ignore[arg-type]
    return str(meta["counts"]["claims"])


def test_killed_builds_leave_old_or_new_store(tiny_copy: Path, tmp_path: Path) -> None:
    """20 builds killed at random moments: `current` is always a whole generation."""
    loc = tmp_path / "store"
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "sources.csv").write_text(
        "id,title,url,publisher,published,accessed,visibility\n"
        "src-k,Fictional,https://example.org/k,Example,2025,,public\n", encoding="utf-8")
    (extra / "claims.csv").write_text(
        "subject,property,object,date,source,confidence,visibility,note\n"
        "kamal-rzayev,occupation,judge of appeal,2025,src-k,low,public,\n", encoding="utf-8")
    build([tiny_copy], str(loc))
    states = {_fingerprint(loc)}
    exe = [sys.executable, "-m", "graph.cli", "build", "--store", str(loc), "--data",
           str(tiny_copy), "--data", str(extra)]
    rng = random.Random(7)
    finished = 0
    for _ in range(20):
        proc = subprocess.Popen(exe, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.05, 2.5))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            finished += 1
        proc.wait()
        state = _fingerprint(loc)
        states.add(state)
        assert state in {"43", "44"}, state
    assert finished < 20  # some builds really were killed mid-way
    leftovers = [p for p in (loc / "builds").iterdir() if p.name.startswith("tmp-")]
    build([tiny_copy], str(loc))  # the next build clears what killed ones left
    assert not [p for p in leftovers if p.exists()]
