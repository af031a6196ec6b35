"""graph/profile.py: every claim grouped by meaning, with its source; disagreements side by side."""

from __future__ import annotations

import pytest

from graph.network import network_for
from graph.profile import Claim, SourceInfo, conflicts, profile, related, sources


def _claim(prop: str, value: str, source: str = "s", subject: str = "x") -> Claim:
    return Claim(subject, prop, prop, value, value, False, "", SourceInfo(source, source),
                 "high", "")


def test_tiny_profile_groups_facts_cases_and_events(tiny_store):
    p = profile(tiny_store, network_for(tiny_store), "ayla-huseynova")
    assert (p.label, p.type) == ("Ayla Hüseynova", "Person")
    assert "Айла Гусейнова" in p.aliases
    job = next(c for c in p.facts if c.property == "occupation")
    assert job.value == "journalist" and job.confidence == "high"
    assert job.source == SourceInfo("src-alpha", "Fictional report on the Example District Court",
                                    "Example Monitor", "2025-02-01",
                                    "https://example.org/report-alpha")
    member = next(c for c in p.facts if c.property == "memberOf")
    assert member.is_entity and member.value_label == "Example Media"
    assert member.note == "reporter" and member.date == "2024"

    assert [b.id for b in p.cases] == ["case-huseynova-2024"]
    assert p.cases[0].roles == ["defendant"]
    assert {c.property for c in p.cases[0].claims} >= {"charge", "court", "judge", "prosecutor"}

    assert [(b.date, b.type) for b in p.events] == [("2024-03-01", "Arrest"),
                                                   ("2025-01-10", "Verdict")]
    verdict = p.events[1]
    sentence = next(c for c in verdict.claims if c.property == "sentenceYears")
    assert sentence.value == "9" and sentence.label == "sentence (years)"
    assert sentence.source.title == "Fictional report on the Example District Court"
    assert p.conflicts == []


def test_public_profile_has_no_restricted_claim(tiny_store, tiny_full):
    public = profile(tiny_store, network_for(tiny_store), "ayla-huseynova")
    texts = repr(public)
    for canary in ("CANARY-NOTE-91c2", "CANARY-WITNESS-7f3a", "CANARY-SOURCE-5d1e"):
        assert canary not in texts
    assert not any(c.property == "relative" for c in public.facts)
    ivan = profile(tiny_store, network_for(tiny_store), "ivan-petrov")
    assert not any(c.property == "occupation" for c in ivan.facts)  # its only source is secret
    full = profile(tiny_full, network_for(tiny_full), "ayla-huseynova")
    assert any(c.property == "relative" and "CANARY-NOTE-91c2" in c.note for c in full.facts)


def test_incoming_links_and_event_cases(tiny_store):
    g = network_for(tiny_store)
    court = profile(tiny_store, g, "example-district-court")
    assert {b.id for b in court.cases} == {"case-huseynova-2024", "case-mammadov-2023",
                                           "case-petrov-2025"}
    assert all("court" in b.roles for b in court.cases)
    assert "verdict-huseynova-2025-01-10" in {b.id for b in court.events}
    cases, events = related(g, "case-huseynova-2024")
    assert cases == [] and events == ["arrest-huseynova-2024-03-01",
                                      "verdict-huseynova-2025-01-10"]
    charge = profile(tiny_store, g, "az-cc-274")
    assert [b.id for b in charge.cases] == ["case-mammadov-2023"]


def test_unknown_entity(tiny_store):
    with pytest.raises(KeyError):
        profile(tiny_store, network_for(tiny_store), "nobody-at-all")


def test_conflicts_only_on_single_valued_disagreements():
    found = conflicts([_claim("date", "2017-02", "a"), _claim("date", "2017-01-09", "b"),
                       _claim("date", "2017-01-09", "c")], {"x": "X"})
    assert len(found) == 1
    assert found[0].subject_label == "X" and found[0].property == "date"
    assert [(v, [c.source.id for c in cs]) for v, cs in found[0].options] == [
        ("2017-02", ["a"]), ("2017-01-09", ["b", "c"])]
    # a coarser date that contains the finer one agrees with it
    assert conflicts([_claim("date", "2017"), _claim("date", "2017-01-09")], {}) == []
    assert conflicts([_claim("sentenceYears", "18"), _claim("sentenceYears", "18.0")], {}) == []
    assert len(conflicts([_claim("sentenceYears", "18"), _claim("sentenceYears", "16")], {})) == 1
    # many occupations are a list, not a disagreement
    assert conflicts([_claim("occupation", "editor"), _claim("occupation", "lecturer")], {}) == []
    # different subjects never conflict with each other
    assert conflicts([_claim("date", "2020", subject="a"), _claim("date", "2021", subject="b")],
                     {}) == []


def test_sources_table(tiny_store, tiny_full):
    public = sources(tiny_store)
    assert set(public) == {"src-alpha", "src-beta"}
    assert public["src-beta"].published == "2025-06" and public["src-beta"].url.endswith("exiles")
    assert "src-secret" in sources(tiny_full)


def test_real_abilov_sentence_with_its_sources(real_store):
    p = profile(real_store, network_for(real_store), "iqbal-abilov")
    verdict = next(b for b in p.events if b.id == "verdict-abilov-2025-05-20")
    years = [c for c in verdict.claims if c.property == "sentenceYears"]
    assert {c.value for c in years} == {"18"}
    titles = {c.source.title for c in years}
    assert "Talysh Historian Gets 18-Year Prison Term, Drawing International Outcry" in titles
    ihr = next(c for c in years if c.source.id == "src-ihr-2025-05-20-abilov-18-years")
    assert ihr.source.publisher == "Institute for Human Rights (IHR)"
    assert ihr.source.url.startswith("https://www.instituteforhumanrights.org/")
    assert ihr.confidence == "high"
    dates = [b.date for b in p.events if b.date]
    assert dates == sorted(dates)
    assert [b.id for b in p.cases] == ["case-abilov-2024"]


def test_real_disagreements_are_shown(real_store):
    p = profile(real_store, network_for(real_store), "mehman-huseynov")
    by_subject = {(c.subject, c.property): c for c in p.conflicts}
    arrest = by_subject[("arrest-huseynov-m-2017", "date")]
    assert {v for v, _ in arrest.options} == {"2017-01-09", "2017-02"}
    assert all(claims and claims[0].source.title for _, claims in arrest.options)
