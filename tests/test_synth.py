"""The synthetic dataset generator: deterministic, valid, shaped like the real data."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from graph.build import build
from graph.cli import main
from graph.store import open_store
from graph.synth import charge_ids, write_synthetic

ROOT = Path(__file__).resolve().parent.parent
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
AZERBAIJANI = re.compile(r"[əıışçğöüƏİŞÇĞÖÜ]")


def rows(folder: Path, sheet: str) -> list[dict[str, str]]:
    with (folder / f"{sheet}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def synth50(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("synth50")
    return out, write_synthetic(50, out, seed=1)


def test_same_seed_same_bytes_other_seed_other_data(synth50, tmp_path: Path) -> None:
    first, _ = synth50
    write_synthetic(50, tmp_path / "again", seed=1)
    write_synthetic(50, tmp_path / "other", seed=2)
    for sheet in ("sources", "entities", "claims"):
        name = f"{sheet}.csv"
        assert (first / name).read_bytes() == (tmp_path / "again" / name).read_bytes()
    assert (first / "claims.csv").read_bytes() != (tmp_path / "other" / "claims.csv").read_bytes()


def test_output_builds_cleanly_with_the_counts_written(synth50, tmp_path: Path) -> None:
    folder, counts = synth50
    report = build([folder], str(tmp_path / "store"), shacl=True)
    assert report.shacl == "conforms"
    assert not [w for w in report.warnings if w.level == "error"]
    assert report.counts["claims"] == counts["claims"]
    assert report.counts["sources"] == counts["sources"]
    assert report.counts["type:Person"] == counts["persons"] == 50
    assert report.counts["type:Case"] == counts["cases"] > 0
    # restricted rows exist, so the public store is strictly smaller than the full one
    assert report.triples["public"] < report.triples["full"]
    assert report.dropped_public_claims > 0


def test_restricted_rows_stay_out_of_the_public_store(synth50, tmp_path: Path) -> None:
    folder, _ = synth50
    hidden = [r for r in rows(folder, "entities") if r["visibility"] == "restricted"]
    secret = [r for r in rows(folder, "sources") if r["visibility"] == "restricted"]
    assert hidden and secret
    build([folder], str(tmp_path / "store"))
    public = open_store(str(tmp_path / "store"))
    full = open_store(str(tmp_path / "store"), full=True)
    for r in hidden + secret:
        ask = f"ASK {{ <{public.base}{r['id']}> ?p ?o }}"
        assert full.query(ask).boolean
        assert not public.query(ask).boolean


def test_shape_of_the_real_data(synth50) -> None:
    folder, counts = synth50
    entities, claims = rows(folder, "entities"), rows(folder, "claims")
    defendants: dict[str, list[str]] = defaultdict(list)
    for c in claims:
        if c["property"] == "defendant":
            defendants[c["subject"]].append(c["object"])
    cases = [e["id"] for e in entities if e["type"] == "Case"]
    assert set(cases) == set(defendants)  # every case has a defendant
    assert any(len(d) >= 2 for d in defendants.values())  # co-defendants
    props = {c["property"] for c in claims}
    assert {"inAbsentia", "countryOfResidence", "hostCountry", "charge", "court", "judge",
            "prosecutor", "defenceLawyer", "sentenceYears"} <= props
    absentia = {c["subject"] for c in claims if c["property"] == "inAbsentia"}
    assert absentia & set(cases)  # trials in absentia at case level
    persons = [e for e in entities if e["type"] == "Person"]
    assert all(AZERBAIJANI.search(p["label"]) or CYRILLIC.search(p["aliases"])
               for p in persons)
    assert sum(bool(CYRILLIC.search(p["aliases"])) for p in persons) > len(persons) // 2
    assert any(p["aliases"].isascii() is False and ";" in p["aliases"] for p in persons)
    assert {c["object"] for c in claims if c["property"] == "charge"} <= set(charge_ids())
    assert any(c["visibility"] == "restricted" for c in claims)
    rows_per_person = (len(entities) + counts["sources"] + len(claims)) / len(persons)
    assert 10 <= rows_per_person <= 30  # "about 20 statements per person"


def test_names_are_invented_not_taken_from_the_real_dataset(synth50) -> None:
    folder, _ = synth50
    real = {r["label"] for r in rows(ROOT / "data" / "azerbaijan", "entities")}
    synthetic = {r["label"] for r in rows(folder, "entities") if r["type"] == "Person"}
    assert not real & synthetic


def test_too_few_persons_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 10"):
        write_synthetic(3, tmp_path)


def test_cli_synth_writes_the_three_sheets(tmp_path: Path, capsys) -> None:
    out = tmp_path / "cli"
    assert main(["synth", "--persons", "20", "-o", str(out), "--seed", "3"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["claims.csv", "entities.csv",
                                                      "sources.csv"]
    assert "20 persons" in capsys.readouterr().out
    assert len(rows(out, "entities")) > 20
