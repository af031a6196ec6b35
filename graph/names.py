"""Find a person or organisation from any spelling a user saw.

Sources write one name in Azerbaijani Latin (Hüseynov), English (Huseynov, Husseynov), Russian
Cyrillic (Гусейнов) and romanised Russian (Guseynov); see shared/research/names.md. Search works
in three layers:

* :func:`fold` turns any of those scripts into lower-case ASCII, so that display differences
  (case, accents, ə, Cyrillic, punctuation) vanish but sounds stay distinct.
* :func:`phonetic_key` merges the letter classes that the sources use interchangeably
  (h/г/g, c/j/дж, ı/y/i, ə/e/a, doubled letters, -iyev/-iev ...), so that every spelling of one
  name shares a key.
* :class:`NameIndex` looks query tokens up by exact key, by prefix (typing as you go) and by fuzzy
  ratio (typos) over a vocabulary of distinct tokens, then scores only the names that hold one
  of those tokens. Work per query grows with the number of distinct tokens and of hits, not with
  the number of names.

`unidecode` is deliberately not used: it maps ə to ``@`` and has no notion of these classes.
"""

from __future__ import annotations

import gc
import heapq
import math
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz, process

__all__ = ["Match", "NameIndex", "fold", "name_keys", "phonetic_key"]

# --------------------------------------------------------------------------------------------
# fold

_AZERBAIJANI = {
    "ə": "a",
    "ğ": "gh",
    "ı": "i",
    "ş": "sh",
    "ç": "ch",
    "ö": "o",
    "ü": "u",
}
# Russian → Latin, close to the BGN/PCGN-style renderings the sources print (Gadzhiev, Bakhtiyar).
_RUSSIAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip
# Azerbaijani Cyrillic (1939-1991) letters go to their Azerbaijani Latin equivalents, and from
# there through the same classes; Ukrainian/Belarusian letters appear in some Russian sources.
_OTHER_CYRILLIC = {
    "ә": "a", "ғ": "gh", "һ": "h", "ҹ": "c", "ө": "o", "ү": "u", "ҝ": "g", "ј": "y",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip
# Latin letters that NFKD does not decompose.
_LATIN_EXTRA = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l",
    "ħ": "h", "ŀ": "l",
}  # fmt: skip
# Apostrophes mark a modified letter (Uzbek oʻ, a romanised ь) or an elision (O'Brien), never a
# word break, so they are removed rather than turned into spaces. U+0307 is the dot that
# "İ".lower() leaves behind.
_DROPPED = "'’‘ʼʻ`´\u0307"

_FOLD_TABLE: dict[int, str | None] = {
    ord(ch): out
    for table in (_LATIN_EXTRA, _OTHER_CYRILLIC, _RUSSIAN, _AZERBAIJANI)
    for ch, out in table.items()
}
_FOLD_TABLE.update({ord(ch): None for ch in _DROPPED})

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case ASCII rendering for display-insensitive matching.

    Azerbaijani letters: ə→a, ğ→gh, ı→i, ş→sh, ç→ch, ö→o, ü→u, İ→i; x stays x (it is the kh
    sound, which :func:`phonetic_key` merges with kh). Cyrillic is transliterated with a
    Russian→Latin table (дж→dzh, ж→zh, х→kh, ч→ch, ш→sh, щ→shch, ц→ts, ы→y, й→y, ё→yo, ю→yu,
    я→ya, ь/ъ dropped) plus Azerbaijani Cyrillic ә ғ һ ҹ ө ү ҝ ј. Other accents are stripped via
    NFKD. Apostrophes are dropped (they never separate words); other punctuation and letters of
    scripts without a table become spaces; whitespace is collapsed.

    Why by hand: generic transliterators map ə to "@" and cannot know that ı and ы are one
    letter. Folding keeps letters that sound different apart (s/sh, c/ch): merging those is the
    phonetic key's job, so that a folded string is still a faithful, readable spelling.
    ``fold(fold(x)) == fold(x)``.
    """
    if text.isascii():
        text = text.lower()
        if "'" in text or "`" in text:  # the only ASCII entries of the table; skip it otherwise
            text = text.replace("'", "").replace("`", "")
    else:
        # NFC first so that a decomposed й (и + breve) is still found in the table.
        text = unicodedata.normalize("NFC", text).lower().translate(_FOLD_TABLE)
        if not text.isascii():
            text = "".join(
                ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
            )
            text = text.lower().translate(_FOLD_TABLE)
    if text.isascii() and text.replace(" ", "").isalnum():
        return " ".join(text.split())  # the common case, twice as fast as the regex
    return _NON_ALNUM.sub(" ", text).strip()


# --------------------------------------------------------------------------------------------
# phonetic key

# Applied in order with str.replace. Longer graphemes go first so that their letters are not
# taken by a shorter rule ("dzh" before "zh", "kh" before the lone h and k). "\x01" stands for
# the ç class while the lone c (Azerbaijani c = j) is rewritten.
_GRAPHEMES = (
    ("dsch", "j"),  # German: Dschafarov
    ("tsch", "\x01"),  # German: Tschingis
    ("sch", "s"),  # German: Schamil
    ("dzh", "j"),  # Russian дж: Gadzhiev
    ("dj", "j"),  # French: Hadjiev
    ("zh", "j"),  # ж
    ("kh", "g"),  # х: Bakhtiyar = Bəxtiyar, and Ахмед = Əhməd (see the h rule)
    ("sh", "s"),  # ş is written s as often as sh
    ("gh", "g"),  # ğ
    ("ph", "f"),
    ("th", "t"),
    ("ch", "\x01"),
    ("c", "j"),  # Azerbaijani c = English j = Russian дж
    ("\x01", "c"),  # ç, kept apart from c
    ("h", "g"),  # Russian writes h as г or х: Hüseynov = Гусейнов, Əhmədov = Ахмедов
    ("q", "g"),  # Qasımlı = Gasimli
    ("k", "g"),  # Russian writes q as к as often as г: Rafiq = Рафик
    ("x", "g"),  # Azerbaijani x = kh; Orxan = Orhan
    ("w", "v"),  # German -ow
    ("ou", "u"),  # French: Housseinov
)
_DOUBLED = re.compile(r"(.)\1+")
_VOWEL_YE = re.compile(r"([aeiou])ie")
# Patronymic markers have many spellings; each set collapses to one key.
_PATRONYMICS = {"ogli": "oglu"}


def _first_group(match: re.Match[str]) -> str:
    # A callable replacement: several times faster than the template r"\1" in CPython 3.11.
    return match.group(1)


def _vowel_e(match: re.Match[str]) -> str:
    return match.group(1) + "e"


@lru_cache(maxsize=1 << 16)
def _key_of_folded(token: str) -> str:
    """Key of one already-folded token without spaces; cached because names repeat a lot."""
    key = token
    for old, new in _GRAPHEMES:
        if old in key:
            key = key.replace(old, new)
    key = _DOUBLED.sub(_first_group, key)  # Husseynov, Məmmədli; before yu so that Əyyub = Аюб
    key = key.replace("gya", "ga")  # ə after g/k is я in Russian: Gəncə = Гянджа
    key = key.replace("yu", "u").replace("yo", "o")  # ü = ю, ö = ё
    if key.startswith("ye"):  # Russian initial Е: Yevgeny = Evgeny, Yelchin = Elchin
        key = key[1:]
    key = key.replace("y", "i")  # ı and й are written y or i
    while "ii" in key:  # -iyev → -iev
        key = key.replace("ii", "i")
    if "ie" in key:
        key = _VOWEL_YE.sub(_vowel_e, key)  # -ayev = -aev: Agayev = Агаев
        key = key.replace("ie", "i")  # -iyev = -iev = -ev after i: Hajiyev = Гаджиев
    key = key.replace("e", "a")  # ə is written a or e
    key = _DOUBLED.sub(_first_group, key)  # new doubles: aa (from ea), uu, oo, ii
    return _PATRONYMICS.get(key, key)


def phonetic_key(token: str) -> str:
    """Key on which the spellings of one name agree (Hüseynov, Husseynov, Гусейнов → gusainov).

    The token is folded first (so any script is accepted; spaces inside it are dropped), then
    the letter classes of names.md are merged: dzh/dj/j/c→j; zh→j; gh/g/q/h/k/kh/x→g (Russian
    writes Azerbaijani h as г in Гусейнов but as х in Ахмедов, Рахим, Шахин, and q as г or к,
    so x/kh cannot be kept apart from h); sh/s→s; ch→c after the c→j step, so that ç stays
    apart from c; w→v; ph→f; th→t; ou→u; yu→u and yo→o (ü, ö); y→i; doubled letters collapse;
    iye/iy/ie→i; a vowel + ye → vowel + e (Agayev = Агаев); e/ə→a. Patronymic markers
    oğlu/oglu/ogly/оглы share one key (and qızı/gizi/кызы another, by the rules alone).

    The key is deliberately lossy (Qasımov and Haşımov share one); it serves recall, and the
    index ranks candidates on top of it.
    """
    return _key_of_folded(fold(token).replace(" ", ""))


def name_keys(name: str) -> list[str]:
    """Phonetic key of each token of a name, in order (empty for a name with no letters)."""
    return [_key_of_folded(tok) for tok in fold(name).split()]


# --------------------------------------------------------------------------------------------
# index


@dataclass(frozen=True)
class Match:
    """One search hit: the entity, and which of its names (label or alias) matched best."""

    id: str
    label: str
    matched: str
    score: float


# Limits that keep one search fast and bounded whatever the text and the index size.
_MAX_QUERY_CHARS = 256
_MAX_QUERY_TOKENS = 8
_MAX_FUZZY_TOKEN_LEN = 40
_FUZZY_LIMIT = 30  # similar vocabulary tokens taken per query token
_FUZZY_CUTOFF = 75.0  # rapidfuzz ratio; below this a token is not similar
_FUZZY_WEIGHT = 0.9  # a fuzzy token match never counts as much as an exact one
_FUZZY_LENGTH_SLACK = 2  # letters a typo may add or drop
_MIN_FUZZY_LEN = 3  # shorter tokens have too many 1-edit neighbours
_MIN_PREFIX_LEN = 2
_MAX_PREFIX_SCAN = 5000  # vocabulary tokens looked at for one prefix
_MAX_PREFIX_POSTINGS = 20000  # names reached through a prefix
_PREFIX_BASE = 0.75  # a prefix scores 0.75..0.95 as more of the token is typed
_PREFIX_SPAN = 0.2
_KEY_PREFIX_PENALTY = 0.05  # a literal prefix ("ha" → hajiyev) beats a phonetic one (→ kalantary)
_QUERY_WEIGHT = 0.9  # how well the query is covered ...
_NAME_WEIGHT = 0.1  # ... and, less, how much of the name the query explains
_KEY_EXACT_SCORE = 99.0  # every token agrees by key, but the spelling differs
_PARTIAL_MAX_SCORE = 98.0  # anything less than a full key match


class NameIndex:
    """Search over entities' labels and aliases by any spelling, prefix or near-miss.

    Built once from ``(id, label, aliases)`` entries; entries repeating an id are merged. Each
    distinct folded name is a searchable name; its tokens' phonetic keys form a vocabulary with
    posting lists (key → names holding it). Memory is a few compact arrays plus the vocabulary
    and references to the given name strings (kept for display in :attr:`Match.matched`).
    """

    def __init__(self, entries: Iterable[tuple[str, str, Sequence[str]]]) -> None:
        self._ids: list[str] = []
        self._labels: list[str] = []
        self._names: list[str] = []  # original spelling, for Match.matched
        self._name_entity = array("I")
        self._name_keys = array("I")  # key ids of all names, one run per name ...
        self._name_start = array("I", [0])  # ... from _name_start[n] to _name_start[n + 1]
        self._keys: list[str] = []  # key id → key
        self._key_ids: dict[str, int] = {}
        self._token_keys: dict[str, int] = {}  # folded token → key id
        postings: list[list[int]] = []
        # Building allocates many small containers and no cycles: the cyclic collector would
        # only rescan them, costing a fifth of the build time on 100,000 entries.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._add_all(entries, postings)
            self._freeze(postings)
        finally:
            if collecting:
                gc.enable()

    def _freeze(self, postings: list[list[int]]) -> None:
        """Compact the posting lists and build the prefix and fuzzy lookups over the vocabulary."""
        self._postings = [array("I", p) for p in postings]
        self._sorted_keys = sorted(self._key_ids)
        self._sorted_key_ids = array("I", [self._key_ids[k] for k in self._sorted_keys])
        self._sorted_tokens = sorted(self._token_keys)
        self._sorted_token_ids = array("I", [self._token_keys[t] for t in self._sorted_tokens])
        # Fuzzy candidates by (first letter, length) and (last letter, length): a typo keeps
        # the first or the last letter and changes the length by a letter or two, so a query
        # scans a few small buckets instead of handing the whole vocabulary to rapidfuzz (which
        # converts every string on every call: 15 ms for 100,000 keys).
        self._buckets: dict[tuple[bool, str, int], tuple[list[str], array[int]]] = {}
        for kid, key in enumerate(self._keys):
            for bucket in ((True, key[0], len(key)), (False, key[-1], len(key))):
                keys, kids = self._buckets.setdefault(bucket, ([], array("I")))
                keys.append(key)
                kids.append(kid)

    def _add_all(
        self, entries: Iterable[tuple[str, str, Sequence[str]]], postings: list[list[int]]
    ) -> None:
        """Fold every name and post its keys; entries repeating an id extend that entity."""
        entity_of: dict[str, int] = {}
        token_keys = self._token_keys
        names = self._names
        name_entity = self._name_entity
        name_keys = self._name_keys
        name_start = self._name_start
        for entity_id, label, aliases in entries:
            entity = entity_of.get(entity_id)
            if entity is None:
                entity = entity_of[entity_id] = len(self._ids)
                self._ids.append(entity_id)
                self._labels.append(label)
            seen: set[str] = set()
            for name in (label, *(aliases or ())):  # tolerate None for "no aliases"
                folded = fold(name)
                if not folded or folded in seen:
                    continue  # same folded spelling scores the same; the first one is shown
                seen.add(folded)
                tokens = folded.split()
                found = [token_keys.get(tok, -1) for tok in tokens]
                if -1 in found:  # a token not seen before
                    found = [self._token_key_id(tok, postings) for tok in tokens]
                kids = dict.fromkeys(found)
                index = len(names)
                names.append(name)
                name_entity.append(entity)
                name_keys.extend(kids)
                name_start.append(len(name_keys))
                for kid in kids:
                    postings[kid].append(index)

    def _token_key_id(self, token: str, postings: list[list[int]]) -> int:
        """Key id of a folded token, adding the token and its key to the vocabulary if new."""
        kid = self._token_keys.get(token)
        if kid is None:
            key = _key_of_folded(token)
            kid = self._key_ids.get(key)
            if kid is None:
                kid = self._key_ids[key] = len(self._keys)
                self._keys.append(key)
                postings.append([])
            self._token_keys[token] = kid
        return kid

    def __len__(self) -> int:
        """Number of entities."""
        return len(self._ids)

    # ---- search ------------------------------------------------------------------------------

    def search(self, text: str, limit: int = 20, min_score: float = 60.0) -> list[Match]:
        """Entities whose label or an alias matches ``text``, best first, at most ``limit``.

        Each query token is matched to a name's tokens by phonetic key (1.0), as a prefix if it
        is the last token, being typed (0.75-0.95), or by fuzzy ratio of keys (0.9 x ratio, for
        typos); query and name tokens are paired one to one. A name scores 100 x mean similarity
        over the query tokens x (0.9 + 0.1 x share of the name's tokens paired), so "Huseynov"
        prefers "Emin Huseynov" to "Emin Rafik oğlu Hüseynov" and a name the query covers fully
        ranks above one it only touches. Partial matches are capped at 98, a full key match
        with another spelling scores 99, and only an exact folded match scores 100. Each
        entity appears once, with its best name in ``matched`` (the label wins ties); ties
        between entities are broken by label then id, so results are deterministic.
        """
        if limit <= 0 or not text:
            return []
        folded = fold(text[:_MAX_QUERY_CHARS])
        tokens = folded.split()[:_MAX_QUERY_TOKENS]
        if not tokens:
            return []

        # One similarity table per distinct query key: key id → similarity in (0, 1].
        sims: dict[str, dict[int, float]] = {}
        for token in tokens:
            key = _key_of_folded(token)
            if key not in sims:
                sims[key] = self._token_sims(token, key)
        self._add_prefix_sims(tokens[-1], sims[_key_of_folded(tokens[-1])])

        tables = list(sims.values())
        scores, names = self._score_entities(tables, " ".join(tokens), min_score)
        if not scores:
            return []
        floor = min_score
        if len(scores) > limit:
            # Only the best `limit` can be returned: label-sort just those (and ties, allowing
            # for the rounding below).
            floor = max(floor, heapq.nlargest(limit, scores.values())[-1] - 0.01)
        hits = sorted(
            (-round(score, 2), self._labels[entity], self._ids[entity], names[entity])
            for entity, score in scores.items()
            if score >= floor
        )
        return [
            Match(id=eid, label=label, matched=self._names[name], score=-neg)
            for neg, label, eid, name in hits[:limit]
            if -neg >= min_score
        ]

    def _token_sims(self, token: str, key: str) -> dict[int, float]:
        """Vocabulary keys similar to one query token: the same key, and fuzzy neighbours."""
        sims: dict[int, float] = {}
        if _MIN_FUZZY_LEN <= len(key) <= _MAX_FUZZY_TOKEN_LEN:
            choices: list[str] = []
            choice_ids = array("I")
            for length in range(len(key) - _FUZZY_LENGTH_SLACK, len(key) + _FUZZY_LENGTH_SLACK + 1):
                for bucket in ((True, key[0], length), (False, key[-1], length)):
                    found = self._buckets.get(bucket)
                    if found is not None:
                        choices += found[0]
                        choice_ids += found[1]
            for _, ratio, pos in process.extract(
                key,
                choices,
                scorer=fuzz.ratio,
                processor=None,
                limit=_FUZZY_LIMIT,
                score_cutoff=_FUZZY_CUTOFF,
            ):
                sims[choice_ids[pos]] = _FUZZY_WEIGHT * ratio / 100.0
        exact = self._key_ids.get(key)
        if exact is not None:
            sims[exact] = 1.0
        return sims

    def _add_prefix_sims(self, token: str, sims: dict[int, float]) -> None:
        """Let the last query token, maybe half typed, match longer tokens that it begins.

        Both the key and the folded token are tried: the key of a fragment is not always a
        prefix of the key of the word ("drac" → "draj", but "drachev" → "dracav").
        """
        found: dict[int, float] = {}
        for prefix, vocab, ids, base in (
            (
                _key_of_folded(token),
                self._sorted_keys,
                self._sorted_key_ids,
                _PREFIX_BASE - _KEY_PREFIX_PENALTY,
            ),
            (token, self._sorted_tokens, self._sorted_token_ids, _PREFIX_BASE),
        ):
            if len(prefix) < _MIN_PREFIX_LEN:
                continue
            start = bisect_left(vocab, prefix)
            stop = bisect_left(
                vocab, prefix + "\x7f", start, min(len(vocab), start + _MAX_PREFIX_SCAN)
            )
            for pos in range(start, stop):
                word = vocab[pos]
                if len(word) > len(prefix):
                    sim = base + _PREFIX_SPAN * len(prefix) / len(word)
                    kid = ids[pos]
                    if sim > found.get(kid, 0.0):
                        found[kid] = sim
        # Closest completions first, until enough names are reached.
        reached = 0
        for kid in sorted(found, key=found.__getitem__, reverse=True):  # stable: vocab order
            if reached >= _MAX_PREFIX_POSTINGS:
                break
            sim = found[kid]
            if sim > sims.get(kid, 0.0):
                sims[kid] = sim
                reached += len(self._postings[kid])

    def _score_entities(
        self, tables: list[dict[int, float]], query: str, min_score: float
    ) -> tuple[dict[int, float], dict[int, int]]:
        """Score every name that some query token reached; keep each entity's best name.

        Returns entity → score and entity → name index (the lower index, i.e. the label or the
        earlier alias, wins a tie).
        """
        # For each query token: name → its best similarity among the name's tokens. Ascending,
        # so that a higher similarity overwrites a lower one, at C speed.
        best: list[dict[int, float]] = []
        for table in tables:
            reached: dict[int, float] = {}
            for kid in sorted(table, key=table.__getitem__):
                reached.update(dict.fromkeys(self._postings[kid], table[kid]))
            best.append(reached)

        start = self._name_start
        name_entity = self._name_entity
        count = len(best)
        scores: dict[int, float] = {}
        names: dict[int, int] = {}
        # name → summed similarity, and (several query tokens only) → how many tokens reached it.
        summed: dict[int, float] = best[0]
        hits: dict[int, int] = {}
        if count > 1:
            # A token adds at most 1 to a name's total and a score is at most 100 x total /
            # count, so a name that fewer than `needed` tokens reach cannot reach min_score.
            # Names reached by at least two tokens are found by C-level set intersections, which
            # skips the bulk of a very common token's postings ("oglu").
            needed = math.ceil(count * min_score / 100.0 - 1e-9)
            pool: Iterable[int] = set().union(*best)
            if needed >= 2:
                pool = set().union(
                    *(best[i].keys() & best[j].keys() for i, j in combinations(range(count), 2))
                )
            summed = {}
            for name in pool:
                total = 0.0
                matched = 0
                for reached in best:
                    sim = reached.get(name)
                    if sim is not None:
                        total += sim
                        matched += 1
                if matched >= needed:
                    summed[name] = total
                    hits[name] = matched
        for name, summed_sim in summed.items():
            total = summed_sim
            matched = hits.get(name, 1)
            if matched > 1:
                # Two query tokens may have picked the same name token: pair them one to one.
                total, matched = self._assign(tables, name)
            width = start[name + 1] - start[name]
            if matched == count == width and total == count:
                # Every token agrees by key both ways; only the same spelling earns 100.
                score = 100.0 if fold(self._names[name]) == query else _KEY_EXACT_SCORE
            else:
                score = 100.0 * total / count * (_QUERY_WEIGHT + _NAME_WEIGHT * matched / width)
                if score > _PARTIAL_MAX_SCORE:
                    score = _PARTIAL_MAX_SCORE
            entity = name_entity[name]
            held = scores.get(entity)
            if held is None or score > held or (score == held and name < names[entity]):
                scores[entity] = score
                names[entity] = name
        return scores, names

    def _assign(self, tables: list[dict[int, float]], name: int) -> tuple[float, int]:
        """Greedy one-to-one pairing of query tokens with a name's tokens, best pairs first.

        Returns the summed similarity and the number of pairs. Only names that several query
        tokens reached come here, so the per-name work stays off the common path.
        """
        keys = self._name_keys[self._name_start[name] : self._name_start[name + 1]]
        pairs = sorted(
            (
                (sim, -q, -t)
                for q, table in enumerate(tables)
                for t, kid in enumerate(keys)
                if (sim := table.get(kid, 0.0)) > 0.0
            ),
            reverse=True,
        )
        used_query: set[int] = set()
        used_name: set[int] = set()
        total = 0.0
        for sim, q, t in pairs:
            if q not in used_query and t not in used_name:
                used_query.add(q)
                used_name.add(t)
                total += sim
        return total, len(used_query)
