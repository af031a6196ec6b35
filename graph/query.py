"""Saved queries (ontology/queries/*.rq) and turning a CLI argument into query text.

A saved query is a file whose leading comments say what it is:

    # title: Transnational repression
    # description: People targeted across borders, with the reasons and states involved.
    # param: id entity   the person's id (e.g. iqbal-abilov)

Parameters are passed as bindings (pyoxigraph substitutions), never pasted into
the text, so a value can never change what a query does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.config import QUERIES_DIR
from graph.derived import kept
from graph.exc import QueryError
from graph.literals import LiteralProblem, partial_date
from graph.results import Term

if TYPE_CHECKING:
    from graph.store import GraphStore

_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*)$")
PARAM_KINDS = ("entity", "string", "date", "integer", "iri")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    help: str


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)


def parse_saved(path: Path) -> SavedQuery:
    """Read one .rq file and its header comments."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            parts: list[str] = [*value.split(None, 2), "", ""]
            name, kind, rest = parts[0], parts[1], parts[2:]
            if kind not in PARAM_KINDS:
                raise QueryError(f"{path}: param '{name}' has unknown kind '{kind}'")
            params.append(Param(name, kind, " ".join(rest).strip()))
        else:
            meta[key] = (meta.get(key, "") + " " + value).strip()
    return SavedQuery(path.stem, meta.get("title", path.stem), meta.get("description", ""),
                      text, tuple(params))


@lru_cache(maxsize=4)
def saved_queries(folder: Path = QUERIES_DIR) -> dict[str, SavedQuery]:
    """Every saved query by name, sorted."""
    return {p.stem: parse_saved(p) for p in sorted(folder.glob("*.rq"))}


def resolve(arg: str) -> tuple[str, SavedQuery | None]:
    """Query text from inline SPARQL, a .rq file, or a saved query's name."""
    saved = saved_queries()
    if arg in saved:
        return saved[arg].text, saved[arg]
    path = Path(arg)
    if arg.endswith(".rq") or (len(arg) < 4096 and "\n" not in arg and path.is_file()):
        if not path.is_file():
            raise QueryError(f"no such query file: {arg}")
        sq = parse_saved(path)
        return sq.text, sq
    if re.match(r"^[a-z][a-z0-9-]*$", arg):
        raise QueryError(f"no saved query named '{arg}'; saved queries: {', '.join(saved)}")
    return arg, None


def bind(params: dict[str, str], saved: SavedQuery | None, base: str) -> dict[str, Term]:
    """Typed bindings for NAME=VALUE pairs; entity ids become IRIs under the base."""
    declared = {p.name: p for p in saved.params} if saved else {}
    out: dict[str, Term] = {}
    for name, value in params.items():
        kind = declared[name].kind if name in declared else _guess(value)
        if saved is not None and declared and name not in declared:
            raise QueryError(f"query '{saved.name}' has no parameter '{name}' "
                             f"(it takes: {', '.join(declared)})")
        try:
            out[name] = _term(value, kind, base)
        except LiteralProblem as exc:
            raise QueryError(f"parameter {name}: {exc}") from None
    if saved is not None:
        missing = [p.name for p in saved.params if p.name not in params]
        if missing:
            raise QueryError(f"query '{saved.name}' needs --param "
                             + " ".join(f"{m}=VALUE" for m in missing))
    return out


def _guess(value: str) -> str:
    if value.startswith("<") and value.endswith(">"):
        return "iri"
    return "string"


def _term(value: str, kind: str, base: str) -> Term:
    if kind == "entity":
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", value):
            raise LiteralProblem(f"'{value}' is not an entity id")
        return ox.NamedNode(base + value)
    if kind == "iri":
        iri = value.strip("<>")
        if not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", iri):
            raise LiteralProblem(f"'{value}' is not an IRI")
        return ox.NamedNode(iri)
    if kind == "date":
        lexical, datatype = partial_date(value)
        return ox.Literal(lexical, datatype=ox.NamedNode(
            f"http://www.w3.org/2001/XMLSchema#{datatype}"))
    if kind == "integer":
        if not value.lstrip("-").isdigit():
            raise LiteralProblem(f"'{value}' is not a whole number")
        return ox.Literal(value, datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer"))
    return ox.Literal(value)


def saved_values_for(store: GraphStore, name: str) -> list[dict[str, str | None]]:
    """The rows of a parameterless saved query, computed once per generation (graph.derived).

    For pages that show a saved query's whole answer on every visit (the Overview's
    charges); the answer cannot change until the next build.
    """
    return kept(store, f"saved.{name}",
                lambda: store.query(saved_queries()[name].text).values())
