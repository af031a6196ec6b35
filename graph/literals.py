"""Cell text → typed RDF literal, in N-Triples syntax, with a reason when it does not fit.

The ingester writes N-Quads text directly (one string per quad) because it is an
order of magnitude faster than building rdflib terms and the store bulk-loads it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

XSD = "http://www.w3.org/2001/XMLSchema#"
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_ESC = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


class LiteralProblem(ValueError):
    """The cell's text does not fit the property's range; the message says how to fix it."""


def nt_string(value: str) -> str:
    """A plain string literal in N-Triples syntax."""
    return f'"{value.translate(_ESC)}"'


def nt_typed(value: str, datatype: str) -> str:
    return f'"{value.translate(_ESC)}"^^<{XSD}{datatype}>'


def nt_lang(value: str, lang: str) -> str:
    return f'"{value.translate(_ESC)}"@{lang}'


def canonical_decimal(text: str) -> str:
    """The XSD 1.1 canonical form Oxigraph stores (18.0 → 18, 05.50 → 5.5).

    Writing what the store would write keeps dumps identical to the sheets' values.

    >>> canonical_decimal("18.0"), canonical_decimal("-05.50"), canonical_decimal(".5")
    ('18', '-5.5', '0.5')
    """
    value = Decimal(text)
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):f}".partition(".")
    frac = frac.rstrip("0")
    return f"{sign}{int(whole)}" + (f".{frac}" if frac else "")


def partial_date(text: str) -> tuple[str, str]:
    """Parse 2025 / 2025-07 / 2025-07-01 into (lexical form, XSD datatype local name).

    >>> partial_date("2025-07")
    ('2025-07', 'gYearMonth')
    """
    m = _DATE.match(text)
    if not m:
        raise LiteralProblem(f"'{text}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.groups()
    if month is not None and not 1 <= int(month) <= 12:
        raise LiteralProblem(f"'{text}' has no month {month}")
    if day is not None:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            raise LiteralProblem(f"'{text}' is not a real date (no such day)") from None
        return text, "date"
    return text, ("gYearMonth" if month is not None else "gYear")


def to_literal(text: str, kind: str) -> str:
    """N-Triples literal for `text` read as `kind`: string, boolean, decimal, integer, uri, date."""
    if kind == "string":
        return nt_string(text)
    if kind == "date":
        lexical, datatype = partial_date(text)
        return nt_typed(lexical, datatype)
    if kind == "boolean":
        low = text.lower()
        if low not in ("true", "false"):
            raise LiteralProblem(f"'{text}' is not true or false")
        return nt_typed(low, "boolean")
    if kind == "decimal":
        if not _DECIMAL.match(text):
            raise LiteralProblem(f"'{text}' is not a number (use a dot for decimals: 5.5)")
        return nt_typed(canonical_decimal(text), "decimal")
    if kind == "integer":
        if not _INTEGER.match(text):
            raise LiteralProblem(f"'{text}' is not a whole number")
        return nt_typed(str(int(text)), "integer")
    if kind == "uri":
        if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", text):
            raise LiteralProblem(f"'{text}' is not an http(s) URL")
        return nt_typed(text, "anyURI")
    raise LiteralProblem(f"unknown literal kind {kind}")
