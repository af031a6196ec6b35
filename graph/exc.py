"""The project's errors: few, each one a user can act on."""

from __future__ import annotations

from dataclasses import dataclass


class RepgraphError(Exception):
    """Base class: the CLI prints these without a traceback and exits non-zero."""


@dataclass(frozen=True, order=True)
class Problem:
    """One input problem at a place in a file (row 1 is the header; row/column may be unknown)."""

    file: str
    row: int | None
    column: str | None
    message: str
    level: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f":{self.column}"
        prefix = "" if self.level == "error" else f"{self.level}: "
        return f"{where}: {prefix}{self.message}"


class InputError(RepgraphError):
    """The sheets or RDF files are invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Problem]]]:
        return InputError, (self.problems,)  # crosses from the build's ingest process


class ValidationError(RepgraphError):
    """The built graph violates SHACL shapes (ontology/shapes.ttl)."""


class StoreError(RepgraphError):
    """A store is missing, locked or unreadable."""


class QueryError(RepgraphError):
    """A query is malformed, refused by the sandbox, too slow, or failed."""


class QueryRefused(QueryError):
    """The sandbox refused the query (update, SERVICE, LOAD, FROM ...)."""


class QueryTimeout(QueryError):
    """The query ran past the time limit and its worker was stopped."""
