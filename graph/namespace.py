"""IRIs of the project's vocabularies.

`RG` is a closed namespace (`_fail = True`): a misspelt term raises instead of
silently minting a new IRI.  Its terms are exactly those of
ontology/repression.ttl; tests/test_ontology.py fails when the two drift apart.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

#: Where entity IRIs live unless a deployment configures another base.
DEFAULT_BASE = "https://repression-graph.org/id/"

SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
WD = Namespace("http://www.wikidata.org/entity/")


class RG(DefinedNamespace):
    """The repression-graph ontology (ontology/repression.ttl)."""

    _fail = True
    _NS = Namespace("https://repression-graph.org/ns#")

    AdvocacyEvent: URIRef
    Agent: URIRef
    Appeal: URIRef
    Arrest: URIRef
    Case: URIRef
    Cassation: URIRef
    Charge: URIRef
    ChargeCategory: URIRef
    CitizenshipRevoked: URIRef
    Claim: URIRef
    Confidence: URIRef
    Country: URIRef
    Court: URIRef
    CourtRuling: URIRef
    Decree: URIRef
    DetentionExtension: URIRef
    Event: URIRef
    Group: URIRef
    Exile: URIRef
    ExtraditionRequest: URIRef
    HungerStrike: URIRef
    IntergovernmentalOrganization: URIRef
    InternationalReaction: URIRef
    InterpolNotice: URIRef
    MediaOutlet: URIRef
    NGO: URIRef
    Organization: URIRef
    Pardon: URIRef
    PartialDate: URIRef
    Person: URIRef
    PoliticalParty: URIRef
    PretrialDetention: URIRef
    Raid: URIRef
    Release: URIRef
    Source: URIRef
    StateBody: URIRef
    Summons: URIRef
    Threat: URIRef
    TravelBan: URIRef
    Trial: URIRef
    Verdict: URIRef
    accessed: URIRef
    allegedForeignTie: URIRef
    arrestingAgency: URIRef
    articleNumber: URIRef
    award: URIRef
    birthDate: URIRef
    birthPlace: URIRef
    case: URIRef
    category: URIRef
    charge: URIRef
    claimDate: URIRef
    complainant: URIRef
    confidence: URIRef
    convictedUnder: URIRef
    country: URIRef
    countryOfResidence: URIRef
    court: URIRef
    criminalCode: URIRef
    date: URIRef
    defenceLawyer: URIRef
    defendant: URIRef
    diplomaticContext: URIRef
    durationMonths: URIRef
    edgeLabel: URIRef
    endDate: URIRef
    founderOf: URIRef
    foundingDate: URIRef
    headOf: URIRef
    high: URIRef
    hostCountry: URIRef
    inAbsentia: URIRef
    judge: URIRef
    location: URIRef
    low: URIRef
    medium: URIRef
    memberOf: URIRef
    nationality: URIRef
    occupation: URIRef
    organizer: URIRef
    outcome: URIRef
    parent: URIRef
    partOf: URIRef
    participant: URIRef
    person: URIRef
    placeOfDetention: URIRef
    position: URIRef
    prosecutor: URIRef
    published: URIRef
    publisher: URIRef
    relatedCase: URIRef
    relative: URIRef
    sentenceMonths: URIRef
    sentenceRequestedYears: URIRef
    sentenceYears: URIRef
    sheetName: URIRef
    sibling: URIRef
    spouse: URIRef
    status: URIRef
    url: URIRef
    visibility: URIRef
