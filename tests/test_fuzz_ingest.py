"""No input crashes the importer with anything but a clear error (property-based)."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.exc import InputError
from graph.ingest import ingest
from graph.sheets import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny"

cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


def _run(files: dict[str, bytes]) -> None:
    """Ingest a dataset made of the tiny fixture with some files replaced."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "d"
        shutil.copytree(TINY, data)
        for name, content in files.items():
            (data / name).write_bytes(content)
        try:
            ingest([data])
        except InputError as exc:
            assert exc.problems, "an InputError always lists its problems"
            for p in exc.problems:
                assert p.file and p.message
                assert str(p).startswith(p.file)


@SETTINGS
@given(st.binary(max_size=400), st.sampled_from(["sources.csv", "entities.csv",
                                                  "claims.csv"]))
def test_random_bytes(raw: bytes, name: str) -> None:
    _run({name: raw})


@SETTINGS
@given(st.lists(st.lists(cells, min_size=0, max_size=10), max_size=6),
       st.sampled_from(["sources", "entities", "claims"]))
def test_random_rows_under_the_right_header(rows: list[list[str]], sheet: str) -> None:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(COLUMNS[sheet])
    w.writerows(rows)
    original = (TINY / f"{sheet}.csv").read_text(encoding="utf-8")
    _run({f"{sheet}.csv": (original + out.getvalue()).encode("utf-8")})


@SETTINGS
@given(st.lists(cells, min_size=1, max_size=9))
def test_random_headers(header: list[str]) -> None:
    out = io.StringIO()
    csv.writer(out).writerow(header)
    _run({"claims.csv": out.getvalue().encode("utf-8")})
