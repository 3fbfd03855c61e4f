"""Text normalisation for full-text search (the query side lives in ideas/list_queries.py; folding is the kernel's,
app/text_analysis.py, which issue 14's stemming builds on)."""

from app.text_analysis import fold


def searchable_text(idea):
    """What full-text search looks in: the title, the summary and the description."""
    return fold(" ".join((idea.title or "", idea.summary or "", idea.description or "")))
