"""Migration 0012 on both databases: what was written before it is found by the new (stemmed) search afterwards,
what is written after it is indexed too (on SQLite the triggers were lost by 0011's rebuild of `ideas`), and
going down restores the old search of ideas."""

from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.search_index import SEARCHED_TABLES
from tests.test_migration_0009 import NOW, run
from tests.test_migration_0011 import seed_before_0011
from tests.test_migrations import empty_database_app, keep_logging  # noqa: F401  (fixtures)


def found(table, words, title_only=False):
    """The ids of `table` whose index holds these index terms (every one), read the way each database searches."""
    if db.engine.dialect.name == "postgresql":
        weight = ":A" if title_only else ""
        query = " & ".join(f"{word}{weight}" for word in words)
        sql = f"SELECT id FROM {table} WHERE search_vector @@ to_tsquery('simple', '{query}') ORDER BY id"
    else:
        column = "search_title : " if title_only else ""
        query = " AND ".join(f'{column}"{word}"' for word in words)
        sql = f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH '{query}' ORDER BY rowid"
    return run(sql).scalars().all()


def seed_searchable_rows():
    """An idea (seeded by 0011's test), an organisation and a partner call with Latvian texts, as 0011 wrote them."""
    seed_before_0011()
    run("UPDATE ideas SET title = 'Soliņi pie ezera', description = 'Skolēniem un senioriem' WHERE id = 1")
    run("UPDATE activities SET title = 'Talka ezera krastā', place = 'Preiļu parks' WHERE id = 1")
    run(
        "INSERT INTO organisations (id, name, kind, centre_id, description, website, contact_email, contact_phone,"
        f" created_at, updated_at) VALUES (1, 'Preiļu 1. pamatskola', 'school', 1, 'Sociālā uzņēmējdarbība', '', '',"
        f" '', '{NOW}', '{NOW}')"
    )
    run(
        "INSERT INTO partner_calls (id, organisation_id, centre_id, title, description, age_groups, subjects,"
        f" contact_person, state, created_at, updated_at) VALUES (1, 1, 1, 'Meklējam partneri ekskursijai',"
        f" 'Pie ezeriem', '', '', '', 'open', '{NOW}', '{NOW}')"
    )


def test_rows_written_before_0012_are_found_by_stemmed_search_after_it_and_new_rows_are_indexed(
    empty_database_app,  # noqa: F811
):
    upgrade(revision="0011")
    seed_searchable_rows()

    upgrade(revision="0012")
    assert found("ideas", ["ezer"], title_only=True) == [1]  # "ezera" in the title
    assert found("ideas", ["skolen"]) == [1]  # "Skolēniem" in the description
    assert found("ideas", ["skolen"], title_only=True) == []
    assert found("activities", ["ezer", "preil"]) == [1]
    assert found("organisations", ["uznemejdarbib"]) == [1]
    assert found("partner_calls", ["ezer", "ekskursij"]) == [1]

    # written after the migration, with the app's index terms: the index follows (triggers / generated column)
    run(
        "UPDATE ideas SET search_title = 'jaun jauns', search_body = '' WHERE id = 1"  # as Searchable writes them
    )
    assert found("ideas", ["jaun"]) == [1]
    assert found("ideas", ["ezer"]) == []
    assert sorted(SEARCHED_TABLES) == ["activities", "ideas", "organisations", "partner_calls"]

    downgrade(revision="0011")
    assert run("SELECT search_text FROM ideas").scalar_one() == "solini pie ezera s skoleniem un senioriem"
    upgrade()
    assert found("ideas", ["ezer"], title_only=True) == [1]
    # at the newest revision too: a later batch rebuild of a table must not lose its index's triggers again
    for table in SEARCHED_TABLES:
        run(f"UPDATE {table} SET search_title = 'naujausias', search_body = ''")
        assert found(table, ["naujausias"]) == [1], table
