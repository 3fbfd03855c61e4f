"""`flask generate-data`: made-up people and ideas in bulk, for benchmarks; never in production."""

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.ideas.list_queries import IdeaFilters, list_ideas
from app.ideas.models import Idea, IdeaState
from app.search_index import index_text, parse_query
from tests.apps import another_app, production_database_url, production_settings
from tests.helpers import count


def test_generate_data_adds_people_and_searchable_ideas(ctx):
    result = ctx.test_cli_runner().invoke(args=["generate-data", "--ideas", "300", "--users", "7", "--seed", "3"])
    db.session.expire_all()

    assert result.exit_code == 0, result.output
    assert count(User) == 7
    assert count(Idea) == 300
    assert count(Idea, Idea.state.in_(IdeaState.PUBLIC)) > 250
    sample = db.session.scalars(select(Idea).limit(20)).all()
    for idea in sample:  # indexed as the app indexes (the same terms; the generator may repeat some)
        assert set(idea.search_title.split()) == set(index_text(idea.title).split())
        assert set(idea.search_body.split()) == set(index_text(idea.summary, idea.description, idea.place).split())
    word = sample[0].title.split()[1]  # a noun of the title, e.g. "bibliotēka"
    found = [idea.id for idea in list_ideas(IdeaFilters(q=word, state="all"), per_page=50).ideas]
    assert sample[0].id in found or len(found) == 50
    (terms,) = parse_query(word).alternatives
    indexed = db.session.execute(select(Idea.search_title, Idea.search_body).where(Idea.id.in_(found))).all()
    # the word is the last (being typed), so it matches as the beginning of a term
    assert all(any(t.startswith(tuple(terms)) for t in f"{title} {body}".split()) for title, body in indexed)
    assert list_ideas(IdeaFilters(), "supported").ideas[0].support_count > 0


def test_generate_data_is_refused_in_production(ctx):
    with another_app("production", production_settings(production_database_url(ctx))) as production:
        with production.app_context():
            result = production.test_cli_runner().invoke(args=["generate-data", "--ideas", "5"])

    assert result.exit_code != 0
    assert "development and testing only" in result.output
    db.session.expire_all()
    assert count(Idea) == 0
