"""Synthetic datasets in the sheet format, shaped like the real one, for benchmarks.

`write_synthetic(persons, out_dir, seed)` writes sources.csv, entities.csv and
claims.csv that pass `repgraph build`: the people of a repression dataset (targets
grouped into cases with one or several defendants, judges, prosecutors, lawyers,
relatives, exiles, foreign nationals), the courts, state bodies and organisations
around them, the legal process as dated events (arrests, detention, trials — some
in absentia — verdicts, appeals), transnational acts in host countries, and a
small share of restricted rows so that the public/full split is exercised.

The shape follows data/azerbaijan (18 sheet rows and ~125 quads per person): about 15
sheet rows per person, which the build turns into ~105 quads (each claim is reified), so
the full store holds about 2,600 + 105 × persons quads — 70, 930 and 9,370 persons give
the benchmarks' 10k, 100k and 1M sizes (docs/performance.md).
Names are invented from syllables — never taken from a list of real people — and
carry aliases in ASCII and Cyrillic next to the Azerbaijani Latin label.  Output
is a pure function of (persons, seed): plain `random.Random`, no clock, no set
iteration, so the same seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from pathlib import Path

import pyoxigraph as ox

from graph.config import ONTOLOGY_DIR
from graph.sheets import COLUMNS

RG_CHARGE = "https://repression-graph.org/ns#Charge"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
HOME = "az"
HOSTS = ("de", "fr", "nl", "se", "lt", "ge", "tr", "gb", "ch", "at", "be", "no", "pl", "us")
FOREIGN = ("ru", "tr", "ge", "ir", "by", "ua", "kz", "il", "us", "fr")
CYRILLIC_NATIONS = ("ru", "by", "ua", "kz")
TIES = ("am", "ru", "ir", "us", "fr", "nl", "il", "gb")
CITIES = ("Baku", "Ganja", "Sumgait", "Lankaran", "Shaki", "Shirvan", "Mingachevir", "Nakhchivan")
OCCUPATIONS = ("journalist", "blogger", "human rights defender", "opposition politician",
               "scholar", "activist", "investigative reporter", "editor", "lawyer",
               "businessman", "religious believer", "trade unionist", "election observer")
PUBLISHERS = ("Synthetic Rights Monitor", "Example Press Agency", "Caucasus Test Herald",
              "Fictional Freedom Watch", "Placeholder News", "Sample Legal Digest")
STATUSES = ("imprisoned", "on trial", "released", "in exile", "political prisoner",
            "under house arrest", "wanted")

# Syllables for invented names (Azerbaijani Latin; Russian-style names in Cyrillic).
_AZ_ON = ("Ra", "Nə", "Tə", "Fa", "Şə", "Ce", "Xə", "Gü", "Sə", "Va", "Zü", "Ka", "Mə", "Ba",
          "Dü", "Ya", "Ro", "Qə", "Çi", "Lə", "Ha", "Pə", "Nü", "Tu", "Elə", "Ayə", "Ülə", "İlə")
_AZ_MID = ("vş", "hr", "rg", "lç", "n", "s", "b", "y", "r", "ğ", "l", "z", "m", "t", "d", "ş",
           "k", "rx", "st", "mz")
_AZ_END = {"m": ("ən", "ur", "im", "ət", "il", "ar", "al", "in", "us", "af"),
           "f": ("ə", "anə", "iyə", "ulə", "ilə", "ayə", "ənur", "igül")}
_AZ_SYL = ("qə", "za", "lı", "mə", "rü", "tə", "bə", "şi", "ra", "nə", "ca", "fə", "hü", "xa",
           "və", "sə", "dü", "kə", "mi", "so", "gə", "ço")
_AZ_SUFFIX = {"m": ("yev", "yev", "nov", "rov", "zadə", "bəyli", "lı"),
              "f": ("yeva", "yeva", "nova", "rova", "zadə", "bəyli", "lı")}
_RU_ON = ("Ан", "Бо", "Вя", "Гле", "Да", "Ев", "Зи", "Ки", "Ле", "Ми", "Ни", "Ос", "Пе", "Ро",
          "Свя", "Ти", "Фе", "Юр", "Яро")
_RU_MID = ("до", "ри", "сла", "не", "ве", "ли", "ка")
_RU_END = {"m": ("м", "н", "р", "в", "й", "слав"), "f": ("на", "ла", "ра", "ся", "ия")}
_RU_SYL = ("Бе", "Во", "Гу", "Дра", "Жи", "За", "Ко", "Лы", "Мо", "Но", "Пе", "Ру", "Со", "Тю",
           "Фи", "Хо", "Че", "Шу")
_RU_SYL2 = ("ли", "ро", "ба", "тя", "не", "ше", "ку", "дре")
_RU_SUFFIX = {"m": ("ев", "ов", "ин", "ский"), "f": ("ева", "ова", "ина", "ская")}

_AZ_ASCII = str.maketrans({"ə": "a", "ı": "i", "ş": "sh", "ç": "ch", "ğ": "gh", "ö": "o",
                           "ü": "u", "x": "kh", "q": "g", "c": "j", "Ə": "A", "İ": "I",
                           "Ş": "Sh", "Ç": "Ch", "Ğ": "Gh", "Ö": "O", "Ü": "U", "X": "Kh",
                           "Q": "G", "C": "J"})
_AZ_CYR = {"ya": "я", "yə": "я", "yu": "ю", "yü": "ю", "ye": "е", "yo": "ё", "a": "а", "b": "б",
           "c": "дж", "ç": "ч", "d": "д", "e": "е", "ə": "а", "f": "ф", "g": "г", "ğ": "г",
           "h": "г", "x": "х", "ı": "ы", "i": "и", "j": "ж", "k": "к", "q": "г", "l": "л",
           "m": "м", "n": "н", "o": "о",
           "ö": "ё", "p": "п", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у", "ü": "ю",
           "v": "в", "y": "й", "z": "з"}
_AZ_CYR_RE = re.compile("y[aəuüeo]|.", re.S)
_RU_LAT = str.maketrans({"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo",
                         "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m",
                         "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
                         "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
                         "ы": "y", "ь": "", "ъ": "", "э": "e", "ю": "yu", "я": "ya"})


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def az_to_cyrillic(text: str) -> str:
    """Russian-style Cyrillic of an Azerbaijani Latin name (Məmmədov → Маммадов)."""
    words = []
    for word in text.split(" "):
        low = word.replace("İ", "i").replace("I", "ı").lower()
        words.append(_cap("".join(_AZ_CYR.get(m, m) for m in _AZ_CYR_RE.findall(low))))
    return " ".join(words)


def cyrillic_to_latin(text: str) -> str:
    return " ".join(_cap(w.lower().translate(_RU_LAT)) for w in text.split(" "))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def charge_ids(path: Path | None = None) -> list[str]:
    """The ids of every rg:Charge in the shipped vocabulary, read at run time."""
    path = path or ONTOLOGY_DIR / "vocabularies" / "charges-az.ttl"
    base = "https://repression-graph.org/id/"
    return sorted(t.subject.value[len(base):] for t in ox.parse(path=str(path),
                                                                 format=ox.RdfFormat.TURTLE)
                  if t.predicate.value == RDF_TYPE and t.object.value == RG_CHARGE)


class _Writer:
    """Accumulates the three sheets; every claim cites a source of its own story."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sources: list[list[str]] = []
        self.entities: list[list[str]] = []
        self.claims: list[list[str]] = []
        self.persons: list[str] = []
        self.cases: list[str] = []
        self.secret = ""  # a restricted source, cited by restricted claims

    def source(self, topic: str, when: dt.date, restricted: bool = False) -> str:
        sid = f"src-{len(self.sources):06d}-{topic}"[:80].rstrip("-")
        restricted = restricted or self.rng.random() < 0.01
        title = (f"Confidential interview notes {len(self.sources)}" if restricted
                 else f"Report on {topic.replace('-', ' ')}")
        self.sources.append([sid, title, f"https://example.org/synthetic/{sid}",
                             self.rng.choice(PUBLISHERS), when.isoformat(), "2026-01",
                             "restricted" if restricted else "public"])
        return sid

    def entity(self, ident: str, cls: str, label: str, aliases: tuple[str, ...] = (),
               description: str = "", restricted: bool = False) -> str:
        self.entities.append([ident, cls, label, "; ".join(aliases), description, "",
                              "restricted" if restricted else "public"])
        if cls == "Person":
            self.persons.append(ident)
        return ident

    def claim(self, subject: str, prop: str, obj: str, src: str, when: str = "",
              note: str = "") -> None:
        r = self.rng.random()
        confidence = "high" if r < 0.3 else "medium" if r < 0.9 else "low"
        restricted = self.rng.random() < 0.02
        if restricted:
            note = "identity of the informant withheld"
            src = self.secret if self.rng.random() < 0.5 else src
        elif not note and self.rng.random() < 0.15:
            note = f"as reported by the source ({prop})"
        self.claims.append([subject, prop, obj, when, src, confidence,
                            "restricted" if restricted else "public", note])

    def name(self, cyrillic: bool) -> tuple[str, tuple[str, ...], str]:
        """(label, aliases, id stem): an invented name with its other spellings."""
        rng, sex = self.rng, self.rng.choice("mf")
        if cyrillic:
            first = rng.choice(_RU_ON) + rng.choice(_RU_MID) + rng.choice(_RU_END[sex])
            last = rng.choice(_RU_SYL) + rng.choice(_RU_SYL2) + rng.choice(_RU_SUFFIX[sex])
            cyr = f"{first} {last}"
            label = cyrillic_to_latin(cyr)
            return label, (cyr,), slug(label)
        first = rng.choice(_AZ_ON) + rng.choice(_AZ_MID) + rng.choice(_AZ_END[sex])
        last = _cap(rng.choice(_AZ_SYL) + rng.choice(_AZ_SYL) + rng.choice(_AZ_SUFFIX[sex]))
        label = f"{first} {last}"
        ascii_ = label.translate(_AZ_ASCII)
        aliases = (ascii_, az_to_cyrillic(label)) + ((f"{first[0]}. {last}",)
                                                     if rng.random() < 0.3 else ())
        return label, aliases, slug(ascii_)

    def write(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, rows in (("sources", self.sources), ("entities", self.entities),
                           ("claims", self.claims)):
            with (out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(COLUMNS[name])
                w.writerows(rows)


def _date(rng: random.Random, start: int = 2005, end: int = 2025) -> dt.date:
    return dt.date(start, 1, 1) + dt.timedelta(days=rng.randrange((end - start + 1) * 365))


def write_synthetic(persons: int, out_dir: Path, seed: int = 1) -> dict[str, int]:
    """Write a synthetic dataset of about `persons` people; returns the counts written."""
    if persons < 10:
        raise ValueError("a synthetic dataset needs at least 10 persons")
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets: seeded on purpose)
    w = _Writer(rng)
    charges = charge_ids()
    weights = [1.0 / (i + 1) for i in range(len(charges))]  # a few articles dominate
    reg = w.source("state-registries", dt.date(2020, 1, 1))
    w.secret = w.source("confidential-interviews", dt.date(2024, 6, 1), restricted=True)

    def people(n: int, occupation: str, employer: list[str] | None = None) -> list[str]:
        out = []
        for _ in range(n):
            label, aliases, stem = w.name(cyrillic=False)
            pid = w.entity(f"{stem}-{len(w.persons)}", "Person", label, aliases,
                           f"{_cap(occupation)} (synthetic).")
            w.claim(pid, "occupation", occupation, reg)
            w.claim(pid, "nationality", HOME, reg)
            if employer:
                w.claim(pid, "memberOf", rng.choice(employer), reg, note=occupation)
            out.append(pid)
        return out

    courts = [w.entity(f"court-{i}", "Court", f"{rng.choice(CITIES)} Court No. {i}",
                       (f"Məhkəmə {i}",)) for i in range(max(3, persons // 60))]
    bodies = [w.entity(f"state-body-{i}", "StateBody", f"{rng.choice(CITIES)} Police Unit {i}")
              for i in range(max(3, persons // 150))]
    orgs = [w.entity(f"org-{i}", rng.choice(("MediaOutlet", "NGO", "NGO", "PoliticalParty")),
                     f"Organisation {i}", (f"Təşkilat {i}",)) for i in range(max(3, persons // 25))]
    for org in courts + bodies + orgs:
        w.claim(org, "country", HOME, reg)
        w.claim(org, "location", rng.choice(CITIES), reg)
    judges = people(max(2, persons * 8 // 100), "judge", courts)
    prosecutors = people(max(2, persons * 6 // 100), "prosecutor", bodies)
    lawyers = people(max(2, persons * 5 // 100), "lawyer")
    n_targets = max(1, persons - len(w.persons))

    targets: list[tuple[str, bool, bool]] = []  # (id, exile, restricted)
    for _ in range(n_targets):
        foreign = rng.random() < 0.04
        nation = rng.choice(FOREIGN) if foreign else HOME
        label, aliases, stem = w.name(cyrillic=nation in CYRILLIC_NATIONS)
        exile = not foreign and (rng.random() < 0.12 or len(targets) == 2)
        restricted = len(targets) % 50 == 1  # a protected witness or an unconfirmed arrest
        occupation = rng.choice(OCCUPATIONS)
        pid = w.entity(f"{stem}-{len(w.persons)}", "Person", label, aliases,
                       f"{_cap(occupation)} (synthetic person).", restricted)
        src = w.source(f"profile-{stem}", _date(rng))
        w.claim(pid, "occupation", occupation, src)
        w.claim(pid, "nationality", nation, src)
        if rng.random() < 0.7:
            w.claim(pid, "birthDate", _date(rng, 1950, 1995).isoformat(), src)
        if rng.random() < 0.4:
            w.claim(pid, "memberOf", rng.choice(orgs), src)
        if exile:
            w.claim(pid, "countryOfResidence", rng.choice(HOSTS), src)
        if rng.random() < 0.08 and targets:
            w.claim(pid, "relative", rng.choice(targets)[0], src)
        targets.append((pid, exile, restricted))

    # Cases: about half the residents are prosecuted, some together with others; most
    # exiles too, in cases of their own, often in absentia.
    accused = [t for t in targets if rng.random() < (0.8 if t[1] else 0.55)] or targets[:1]
    cases = 0
    for pool in ([t for t in accused if t[1]], [t for t in accused if not t[1]]):
        i = 0
        while i < len(pool):
            r = rng.random()
            size = 1 if r < 0.7 else 2 if r < 0.85 else 3 if r < 0.95 else rng.randint(4, 6)
            group, i = pool[i:i + size], i + size
            _case(w, rng, cases, group, charges, weights, courts, bodies, judges, prosecutors,
                  lawyers, orgs, absentia=group[0][1] and (cases == 0 or rng.random() < 0.7))
            cases += 1
    for j in range(max(1, persons // 100)):  # advocacy abroad: organisers, speakers, hosts
        when = _date(rng, 2015)
        ev = w.entity(f"advocacy-event-{j}", "AdvocacyEvent", f"Side event on repression {j}")
        src = w.source(f"advocacy-{j}", when)
        w.claim(ev, "date", when.isoformat(), src, when.isoformat())
        w.claim(ev, "organizer", rng.choice(orgs), src, when.isoformat())
        w.claim(ev, "hostCountry", rng.choice(("ch", "fr", "be", "de")), src, when.isoformat())
        for pid, _, _ in rng.sample(targets, min(3, len(targets))):
            w.claim(ev, "participant", pid, src, when.isoformat(), "panelist")
    w.write(out_dir)
    return {"persons": len(w.persons), "cases": cases, "entities": len(w.entities),
            "sources": len(w.sources), "claims": len(w.claims)}


def _case(w: _Writer, rng: random.Random, n: int, group: list[tuple[str, bool, bool]],
          charges: list[str], weights: list[float], courts: list[str], bodies: list[str],
          judges: list[str], prosecutors: list[str], lawyers: list[str],
          orgs: list[str], absentia: bool) -> None:
    """One prosecution and its events: arrest, detention, trial, verdict, maybe an appeal."""
    lead = group[0][0]
    start = _date(rng, 2008, 2024)
    case = w.entity(f"case-{n}-{lead.rsplit('-', 1)[0]}"[:90], "Case",
                    f"Case against {len(group)} defendant(s), {start.year}")
    srcs = [w.source(f"case-{n}", start + dt.timedelta(days=30 * k)) for k in range(1, 3)]
    court, judge = rng.choice(courts), rng.choice(judges)

    def say(subject: str, prop: str, obj: str, when: dt.date | None = None, note: str = "") -> None:
        w.claim(subject, prop, obj, rng.choice(srcs), when.isoformat() if when else "", note)

    for pid, _, _ in group:
        say(case, "defendant", pid, start)
    used = rng.choices(charges, weights, k=rng.choice((1, 1, 2, 3)))
    for charge in dict.fromkeys(used):
        say(case, "charge", charge, start)
    say(case, "court", court)
    say(case, "judge", judge)
    say(case, "prosecutor", rng.choice(prosecutors))
    say(case, "arrestingAgency", rng.choice(bodies))
    if rng.random() < 0.6:
        say(case, "defenceLawyer", rng.choice(lawyers))
    if absentia:
        say(case, "inAbsentia", "true")
    if rng.random() < 0.12:
        say(case, "allegedForeignTie", rng.choice(TIES), start, "the accusation, not a fact")
    if rng.random() < 0.03:
        say(case, "complainant", rng.choice(orgs))
    if w.cases and rng.random() < 0.05:
        say(case, "relatedCase", rng.choice(w.cases))
    w.cases.append(case)
    steps = [("Trial", 120), ("Verdict", 60)] if absentia else [
        ("Arrest", 0), ("PretrialDetention", 2), ("Trial", 120), ("Verdict", 60)]
    if rng.random() < 0.35:
        steps.append(("Appeal", 90))
    when = start
    for k, (cls, gap) in enumerate(steps):
        when = when + dt.timedelta(days=gap + rng.randrange(30))
        ev = w.entity(f"{case}-{cls.lower()}-{k}", cls, f"{cls} in case {n} ({when.isoformat()})")
        say(ev, "date", when.isoformat(), when)
        say(ev, "case", case, when)
        if cls == "Arrest":
            for pid, _, _ in group:
                say(ev, "person", pid, when)
        elif cls == "PretrialDetention":
            say(ev, "court", court, when)
            say(ev, "durationMonths", str(rng.choice((2, 3, 4))), when)
        elif cls == "Trial" and absentia:
            say(ev, "inAbsentia", "true", when)
        elif cls in ("Verdict", "Appeal"):
            say(ev, "court", court if cls == "Verdict" else rng.choice(courts), when)
            say(ev, "judge", judge if cls == "Verdict" else rng.choice(judges), when)
            say(ev, "outcome", "convicted" if cls == "Verdict" else "upheld", when)
            if cls == "Verdict":
                say(ev, "sentenceYears", str(rng.choice((2, 3, 5, 7, 7.5, 9, 10, 12))), when)
                say(ev, "convictedUnder", used[0], when)
    for pid, exile, _ in group:
        if exile and rng.random() < 0.5:  # transnational: threats and notices abroad
            when = start + dt.timedelta(days=rng.randrange(400))
            cls = rng.choice(("Threat", "InterpolNotice", "ExtraditionRequest"))
            ev = w.entity(f"{case}-{cls.lower()}-{pid.rsplit('-', 1)[1]}", cls,
                          f"{cls} against a defendant abroad ({when.isoformat()})")
            say(ev, "date", when.isoformat(), when)
            say(ev, "person", pid, when)
            say(ev, "hostCountry", rng.choice(HOSTS), when)
    if rng.random() < 0.5:
        say(lead, "status", rng.choice(STATUSES), start)
