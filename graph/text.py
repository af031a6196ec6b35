"""Making untrusted text safe to *show*: invisible direction controls become visible.

A right-to-left override (U+202E) in a name can make "gnp.exe" read as "exe.png", or
reorder a sentence so that it says something its source did not.  Escaping HTML does
not help with that, so every place that displays names, notes or source titles passes
them through `visible()`, which shows such characters as ⟨U+202E⟩.  Joiners (U+200C,
U+200D), which Persian and other scripts need, are kept.
"""

from __future__ import annotations

import re

# Bidi embeddings/overrides/isolates and marks, plus other invisible format characters.
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """`text` with direction controls and invisible characters spelled out.

    >>> visible("report\\u202egnp.exe")
    'report⟨U+202E⟩gnp.exe'
    """
    return _INVISIBLE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)
