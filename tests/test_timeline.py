"""graph/timeline.py: events from the store, and the in-custody-as-of-a-date rule."""

from __future__ import annotations

import datetime as dt

from graph.network import network_for
from graph.timeline import (
    Event,
    counts_by_period,
    date_bounds,
    filter_events,
    in_custody,
    load_events,
    on_or_before,
    parse_end,
    parse_start,
    sentence_text,
)


def ev(id_: str, type_: str, date: str, person: str = "p", months: float | None = None,
       absentia: bool = False) -> Event:
    return Event(id_, type_, id_, date, (person,), sentence_months=months, in_absentia=absentia)


def held(events: list[Event], as_of: str) -> dict[str, tuple[str, str | None]]:
    return {c.person: (c.since, c.until) for c in in_custody(events, as_of)}


def test_tiny_events(tiny_store):
    events = load_events(tiny_store, network_for(tiny_store))
    assert [(e.date, e.type) for e in events] == [
        ("2024-03-01", "Arrest"), ("2025-01-10", "Verdict"), ("2025-05", "Threat")]
    arrest, verdict, threat = events
    assert arrest.people == ("ayla-huseynova",) and arrest.case == "case-huseynova-2024"
    assert arrest.charges == ("az-cc-206.3.2",)          # from its case
    assert verdict.court == "example-district-court" and verdict.sentence_months == 108
    assert threat.people == ("bakir-mammadov",) and threat.case is None


def test_tiny_custody(tiny_store):
    events = load_events(tiny_store, network_for(tiny_store))
    assert held(events, "2024-02-29") == {}
    assert held(events, "2024-03-01") == {"ayla-huseynova": ("2024-03-01", None)}
    assert held(events, "2026-01-01") == {"ayla-huseynova": ("2024-03-01", "2033-03-01")}
    assert held(events, "2033-03-02") == {}              # nine years from the arrest
    assert "bakir-mammadov" not in held(events, "2025-06-01")  # a threat is not custody


def test_release_and_pardon_end_custody():
    events = [ev("a", "Arrest", "2020-01-10"), ev("v", "Verdict", "2020-06-01", months=60),
              ev("r", "Pardon", "2021-03")]
    assert held(events, "2020-12-31") == {"p": ("2020-01-10", "2021-03")}  # release known later
    assert held(events, "2021-03-15") == {}  # a month-only release counts for the whole month
    assert held(events, "2021-02-28") == {"p": ("2020-01-10", "2021-03")}


def test_same_day_release_frees():
    events = [ev("v", "Verdict", "2019-03-16", months=24), ev("r", "Release", "2019-03-16")]
    assert held(events, "2019-03-16") == {}


def test_in_absentia_and_non_custodial_verdicts_hold_no_one():
    assert held([ev("v", "Verdict", "2020-01-01", months=120, absentia=True)], "2021-01-01") == {}
    assert held([ev("a", "Arrest", "2020-01-01", absentia=True)], "2021-01-01") == {}
    assert held([ev("v", "Verdict", "2020-01-01")], "2020-02-01") == {}   # a fine, no sentence
    assert held([ev("t", "Trial", "2020-01-01")], "2020-02-01") == {}


def test_appeal_changes_the_sentence_and_rearrest_restarts():
    events = [ev("d", "PretrialDetention", "2014-01-01"),
              ev("v", "Verdict", "2014-06-01", months=60),
              ev("ap", "Appeal", "2015-01-01", months=24)]
    assert held(events, "2015-12-31") == {"p": ("2014-01-01", "2016-01-01")}
    assert held(events, "2016-01-02") == {}
    events.append(ev("x", "DetentionExtension", "2018-05-01"))  # a subclass of detention
    assert held(events, "2018-06-01") == {"p": ("2018-05-01", None)}


def test_undated_events_are_ignored_and_people_separate():
    events = [ev("a", "Arrest", "", person="p"), ev("b", "Arrest", "2020", person="q")]
    assert held(events, "2020-07-01") == {"q": ("2020", None)}


def test_partial_dates():
    assert on_or_before("2025-07", "2025-07-15") and on_or_before("2025", "2025-01-01")
    assert not on_or_before("2025-08-01", "2025-07") and not on_or_before("", "2025")
    assert parse_start("2025") == dt.date(2025, 1, 1)
    assert parse_end("2024-02") == dt.date(2024, 2, 29)
    assert parse_end("2025") == dt.date(2025, 12, 31)
    assert date_bounds([ev("a", "Arrest", "2013-12"), ev("b", "Arrest", "2026"),
                        ev("c", "Arrest", "")]) == (dt.date(2013, 12, 1), dt.date(2026, 12, 31))
    assert date_bounds([]) is None


def test_counts_filters_and_sentences():
    events = [ev("a", "Arrest", "2024-05"), ev("d", "DetentionExtension", "2024-11-19"),
              ev("v", "Verdict", "2025-01-13", person="q", months=120),
              ev("h", "HungerStrike", "2025"),
              ev("u", "Arrest", "")]
    counts = counts_by_period(events)
    assert list(counts) == ["2024", "2025"]
    assert counts["2024"] == {"Arrest": 1, "PretrialDetention": 1}
    assert counts["2025"] == {"Verdict": 1, "Other": 1}
    assert counts_by_period(events, "month")["2024-11"] == {"PretrialDetention": 1}
    assert [e.id for e in filter_events(events, people=["q"])] == ["v"]
    assert [e.id for e in filter_events(events, types=["PretrialDetention"])] == ["d"]
    assert filter_events(events) == events
    assert sentence_text(120) == "10 years" and sentence_text(66) == "5 years 6 months"
    assert sentence_text(1) == "1 month" and sentence_text(None) == ""


def test_real_custody(real_store):
    events = load_events(real_store, network_for(real_store))
    in_2017 = held(events, "2017-06-01")
    assert "mehman-huseynov" in in_2017 and in_2017["mehman-huseynov"][1] == "2019-03-02"
    in_2019 = held(events, "2019-03-10")
    assert "mehman-huseynov" not in in_2019 and "rufat-safarov" in in_2019
    assert "iqbal-abilov" in held(events, "2025-06-01")
    assert "arif-mammadov" not in held(events, "2025-06-01")   # sentenced in absentia
