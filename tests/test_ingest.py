"""Bad input gets a clear error naming file, row and column — and changes nothing.

One test per kind of bad input the issue lists; each breaks a copy of the tiny
fixture, runs the real build against a real, already built store, and checks
both the message and that the store is exactly as it was.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from graph.build import build
from graph.cli import main
from graph.exc import InputError
from graph.store import current_generation, open_store


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def _set(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell; `line` counts the header as 1, like the error messages."""
    rows = _rows(path)
    rows[line - 1][rows[0].index(column)] = value
    _write(path, rows)


def _append(path: Path, **cells: str) -> int:
    rows = _rows(path)
    rows.append([cells.get(c, "") for c in rows[0]])
    _write(path, rows)
    return len(rows)


@pytest.fixture()
def built(tmp_path: Path, tiny_copy: Path) -> tuple[Path, Path]:
    """A built store plus the dataset it came from, for tests that then break the dataset."""
    loc = tmp_path / "store"
    build([tiny_copy], str(loc))
    return loc, tiny_copy


def _snapshot(loc: Path) -> tuple[str, bytes]:
    gen = current_generation(loc)
    assert gen is not None
    store = open_store(str(loc), full=True)
    import pyoxigraph as ox

    return gen.name, store.dump(ox.RdfFormat.N_QUADS)


def _fails(loc: Path, data: Path, *expected: str) -> str:
    """Build must fail with every expected fragment in its message; the store must not change."""
    before = _snapshot(loc)
    with pytest.raises(InputError) as info:
        build([data], str(loc))
    message = str(info.value)
    for fragment in expected:
        assert fragment in message, message
    assert _snapshot(loc) == before
    return message


def test_unknown_type(built: tuple[Path, Path]) -> None:
    loc, data = built
    _set(data / "entities.csv", 2, "type", "Persn")
    _fails(loc, data, "entities.csv:2:type: unknown type 'Persn' (did you mean 'Person'?)")


def test_unknown_property(built: tuple[Path, Path]) -> None:
    loc, data = built
    _set(data / "claims.csv", 2, "property", "ocupation")
    _fails(loc, data, "claims.csv:2:property: unknown property 'ocupation' "
                      "(did you mean 'occupation'?)")


def test_unknown_entity_with_suggestion(built: tuple[Path, Path]) -> None:
    loc, data = built
    _set(data / "claims.csv", 15, "object", "ayla-huseynva")
    _fails(loc, data, "claims.csv:15:object: unknown entity 'ayla-huseynva' "
                      "(did you mean 'ayla-huseynova'?)")


def test_unknown_subject(built: tuple[Path, Path]) -> None:
    loc, data = built
    _set(data / "claims.csv", 3, "subject", "nobody-at-all")
    _fails(loc, data, "claims.csv:3:subject: unknown entity 'nobody-at-all'")


def test_duplicate_id(built: tuple[Path, Path]) -> None:
    loc, data = built
    line = _append(data / "entities.csv", id="kamal-rzayev", type="Person", label="Another")
    _fails(loc, data, f"entities.csv:{line}:id: duplicate id 'kamal-rzayev' "
                      "(already defined at ")


def test_missing_source(built: tuple[Path, Path]) -> None:
    loc, data = built
    _set(data / "claims.csv", 4, "source", "")
    _fails(loc, data, "claims.csv:4:source: every claim needs a source")


def test_source_not_in_sources(built: tuple[Path, Path]) -> None:
    loc, data = built
    _set(data / "claims.csv", 4, "source", "src-alpah")
    _fails(loc, data, "claims.csv:4:source: source 'src-alpah' is not in sources.csv "
                      "(did you mean 'src-alpha'?)")


@pytest.mark.parametrize(("value", "fragment"), [
    ("2025-13", "has no month 13"),
    ("2025-02-30", "is not a real date"),
    ("12/03/2024", "is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
])
def test_bad_dates(built: tuple[Path, Path], value: str, fragment: str) -> None:
    loc, data = built
    _set(data / "claims.csv", 5, "date", value)
    _fails(loc, data, f"claims.csv:5:date: '{value}'", fragment)


def test_literal_out_of_range(built: tuple[Path, Path]) -> None:
    loc, data = built
    rows = _rows(data / "claims.csv")
    line = next(i for i, r in enumerate(rows, 1) if r[1] == "sentenceYears")
    _set(data / "claims.csv", line, "object", "nine")
    _fails(loc, data, f"claims.csv:{line}:object: 'nine' is not a number")


def test_relation_object_of_wrong_type(built: tuple[Path, Path]) -> None:
    loc, data = built
    rows = _rows(data / "claims.csv")
    line = next(i for i, r in enumerate(rows, 1) if r[1] == "judge")
    _set(data / "claims.csv", line, "object", "example-district-court")
    _fails(loc, data, f"claims.csv:{line}:object: 'judge' needs a Person, "
                      "but 'example-district-court' is a Court")


def test_property_not_for_subject_type(built: tuple[Path, Path]) -> None:
    loc, data = built
    _append(data / "claims.csv", subject="example-district-court", property="defendant",
            object="ayla-huseynova", source="src-alpha")
    _fails(loc, data, ":property: 'defendant' does not apply to a Court")


def test_wrong_headers(built: tuple[Path, Path]) -> None:
    loc, data = built
    rows = _rows(data / "entities.csv")
    rows[0][rows[0].index("label")] = "lable"
    _write(data / "entities.csv", rows)
    _fails(loc, data, "entities.csv:1:label: missing required column 'label' "
                      "(found 'lable' — a typo?)")


def test_utf8_bom_refused(built: tuple[Path, Path]) -> None:
    loc, data = built
    path = data / "sources.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    _fails(loc, data, "sources.csv:1: file starts with a UTF-8 byte-order mark")


def test_utf16_refused(built: tuple[Path, Path]) -> None:
    loc, data = built
    path = data / "entities.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    _fails(loc, data, "entities.csv:1: file starts with a UTF-16 byte-order mark")


def test_non_utf8(built: tuple[Path, Path]) -> None:
    loc, data = built
    path = data / "entities.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1254", errors="replace"))
    _fails(loc, data, "entities.csv:2: not valid UTF-8", "save the file as UTF-8")


def test_empty_file(built: tuple[Path, Path]) -> None:
    loc, data = built
    (data / "claims.csv").write_bytes(b"")
    _fails(loc, data, "claims.csv: file is empty; expected a header row: subject, property")


def test_formula_cells_refused(built: tuple[Path, Path]) -> None:
    loc, data = built
    _set(data / "claims.csv", 2, "note", "=cmd|' /C calc'!A0")
    _set(data / "entities.csv", 3, "description", "@SUM(A1:A2)")
    _fails(loc, data, "claims.csv:2:note: cell looks like a spreadsheet formula",
           "entities.csv:3:description: cell looks like a spreadsheet formula")


def test_case_without_defendant(built: tuple[Path, Path]) -> None:
    loc, data = built
    line = _append(data / "entities.csv", id="case-empty-2025", type="Case", label="Empty case")
    _fails(loc, data, f"entities.csv:{line}:id: case 'case-empty-2025' has no defendant")


def test_all_errors_reported_in_one_run(built: tuple[Path, Path]) -> None:
    loc, data = built
    _set(data / "entities.csv", 2, "type", "Persn")
    _set(data / "claims.csv", 3, "property", "ocupation")
    _set(data / "claims.csv", 6, "date", "2025-99")
    message = _fails(loc, data, "entities.csv:2:type", "claims.csv:3:property",
                     "claims.csv:6:date")
    assert message.count("\n") >= 2


def test_bad_slug_and_visibility(built: tuple[Path, Path]) -> None:
    loc, data = built
    _append(data / "entities.csv", id="Bad Id", type="Person", label="X")
    _set(data / "claims.csv", 2, "visibility", "secret")
    _fails(loc, data, "id 'Bad Id' is not a slug", "claims.csv:2:visibility: 'secret' is not")


def test_rdf_xml_refused(built: tuple[Path, Path]) -> None:
    loc, data = built
    (data / "extra.rdf").write_text("<rdf:RDF/>", encoding="utf-8")
    _fails(loc, data, "extra.rdf: RDF/XML, JSON-LD and other XML/JSON inputs are refused")


def test_unknown_column_is_a_warning(tiny_copy: Path, tmp_path: Path) -> None:
    rows = _rows(tiny_copy / "sources.csv")
    rows[0].append("comment")
    for r in rows[1:]:
        r.append("x")
    _write(tiny_copy / "sources.csv", rows)
    report = build([tiny_copy], str(tmp_path / "s"))
    assert any("unknown column 'comment' is ignored" in str(w) for w in report.warnings)


def test_cli_prints_errors_and_exits_nonzero(built: tuple[Path, Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    loc, data = built
    _set(data / "claims.csv", 15, "object", "ayla-huseynva")
    before = _snapshot(loc)
    code = main(["build", "--data", str(data), "--store", str(loc)])
    err = capsys.readouterr().err
    assert code == 2
    assert "claims.csv:15:object: unknown entity 'ayla-huseynva'" in err
    assert "nothing was written" in err
    assert _snapshot(loc) == before


def test_xlsx_workbook(tiny_copy: Path, tmp_path: Path) -> None:
    """The same sheets as one workbook build the same store as the CSV files."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name in ("sources", "entities", "claims"):
        ws = wb.create_sheet(name)
        for row in _rows(tiny_copy / f"{name}.csv"):
            ws.append(row)
    book_dir = tmp_path / "book"
    book_dir.mkdir()
    wb.save(book_dir / "tiny.xlsx")
    a = build([tiny_copy], str(tmp_path / "csv"))
    b = build([book_dir], str(tmp_path / "xlsx"))
    import pyoxigraph as ox

    dump = {k: sorted(open_store(str(tmp_path / k), full=True).dump(ox.RdfFormat.N_QUADS)
                      .splitlines()) for k in ("csv", "xlsx")}
    assert a.counts == b.counts
    assert dump["csv"] == dump["xlsx"]


def test_several_data_folders_merge(tiny_copy: Path, tmp_path: Path) -> None:
    """A second dataset can cite the first one's entities and add its own."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "sources.csv").write_text(
        "id,title,url,publisher,published,accessed,visibility\n"
        "src-gamma,Fictional follow-up,https://example.org/g,Example,2025,,public\n",
        encoding="utf-8")
    (extra / "entities.csv").write_text(
        "id,type,label,aliases,description,wikidata,visibility\n"
        "lale-karimova,Person,Lalə Kərimova,Lale Karimova,Fictional lawyer,,public\n",
        encoding="utf-8")
    (extra / "claims.csv").write_text(
        "subject,property,object,date,source,confidence,visibility,note\n"
        "case-huseynova-2024,defenceLawyer,lale-karimova,2024,src-gamma,medium,public,\n",
        encoding="utf-8")
    report = build([tiny_copy, extra], str(tmp_path / "merged"))
    store = open_store(str(tmp_path / "merged"))
    r = store.query("PREFIX rg: <https://repression-graph.org/ns#> "
                    "SELECT ?l WHERE { ?c rg:defenceLawyer ?l }")
    assert [v["l"] for v in r.values()] == [store.base + "lale-karimova"]
    assert report.counts["sources"] == 4


def test_rdf_native_file_is_loaded(tiny_copy: Path, tmp_path: Path) -> None:
    (tiny_copy / "extra.ttl").write_text(
        "@prefix id: <https://repression-graph.org/id/> .\n"
        "@prefix rg: <https://repression-graph.org/ns#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'id:extra-ngo a rg:NGO ; rdfs:label "Extra NGO" .\n', encoding="utf-8")
    build([tiny_copy], str(tmp_path / "s"))
    store = open_store(str(tmp_path / "s"))
    assert store.query("ASK { <https://repression-graph.org/id/extra-ngo> ?p ?o }").boolean


def test_env_store_default(tiny_location: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REPGRAPH_STORE", str(tiny_location))
    assert main(["query", "judges", "--format", "csv"]) == 0
    assert "Kamal Rzayev" in capsys.readouterr().out
    assert os.environ["REPGRAPH_STORE"] == str(tiny_location)
