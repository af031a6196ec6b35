"""Reading the three sheets (CSV files or one XLSX workbook) into located rows.

Every row keeps its file name and row number so that any later check can say
`claims.csv:41:object: ...`.  Encoding, header and spreadsheet-formula problems
are found here, before any meaning is looked at.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.exc import Problem

#: The sheet contract (DESIGN.md §4): every column, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "sources": ("id", "title", "url", "publisher", "published", "accessed", "visibility"),
    "entities": ("id", "type", "label", "aliases", "description", "wikidata", "visibility"),
    "claims": (
        "subject", "property", "object", "date", "source", "confidence", "visibility", "note",
    ),
}
#: Columns a sheet cannot do without; the others default when absent.
REQUIRED: dict[str, tuple[str, ...]] = {
    "sources": ("id", "title"),
    "entities": ("id", "type", "label"),
    "claims": ("subject", "property", "object", "source"),
}
SHEETS = tuple(COLUMNS)

# A cell a spreadsheet would execute: =cmd|..., +1+cmd, @SUM(...), -2+3, or a leading tab/CR.
_FORMULA = re.compile(r"^(?:[=@\t\r]|[+-](?![0-9.]+$))")
_BOMS = {
    b"\xef\xbb\xbf": "UTF-8 byte-order mark",
    b"\xff\xfe": "UTF-16 byte-order mark",
    b"\xfe\xff": "UTF-16 byte-order mark",
}


@dataclass(frozen=True)
class Row:
    """One data row of a sheet; `line` is its 1-based row number counting the header as 1."""

    file: str
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def problem(self, column: str | None, message: str, level: str = "error") -> Problem:
        return Problem(self.file, self.line, column, message, level)


@dataclass
class Sheet:
    name: str
    file: str
    rows: list[Row]


def looks_like_formula(value: str) -> bool:
    """True for cells a spreadsheet would evaluate (CSV injection); plain negative numbers pass."""
    return bool(value) and bool(_FORMULA.match(value))


def _empty(name: str, file: str) -> Problem:
    return Problem(file, None, None,
                   f"file is empty; expected a header row: {', '.join(COLUMNS[name])}")


def _decode(raw: bytes, file: str, problems: list[Problem]) -> str | None:
    for bom, what in _BOMS.items():
        if raw.startswith(bom):
            problems.append(Problem(file, 1, None, (
                f"file starts with a {what}; save it as UTF-8 without BOM "
                "(in Excel: 'CSV UTF-8' and remove the BOM, or upload the .xlsx instead)")))
            return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(file, line, None, (
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8")))
        return None


def _check_header(name: str, file: str, header: list[str], problems: list[Problem]) -> bool:
    expected = COLUMNS[name]
    ok = True
    cleaned = [h.strip() for h in header]
    for col in REQUIRED[name]:
        if col not in cleaned:
            near = difflib.get_close_matches(col, cleaned, n=1)
            hint = f" (found '{near[0]}' — a typo?)" if near else ""
            problems.append(Problem(file, 1, col, f"missing required column '{col}'{hint}; "
                                    f"expected columns: {', '.join(expected)}"))
            ok = False
    seen: set[str] = set()
    for col in cleaned:
        if col in seen:
            problems.append(Problem(file, 1, col, f"column '{col}' appears twice"))
            ok = False
        seen.add(col)
        if col and col not in expected:
            problems.append(Problem(file, 1, col, f"unknown column '{col}' is ignored",
                                    "warning"))
    return ok


def _rows(name: str, file: str, records: Iterator[list[str]], problems: list[Problem]) -> Sheet:
    try:
        header = next(records)
    except StopIteration:
        problems.append(_empty(name, file))
        return Sheet(name, file, [])
    if not _check_header(name, file, header, problems):
        return Sheet(name, file, [])
    cols = [h.strip() for h in header]
    rows: list[Row] = []
    for line, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines are common at the end of hand-edited sheets
        if len(record) > len(cols):
            problems.append(Problem(file, line, None,
                                    f"{len(record)} cells but the header has {len(cols)} columns"))
            continue
        cells = {}
        for col, value in zip(cols, record, strict=False):
            if col not in COLUMNS[name]:
                continue
            value = value.strip()
            if looks_like_formula(value):
                problems.append(Problem(file, line, col, (
                    f"cell looks like a spreadsheet formula ({value[:20]!r}); "
                    "formulas are refused — prefix text with an apostrophe in the spreadsheet")))
                value = ""
            cells[col] = value
        rows.append(Row(file, line, cells))
    return Sheet(name, file, rows)


def read_csv(path: Path, name: str, problems: list[Problem], label: str | None = None) -> Sheet:
    """Read one CSV sheet; problems are appended, never raised."""
    file = label or str(path)
    raw = path.read_bytes()
    if not raw.strip():
        problems.append(_empty(name, file))
        return Sheet(name, file, [])
    text = _decode(raw, file, problems)
    if text is None:
        return Sheet(name, file, [])
    if "\x00" in text:
        problems.append(Problem(file, None, None, "file contains NUL bytes; is it really a CSV?"))
        return Sheet(name, file, [])
    try:
        return _rows(name, file, csv.reader(io.StringIO(text, newline="")), problems)
    except csv.Error as exc:
        problems.append(Problem(file, None, None, f"malformed CSV: {exc}"))
        return Sheet(name, file, [])


def read_xlsx(path: Path, problems: list[Problem], label: str | None = None) -> dict[str, Sheet]:
    """Read a workbook whose sheets are named sources, entities, claims."""
    from openpyxl import load_workbook  # a heavy import, needed only for workbooks

    file = label or str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        problems.append(Problem(file, None, None, f"cannot read workbook: {exc}"))
        return {}
    out: dict[str, Sheet] = {}
    names = {ws.title.strip().lower(): ws for ws in wb.worksheets}
    for name in SHEETS:
        ws = names.get(name)
        if ws is None:
            problems.append(Problem(file, None, None, (
                f"workbook has no sheet named '{name}' (found: {', '.join(sorted(names))})")))
            continue

        def cells(ws=ws) -> Iterator[list[str]]:
            for values in ws.iter_rows(values_only=True):
                yield ["" if v is None else _cell_text(v) for v in values]

        sheet = _rows(name, f"{file}[{name}]", cells(), problems)
        out[name] = sheet
    wb.close()
    return out


def _cell_text(value: object) -> str:
    """Spreadsheet cells come typed; the checks work on text, as in CSV."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_dataset_sheets(folder: Path, problems: list[Problem]) -> dict[str, Sheet]:
    """The three sheets of a dataset folder, from CSV files or a single workbook."""
    csvs = {name: folder / f"{name}.csv" for name in SHEETS}
    books = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
    present = {n: p for n, p in csvs.items() if p.exists()}
    if books and present:
        problems.append(Problem(str(folder), None, None, (
            "both CSV sheets and an XLSX workbook found; keep one form of the sheets")))
        return {}
    if len(books) > 1:
        problems.append(Problem(str(folder), None, None,
                                f"several workbooks found ({', '.join(b.name for b in books)}); "
                                "keep one"))
        return {}
    if books:
        return read_xlsx(books[0], problems, label=_rel(books[0]))
    return {n: read_csv(p, n, problems, label=_rel(p)) for n, p in present.items()}


def _rel(path: Path) -> str:
    """A path as the user knows it: relative to the working folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
