"""Search keys for Chinese text without a word segmenter: overlapping character bigrams.

Chinese has no spaces, and a search word is often two characters (停电, 电费): too short for
trigram indexes. Storing the text's bigrams as space-separated tokens lets PostgreSQL's
full-text index (the 'simple' configuration, no stemming) find every row containing all the
bigrams of the search term; a LIKE on the few rows found then checks the exact sequence.
"""

import re
import unicodedata

_SPLIT = re.compile(r"[^\w]+")
MAX_TEXT = 2000


def _runs(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return [run for run in _SPLIT.split(text[:MAX_TEXT]) if run]


def bigrams(text: str) -> list[str]:
    """Distinct bigrams of each run of word characters; a one-character run is kept whole."""
    grams: dict[str, None] = {}
    for run in _runs(text):
        if len(run) == 1:
            grams[run] = None
        for i in range(len(run) - 1):
            grams[run[i : i + 2]] = None
    return list(grams)


def search_keys(*texts: str) -> str:
    """The value stored in a `search_grams` column."""
    keys: dict[str, None] = {}
    for text in texts:
        keys.update(dict.fromkeys(bigrams(text)))
    return " ".join(keys)
