"""`flask reindex-search`: rows whose search terms are stale (made by an older text analysis) are found again
after it, in every searchable table, on both databases; rows already right are left alone."""

import pytest
from sqlalchemy import select, update

from app.activities.models import Activity
from app.extensions import db
from app.ideas.list_queries import IdeaFilters, list_ideas
from app.ideas.models import Idea
from app.organisations.models import Organisation
from app.partnerships.models import PartnerCall
from app.search_index import SEARCHED_TABLES, match_condition, parse_query, searched_models
from tests.factories import make_activity, make_idea, make_organisation, make_partner_call

#: what an older analysis might have left: the words as written, no stems
STALE = {"search_title": "pie ezera", "search_body": "ezera krasts"}
#: found only through the stem "ezer" ("ezeriem" is not the last word, so it is no prefix of "ezera")
SEARCH = "ezeriem krasts"


@pytest.fixture
def run(ctx):
    """Run a flask command as `flask …` would; its output."""
    runner = ctx.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=list(args))
        db.session.expire_all()
        assert result.exit_code == 0, result.output
        return result.output

    return invoke


def found(model, text):
    """The ids of the model's rows the search finds (whatever their state: the index is what is tested)."""
    return set(db.session.scalars(select(model.id).where(match_condition(model, parse_query(text)))))


@pytest.fixture
def lake_rows(ctx):
    """An idea, an activity, an organisation and a partner call about the lake, each with stale search terms,
    and one fresh idea (its terms already right)."""
    organisation = make_organisation(name="Ezera biedrība", description="Ezera krasts.")
    rows = {
        Idea: make_idea(title="Laipa pie ezera", description="Ezera krasts."),
        Activity: make_activity(title="Talka pie ezera", description="Ezera krasts."),
        Organisation: organisation,
        PartnerCall: make_partner_call(organisation, title="Projekts par ezera putniem", description="Ezera krasts."),
    }
    fresh = make_idea(title="Peldvieta pie ezera", description="Ezera krasts.")
    ids = {model: row.id for model, row in rows.items()}
    for model, row_id in ids.items():
        db.session.execute(update(model).where(model.id == row_id).values(**STALE))
    db.session.commit()
    return ids, fresh.id


def test_the_four_searched_tables_are_reindexed():
    assert [model.__tablename__ for model in searched_models()] == SEARCHED_TABLES
    assert set(searched_models()) == {Idea, Activity, Organisation, PartnerCall}


def test_rows_with_stale_terms_are_found_after_the_command(run, lake_rows):
    ids, fresh_id = lake_rows
    assert [idea.id for idea in list_ideas(IdeaFilters(q=SEARCH)).ideas] == [fresh_id]  # what people saw
    for model in ids:
        assert found(model, SEARCH) <= {fresh_id}

    output = run("reindex-search", "--batch-size", "1")

    assert {idea.id for idea in list_ideas(IdeaFilters(q=SEARCH)).ideas} == {ids[Idea], fresh_id}
    for model, row_id in ids.items():
        assert row_id in found(model, SEARCH), model
    assert "ideas: 2 row(s) read, 1 reindexed" in output  # the fresh idea was already right
    for table in ("activities", "organisations", "partner_calls"):
        assert f"{table}: 1 row(s) read, 1 reindexed" in output


def test_a_second_run_changes_nothing(run, lake_rows):
    run("reindex-search")

    output = run("reindex-search")

    assert output.count(", 0 reindexed") == len(SEARCHED_TABLES)


def test_a_batch_size_below_one_is_refused(ctx):
    result = ctx.test_cli_runner().invoke(args=["reindex-search", "--batch-size", "0"])

    assert result.exit_code != 0
    assert "--batch-size" in result.output
