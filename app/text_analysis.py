"""Text analysis for search: words → index terms, the same on the index side and the query side.

    analyse("Sociālās uzņēmējdarbības skolēniem!")  → ["social", "uznemejdarbib", "skolen"]
    analyse("socialas uznemejdarbibas skoleniem")    → the same terms
    analyse_query("ezera skolē", "lv")               → [("ezer", False), ("skol", True)]

Each word (letters and digits of any alphabet, NFC-normalised, lower-cased) is stemmed, THEN folded
(diacritics removed, as the search index has always held text). The order matters:

* The Latvian stemmer must see the diacritics: palatalisation is undone on the letters as written
  ("suņi" → "suņ" → "sun", "brāļi" → "brāl", "rīkšu" → "rīkst"), and removing "-a" may undo it
  where removing "-ā" never does.
* People type without diacritics ("skolenu", "ednica", "uznemejdarbibas"), and a text may lack only
  some of them ("sociālajas"). So the ending is recognised on the FOLDED word, with the folded
  endings table (Lucene's table with diacritics removed, duplicates dropped: "ajās" → "ajas"), while
  palatalisation is undone on the word as written. Every ending strips whether or not its
  diacritics were typed, and a word meets its diacritic spelling: "ezerā" and "ezera" → "ezer",
  "Ēdnīca" and "ednica" → "ednic". The stem is folded last.
* One known consequence: "kš" before a genitive plural "-u" is undone to "kst" only when the "š"
  was typed ("rīkšu" → "rikst" like "rīkste"; "riksu" → "riks"), because without it "maksu" (of
  "maksa", a fee) would become "makst".

English words go through Snowball's English (Porter2) stemmer, then are folded. Words longer than
MAX_STEM_LENGTH letters (no real word is) and words of digits are only folded, never stemmed.

Kernel module: it imports nothing from the app's domains.
"""

import functools
import re
import threading
import unicodedata

import snowballstemmer

#: letters and digits of any alphabet; everything else (punctuation, "_", NUL, spaces) separates words
WORD = re.compile(r"[^\W_]+")
#: longer words are folded but not stemmed (keeps the stemmers' work and the cache bounded)
MAX_STEM_LENGTH = 40
LANGUAGES = ("lv", "en")


def fold(text):
    """Lower-case and without diacritics: "Ēdnīca Preiļos" → "ednica preilos" (what search indexes and asks for)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text):
    """The words of a text, NFC-normalised and lower-cased: "Ezerā, 2026!" → ["ezerā", "2026"]."""
    return WORD.findall(unicodedata.normalize("NFC", (text or "").lower()))


# --- Latvian ---------------------------------------------------------------------------------------
# Ported from Apache Lucene's org.apache.lucene.analysis.lv.LatvianStemmer (lucene/analysis/common),
# Copyright The Apache Software Foundation, licensed under the Apache License, Version 2.0
# (http://www.apache.org/licenses/LICENSE-2.0). Lucene's description:
#   Light stemmer for Latvian. This is a light version of the algorithm in Karlis Kreslin's PhD thesis
#   "A stemming algorithm for Latvian" with the following modifications:
#   - only explicitly stems noun and adjective morphology;
#   - stricter length/vowel checks for the resulting stems (verb etc. suffix stripping is removed);
#   - removes only the primary inflectional suffixes: case and number for nouns; case, number, gender
#     and definitiveness for adjectives;
#   - palatalisation is only handled when a declension II, V, VI noun suffix is removed.
# Changes here: Python strings instead of char arrays, and the folded table below (see the docstring).

#: (ending, vowels in the ending, undo palatalisation?) in Lucene's order: the first that fits is removed,
#: when the word has more vowels than the ending and at least 3 letters stay
LATVIAN_ENDINGS = (
    ("ajiem", 3, False),
    ("ajai", 3, False),
    ("ajam", 2, False),
    ("ajām", 2, False),
    ("ajos", 2, False),
    ("ajās", 2, False),
    ("iem", 2, True),
    ("ajā", 2, False),
    ("ais", 2, False),
    ("ai", 2, False),
    ("ei", 2, False),
    ("ām", 1, False),
    ("am", 1, False),
    ("ēm", 1, False),
    ("īm", 1, False),
    ("im", 1, False),
    ("um", 1, False),
    ("us", 1, True),
    ("as", 1, False),
    ("ās", 1, False),
    ("es", 1, False),
    ("os", 1, True),
    ("ij", 1, False),
    ("īs", 1, False),
    ("ēs", 1, False),
    ("is", 1, False),
    ("ie", 1, False),
    ("u", 1, True),
    ("a", 1, True),
    ("i", 1, True),
    ("e", 1, False),
    ("ā", 1, False),
    ("ē", 1, False),
    ("ī", 1, False),
    ("ū", 1, False),
    ("o", 1, False),
    ("s", 0, False),
    ("š", 0, False),
)
#: whether removing an ending (as written) undoes palatalisation
PALATALISES = {ending: palatalises for ending, _, palatalises in LATVIAN_ENDINGS}


def _folded(endings):
    """The endings table for words typed without diacritics: endings folded, the first of each kept."""
    first = {}
    for ending, vowels, palatalises in endings:
        first.setdefault(fold(ending), (fold(ending), vowels, palatalises))
    return tuple(first.values())


FOLDED_LATVIAN_ENDINGS = _folded(LATVIAN_ENDINGS)
LATVIAN_VOWELS = frozenset("aeiouāīēū")
#: palatalised consonant pairs and letters, and what they were before (Lucene's unpalatalize)
UNPALATALISED_PAIRS = {"šņ": "sn", "žņ": "zn", "šļ": "sl", "žļ": "zl", "ļņ": "ln", "ļļ": "ll"}
UNPALATALISED_LETTERS = {"č": "c", "ļ": "l", "ņ": "n"}
LABIAL_J = frozenset(("pj", "bj", "mj", "vj"))


def _unpalatalise(word, length):
    """word[:length] with palatalisation undone; word[length] is the first letter of the removed ending.

    The ambiguous alternations (s/t → š, d/z → ž) are left alone, as Lucene does; folding then meets
    them halfway ("š" → "s", "ž" → "z").
    """
    stem = word[:length]
    if word[length] == "u":
        # only a genitive plural -u (declensions II, V, VI) shows these two
        if stem.endswith("kš"):
            return stem[:-1] + "st"
        if stem.endswith("ņņ"):
            return stem[:-2] + "nn"
    if stem[-2:] in LABIAL_J:
        return stem[:-1]
    if stem[-2:] in UNPALATALISED_PAIRS:
        return stem[:-2] + UNPALATALISED_PAIRS[stem[-2:]]
    if stem[-1] in UNPALATALISED_LETTERS:
        return stem[:-1] + UNPALATALISED_LETTERS[stem[-1]]
    return stem


def _stem(word, key, endings):
    """Remove the first ending of `endings` that `key` (the word, or its folded form of the same
    length) ends with, under Lucene's vowel and length checks; undo palatalisation on `word`."""
    vowels = sum(1 for letter in key if letter in LATVIAN_VOWELS)
    for ending, ending_vowels, palatalises in endings:
        if vowels > ending_vowels and len(key) >= len(ending) + 3 and key.endswith(ending):
            length = len(word) - len(ending)
            if PALATALISES.get(word[length:], palatalises):
                return _unpalatalise(word, length)
            return word[:length]
    return word


def latvian_stem(word):
    """Lucene's light Latvian stemmer, faithfully: a lower-case word with its diacritics → its stem.

    "ezerā" → "ezer", "skolēniem" → "skolēn", "suņi" → "sun", "lielajam" → "liel"; words of 3 letters
    or fewer stay as they are. For words typed without diacritics use latvian_term().
    """
    return _stem(word, word, LATVIAN_ENDINGS)


@functools.lru_cache(maxsize=65536)
def latvian_term(word):
    """The index term of a lower-case Latvian word, with or without its diacritics: the folded stem.

    "ezerā", "ezera" → "ezer"; "uzņēmējdarbības", "uznemejdarbibas" → "uznemejdarbib".
    """
    key = fold(word)
    if len(key) != len(word):  # a letter that folds into two ("ǆ" → "dz"): no letter-for-letter match
        return _stem(key, key, FOLDED_LATVIAN_ENDINGS)
    return fold(_stem(word, key, FOLDED_LATVIAN_ENDINGS))


# --- English ---------------------------------------------------------------------------------------
_english = threading.local()  # Snowball's stemmer objects keep state while they work: one per thread


def english_stem(word):
    """Snowball's English (Porter2) stemmer: "gardening" → "garden", "libraries" → "librari"."""
    stemmer = getattr(_english, "stemmer", None)
    if stemmer is None:
        stemmer = _english.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


@functools.lru_cache(maxsize=65536)
def english_term(word):
    """The index term of a lower-case English word: its folded stem ("cafés" → "cafe")."""
    return fold(english_stem(word))


# --- analysis ----------------------------------------------------------------------------------------
TERM_OF = {"lv": latvian_term, "en": english_term}


def term(word, language):
    """The index term of one lower-case word; over-long words and numbers are only folded."""
    if len(word) > MAX_STEM_LENGTH or word.isdigit():
        return fold(word)
    return TERM_OF[language](word)


def _check(language):
    if language not in TERM_OF:
        raise ValueError(f"no text analysis for language {language!r}; known: {', '.join(LANGUAGES)}")


def analyse(text, language="lv"):
    """The index terms of a text, in order, repeats kept: words → stemmed → folded.

    language: "lv" (Latvian) or "en" (English); a text in both is analysed once with each.
    """
    _check(language)
    return [term(word, language) for word in words(text)]


def analyse_query(text, language="lv"):
    """The terms of a search as (term, is_prefix) pairs, in the order typed.

    Every word is analysed as analyse() does, so it meets the index's terms. The last word may still
    be being typed: its pair says is_prefix=True, and the query should match it as the beginning of an
    index term (which includes the whole term): "ezera sk" → [("ezer", False), ("sk", True)].
    Empty text → []. Limiting the number of terms is the caller's choice (keep the last one's flag).
    A half-typed ending may be a prefix of no term until it is typed out: "lielaj" (for "lielajam",
    term "liel") → ("lielaj", True).
    """
    terms = analyse(text, language)
    return [(value, index == len(terms) - 1) for index, value in enumerate(terms)]
