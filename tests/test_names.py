"""Name search: one person or organisation from every spelling the sources use (names.md)."""

from __future__ import annotations

import random
import string

import pytest

from graph.names import Match, NameIndex, fold, name_keys, phonetic_key

# ---- fold -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Məmmədli", "mammadli"),
        ("ƏBİLOV", "abilov"),
        ("İlqar Hacıyev", "ilqar haciyev"),
        ("Ağa-oğlu", "agha oghlu"),
        ("Şahin Çələbi", "shahin chalabi"),
        ("Gülnarə Öztürk", "gulnara ozturk"),
        ("Bəxtiyar", "baxtiyar"),
        ("Гусейнов", "guseynov"),
        ("Бахтияр Гаджиев", "bakhtiyar gadzhiev"),
        ("Щукин Цой Чаадаев", "shchukin tsoy chaadaev"),
        ("Ёжиков Юрьев Ясный Подъячев", "yozhikov yurev yasnyy podyachev"),
        ("Ҹәфәр Һүсејнов Ғасым Өмәр Ҝүлү", "cafar huseynov ghasym omar gulu"),
        ("Jürgen Straße, Zoë", "jurgen strasse zoe"),
        ("O'Brien, d’Artagnan", "obrien dartagnan"),
        ("  Emin\t\nHuseynov  ", "emin huseynov"),
        ("Court No. 1 (Baku)", "court no 1 baku"),
        ("", ""),
        ("?!—…", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_never_uses_unidecode_at_sign() -> None:
    assert "@" not in fold("Məmmədli Əbilov")


def test_fold_handles_decomposed_input() -> None:
    # й typed as и + combining breve (as macOS file names store it) is still y.
    assert fold("Сергеи\u0306") == "sergey"


@pytest.mark.parametrize("text", ["Hüseynov", "Гаджиев", "İqbal Əbilov", "Straße", "a--b"])
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


# ---- phonetic_key -----------------------------------------------------------------------------

SAME_NAME = [
    ["Hüseynov", "Huseynov", "Husseynov", "Guseynov", "Гусейнов"],
    ["Hacıyev", "Hajiyev", "Hajiev", "Гаджиев", "Gadzhiev"],
    ["Məmmədli", "Mammadli", "Mammedli", "Memmedli", "Mamedli"],
    ["Qasımlı", "Gasimli", "Gasymly", "Гасымлы", "Gasimly"],
    ["Əbilov", "Abilov"],
    ["İqbal", "Iqbal", "Igbal"],
    ["Sergei", "Sergey", "Сергей"],
    ["Drachev", "Драчев"],
    ["Səfərov", "Safarov"],
    ["Bəxtiyar", "Bakhtiyar", "Bakhtiar", "Бахтияр"],
    # Beyond the brief: further renderings the rules cover.
    ["Agayev", "Агаев", "Agaev"],
    ["Cəfərov", "Jafarov", "Джафаров", "Ҹәфәров", "Dschafarov"],
    ["Gəncə", "Ganja", "Гянджа"],
    ["Gülnarə", "Gulnara", "Гюльнара"],
    ["Yevgeny", "Evgeniy", "Евгений"],
    ["Rafiq", "Rafik", "Рафик"],
    ["oğlu", "oglu", "ogly", "оглы"],
    ["qızı", "gizi", "кызы"],
    ["Husseinov", "Housseinov", "Хусейнов"],
    # Russian writes Azerbaijani h as х as well as г.
    ["Əhmədov", "Ahmadov", "Ахмедов", "Akhmedov"],
    ["Şahin", "Shahin", "Шахин"],
    ["Rəhim", "Rahim", "Рахим"],
    ["Orxan", "Orkhan", "Orhan", "Орхан"],
    ["Quliyev", "Guliyev", "Кулиев", "Kuliev"],
]


@pytest.mark.parametrize("spellings", SAME_NAME, ids=lambda s: s[0])
def test_phonetic_key_agrees_across_spellings(spellings: list[str]) -> None:
    keys = {phonetic_key(s) for s in spellings}
    assert len(keys) == 1, dict(zip(spellings, map(phonetic_key, spellings), strict=True))


def test_phonetic_key_values() -> None:
    assert phonetic_key("Hüseynov") == "gusainov"
    assert phonetic_key("Гаджиев") == "gajiv"
    assert phonetic_key("Məmmədli") == "mamadli"
    assert phonetic_key("Qasımlı") == "gasimli"
    assert phonetic_key("Bakhtiyar") == "bagtiar"
    assert phonetic_key("Drachev") == "dracav"
    assert phonetic_key("") == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Huseynov", "Hasanov"),
        ("Mammadli", "Mammadov"),
        ("Hajiyev", "Aliyev"),
        ("Abilov", "Alov"),
        ("Çələbi", "Cələbi"),  # ç and c are different letters
        ("Şahin", "Şahid"),
    ],
)
def test_phonetic_key_keeps_different_names_apart(a: str, b: str) -> None:
    assert phonetic_key(a) != phonetic_key(b)


def test_name_keys() -> None:
    assert name_keys("Emin Rafik oğlu Hüseynov") == ["amin", "rafig", "oglu", "gusainov"]
    assert name_keys("Бахтияр Гаджиев") == name_keys("Bəxtiyar Hacıyev")
    assert name_keys(" ,. ") == []


# ---- NameIndex ----------------------------------------------------------------------------------

ENTRIES: list[tuple[str, str, list[str]]] = [
    ("emin-huseynov", "Emin Huseynov", ["Emin Rafik oğlu Hüseynov"]),
    ("mehman-huseynov", "Mehman Huseynov", ["Mehman Hüseynov", "Mehman Husseynov"]),
    ("ilgar-hajiyev", "Ilgar Hajiyev", ["İlqar Hacıyev", "Ilgar Hajiev"]),
    ("bakhtiyar-hajiyev", "Bakhtiyar Hajiyev", ["Bəxtiyar Hacıyev", "Бахтияр Гаджиев"]),
    ("anar-mammadli", "Anar Mammadli", ["Anar Məmmədli", "Anar Mammedli"]),
    ("arif-mammadov", "Arif Mammadov", ["Arif Məmmədov"]),
    ("telman-huseynov", "Telman Huseynov", []),
    ("azer-gasimli", "Azer Gasimli", ["Azər Qasımlı", "Азер Гасымлы"]),
    ("iqbal-abilov", "Iqbal Abilov", ["İqbal Əbilov"]),
    ("zahra-kalantary", "Zahra Kalantary", []),
    ("baku-grave-crimes-court", "Baku Grave Crimes Court", []),
]
HUSEYNOVS = {"emin-huseynov", "mehman-huseynov", "telman-huseynov"}


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(ENTRIES)


def ids(matches: list[Match]) -> list[str]:
    return [m.id for m in matches]


@pytest.mark.parametrize("query", ["Huseynov", "Гусейнов", "Hüseynov", "guseynov"])
def test_surname_in_any_script_finds_every_huseynov_first(index: NameIndex, query: str) -> None:
    found = index.search(query)
    assert set(ids(found[:3])) == HUSEYNOVS
    assert all(m.id not in HUSEYNOVS for m in found[3:])
    assert min(m.score for m in found[:3]) > max((m.score for m in found[3:]), default=0.0)
    # Equal scores: ordered by label.
    assert ids(found[:3]) == ["emin-huseynov", "mehman-huseynov", "telman-huseynov"]


def test_first_name_plus_cyrillic_surname(index: NameIndex) -> None:
    found = index.search("Emin Гусейнов")
    assert found[0].id == "emin-huseynov"
    assert found[0].matched == "Emin Huseynov"
    assert found[0].score == 99.0  # every token agrees by key, spelling differs
    assert "mehman-huseynov" not in ids(found)


def test_azerbaijani_spelling_of_full_name(index: NameIndex) -> None:
    found = index.search("Mehman Hüseynov")
    assert found[0].id == "mehman-huseynov"
    assert found[0].score == 100.0
    assert found[0].matched == "Mehman Huseynov"  # label and alias fold alike: label shown


@pytest.mark.parametrize("query", ["Hacıyev", "Гаджиев"])
def test_both_hajiyevs(index: NameIndex, query: str) -> None:
    found = index.search(query)
    assert set(ids(found[:2])) == {"ilgar-hajiyev", "bakhtiyar-hajiyev"}


@pytest.mark.parametrize("query", ["Məmmədli", "Mamedli"])
def test_mammadli_before_mammadov(index: NameIndex, query: str) -> None:
    found = ids(index.search(query))
    assert found[0] == "anar-mammadli"
    if "arif-mammadov" in found:
        assert found.index("arif-mammadov") > 0


def test_qasimli(index: NameIndex) -> None:
    assert index.search("Qasımlı")[0].id == "azer-gasimli"
    assert index.search("Азер Гасымлы")[0].matched == "Азер Гасымлы"


@pytest.mark.parametrize("query", ["Abilov", "Əbilov", "Iqbal Abilv"])
def test_abilov_and_typo(index: NameIndex, query: str) -> None:
    assert index.search(query)[0].id == "iqbal-abilov"


def test_typo_in_first_letter_still_finds(index: NameIndex) -> None:
    # A typo keeps either the first or the last letter; the fuzzy lookup tries both.
    assert set(ids(index.search("Juseynov")[:3])) == HUSEYNOVS
    assert set(ids(index.search("Husejnov")[:3])) == HUSEYNOVS


def test_typo_scores_below_exact(index: NameIndex) -> None:
    typo = index.search("Iqbal Abilv")[0].score
    assert 60.0 <= typo < index.search("Iqbal Abilov")[0].score == 100.0


def test_exact_full_name_ranks_above_partial(index: NameIndex) -> None:
    found = index.search("Emin Huseynov")
    assert found[0].id == "emin-huseynov"
    assert found[0].score == 100.0
    assert found[0].matched == "Emin Huseynov"
    assert all(m.score < 100.0 for m in found[1:])


def test_alias_can_be_the_best_name(index: NameIndex) -> None:
    found = index.search("Emin Rafik oğlu Hüseynov")
    assert found[0].id == "emin-huseynov"
    assert found[0].matched == "Emin Rafik oğlu Hüseynov"
    assert found[0].score == 100.0


def test_prefix_while_typing(index: NameIndex) -> None:
    found = index.search("Kalan")
    assert ids(found) == ["zahra-kalantary"]
    assert 60.0 <= found[0].score < 98.0
    assert index.search("grave crimes")[0].id == "baku-grave-crimes-court"
    assert index.search("grave cri")[0].id == "baku-grave-crimes-court"
    # The fragment's key is not a prefix of the word's key (drac → draj), its folding is.
    dr = NameIndex([("anton-drachev", "Anton Drachev", ["Антон Драчев"])])
    assert ids(dr.search("Anton Drac")) == ["anton-drachev"]


def test_only_the_last_token_is_a_prefix(index: NameIndex) -> None:
    assert index.search("Kalan Zahra") == []


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "?!., -- …", "ь"])
def test_empty_queries(index: NameIndex, query: str) -> None:
    assert index.search(query) == []


def test_garbage_does_not_crash(index: NameIndex) -> None:
    rng = random.Random(7)
    garbage = "".join(rng.choice(string.printable + "əğışçöüЖЩЯ") for _ in range(200))
    assert len(garbage) == 200
    result = index.search(garbage)
    assert isinstance(result, list)
    assert index.search("x" * 200) == []


def test_limit_and_min_score(index: NameIndex) -> None:
    assert len(index.search("Huseynov", limit=2)) == 2
    assert index.search("Huseynov", limit=0) == []
    assert ids(index.search("Huseynov", limit=2)) == ["emin-huseynov", "mehman-huseynov"]
    assert all(m.score >= 95.0 for m in index.search("Huseynov", min_score=95.0))


def test_each_entity_once_and_deterministic(index: NameIndex) -> None:
    found = index.search("Mehman Husseynov")
    assert len(ids(found)) == len(set(ids(found)))
    assert found[0].matched == "Mehman Husseynov"
    assert found == index.search("Mehman Husseynov")
    again = NameIndex(list(reversed(ENTRIES))).search("Huseynov")
    assert ids(again) == ids(index.search("Huseynov"))


def test_ties_broken_by_label_then_id() -> None:
    idx = NameIndex([("b", "Same Name", []), ("a", "Same Name", []), ("c", "Another Name", [])])
    assert ids(idx.search("Same Name")) == ["a", "b"]


def test_duplicate_ids_merge_and_empty_names_are_ignored() -> None:
    idx = NameIndex([("x", "Emin Huseynov", []), ("x", "Emin", ["Эмин Гусейнов"]), ("y", "", [])])
    found = idx.search("Эмин Гусейнов")
    assert ids(found) == ["x"]
    assert found[0].label == "Emin Huseynov"
    assert found[0].matched == "Эмин Гусейнов"
    assert len(idx) == 2


def test_match_is_frozen() -> None:
    match = Match(id="a", label="A", matched="A", score=100.0)
    with pytest.raises(AttributeError):
        match.score = 1.0  # type: ignore[misc]


def test_many_entries_still_rank_right() -> None:
    """Functional check at a size where caps on prefix and fuzzy expansion matter (not timed)."""
    rng = random.Random(1)
    first = ["Emin", "Anar", "Arif", "Ilgar", "Rauf", "Leyla", "Xadija", "Tofig", "Elchin"]
    last = ["Huseynov", "Mammadov", "Aliyev", "Hasanov", "Guliyev", "Ismayilov", "Safarov"]
    entries = [
        (f"p{i}", f"{rng.choice(first)} {rng.choice(last)}{rng.randrange(300)}", [])
        for i in range(5000)
    ]
    entries += ENTRIES
    idx = NameIndex(entries)
    assert idx.search("Bəxtiyar Гаджиев")[0].id == "bakhtiyar-hajiyev"
    assert idx.search("Iqbal Abilv")[0].id == "iqbal-abilov"
    assert len(idx.search("Em", limit=50)) == 50
