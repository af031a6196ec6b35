"""Export formats: one small function per format in a registry the CLI and the app loop over.

Each exporter turns a store into named files (`{file name: bytes}`, the main file
first).  `export` writes them where the user asked; `export_bytes` gives the app
one download (a zip when a format needs several files, as CSV does).  Exports
are built from the store they are given — the public one unless the user chose
the full store explicitly — and are byte-identical for identical stores.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph.exc import RepgraphError
from graph.exporters import networks, rdf, sheets
from graph.store import GraphStore


@dataclass(frozen=True)
class Exporter:
    name: str          # the CLI's --format value
    title: str
    suffix: str        # of the main file
    media_type: str
    description: str
    files: Callable[[GraphStore], dict[str, bytes]]
    #: the extra files are needed to use the main one (CSV's three sheets)
    bundle: bool = False


def _ftm(store: GraphStore) -> dict[str, bytes]:
    from graph.ftm import ftm_lines  # followthemoney is a large import, needed only here

    return ftm_lines(store)


EXPORTERS: dict[str, Exporter] = {e.name: e for e in (
    Exporter("ttl", "Turtle", ".ttl", "text/turtle",
             "All triples (the union of every graph); provenance in the rg:Claim nodes.",
             rdf.turtle),
    Exporter("nt", "N-Triples", ".nt", "application/n-triples",
             "All triples, one per line, sorted: easy to diff and to load anywhere.",
             rdf.ntriples),
    Exporter("trig", "TriG", ".trig", "application/trig",
             "Every named graph: each source's claims in the graph named after the source.",
             rdf.trig),
    Exporter("jsonld", "JSON-LD", ".jsonld", "application/ld+json",
             "Named graphs as JSON-LD with the context inline (and as context.jsonld).",
             rdf.jsonld),
    Exporter("graphml", "GraphML", ".graphml", "application/graphml+xml",
             "The network for Gephi, Cytoscape, NetworkX: types, labels, dates, sources.",
             networks.graphml),
    Exporter("gexf", "GEXF", ".gexf", "application/gexf+xml",
             "The network for Gephi: types, labels, dates and sources as attributes.",
             networks.gexf),
    Exporter("csv", "CSV sheets", ".zip", "application/zip",
             "sources.csv, entities.csv, claims.csv: the input format, so it re-imports.",
             sheets.sheets, bundle=True),
    Exporter("ftm", "FollowTheMoney", ".ftm.json", "application/json",
             "FollowTheMoney entities (JSON lines) for OpenSanctions and Aleph tooling.",
             _ftm),
)}


def _get(fmt: str) -> Exporter:
    if fmt not in EXPORTERS:
        raise RepgraphError(f"unknown export format '{fmt}' (choose {', '.join(EXPORTERS)})")
    return EXPORTERS[fmt]


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip with fixed timestamps and order, so identical files give an identical archive."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in files:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name])
    return buf.getvalue()


def download_name(store: GraphStore, fmt: str) -> tuple[str, str]:
    """(file name, media type) of a format's download, known before it is generated."""
    ex = _get(fmt)
    stem = f"repression-graph-{store.level}"
    if ex.bundle:
        return f"{stem}-{fmt}.zip", "application/zip"
    return f"{stem}{ex.suffix}", ex.media_type


def export_bytes(store: GraphStore, fmt: str) -> tuple[str, bytes, str]:
    """(file name, data, media type) for one download: the main file, or a zip for bundles."""
    ex = _get(fmt)
    files = ex.files(store)
    name, media = download_name(store, fmt)
    return name, zip_bytes(files) if ex.bundle else files[next(iter(files))], media


def export(store: GraphStore, fmt: str, out: Path) -> Path:
    """Write one export to `out`.

    CSV writes a folder holding sources.csv, entities.csv and claims.csv (plus
    extra.trig when the store holds triples the sheets cannot express) when `out`
    has no suffix, or a .zip of them when `out` ends in .zip.  JSON-LD also writes
    its context beside the document (`<name>.context.jsonld`).
    """
    ex = _get(fmt)
    files = ex.files(store)
    if ex.bundle:
        if out.suffix.lower() == ".zip":
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(zip_bytes(files))
            return out
        if out.suffix:
            raise RepgraphError(f"--format {fmt} writes a folder (no suffix) or a .zip, "
                                f"not '{out.name}'")
        if out.exists() and not out.is_dir():
            raise RepgraphError(f"{out} exists and is not a folder")
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (out / name).write_bytes(data)
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    names = list(files)
    out.write_bytes(files[names[0]])
    for extra in names[1:]:
        stem = out.name[: -len(out.suffix)] if out.suffix else out.name
        (out.parent / f"{stem}.{extra}").write_bytes(files[extra])
    return out
