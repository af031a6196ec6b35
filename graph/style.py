"""How entity types look on every network: interactive views, images, legends.

One table so that a judge is the same colour in the app, in a PNG for a report
and in the legend of both.  Colours are from a colour-blind-safe palette
(Okabe–Ito plus greys) and distinguishable in greyscale print by shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.ontology import schema


@dataclass(frozen=True)
class Style:
    group: str      # legend entry
    colour: str     # fill, hex
    shape: str      # vis-network shape name
    marker: str     # matplotlib marker for static images


#: Legend groups in display order; each ontology class maps to the first group it is a kind of.
GROUPS: dict[str, Style] = {
    "Person": Style("Person", "#0072B2", "dot", "o"),
    "Case": Style("Case", "#D55E00", "box", "s"),
    "Court": Style("Court", "#CC79A7", "diamond", "D"),
    "StateBody": Style("State body", "#882255", "triangle", "^"),
    "Charge": Style("Charge", "#E69F00", "hexagon", "h"),
    "ChargeCategory": Style("Charge category", "#F0C05A", "hexagon", "h"),
    "Event": Style("Event", "#999999", "dot", "."),
    "MediaOutlet": Style("Media outlet", "#009E73", "square", "s"),
    "Organization": Style("Organisation", "#56B4E9", "square", "s"),
    "Country": Style("Country", "#332288", "star", "*"),
    "Source": Style("Source", "#BBBBBB", "dot", "."),
}
FALLBACK = Style("Other", "#777777", "dot", "o")

#: Relations drawn from object to subject so that the edge label reads along the arrow:
#: a case's `defendant` edge is drawn Person —defendant in→ Case.
READ_BACKWARDS = frozenset({"defendant", "participant"})
FOCUS_COLOUR = "#000000"


def style_for(cls: str) -> Style:
    """The style of an ontology class: its own entry or its nearest ancestor's."""
    if cls in GROUPS:
        return GROUPS[cls]
    ancestors = schema().ancestors.get(cls, frozenset())
    for group, style in GROUPS.items():
        if group in ancestors:
            return style
    return FALLBACK


def legend(types: set[str]) -> list[Style]:
    """Legend entries for the types present, in display order, without duplicates."""
    seen: dict[str, Style] = {}
    for cls in types:
        st = style_for(cls)
        seen.setdefault(st.group, st)
    order = [s.group for s in GROUPS.values()] + [FALLBACK.group]
    return sorted(seen.values(), key=lambda s: order.index(s.group))
