"""Query text for a remote generation: the same SPARQL, pinned to one level's graphs.

A SPARQL server holds every level and generation side by side (graph.remote), so
before a query leaves for the server it is adjusted *lexically*, never parsed and
re-serialised (that would risk changing what the query means):

- the level's dataset is pinned with `FROM <union> FROM NAMED <g>...` (user queries
  may not contain FROM themselves: the sandbox refuses them before they get here);
- IRI constants that name one of the level's graphs are replaced by the
  generation's name for them (`<src-1>` → `<src-1!rg.ID.public>`), so `GRAPH <g>`,
  `?g dct:title ?t` and `FILTER(?src = <g>)` all work as on the embedded store;
- prefixes the embedded store predefines (rg:, rdfs: ...) are declared when used;
- bindings become a VALUES block at the top of the WHERE group, of each sub-select
  that projects them and of each UNION branch beside them (the protocol has no
  way to pass them; terms are written in their escaped N-Triples form, so a value
  can never change what the query does).

Virtuoso pragmas (DEFINE ...) and its built-in function namespaces (bif:, sql:) are
refused: they could reach other graphs or the server's files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

import pyoxigraph as ox

from graph.exc import QueryError, QueryRefused
from graph.results import PREFIXES, Term
from graph.sparqltext import FORMS, Token, tokens, unescape

_MODIFIERS = {"ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET", "VALUES"}
_VIRTUOSO_BUILTINS = ("bif:", "sql:")
_VAR = re.compile(r"^[A-Za-z0-9_\u00B7-\uFFFF]+$")


@dataclass(frozen=True)
class Names:
    """How one generation and level names things on the server."""

    graphs: frozenset[str]  # the level's named graphs, as the embedded store names them
    suffix: str  # appended to those IRIs wherever they occur
    union: str  # the graph holding the union of the level's triples (the default graph)
    empty: str  # a graph that never holds anything: the named graphs of a GRAPH-free query
    mode: str = "list"  # how GRAPH patterns are kept in the level: "list" or "filter"

    def stored(self, iri: str) -> str:
        return iri + self.suffix if iri in self.graphs else iri


@dataclass(frozen=True)
class Prepared:
    text: str
    form: str  # "select" | "ask" | "graph"


def _expand(pname: str, prefixes: Mapping[str, str]) -> str:
    prefix, _, local = pname.partition(":")
    if prefix not in prefixes:
        raise QueryError(f"SPARQL syntax error: unknown prefix '{prefix}:'")
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)


def _refuse_virtuoso_extensions(text: str) -> None:
    decoded = unescape(text)
    for tok in tokens(decoded):
        if tok.kind == "word" and tok.text.upper() == "DEFINE":
            raise QueryRefused("DEFINE pragmas are refused: the dataset is fixed by your "
                               "access level")
        body = tok.text[1:-1] if tok.kind == "iri" else tok.text
        if tok.kind in ("iri", "pname") and body.lower().startswith(_VIRTUOSO_BUILTINS):
            raise QueryRefused(f"server built-in functions are refused ({body.split(':')[0]}:)")


def prepare(text: str, names: Names, bindings: Mapping[str, Term] | None = None) -> Prepared:
    """The query as the server must receive it for this generation and level."""
    _refuse_virtuoso_extensions(text)
    toks = [t for t in tokens(text) if t.kind != "comment"]
    declared: dict[str, str] = {}
    base: str | None = None
    skip: set[int] = set()  # tokens of PREFIX/BASE declarations: never renamed
    for i, tok in enumerate(toks):
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" \
                and toks[i + 2].kind == "iri":
            declared[toks[i + 1].text[:-1]] = unescape(toks[i + 2].text[1:-1])
            skip.update((i + 1, i + 2))
        elif word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base = unescape(toks[i + 1].text[1:-1])
            skip.add(i + 1)
    prefixes = {**PREFIXES, **declared}
    used: set[str] = set()
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(toks):
        if i in skip or tok.kind not in ("iri", "pname"):
            continue
        if tok.kind == "pname":
            used.add(tok.text.partition(":")[0])
        iri = _resolve(tok, prefixes, base)
        if iri in names.graphs:
            edits.append((tok.start, tok.end, f"<{names.stored(iri)}>"))
    form, dataset_at, group_at, trailing = _places(toks, len(text))
    clause, graph_edits = _dataset(text, toks, names, prefixes, base)
    edits += [(dataset_at, dataset_at, clause), *graph_edits]
    values = _values(bindings or {}, names)
    if values:
        edits += [(at, at, " " + values + " ")
                  for at in _values_places(toks, set(bindings or {}), group_at, trailing)]
    form_at = toks[_first_form(toks)].start
    missing = sorted(p for p in used if p not in declared and p in PREFIXES)
    if missing:  # after the query's own prologue: Virtuoso wants BASE before any PREFIX
        prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing)
        edits.append((form_at, form_at, prologue))
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    if values and trailing:
        out += "\n" + values + "\n"
    return Prepared(out, form)


def with_bindings(text: str, bindings: Mapping[str, Term]) -> str:
    """The query with its bindings as VALUES blocks, placed as `prepare` places them.

    For clients of a plain SPARQL server (the benchmarks' server column) that need the
    bindings but none of a generation's graph renaming.
    """
    values = _values(bindings, Names(frozenset(), "", "", ""))
    if not values:
        return text
    toks = [t for t in tokens(text) if t.kind != "comment"]
    _, _, group_at, trailing = _places(toks, len(text))
    out = text
    for at in sorted(_values_places(toks, set(bindings), group_at, trailing), reverse=True):
        out = out[:at] + " " + values + " " + out[at:]
    return out + ("\n" + values + "\n" if trailing else "")


def _values_places(toks: list[Token], variables: set[str], group_at: int,
                   trailing: bool) -> list[int]:
    """Where a bindings block goes: the WHERE group, each sub-select projecting a bound
    variable, and every UNION branch directly inside those."""
    groups = ([] if trailing else [group_at]) + _subselects(toks, variables)
    return [place for at in groups for place in (at, *_union_branches(toks, at))]


def _resolve(tok: Token, prefixes: Mapping[str, str], base: str | None) -> str:
    """The absolute IRI an IRI or prefixed-name token stands for."""
    if tok.kind == "pname":
        return _expand(tok.text, prefixes)
    iri = unescape(tok.text[1:-1])
    return urljoin(base, iri) if base and ":" not in iri else iri


def _places(toks: list[Token], end: int) -> tuple[str, int, int, bool]:
    """The query form, where the dataset clause goes, where the WHERE group opens, and
    whether bindings must trail the query (CONSTRUCT WHERE, DESCRIBE without a pattern)."""
    form, depth, template_seen, previous = "", 0, False, ""
    for tok in toks:
        if tok.kind == "comment":
            continue
        word = tok.text.upper() if tok.kind == "word" else ""
        if depth == 0:
            if not form and word in FORMS:
                form = word
            elif form and word == "WHERE":
                opener = next((t for t in toks if t.start > tok.start and t.text == "{"), None)
                short = form == "CONSTRUCT" and previous == "CONSTRUCT"
                return (FORMS[form], tok.start, opener.end if opener else end,
                        short or opener is None)
            elif form and tok.text == "{":
                if form == "CONSTRUCT" and not template_seen:
                    template_seen = True
                else:
                    return FORMS[form], tok.start, tok.end, False
            elif form == "DESCRIBE" and word in _MODIFIERS:
                return "graph", tok.start, end, True
        if tok.text in ("{", "("):
            depth += 1
        elif tok.text in ("}", ")"):
            depth -= 1
        previous = word or tok.text
    if not form:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return FORMS[form], end, end, True


def _subselects(toks: list[Token], variables: set[str]) -> list[int]:
    """Where the WHERE groups of sub-SELECTs that project a bound variable open.

    Bindings follow SEP-0007, as pyoxigraph's substitutions do: a sub-query that
    projects the variable sees it bound too, so it can start from the value instead
    of computing every answer and joining afterwards.
    """
    places = []
    for i, tok in enumerate(toks):
        if tok.kind != "word" or tok.text.upper() != "SELECT" or i == _first_form(toks):
            continue
        projected: set[str] = set()
        depth = 0
        for j in range(i + 1, len(toks)):
            t = toks[j]
            if depth == 0 and (t.text == "{" or t.text.upper() == "WHERE"):
                opener = t if t.text == "{" else next(
                    (x for x in toks[j + 1:] if x.text == "{"), None)
                if opener is not None and (projected & variables or "*" in projected):
                    places.append(opener.end)
                break
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth -= 1
            elif t.kind == "var" and (depth == 0 or toks[j - 1].text.upper() == "AS"):
                projected.add(t.text[1:])
            elif t.text == "*" and depth == 0:
                projected.add("*")
    return places


def _union_branches(toks: list[Token], opened_at: int) -> list[int]:
    """Where the branches of the UNIONs directly inside a group open, recursively.

    Oxigraph does not push a VALUES block into the branches of a UNION beside it, so a
    bound entity would be joined only after each branch had scanned every claim (the
    `person` query: 17.5 s at 1M over a server, 2.6 ms with this). A join distributes
    over a union, so repeating the one-row block in each branch keeps the meaning.
    """
    start = next((i for i, t in enumerate(toks) if t.end == opened_at and t.text == "{"),
                 None)
    if start is None:
        return []
    close = _close_index(toks, start)
    places: list[int] = []
    i = start + 1
    while i < close:
        if toks[i].text != "{":
            i += 1
            continue
        end = _close_index(toks, i)
        before = toks[i - 1].text.upper() if toks[i - 1].kind == "word" else ""
        after = toks[end + 1].text.upper() if end + 1 < len(toks) \
            and toks[end + 1].kind == "word" else ""
        subselect = toks[i + 1].kind == "word" and toks[i + 1].text.upper() == "SELECT"
        if "UNION" in (before, after) and not subselect:
            places.append(toks[i].end)
            places += _union_branches(toks, toks[i].end)
        i = end + 1
    return places


def _close_index(toks: list[Token], start: int) -> int:
    """The index of the `}` closing the group that opens at toks[start]."""
    depth = 0
    for i in range(start, len(toks)):
        if toks[i].text == "{":
            depth += 1
        elif toks[i].text == "}":
            depth -= 1
            if depth == 0:
                return i
    raise QueryError("SPARQL syntax error: unbalanced { }")


def _first_form(toks: list[Token]) -> int:
    return next((i for i, t in enumerate(toks)
                 if t.kind == "word" and t.text.upper() in FORMS), -1)


def _dataset(text: str, toks: list[Token], names: Names, prefixes: Mapping[str, str],
             base: str | None) -> tuple[str, list[tuple[int, int, str]]]:
    """The dataset clause, and the edits that keep GRAPH patterns inside the level.

    The default graph is always the level's union. Named graphs, in "list" mode
    (standard): FROM NAMED only the graphs the query can name — one empty graph for a
    query without GRAPH (an engine may otherwise open every graph on the server), the
    constants it names, or the whole list for GRAPH ?var. In "filter" mode (engines
    that keep every named graph open under FROM alone, like Virtuoso, which is slow with
    long FROM NAMED lists), a query whose GRAPH patterns all take a variable gets no
    FROM NAMED and each `GRAPH ?g {...}` becomes
    `{ GRAPH ?g {...} FILTER(STRENDS(STR(?g), suffix)) }`. Anything else — constants
    mixed with variables, a GRAPH keyword hidden in escapes — gets the list.
    """
    targets: set[str] = set()
    variables: list[int] = []
    found = 0
    everything = False
    for i, tok in enumerate(toks):
        if tok.kind != "word" or tok.text.upper() != "GRAPH":
            continue
        found += 1
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is not None and nxt.kind in ("iri", "pname"):
            targets.add(_resolve(nxt, prefixes, base))
        elif nxt is not None and nxt.kind == "var":
            variables.append(i)
        else:
            everything = True
    hidden = sum(1 for t in tokens(unescape(text))
                 if t.kind == "word" and t.text.upper() == "GRAPH") > found
    clause = [f"FROM <{names.union}>"]
    if names.mode == "filter" and variables and not (targets or hidden or everything):
        edits = []
        for i in variables:
            close = _matching(toks, i + 2)
            var = toks[i + 1].text
            edits += [(toks[i].start, toks[i].start, "{ "),
                      (close.end, close.end,
                       f" FILTER(STRENDS(STR({var}), {json.dumps(names.suffix)})) }}")]
        return "\n" + "\n".join(clause) + "\n", edits
    if variables or everything or hidden:
        named = sorted(names.graphs)
    else:
        named = sorted(t for t in targets if t in names.graphs)
    clause += [f"FROM NAMED <{names.stored(g)}>" for g in named] or [f"FROM NAMED <{names.empty}>"]
    return "\n" + "\n".join(clause) + "\n", []


def _matching(toks: list[Token], start: int) -> Token:
    """The `}` closing the group that opens at toks[start]."""
    if start >= len(toks) or toks[start].text != "{":
        raise QueryError("SPARQL syntax error: GRAPH needs a { group }")
    return toks[_close_index(toks, start)]


def _values(bindings: Mapping[str, Term], names: Names) -> str:
    if not bindings:
        return ""
    heads, cells = [], []
    for var, term in bindings.items():
        if not _VAR.match(var):
            raise QueryError(f"'{var}' is not a variable name")
        if isinstance(term, ox.NamedNode):
            cells.append(f"<{names.stored(term.value)}>")
        elif isinstance(term, ox.Literal):
            cells.append(str(term))
        else:
            raise QueryError(f"binding ?{var}: only IRIs and literals can be bound")
        heads.append(f"?{var}")
    return f"VALUES ({' '.join(heads)}) {{ ({' '.join(cells)}) }}"
