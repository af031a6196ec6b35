"""Seeded layouts for static network images, and the overlap removal that keeps labels legible.

Every function here works in inches on the drawing area, so that a node's footprint
(its marker plus the label printed under it, measured by the renderer) can be
compared with distances directly.  Three layouts read well for these graphs:

- `force_layout`: Kamada–Kawai per connected component (stress-minimising, good on
  the small, tree-like ego networks we draw), components packed side by side;
- `layered_layout`: columns left to right (person → case → event → court, judge,
  charge) ordered by the barycentre of their neighbours to cut crossings;
- `grouped_layout`: one boxed cluster per country (transnational views).

No function uses unseeded randomness and every iteration is over sorted nodes,
so the same input always yields the same picture (images can be regenerated
and diffed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import networkx as nx
import numpy as np

Point = tuple[float, float]
Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class Box:
    """A node's footprint relative to its position: marker on top, label underneath."""

    width: float
    above: float  # from the node position up to the top of the marker
    below: float  # from the node position down to the bottom of the label


@dataclass(frozen=True)
class Area:
    """The drawing area in inches (origin bottom left)."""

    width: float
    height: float


def _undirected(g: nx.Graph) -> nx.Graph:
    ug = nx.Graph()
    ug.add_nodes_from(sorted(g.nodes))
    ug.add_edges_from(sorted((min(u, v), max(u, v)) for u, v in g.edges() if u != v))
    return ug


def _edges_of(ug: nx.Graph, nodes: list[str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((min(u, v), max(u, v)) for u, v in ug.subgraph(nodes).edges()))


@lru_cache(maxsize=256)
def _component_layout(edges: tuple[tuple[str, str], ...], nodes: tuple[str, ...]
                      ) -> dict[str, np.ndarray]:
    """Unit-scale positions of one connected component (Kamada–Kawai, or spring when large).

    Cached: the figure lays a view out again at a smaller type size when it is crowded,
    and the stress layout is the expensive part.
    """
    if len(nodes) == 1:
        return {nodes[0]: np.zeros(2)}
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from(edges)
    if len(nodes) <= 250:
        start = nx.spring_layout(sub, seed=1, iterations=60)
        pos = nx.kamada_kawai_layout(sub, pos=start)
    else:
        pos = nx.spring_layout(sub, seed=1, k=2.0 / math.sqrt(len(nodes)), iterations=150)
    arr = np.array([pos[n] for n in nodes], dtype=float)
    arr -= arr.mean(axis=0)
    span = np.abs(arr).max() or 1.0
    return {n: arr[i] / span for i, n in enumerate(nodes)}


def _pack(blocks: list[tuple[list[str], dict[str, np.ndarray], float, float]],
          area: Area, gap: float, grow: bool = False
          ) -> tuple[dict[str, Point], list[tuple[float, float, float, float]]]:
    """Shelf-pack rectangular blocks (nodes, local positions, width, height) into the area.

    Blocks are scaled together to fit the area (scaled up too when `grow`), and the
    result is centred.  Returns positions and each block's rectangle (x0, y0, x1, y1).
    """
    if not blocks:
        return {}, []
    target = area.width
    best = None
    # Try shelf widths from narrow to the full width; keep the one that needs least scaling.
    for frac in np.linspace(0.4, 1.0, 13):
        shelf_w = max(target * float(frac), max(b[2] for b in blocks))
        x = y = shelf_h = 0.0
        placed = []
        for nodes, local, w, h in blocks:
            if x > 0 and x + w > shelf_w:
                y += shelf_h + gap
                x, shelf_h = 0.0, 0.0
            placed.append((nodes, local, w, h, x, y))
            x += w + gap
            shelf_h = max(shelf_h, h)
        total_w = max(p[4] + p[2] for p in placed)
        total_h = y + shelf_h
        scale = min(area.width / total_w, area.height / total_h)
        if not grow:
            scale = min(1.0, scale)
        if best is None or scale > best[0] + 1e-9:
            best = (scale, placed, total_w, total_h)
    scale, placed, total_w, total_h = best  # type: ignore[misc]
    off_x = (area.width - total_w * scale) / 2
    off_y = (area.height - total_h * scale) / 2
    pos: dict[str, Point] = {}
    rects = []
    for nodes, local, w, h, x, y in placed:
        # shelves grow downwards from the top of the area
        x0 = off_x + x * scale
        y1 = area.height - off_y - y * scale
        for n in nodes:
            lx, ly = local[n]
            pos[n] = (x0 + float(lx) * scale, y1 - h * scale + float(ly) * scale)
        rects.append((x0, y1 - h * scale, x0 + w * scale, y1))
    return pos, rects


def _fit(local: dict[str, np.ndarray], boxes: Mapping[str, Box], width: float,
         height: float) -> tuple[dict[str, np.ndarray], float, float]:
    """Scale unit positions to a block so that the footprints roughly fit without overlap."""
    nodes = sorted(local)
    arr = np.array([local[n] for n in nodes])
    if len(nodes) == 1:
        b = boxes[nodes[0]]
        return {nodes[0]: np.array([b.width / 2, b.below])}, b.width, b.above + b.below
    span = arr.max(axis=0) - arr.min(axis=0)
    span[span == 0] = 1.0
    arr = (arr - arr.min(axis=0)) / span
    w_max = max(boxes[n].width for n in nodes)
    h_max = max(boxes[n].above + boxes[n].below for n in nodes)
    out = {n: np.array([arr[i, 0] * width + w_max / 2, arr[i, 1] * height + boxes[n].below])
           for i, n in enumerate(nodes)}
    return out, width + w_max, height + h_max


def _block_size(n: int, boxes: list[Box], aspect: float, density: float = 2.2
                ) -> tuple[float, float]:
    """Inner extent for a component of n nodes: `density` × the footprints' area, at the aspect."""
    need = density * sum(b.width * (b.above + b.below) for b in boxes)
    if n <= 1:
        return 0.0, 0.0
    h = math.sqrt(need / aspect)
    return h * aspect, h


def force_layout(g: nx.Graph, boxes: Mapping[str, Box], area: Area,
                 anchor: str | None = None) -> dict[str, Point]:
    """Stress layout per component, packed into the area, overlaps removed."""
    ug = _undirected(g)
    comps = sorted((sorted(c) for c in nx.connected_components(ug)), key=lambda c: (-len(c), c))
    aspect = max(0.6, area.width / max(area.height, 1e-6))
    blocks = []
    for comp in comps:
        local = _component_layout(_edges_of(ug, comp), tuple(comp))
        if anchor in local and len(comp) > 2:
            shift = local[anchor] * 0.5  # pull the focus towards its block's centre
            local = {n: p - shift for n, p in local.items()}
        w, h = _block_size(len(comp), [boxes[n] for n in comp], aspect if comp is comps[0]
                           else 1.3)
        fitted, bw, bh = _fit(local, boxes, w, h)
        blocks.append((comp, fitted, bw, bh))
    pos, _ = _pack(blocks, area, gap=0.25, grow=True)
    return remove_overlaps(pos, boxes, area)


def layered_layout(g: nx.Graph, layers: Mapping[str, int], boxes: Mapping[str, Box],
                   area: Area) -> dict[str, Point]:
    """Columns by layer (left to right), rows ordered by neighbour barycentres, no overlaps."""
    ug = _undirected(g)
    used = sorted(set(layers.values()))
    cols = {layer: sorted(n for n in ug if layers[n] == layer) for layer in used}
    # Initial order: by id; then a few down-and-up barycentre sweeps.
    order = {n: float(i) for layer in used for i, n in enumerate(cols[layer])}
    for sweep in range(8):
        seq = used if sweep % 2 == 0 else list(reversed(used))
        for layer in seq:
            def bary(n: str, layer: int = layer) -> tuple[float, str]:
                near = [order[m] for m in ug[n] if layers[m] != layer]
                return ((sum(near) / len(near)) if near else order[n], n)
            cols[layer] = sorted(cols[layer], key=bary)
            for i, n in enumerate(cols[layer]):
                order[n] = float(i) - (len(cols[layer]) - 1) / 2
    ncol = len(used)
    col_w = [max(boxes[n].width for n in cols[layer]) for layer in used]
    total = sum(col_w)
    gap = max(0.3, (area.width - total) / max(1, ncol)) if ncol > 1 else 0.0
    pos: dict[str, Point] = {}
    x = (area.width - total - gap * (ncol - 1)) / 2 if ncol > 1 else area.width / 2 - col_w[0] / 2
    for layer, cw in zip(used, col_w, strict=True):
        col = cols[layer]
        heights = [boxes[n].above + boxes[n].below for n in col]
        spare = max(0.0, area.height - sum(heights))
        step = spare / (len(col) + 1)
        y = area.height - step
        for n, h in zip(col, heights, strict=True):
            pos[n] = (x + cw / 2, y - boxes[n].above)
            y -= h + step
        x += cw + gap
    return remove_overlaps(pos, boxes, area, move_x=False)


def grouped_layout(g: nx.Graph, groups: Mapping[str, str], boxes: Mapping[str, Box],
                   area: Area, header: float = 0.25
                   ) -> tuple[dict[str, Point], dict[str, Rect], bool]:
    """One boxed cluster per group (country), each laid out on its own; groups shelf-packed.

    Clusters are laid out at the labels' real size, as loosely as the area allows
    (denser tries until the packing fits), and never scaled afterwards, so a label
    cannot end up on top of another.  Returns positions, each group's rectangle (for
    the renderer to draw and name) and whether everything fitted — if not, the caller
    should try again with smaller type.
    """
    ug = _undirected(g)
    names = sorted(set(groups.values()),
                   key=lambda k: (-sum(1 for v in groups.values() if v == k), k))
    pad = 0.1
    aspect_area = area.width / max(area.height, 1e-6)
    locals_ = {name: _group_local(ug, sorted(n for n in ug if groups[n] == name))
               for name in names}

    def blocks_at(density: float, tighten: bool) -> list:
        blocks = []
        for name in names:
            members = sorted(locals_[name])
            share = len(members) / max(1, len(ug))
            aspect = min(aspect_area, max(1.0, aspect_area * 1.6 * share))
            w, h = _block_size(len(members), [boxes[n] for n in members], aspect, density)
            fitted, bw, bh = _fit(locals_[name], boxes, w, h)
            if not tighten:
                blocks.append((name, fitted, bw + 2 * pad, bh + 2 * pad + header))
                continue
            tight = remove_overlaps({n: (float(p[0]), float(p[1])) for n, p in fitted.items()},
                                    boxes, Area(bw, bh))
            x0 = min(tight[n][0] - boxes[n].width / 2 for n in members)
            y0 = min(tight[n][1] - boxes[n].below for n in members)
            x1 = max(tight[n][0] + boxes[n].width / 2 for n in members)
            y1 = max(tight[n][1] + boxes[n].above for n in members)
            shifted = {n: np.array([tight[n][0] - x0 + pad, tight[n][1] - y0 + pad])
                       for n in members}
            blocks.append((name, shifted, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad + header))
        return blocks

    # The loosest density whose packing fits (estimated without overlap removal).
    densities = (4.0, 3.0, 2.2, 1.6, 1.2)
    chosen = densities[-1]
    for density in densities:
        if _shelves(blocks_at(density, False), area.width, gap=0.3)[2] <= area.height:
            chosen = density
            break
    placed, shelves, total_h = _shelves(blocks_at(chosen, True), area.width, gap=0.3)
    fits = total_h <= area.height * 1.02
    # Spread the shelves over the height and the blocks of each shelf over the width.
    n_shelves = len(shelves)
    vgap = max(0.0, (area.height - total_h) / (n_shelves + 1))
    squeeze = min(1.0, area.height / total_h) if total_h > 0 else 1.0
    pos: dict[str, Point] = {}
    rects: dict[str, Rect] = {}
    y_top = area.height - vgap
    for shelf in shelves:
        row = [placed[i] for i in shelf]
        used = sum(b[2] for b in row)
        hgap = max(0.3, (area.width - used) / (len(row) + 1))
        x = max(0.0, (area.width - used - hgap * (len(row) - 1)) / 2)
        shelf_h = max(b[3] for b in row)
        for name, local, w, h, *_ in row:
            top = y_top - (shelf_h - h) / 2 * squeeze
            rects[name] = (x, top - h * squeeze, x + w, top)
            for n, p in local.items():
                pos[n] = (x + float(p[0]), top - (h - float(p[1])) * squeeze)
            x += w + hgap
        y_top -= (shelf_h + (0.3 if vgap == 0 else vgap)) * squeeze
    return pos, rects, fits


def _group_local(ug: nx.Graph, members: list[str]) -> dict[str, np.ndarray]:
    """Unit positions of a group: its components side by side, biggest first."""
    inner = ug.subgraph(members)
    comps = sorted((sorted(c) for c in nx.connected_components(inner)),
                   key=lambda c: (-len(c), c))
    local: dict[str, np.ndarray] = {}
    offset = 0.0
    for comp in comps:
        part = _component_layout(_edges_of(inner, comp), tuple(comp))
        for n, p in part.items():
            local[n] = p + np.array([offset, 0.0])
        offset += 2.2 if len(comp) > 1 else 1.2
    return local


def _shelves(blocks: list[tuple[str, dict[str, np.ndarray], float, float]], width: float,
             gap: float) -> tuple[list[tuple[str, dict[str, np.ndarray], float, float, float,
                                             float]], list[list[int]], float]:
    """Blocks in rows no wider than `width`, tallest first; returns rows and total height."""
    order = sorted(range(len(blocks)), key=lambda i: (-blocks[i][3], blocks[i][0]))
    placed = []
    shelves: list[list[int]] = []
    x = 0.0
    for i in order:
        name, local, w, h = blocks[i]
        if not shelves or (x > 0 and x + w > width):
            shelves.append([])
            x = 0.0
        shelves[-1].append(len(placed))
        placed.append((name, local, w, h, x, 0.0))
        x += w + gap
    total = sum(max(placed[i][3] for i in shelf) for shelf in shelves) + gap * (len(shelves) - 1)
    return placed, shelves, total


def remove_overlaps(pos: Mapping[str, Point], boxes: Mapping[str, Box], area: Area,
                    move_x: bool = True, iterations: int = 400,
                    pad: float = 0.04) -> dict[str, Point]:
    """Push nodes apart until their footprints (marker + label) no longer overlap.

    Each step moves both nodes of every overlapping pair half the overlap along the
    axis where the overlap is smaller (only vertically when `move_x` is False), then
    clamps footprints to the area.  Vectorised with NumPy: a hundred nodes take
    a few milliseconds.
    """
    nodes = sorted(pos)
    if len(nodes) < 2:
        return _clamp(dict(pos), boxes, area)
    xy = np.array([pos[n] for n in nodes], dtype=float)
    hw = np.array([boxes[n].width / 2 + pad for n in nodes])
    up = np.array([boxes[n].above + pad for n in nodes])
    down = np.array([boxes[n].below + pad for n in nodes])
    idx = np.arange(len(nodes))
    best, since = math.inf, 0
    for _ in range(iterations):
        cx = xy[:, 0]
        cy = xy[:, 1] + (up - down) / 2
        hh = (up + down) / 2
        dx = cx[:, None] - cx[None, :]
        dy = cy[:, None] - cy[None, :]
        ox = hw[:, None] + hw[None, :] - np.abs(dx)
        oy = hh[:, None] + hh[None, :] - np.abs(dy)
        hit = (ox > 0) & (oy > 0) & (idx[:, None] != idx[None, :])
        if not hit.any():
            break
        total = float((ox * oy)[hit].sum())
        if total < best * 0.99:
            best, since = total, 0
        else:
            since += 1
            if since > 25:  # stuck: the area is too small for these labels
                break
        # tie-break coincident nodes by index so that they separate deterministically
        sx = np.where(dx == 0, np.sign(idx[:, None] - idx[None, :]), np.sign(dx))
        sy = np.where(dy == 0, np.sign(idx[:, None] - idx[None, :]), np.sign(dy))
        along_x = (ox * 1.6 < oy) if move_x else np.zeros_like(hit)
        push_x = np.where(hit & along_x, sx * ox / 2, 0.0).sum(axis=1)
        push_y = np.where(hit & ~along_x, sy * oy / 2, 0.0).sum(axis=1)
        count = np.maximum(hit.sum(axis=1), 1)
        xy[:, 0] += 0.9 * push_x / np.sqrt(count)
        xy[:, 1] += 0.9 * push_y / np.sqrt(count)
        xy[:, 0] = np.clip(xy[:, 0], hw, area.width - hw)
        xy[:, 1] = np.clip(xy[:, 1], down, area.height - up)
    return {n: (float(xy[i, 0]), float(xy[i, 1])) for i, n in enumerate(nodes)}


def _clamp(pos: dict[str, Point], boxes: Mapping[str, Box], area: Area) -> dict[str, Point]:
    out = {}
    for n, (x, y) in pos.items():
        b = boxes[n]
        out[n] = (min(max(x, b.width / 2), area.width - b.width / 2),
                  min(max(y, b.below), area.height - b.above))
    return out


def overlap_area(pos: Mapping[str, Point], boxes: Mapping[str, Box]) -> float:
    """Total pairwise overlap of footprints (square inches): 0 means every label is clear."""
    nodes = sorted(pos)
    total = 0.0
    rects = [(pos[n][0] - boxes[n].width / 2, pos[n][1] - boxes[n].below,
              pos[n][0] + boxes[n].width / 2, pos[n][1] + boxes[n].above) for n in nodes]
    for i in range(len(rects)):
        for j in range(i + 1, len(rects)):
            total += rect_overlap(rects[i], rects[j])
    return total


def rect_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
                 ) -> float:
    """Area shared by two rectangles (x0, y0, x1, y1)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def place_edge_labels(segments: list[tuple[Point, Point]], sizes: list[tuple[float, float]],
                      obstacles: list[tuple[float, float, float, float]], area: Area
                      ) -> list[Point | None]:
    """Greedy placement of edge labels along their edges, clear of node footprints and each other.

    Each label tries positions along its edge (middle first, then outwards) and a little
    to either side; the first free one wins.  Labels are placed shortest edge first (they
    have the fewest options).  A label with no free position is left out (None) rather
    than drawn over a name: a covered name is worse than a missing relation label, which
    the caption's sources and the data export still give.
    """
    order = sorted(range(len(segments)), key=lambda i: (math.dist(*segments[i]), i))
    placed = np.array(obstacles, dtype=float).reshape(-1, 4)
    out: list[Point | None] = [None] * len(segments)
    ts = [0.5] + [0.5 + sign * step for step in np.arange(0.05, 0.36, 0.05)
                  for sign in (-1, 1)]
    for i in order:
        (x0, y0), (x1, y1) = segments[i]
        w, h = sizes[i]
        length = math.dist((x0, y0), (x1, y1)) or 1.0
        nx_, ny_ = -(y1 - y0) / length, (x1 - x0) / length
        cands = np.array([(x0 + (x1 - x0) * t + nx_ * off, y0 + (y1 - y0) * t + ny_ * off)
                          for t in ts for off in (0.0, h * 0.6, -h * 0.6)])
        rects = np.column_stack([cands[:, 0] - w / 2, cands[:, 1] - h / 2,
                                 cands[:, 0] + w / 2, cands[:, 1] + h / 2])
        inside = ((rects[:, 0] >= 0) & (rects[:, 1] >= 0) & (rects[:, 2] <= area.width)
                  & (rects[:, 3] <= area.height))
        if len(placed):
            ow = (np.minimum(rects[:, None, 2], placed[None, :, 2])
                  - np.maximum(rects[:, None, 0], placed[None, :, 0]))
            oh = (np.minimum(rects[:, None, 3], placed[None, :, 3])
                  - np.maximum(rects[:, None, 1], placed[None, :, 1]))
            free = ~((ow > 0) & (oh > 0)).any(axis=1)
        else:
            free = np.ones(len(cands), dtype=bool)
        ok = np.flatnonzero(free & inside)
        if len(ok) == 0:
            continue
        cx, cy = cands[ok[0]]
        out[i] = (float(cx), float(cy))
        placed = np.vstack([placed, rects[ok[0]]])
    return out
