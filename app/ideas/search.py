"""Text normalisation for full-text search (the query side lives in ideas/list_queries.py)."""

import unicodedata


def fold(text):
    """Lower-case and without diacritics: "Ēdnīca Preiļos" → "ednica preilos"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def searchable_text(idea):
    """What full-text search looks in: the title, the summary and the description."""
    return fold(" ".join((idea.title or "", idea.summary or "", idea.description or "")))
