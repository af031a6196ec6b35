"""Tables for the terminal and for docs/performance.md, with targets and verdicts.

Each size's tables are written between `<!-- bench:SIZE:start -->` and
`<!-- bench:SIZE:end -->` markers, so a quick run (`--sizes shipped,10k,100k`)
refreshes its sizes and leaves the 1M section of the last full run in place.
"""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass, field
from pathlib import Path

PASS, FAIL, INFO = "PASS", "FAIL", ""


def fmt_s(seconds: float | None) -> str:
    """A duration the way people read it: 12.3 ms, 1.45 s."""
    if seconds is None:
        return "n/a"
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_mb(mb: float | None) -> str:
    return "n/a" if mb is None else f"{mb:,.0f} MB"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append(["" if c is None else str(c) for c in cells])

    def markdown(self) -> str:
        def line(cells: list[str]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

        out = [f"**{self.title}**", "", line(self.header),
               line(["---"] * len(self.header))]
        out += [line(r) for r in self.rows]
        return "\n".join(out)

    def text(self) -> str:
        widths = [max(len(r[i]) for r in [self.header, *self.rows])
                  for i in range(len(self.header))]

        def line(cells: list[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        return "\n".join([self.title, "=" * len(self.title), line(self.header),
                          line(["-" * w for w in widths]), *map(line, self.rows)])


@dataclass
class SizeReport:
    size: str
    quads: int
    persons: int | None
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        who = f"{self.persons:,} synthetic persons" if self.persons else "data/azerbaijan"
        parts = [f"### {self.size} — {self.quads:,} quads in the full store ({who})", ""]
        for t in self.tables:
            parts += [t.markdown(), ""]
        parts += [f"- {n}" for n in self.notes]
        return "\n".join(parts).rstrip() + "\n"

    def text(self) -> str:
        parts = [f"\n##### {self.size}: {self.quads:,} quads #####"]
        parts += [t.text() + "\n" for t in self.tables]
        parts += [f"note: {n}" for n in self.notes]
        return "\n".join(parts)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    except OSError:
        mem = 0.0
    import pyoxigraph
    import rdflib

    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}, pyoxigraph "
            f"{pyoxigraph.__version__}, rdflib {rdflib.__version__}")


def write_docs(path: Path, reports: list[SizeReport]) -> None:
    """Replace each size's section between its markers in the doc (appended if missing)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    for key, body in [(r.size, r.markdown()) for r in reports]:
        start, end = f"<!-- bench:{key}:start -->", f"<!-- bench:{key}:end -->"
        block = f"{start}\n{body.rstrip()}\n{end}"
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        if pattern.search(text):
            text = pattern.sub(lambda _m, b=block: b, text)
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
