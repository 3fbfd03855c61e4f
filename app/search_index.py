"""Full-text search of ideas, activities, organisations and partner calls: one index shape, one query shape.

Each searchable table has two text columns written by the app, never by hand (Searchable):
  search_title — the index terms of the title (or name),
  search_body  — the index terms of the rest (summary, description, place),
each the Latvian AND the English terms of every word (app/text_analysis.py), so "ezerā", "ezers" and
"lakes" find their texts whichever language a text is in. On top of those columns the database keeps its
own full-text index, made here because SQLAlchemy's models cannot describe it:
  SQLite:     an FTS5 table <table>_fts over both columns, kept in step by triggers;
  PostgreSQL: a generated tsvector column search_vector (title weighted A, the rest B) with a GIN index.

A search (SearchQuery) is the words typed, each analysed as the index was: a text matches when every word's
Latvian or English term is in it; the last word may still be being typed, so it also matches as the beginning
of a term. Migrations hold frozen copies of these statements; these are for db.create_all() (tests).

Kernel module: it imports nothing from the app's domains.
"""

import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import DDL, Text, case, event, func, inspect, literal, literal_column, select, table
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.text_analysis import LANGUAGES, WORD, term, words

MAX_QUERY_LENGTH = 100
MAX_SEARCH_WORDS = 8


def index_text(*texts):
    """The index terms of texts for one column: every word's Latvian and English term, each once, in order."""
    terms = {}
    for text in texts:
        for word in words(text):
            for language in LANGUAGES:
                terms.setdefault(term(word, language), None)
    return " ".join(terms)


class Searchable:
    """A model whose rows are searched. It names the attributes people read as its title (search_title_field)
    and as the rest (search_body_fields); the index columns follow every insert and every update of those
    attributes (the events below), so no service can forget them and a bulk insert must call index_text itself."""

    search_title_field = "title"
    search_body_fields = ("description",)
    search_title: Mapped[str] = mapped_column(Text, default="", server_default="")
    search_body: Mapped[str] = mapped_column(Text, default="", server_default="")

    def update_search_columns(self):
        """Recompute the index columns from the texts (the events call it; a bulk insert calls index_text)."""
        self.search_title = index_text(getattr(self, self.search_title_field) or "")
        self.search_body = index_text(*(getattr(self, name) or "" for name in self.search_body_fields))


def _index_new_row(_mapper, _connection, target):
    target.update_search_columns()


def _index_changed_row(_mapper, _connection, target):
    # only when a searched text changed: other updates (a state, a counter) must not load deferred long texts
    changed = inspect(target).attrs
    if any(changed[name].history.has_changes() for name in (target.search_title_field, *target.search_body_fields)):
        target.update_search_columns()


event.listen(Searchable, "before_insert", _index_new_row, propagate=True)
event.listen(Searchable, "before_update", _index_changed_row, propagate=True)


# --- the index structures ----------------------------------------------------------------------------------


def sqlite_statements(table_name):
    """FTS5 over the table's two search columns, and the triggers that keep it in step."""
    fts = f"{table_name}_fts"
    columns = "search_title, search_body"
    new = "new.search_title, new.search_body"
    old = "old.search_title, old.search_body"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content='{table_name}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table_name} BEGIN "
        f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table_name} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON {table_name} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END",
    ]


def postgresql_statements(table_name):
    """A generated tsvector (title weighted A, the rest B) and its GIN index."""
    return [
        f"ALTER TABLE {table_name} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(setweight(to_tsvector('simple', search_title), 'A') || setweight(to_tsvector('simple', search_body), 'B')) "
        "STORED",
        f"CREATE INDEX ix_{table_name}_search_vector ON {table_name} USING gin (search_vector)",
    ]


def unmodelled_names(table_name):
    """What Alembic's comparison must not report as drift for this table (not in the models on purpose)."""
    fts = f"{table_name}_fts"
    return {fts, *(f"{fts}_{part}" for part in ("data", "idx", "docsize", "config")), f"ix_{table_name}_search_vector"}


#: the searchable models and their tables, filled by index_for_search()
SEARCHED_MODELS = []
SEARCHED_TABLES = []


def index_for_search(model):
    """Give the model's table its full-text index when db.create_all() makes it (tests, `make run` uses migrations)."""
    table_name = model.__tablename__
    SEARCHED_MODELS.append(model)
    SEARCHED_TABLES.append(table_name)
    for statement in sqlite_statements(table_name):
        event.listen(model.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in postgresql_statements(table_name):
        event.listen(model.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    event.listen(model.__table__, "before_drop", DDL(f"DROP TABLE IF EXISTS {table_name}_fts").execute_if(dialect="sqlite"))
    return model


def searched_models():
    """The models of the searched tables (every Searchable model), in the order of SEARCHED_TABLES."""
    return list(SEARCHED_MODELS)


#: rows read and written per transaction by reindex(): short transactions, so the site keeps working meanwhile
REINDEX_BATCH_SIZE = 500


def reindex(model, batch_size=REINDEX_BATCH_SIZE):
    """Recompute the index columns of every row of a Searchable model from its texts: after the text analysis
    changed, rows keep the terms of the old analysis until then. Commits each batch (a long job that may be
    stopped and run again; it only ever writes what the texts say). Returns (rows read, rows whose terms changed).
    """
    read = changed = 0
    last_id = 0
    while True:
        batch = db.session.scalars(select(model).where(model.id > last_id).order_by(model.id).limit(batch_size)).all()
        if not batch:
            return read, changed
        for row in batch:
            before = (row.search_title, row.search_body)
            row.update_search_columns()  # an unchanged value is no change: only stale rows are written
            changed += (row.search_title, row.search_body) != before
        read += len(batch)
        last_id = batch[-1].id
        db.session.commit()
        db.session.expunge_all()  # the memory stays that of one batch, however big the table


def is_unmodelled(name):
    """The name is part of a full-text index (Alembic leaves it out of its comparison)."""
    return name == "search_vector" or any(name in unmodelled_names(table_name) for table_name in SEARCHED_TABLES)


# --- searching -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    """The words of a search, each as the set of index terms that match it; the last word also as a prefix."""

    text: str
    alternatives: tuple  # one frozenset of terms per word

    def __bool__(self):
        return bool(self.alternatives)

    def word_matches(self, word):
        """The word of a text (lower-case) is one of the words searched for (as analysed)."""
        if not self.alternatives:
            return False
        terms = {term(word, language) for language in LANGUAGES}
        *whole, last = self.alternatives
        if any(terms & alternatives for alternatives in whole):
            return True
        return any(candidate.startswith(prefix) for candidate in terms for prefix in last)


def parse_query(text):
    """The SearchQuery of what a person typed: at most MAX_SEARCH_WORDS words of MAX_QUERY_LENGTH characters."""
    text = " ".join((text or "").split())[:MAX_QUERY_LENGTH]
    alternatives = []
    for word in words(text)[:MAX_SEARCH_WORDS]:
        terms = frozenset(term(word, language) for language in LANGUAGES)
        if terms not in alternatives:
            alternatives.append(terms)
    return SearchQuery(text=text, alternatives=tuple(alternatives))


def sqlite_match_query(query, column=None):
    """An FTS5 query: every word required, each as any of its terms ("ezer" OR "lake"); the last as prefixes.

    Terms hold only letters and digits, and quoting makes words like AND, OR, NEAR plain words, so nothing a
    person types can change the query's meaning or break it. column: only in that column (search_title).
    """
    last = len(query.alternatives) - 1
    groups = []
    for index, alternatives in enumerate(query.alternatives):
        star = "*" if index == last else ""
        group = " OR ".join(f'"{value}"{star}' for value in sorted(alternatives))
        groups.append(f"{column} : ({group})" if column else f"({group})")
    return " AND ".join(groups)


def postgresql_tsquery(query, weight=""):
    """A tsquery for to_tsquery('simple', …) of the same meaning: (ezer | lake) & (skol:* | school:*).

    weight "A": only in the title.
    """
    last = len(query.alternatives) - 1
    groups = []
    for index, alternatives in enumerate(query.alternatives):
        suffix = f":*{weight}" if index == last else (f":{weight}" if weight else "")
        groups.append("(" + " | ".join(f"{value}{suffix}" for value in sorted(alternatives)) + ")")
    return " & ".join(groups)


def match_condition(model, query, title_only=False):
    """WHERE condition: the model's rows whose text (or title alone) holds every word of the query."""
    table_name = model.__tablename__
    if db.engine.dialect.name == "postgresql":
        tsquery = func.to_tsquery(
            literal_column("'simple'::regconfig"), literal(postgresql_tsquery(query, "A" if title_only else ""))
        )
        return literal_column(f"{table_name}.search_vector").op("@@")(tsquery)
    fts = table(f"{table_name}_fts", literal_column("rowid"))
    match = literal_column(f"{table_name}_fts").op("MATCH")(
        literal(sqlite_match_query(query, "search_title" if title_only else None))
    )
    return model.id.in_(select(fts.c.rowid).where(match))


def highlight(text, query):
    """The text, escaped, with the words the query matches in <mark>: what a result shows of why it was found."""
    if not query or not text:
        return escape(text or "")
    parts = []
    position = 0
    for found in WORD.finditer(text):
        if query.word_matches(unicodedata.normalize("NFC", found.group().lower())):
            parts.append(escape(text[position : found.start()]))
            parts.append(Markup("<mark>%s</mark>") % found.group())
            position = found.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def title_match_first(model, query):
    """ORDER BY term putting first the rows whose title (or name) holds every word of the query: 0 for them, 1 for
    the others; the list's usual order follows it."""
    return case((match_condition(model, query, title_only=True), 0), else_=1)
