"""Full-text search structures that SQLAlchemy's models cannot describe.

SQLite: an FTS5 table over ideas.search_text, kept in step by triggers.
PostgreSQL: a generated tsvector column with a GIN index.
search_text is already lower-cased and stripped of diacritics (see ideas/search.py), so both find
"ēdnīca" as "ednica" and the other way round. The first migration that created them holds a frozen
copy of these statements; these are for db.create_all() (tests) and must stay the same.
"""

from sqlalchemy import DDL, event

from app.ideas.models import Idea

SQLITE_STATEMENTS = [
    "CREATE VIRTUAL TABLE ideas_fts USING fts5(search_text, content='ideas', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas BEGIN "
    "INSERT INTO ideas_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas BEGIN "
    "INSERT INTO ideas_fts(ideas_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER ideas_fts_update AFTER UPDATE OF search_text ON ideas BEGIN "
    "INSERT INTO ideas_fts(ideas_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO ideas_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
POSTGRESQL_STATEMENTS = [
    "ALTER TABLE ideas ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX ix_ideas_search_vector ON ideas USING gin (search_vector)",
]
#: what Alembic's comparison must not report as drift (it is not in the models on purpose)
UNMODELLED_NAMES = {
    "ideas_fts",
    "ideas_fts_data",
    "ideas_fts_idx",
    "ideas_fts_docsize",
    "ideas_fts_config",
    "search_vector",
    "ix_ideas_search_vector",
}

for statement in SQLITE_STATEMENTS:
    event.listen(Idea.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in POSTGRESQL_STATEMENTS:
    event.listen(Idea.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))
event.listen(Idea.__table__, "before_drop", DDL("DROP TABLE IF EXISTS ideas_fts").execute_if(dialect="sqlite"))
