"""Static network images with matplotlib: header, legend, network, numbered sources.

The page is composed top to bottom — title, subtitle, legend, the network, the
caption block (every source behind an edge shown, numbered, then the dataset's
date and visibility level) — so the legend and caption never cover a node.
Labels keep their original script (graph.page holds the font and the sizes).

Output is deterministic: seeded layouts, sorted iteration, a fixed SVG hash salt,
text kept as text in SVG (`svg.fonttype = none`, so labels are searchable and
testable) and no dates in SVG or PDF metadata.
"""

from __future__ import annotations

import io
import math
import threading
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.text import Text

from graph.layout import force_layout, grouped_layout, layered_layout
from graph.overlap import Area, Box, overlap_area, place_edge_labels
from graph.page import SIZES, TEXT_COLOUR, Page, Size, font, wrap_label
from graph.render import View
from graph.style import FOCUS_COLOUR, READ_BACKWARDS, legend, style_for

RESTRICTED_COLOUR = "#C00000"
EDGE_COLOUR = "#8C8C8C"
#: No dates or tool versions in the files, so that identical input gives identical bytes.
_METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}
#: rc_context changes process-wide settings: one render at a time (the app renders in threads).
_LOCK = threading.Lock()
RC: dict[str, Any] = {
    "text.parse_math": False,  # "$5 bail" is text, never mathtext
    "text.usetex": False,
    "svg.hashsalt": "repression-graph",  # stable ids in the SVG
    "svg.fonttype": "none",  # text stays text: searchable, translatable, testable
    "pdf.fonttype": 42,  # embedded TrueType: text can be selected and copied
    "path.simplify": False,
}


#: Markers that look small at the same nominal size as a circle.
_MARKER_SCALE = {"*": 1.45, "h": 1.1, "^": 1.1, ".": 0.75}


def _marker(m: str) -> str:
    return "o" if m == "." else m


def _header(page: Page, view: View) -> float:
    """Title, subtitle and legend; returns the header's height in inches."""
    s, fig = page.size, page.fig
    W, H = s.width, s.height
    inner = W - 2 * s.margin
    y = H - s.margin
    sub_lines = 1 if s.height < 7 else 2  # a social card has no room for a paragraph
    for text, prop, gap, n in ((view.title, font(s.title, True), 0.25, 2),
                               (view.subtitle, font(s.subtitle), 0.35, sub_lines)):
        for line in page.wrap_to(text, prop, inner, n):
            fig.text(s.margin / W, y / H, line, fontproperties=prop, va="top", ha="left",
                     color=TEXT_COLOUR)
            y -= prop.get_size() / 72 * 1.3
        y -= prop.get_size() / 72 * gap
    entries = [(st.marker, st.colour, "white", 0.8, st.group)
               for st in legend({d["type"] for _, d in view.sub.graph.nodes(data=True)})]
    if view.sub.focus:
        entries.append(("o", "white", FOCUS_COLOUR, 2.5, "Focus"))
    if view.restricted or view.restricted_links:
        entries.append(("o", "white", RESTRICTED_COLOUR, 2.0, "Restricted — not for publication"))
    # A flowing row (wrapping when full), drawn by hand so entries read left to right.
    prop = font(s.legend)
    row_h = s.legend / 72 * 1.6
    mk = s.legend / 72
    x, y = s.margin, y - row_h / 2
    for marker, face, edge, lw, text in entries:
        w = mk * 1.3 + page.text_width(text, prop) + mk * 1.6
        if x > s.margin and x + w > W - s.margin:
            x, y = s.margin, y - row_h
        fig.add_artist(Line2D([(x + mk / 2) / W], [y / H], marker=_marker(marker),
                              markersize=s.legend * 0.85 * _MARKER_SCALE.get(marker, 1.0),
                              color=face, markeredgecolor=edge, markeredgewidth=lw,
                              linestyle="none"))
        fig.text((x + mk * 1.3) / W, y / H, text, fontproperties=prop, va="center",
                 ha="left", color=TEXT_COLOUR)
        x += w
    y -= row_h / 2 + 0.15
    return H - y


def _caption(page: Page, view: View) -> float:
    """Numbered sources in columns and the dataset line; returns the block's height."""
    s, fig = page.size, page.fig
    W = s.width
    inner = W - 2 * s.margin
    prop, bold = font(s.caption), font(s.caption, True)
    line_h = s.caption / 72 * 1.35
    max_h = s.height * (0.30 if s.height < s.width else 0.34)
    cites = view.citations
    # As many columns as leave each one ~60 characters wide; short form if still too tall.
    cols = max(1, min(6, int((inner + 0.25) / (s.caption / 72 * 0.55 * 62 + 0.25))))
    col_w = (inner - 0.25 * (cols - 1)) / cols
    budget = max(1, int((max_h - 3 * line_h) / line_h))
    lines = [c.short() for c in cites]
    if math.ceil(len(cites) / cols) > budget or s.height < 7:  # a card gets the short form
        lines = [c.short(False) for c in cites]
        widest = max(page.text_width(t, prop) for t in lines)
        cols = max(1, min(8, int((inner + 0.25) / (widest + 0.25))))
        col_w = (inner - 0.25 * (cols - 1)) / cols
    if math.ceil(len(lines) / cols) > budget:  # too many even so: list as many as fit
        fit = budget * cols - 1
        lines = [*lines[:fit], f"+ {len(cites) - fit} more sources (in the data export)"]
    lines = [page.fit_line(t, prop, col_w) for t in lines]
    rows = math.ceil(len(lines) / cols) if lines else 0
    height = (rows + (2 if lines else 0) + 1) * line_h + 0.1
    top = s.margin + height
    fig.add_artist(Line2D([s.margin / W, 1 - s.margin / W], [top / s.height] * 2,
                          color="#BBBBBB", linewidth=0.6))
    y = top - 0.08
    if lines:
        n = len(view.citations)
        fig.text(s.margin / W, y / s.height, f"Sources ({n})", fontproperties=bold,
                 va="top", color=TEXT_COLOUR)
        y -= line_h * 1.2
        for i, text in enumerate(lines):
            c, r = divmod(i, rows)
            fig.text((s.margin + c * (col_w + 0.25)) / W, (y - r * line_h) / s.height, text,
                     fontproperties=prop, va="top", color="#333333")
    from graph.render import footer_line

    fig.text(s.margin / W, s.margin / s.height, page.fit_line(footer_line(view), prop, inner),
             fontproperties=prop, va="bottom", color="#555555")
    return top


def _edges(view: View) -> list[tuple[str, str, str, bool, list[int], bool]]:
    """One drawn edge per node pair: (from, to, label, arrow, refs, restricted), read forwards."""
    g = view.sub.graph
    pairs: dict[tuple[str, str], list[tuple[str, str, str, list[int], bool]]] = {}
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3]):
        a, b = (v, u) if k in READ_BACKWARDS else (u, v)
        pairs.setdefault((min(a, b), max(a, b)), []).append(
            (a, b, str(d.get("label") or k), view.edge_refs.get((u, v, k), []),
             (u, v, k) in view.restricted_links))
    out = []
    for (lo, hi), links in sorted(pairs.items()):
        dirs = {(a, b) for a, b, *_ in links}
        a, b = next(iter(dirs)) if len(dirs) == 1 else (lo, hi)
        label = " · ".join(dict.fromkeys(lab for _, _, lab, _, _ in links))
        refs = sorted({r for _, _, _, rs, _ in links for r in rs})
        out.append((a, b, label, len(dirs) == 1, refs, any(x[4] for x in links)))
    return out


def _refs(refs: list[int]) -> str:
    """[1,2,3,5] → '[1–3,5]'."""
    if not refs:
        return ""
    parts, start, prev = [], refs[0], refs[0]
    for r in [*refs[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        parts.append(f"{start}–{prev}" if prev - start >= 2 else
                     ",".join(str(x) for x in range(start, prev + 1)))
        if r is not None:
            start = prev = r
    return "[" + ",".join(parts) + "]"


def _measure(page: Page, ax: Axes, view: View, scale: float
             ) -> tuple[dict[str, tuple[Text, float]], dict[str, Box]]:
    """Create every node label at a type scale and measure each node's footprint."""
    s = page.size
    g = view.sub.graph
    focus = set(view.sub.focus)
    texts, boxes = {}, {}
    for n in sorted(g):
        d = g.nodes[n]
        label = wrap_label(d.get("label") or n, s.wrap)
        if n in view.notes:
            label += "\n" + wrap_label(view.notes[n], s.wrap + 4, 1)
        t = ax.text(0, 0, label, fontproperties=font(s.node * scale, n in focus), ha="center",
                    va="top", color=TEXT_COLOUR, zorder=5, linespacing=1.1,
                    bbox={"boxstyle": "round,pad=0.08", "fc": "white", "ec": "none",
                          "alpha": 0.8})
        w, h = page.extent(t)
        r = s.marker * scale * (1.35 if n in focus else 1.0) / 72 / 2
        texts[n] = (t, r)
        boxes[n] = Box(max(w, 2 * r) + 0.06, r + 0.02, r + 0.04 + h)
    return texts, boxes


def _network(page: Page, view: View, top: float, bottom: float) -> None:
    s, fig = page.size, page.fig
    g = view.sub.graph
    W, H = s.width, s.height
    area = Area(W - 2 * s.margin, H - top - bottom - 0.1)
    ax = fig.add_axes(((s.margin) / W, (bottom + 0.05) / H, area.width / W, area.height / H))
    ax.set_xlim(0, area.width)
    ax.set_ylim(0, area.height)
    ax.set_axis_off()
    if len(g) == 0:
        ax.text(area.width / 2, area.height / 2, "Nothing to show", ha="center", va="center",
                fontproperties=font(s.subtitle), color="#777777")
        return
    scale = 1.0
    rects: dict[str, tuple[float, float, float, float]] = {}
    # Lay out at full type size; where labels still collide, try again with smaller type.
    for attempt in range(6):
        texts, boxes = _measure(page, ax, view, scale)
        need = sum(b.width * (b.above + b.below) for b in boxes.values())
        last = attempt == 5 or scale < 0.52
        if need > 0.4 * area.width * area.height and not last:
            fits = False
        elif view.layout == "layered":
            pos = layered_layout(g, view.layers, boxes, area)
            fits = overlap_area(pos, boxes) < 1e-3
        elif view.layout == "countries":
            pos, rects, fits = grouped_layout(g, view.groups, boxes, area,
                                              header=s.legend / 72 * 1.5)
            fits = fits and overlap_area(pos, boxes) < 1e-3
        else:
            pos = force_layout(g, boxes, area,
                               anchor=view.sub.focus[0] if view.sub.focus else None)
            fits = overlap_area(pos, boxes) < 1e-3
        if fits or last:
            break
        for t, _ in texts.values():
            t.remove()
        scale *= 0.88
    titles = []
    for key, (x0, y0, x1, y1) in sorted(rects.items()):
        ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0,
                                    boxstyle="round,pad=0,rounding_size=0.08",
                                    facecolor="#F3F1EC", edgecolor="#D8D4CA", lw=0.8, zorder=0))
        t = ax.text(x0 + 0.08, y1 - 0.05, view.group_names.get(key, key),
                    fontproperties=font(s.legend * max(scale, 0.8), True), va="top",
                    ha="left", color="#6B6350", zorder=1)
        tw, th = page.extent(t)
        titles.append((x0, y1 - 0.05 - th, x0 + 0.08 + tw, y1))
    _draw_nodes(ax, view, pos, texts, s, scale)
    _draw_edges(page, ax, view, pos, texts, boxes, area, scale, titles)


def _draw_nodes(ax: Axes, view: View, pos: dict, texts: dict, s: Size, scale: float) -> None:
    g = view.sub.graph
    focus = set(view.sub.focus)
    for n in sorted(g):
        st = style_for(g.nodes[n]["type"])
        x, y = pos[n]
        t, r = texts[n]
        size_pt = r * 2 * 72 * _MARKER_SCALE.get(st.marker, 1.0)
        marker = _marker(st.marker)
        edge = FOCUS_COLOUR if n in focus else "white"
        lw = 2.5 * scale if n in focus else 0.8
        if n in view.restricted:
            edge, lw = RESTRICTED_COLOUR, 2.0
        ax.plot([x], [y], marker=marker, markersize=size_pt,
                color=st.colour, markeredgecolor=edge, markeredgewidth=lw, linestyle="none",
                zorder=4)  # type: ignore[attr-defined]
        t.set_position((x, y - r - 0.03))


def _draw_edges(page: Page, ax: Axes, view: View, pos: dict, texts: dict, boxes: dict,
                area: Area, scale: float, titles: list[tuple[float, float, float, float]]
                ) -> None:
    s = page.size
    edges = _edges(view)
    show_refs = s.width > 13 or s.height > s.width
    labels, sizes, segments = [], [], []
    for a, b, label, arrow, refs, secret in edges:
        ra, rb = texts[a][1], texts[b][1]
        patch = FancyArrowPatch(pos[a], pos[b], arrowstyle="-|>" if arrow else "-",
                                mutation_scale=7 + 3 * scale,
                                color=RESTRICTED_COLOUR if secret else EDGE_COLOUR,
                                linestyle="--" if secret else "-",
                                linewidth=0.9, shrinkA=ra * 72 + 1.5, shrinkB=rb * 72 + 1.5,
                                zorder=2)
        ax.add_patch(patch)  # type: ignore[attr-defined]
        text = label + (f" {_refs(refs)}" if show_refs and refs else "")
        t = ax.text(0, 0, text, fontproperties=font(s.edge * max(scale, 0.8)),  # type: ignore[attr-defined]
                    ha="center", va="center", color="#5A5A5A", zorder=3,
                    bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none",
                          "alpha": 0.85})
        w, h = page.extent(t)
        labels.append(t)
        sizes.append((w, h))
        segments.append((pos[a], pos[b]))
    obstacles = list(titles)
    for n, b in sorted(boxes.items()):  # the marker, and the name printed under it
        (x, y), r = pos[n], texts[n][1]
        obstacles.append((x - r, y - r, x + r, y + r))
        obstacles.append((x - b.width / 2, y - b.below, x + b.width / 2, y - r))
    for t, where in zip(labels, place_edge_labels(segments, sizes, obstacles, area), strict=True):
        if where is None:
            t.remove()
        else:
            t.set_position(where)


def draw(view: View, size: str) -> Figure:
    """Compose the page for a view at a size (card, slide, a4)."""
    page = Page(SIZES[size])
    top = _header(page, view)
    bottom = _caption(page, view)
    _network(page, view, top, bottom + 0.05)
    return page.fig


def figure_bytes(view: View, fmt: str, size: str) -> bytes:
    """PNG, SVG or PDF bytes, byte-identical for identical input (no dates, fixed hash salt)."""
    with _LOCK, matplotlib.rc_context(RC):  # type: ignore[arg-type]  # keys checked at run time
        fig = draw(view, size)
        buf = io.BytesIO()
        meta = _METADATA[fmt]
        fig.savefig(buf, format=fmt, dpi=SIZES[size].dpi, metadata=meta,
                    facecolor="white")
    return buf.getvalue()
