"""Events on a time axis, and who was in custody at a given date.

Events are read from the network projection (their type, date, people, case,
court and charges are all edges there) plus one query for the literals the
projection leaves out (sentence lengths, in absentia).  Everything after
`load_events` is a pure function over plain values, so the custody rule can be
tested on hand-made events.

Dates may be partial (2025, 2025-07, 2025-07-01).  Two dates are compared on
their common prefix: "2025-07" is on or before "2025-07-15" (and also on or
after it), so an event known only to its month counts as having happened by any
day of that month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx

from graph.derived import kept
from graph.network import local, network_for
from graph.ontology import schema
from graph.store import GraphStore

_LITERALS = """
PREFIX rg: <https://repression-graph.org/ns#>
SELECT ?e ?p ?v WHERE {
  ?e ?p ?v . VALUES ?p { rg:sentenceYears rg:sentenceMonths rg:inAbsentia }
}"""

#: Event kinds on the Overview chart; every other event counts as "Other".
CHART_GROUPS = ("Arrest", "PretrialDetention", "Trial", "Verdict", "Appeal", "Cassation",
                "Release", "Threat", "TravelBan")


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    label: str
    date: str                       # partial ISO date, "" when unknown
    people: tuple[str, ...]         # the event's persons, else its case's defendants
    case: str | None = None
    court: str | None = None
    charges: tuple[str, ...] = ()   # the event's charges, else its case's
    sentence_months: float | None = None
    in_absentia: bool = False


@dataclass(frozen=True)
class Custody:
    """A person held at the as-of date: since when, on which event, under what sentence."""

    person: str
    since: str
    event: str
    sentence_months: float | None
    until: str | None               # the recorded release, else when the sentence runs out
    released: bool = False          # True when `until` is a recorded release or pardon


def _out(g: nx.MultiDiGraph, node: str, *keys: str) -> list[str]:
    return sorted({v for _, v, k in g.out_edges(node, keys=True) if k in keys})


def events_for(store: GraphStore) -> list[Event]:
    """`load_events` on the store's projection, computed once per generation (graph.derived)."""
    return kept(store, "events", lambda: load_events(store, network_for(store)),
                lambda evs: [asdict(e) for e in evs], _events_from)


def _events_from(rows: list[dict[str, Any]]) -> list[Event]:
    return [Event(**{**r, "people": tuple(r["people"]), "charges": tuple(r["charges"])})
            for r in rows]


def load_events(store: GraphStore, g: nx.MultiDiGraph) -> list[Event]:
    """Every event in the store with what the timeline shows, in date order (undated last)."""
    s = schema()
    sentence: dict[str, float] = defaultdict(float)
    absentia: set[str] = set()
    for row in store.query(_LITERALS).rows:
        node = local(row[0].value, store.base)  # type: ignore[union-attr]
        prop = row[1].value.rsplit("#", 1)[-1]  # type: ignore[union-attr]
        value = row[2].value  # type: ignore[union-attr]
        if prop == "inAbsentia":
            if value == "true":
                absentia.add(node)
            continue
        try:
            months = float(value) * (12 if prop == "sentenceYears" else 1)
        except ValueError:
            continue
        key = f"{node}\t{prop}"
        sentence[key] = max(sentence[key], months)  # sources agreeing on 18 years count once
    events = []
    for n, d in g.nodes(data=True):
        if not s.is_a(d.get("type", ""), "Event"):
            continue
        cases = _out(g, n, "case")
        case = cases[0] if cases else None
        people = _out(g, n, "person", "participant")
        if not people and case:
            people = _out(g, case, "defendant")
        charges = _out(g, n, "charge", "convictedUnder")
        if not charges and case:
            charges = _out(g, case, "charge", "convictedUnder")
        courts = _out(g, n, "court")
        lengths = [sentence[f"{n}\t{p}"] for p in ("sentenceYears", "sentenceMonths")
                   if f"{n}\t{p}" in sentence]
        events.append(Event(n, d["type"], d.get("label", n), d.get("date", ""), tuple(people),
                            case, courts[0] if courts else None, tuple(charges),
                            sum(lengths) if lengths else None,
                            n in absentia or (case is not None and case in absentia)))
    return sorted(events, key=lambda e: (e.date or "9999", e.id))


def on_or_before(date: str, limit: str) -> bool:
    """True if a (partial) date can be on or before another, comparing the common prefix.

    >>> on_or_before("2025-07", "2025-07-15"), on_or_before("2025-08-01", "2025-07")
    (True, False)
    """
    n = min(len(date), len(limit))
    return bool(date) and date[:n] <= limit[:n]


def _add_months(date: str, months: float) -> str:
    """The day a sentence counted from `date` runs out (a partial date counts from its start)."""
    parts = [int(p) for p in date.split("-")] + [1, 1]
    y, m, d = parts[0], parts[1], parts[2]
    whole = int(months)
    days = round((months - whole) * 30)
    y, m = y + (m - 1 + whole) // 12, (m - 1 + whole) % 12 + 1
    d = min(d, calendar.monthrange(y, m)[1])
    return (dt.date(y, m, d) + dt.timedelta(days=days)).isoformat()


def _starts(e: Event) -> bool:
    s = schema()
    if s.is_a(e.type, "PretrialDetention") or s.is_a(e.type, "Arrest"):
        return not e.in_absentia  # an arrest warrant in absentia holds no one
    return s.is_a(e.type, "Verdict") and bool(e.sentence_months) and not e.in_absentia


def _ends(e: Event) -> bool:
    return schema().is_a(e.type, "Release")  # Pardon is a kind of Release


def _sets_sentence(e: Event) -> bool:
    s = schema()
    return bool(e.sentence_months) and not e.in_absentia and any(
        s.is_a(e.type, t) for t in ("Verdict", "Appeal", "Cassation"))


def in_custody(events: Iterable[Event], as_of: str) -> list[Custody]:
    """Who was held on `as_of` (an ISO date), by the events dated on or before it.

    The rule, per person, walking their dated events in order:
    - custody starts with an Arrest or PretrialDetention (a DetentionExtension is
      one), or with a Verdict imposing a prison sentence; nothing in absentia counts;
    - a Verdict, Appeal or Cassation with a sentence sets the sentence length
      (the latest one wins: an appeal may reduce it);
    - custody ends with a Release or Pardon.  Only when the data records no
      release after the start at all does it end when the sentence has run out,
      counted from the start of custody (time held before trial counts);
    - on one date, starts are applied before ends (a same-day pardon frees).
    Events without a date are ignored; partial dates compare by prefix.
    """
    by_person: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.date:
            for p in e.people:
                by_person[p].append(e)
    held = []
    for person, evs in sorted(by_person.items()):
        evs.sort(key=lambda e: (e.date, _ends(e), e.id))
        since: Event | None = None
        months: float | None = None
        for e in evs:
            if not on_or_before(e.date, as_of):
                break
            if since is not None and months and not _released_later(evs, since) and \
                    not on_or_before(e.date, _add_months(since.date, months)):
                since, months = None, None  # the sentence ran out before this event
            if _ends(e):
                since, months = None, None
            elif _starts(e) and since is None:
                since = e
            if since is not None and _sets_sentence(e):
                months = e.sentence_months
        if since is None:
            continue
        release = _released_later(evs, since)
        until = release.date if release else (_add_months(since.date, months) if months
                                              else None)
        if release is None and until is not None and until < as_of:
            continue
        held.append(Custody(person, since.date, since.id, months, until, release is not None))
    return held


def _released_later(evs: list[Event], since: Event) -> Event | None:
    """The first recorded release after the start of a custody spell, if any."""
    return next((e for e in evs if _ends(e) and e.date >= since.date), None)


def period(date: str, by: str = "year") -> str:
    """The year (or year-month) of a partial date; "" when the date is too coarse."""
    n = 4 if by == "year" else 7
    return date[:n] if len(date) >= n else ""


def chart_group(cls: str) -> str:
    """The Overview chart's series for an event class (subclasses join their parent)."""
    s = schema()
    for group in CHART_GROUPS:
        if s.is_a(cls, group):
            return group
    return "Other"


def counts_by_period(events: Iterable[Event], by: str = "year") -> dict[str, Counter[str]]:
    """Events per period and chart group: the arrests-and-verdicts-over-time chart."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for e in events:
        p = period(e.date, by)
        if p:
            out[p][chart_group(e.type)] += 1
    return dict(sorted(out.items()))


def filter_events(events: Iterable[Event], people: Iterable[str] = (),
                  cases: Iterable[str] = (), charges: Iterable[str] = (),
                  types: Iterable[str] = ()) -> list[Event]:
    """Events matching every given filter (an empty filter keeps everything)."""
    ps, cs, chs, ts = set(people), set(cases), set(charges), set(types)
    return [e for e in events
            if (not ps or ps & set(e.people)) and (not cs or e.case in cs)
            and (not chs or chs & set(e.charges)) and (not ts or chart_group(e.type) in ts
                                                       or e.type in ts)]


def date_bounds(events: Iterable[Event]) -> tuple[dt.date, dt.date] | None:
    """First and last day covered by the dated events (for the as-of slider)."""
    dates = [e.date for e in events if e.date]
    if not dates:
        return None
    first, last = min(dates), max(dates)
    return parse_start(first), parse_end(last)


def parse_start(date: str) -> dt.date:
    """The first day a partial date can mean."""
    parts = [int(p) for p in date.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def parse_end(date: str) -> dt.date:
    """The last day a partial date can mean."""
    parts = [int(p) for p in date.split("-")]
    y = parts[0]
    m = parts[1] if len(parts) > 1 else 12
    d = parts[2] if len(parts) > 2 else calendar.monthrange(y, m)[1]
    return dt.date(y, m, d)


def sentence_text(months: float | None) -> str:
    """A sentence length as people say it: 18 years, 5 years 6 months, 4 months.

    >>> sentence_text(66.0), sentence_text(4), sentence_text(None)
    ('5 years 6 months', '4 months', '')
    """
    if not months:
        return ""
    years, rest = divmod(round(months), 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if rest:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(parts)
