"""The page an image is drawn on: sizes, type, the font and its glyph coverage, text measuring.

Labels keep their original script: the font is the DejaVu Sans file shipped with
matplotlib (Azerbaijani letters, Cyrillic, Armenian, Georgian), loaded by path so
every machine draws with the same glyphs.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from graph.text import visible

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FILE = FONT_DIR / "DejaVuSans.ttf"
BOLD_FILE = FONT_DIR / "DejaVuSans-Bold.ttf"
TEXT_COLOUR = "#1A1A1A"


@dataclass(frozen=True)
class Size:
    """A page size and the type sizes (points) that read well on it."""

    width: float   # inches
    height: float
    dpi: int       # raster resolution for PNG
    margin: float
    title: float
    subtitle: float
    legend: float
    node: float
    edge: float
    caption: float
    marker: float  # marker diameter, points
    wrap: int      # characters per label line


SIZES = {
    # 1200 × 675 px: shared on social media, seen small — large type, fewer words
    "card": Size(12.0, 6.75, 100, 0.28, 21, 11.5, 10, 9.5, 7.5, 7.5, 15, 20),
    # 1920 × 1080 px
    "slide": Size(19.2, 10.8, 100, 0.4, 30, 15, 13, 12, 9.5, 9.5, 20, 22),
    # A4 portrait, vector in SVG and PDF (PNG at 200 dpi)
    "a4": Size(8.27, 11.69, 200, 0.45, 16, 9, 8, 7.5, 6, 6.2, 11, 22),
}


@lru_cache(maxsize=64)
def font(size: float, bold: bool = False) -> FontProperties:
    return FontProperties(fname=str(BOLD_FILE if bold else FONT_FILE), size=size)


def missing_glyphs(text: str) -> set[str]:
    """Characters of `text` the image font cannot draw (they would show as boxes)."""
    cmap = _charmap()
    return {c for c in text if not c.isspace() and ord(c) not in cmap}


@lru_cache(maxsize=1)
def _charmap() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(FONT_FILE)).get_charmap())


def wrap_label(text: str, width: int, lines: int = 3) -> str:
    """A node label on at most `lines` lines of about `width` characters."""
    text = " ".join(visible(text).split())
    out = textwrap.wrap(text, width=width, break_long_words=True) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(1, width - 1)].rstrip() + "…"
    return "\n".join(out)


class Page:
    """One figure being composed; measures text with the Agg renderer in inches."""

    def __init__(self, size: Size) -> None:
        self.size = size
        self.fig = Figure(figsize=(size.width, size.height), dpi=size.dpi)
        FigureCanvasAgg(self.fig)
        self.renderer = self.fig.canvas.get_renderer()  # type: ignore[attr-defined]

    def extent(self, artist: object) -> tuple[float, float]:
        bb = artist.get_window_extent(self.renderer)  # type: ignore[attr-defined]
        return bb.width / self.size.dpi, bb.height / self.size.dpi

    def text_width(self, text: str, prop: FontProperties) -> float:
        w, _, _ = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
        return w / self.size.dpi

    def fit_line(self, text: str, prop: FontProperties, width: float) -> str:
        """Clip one line to a width (inches) with an ellipsis."""
        if self.text_width(text, prop) <= width:
            return text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.text_width(text[:mid] + "…", prop) <= width:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo].rstrip() + "…"

    def wrap_to(self, text: str, prop: FontProperties, width: float, lines: int) -> list[str]:
        words, out, line = text.split(), [], ""
        for word in words:
            trial = f"{line} {word}".strip()
            if line and self.text_width(trial, prop) > width:
                out.append(line)
                line = word
            else:
                line = trial
        if line:
            out.append(line)
        if len(out) > lines:
            out = out[:lines]
            out[-1] = self.fit_line(out[-1] + " …", prop, width)
        return [self.fit_line(x, prop, width) for x in out]
