"""Every "not allowed" takes one path: NotAllowed, raised by a route or a service, is audited and answered 403."""

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from tests.factories import make_idea, make_user
from tests.helpers import log_in, post_form


def refusals():
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied").order_by(AuditEntry.id)).all()


def test_a_refusal_by_a_service_is_audited_under_the_endpoint(client):
    idea = make_idea(state="published")
    resident = make_user(email="resident@example.com", language="en")
    log_in(client, resident.email)

    # No check in the route: the idea's lifecycle itself refuses a withdrawal by someone else.
    response = post_form(client, f"/ideas/{idea.id}/withdraw", token_from="/")

    assert response.status_code == 403
    assert "You do not have permission to do this." in response.get_data(as_text=True)
    assert [(entry.actor_id, entry.details) for entry in refusals()] == [
        (resident.id, {"what": "ideas.withdraw_idea", "path": f"/ideas/{idea.id}/withdraw"})
    ]


def test_a_refusal_with_a_message_shows_it_and_is_audited(client):
    person = make_user(email="new@example.com", language="en")
    log_in(client, person.email)
    person.email_confirmed_at = None  # only now: logging in needs a confirmed address
    db.session.commit()

    response = client.get("/ideas/new")

    assert response.status_code == 403
    assert "Please confirm your e-mail address before you post ideas" in response.get_data(as_text=True)
    assert [(entry.actor_id, entry.details["what"]) for entry in refusals()] == [(person.id, "ideas.new_idea")]
