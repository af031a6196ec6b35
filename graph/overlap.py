"""Geometry of labels: footprints, overlap removal, and where edge labels go.

Works in inches on the drawing area, so a node's footprint (its marker plus the
label printed under it, as measured by the renderer) compares with distances
directly.  Vectorised with NumPy and deterministic (ties broken by index).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

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
                          for t in ts for off in (0.0, h * 0.6, -h * 0.6, h * 1.1, -h * 1.1)])
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
