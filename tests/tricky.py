"""A store whose terms are hard to carry through text: escapes, control characters,
language tags, datatypes, bidi overrides, astral characters and blank nodes."""

from __future__ import annotations

import pyoxigraph as ox


def tricky_store(path: str | None = None) -> ox.Store:
    """Ten values of urn:p, each on its own subject, and one blank-node subject."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    values = [ox.Literal("042", datatype=ox.NamedNode(xsd + "integer")),
              ox.Literal("1.50", datatype=ox.NamedNode(xsd + "decimal")),
              ox.Literal("tab\there\nnew line \"quoted\" back\\slash"),
              ox.Literal("x", language="en-GB"), ox.Literal("", language="ru"),
              ox.Literal("NaN", datatype=ox.NamedNode(xsd + "double")),
              ox.Literal("2024-01", datatype=ox.NamedNode(xsd + "gYearMonth")),
              ox.Literal("\u202eevil \U0001f600 Гусейнов"), ox.NamedNode("urn:o"),
              ox.Literal("bell\x07 nul\x00 del\x7f cr\r quote' \\u0041")]
    store = ox.Store(path)
    for i, value in enumerate(values):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), value))
    store.add(ox.Quad(ox.BlankNode("b1"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))
    return store
