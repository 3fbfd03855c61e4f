"""Partnership pages: offering an organisation to an idea or activity, inviting one from a partner call, accepting,
declining and withdrawing, the partners shown on the project's page (and carried to the activity), my partnerships,
and that a representative of one school never sees or touches another school's pending offers."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.notifications.models import Notification
from app.partnerships import queries
from app.partnerships.models import PartnerCall, Partnership
from app.partnerships.services import offer_partnership
from app.promotion.services import promote_idea
from app.timeutil import utcnow
from tests.factories import make_idea, make_organisation, make_partner_call, make_user
from tests.helpers import client_for, post_form
from tests.statements import recorded_statements

EN = {"Accept-Language": "en"}
MESSAGE = "Mūsu 6. klase var palīdzēt ar šķirošanu."


@pytest.fixture
def offering_schools(preili):
    """An idea of Preiļi seeking a school partner and its author, school X (verified) and school Y with a
    representative each, the centre's moderator and a resident."""
    author = make_user(email="author@example.com", display_name="Anna Autore", language="en")
    rep_x = make_user(email="x@example.com", display_name="Ilze Skolotāja", language="en")
    rep_y = make_user(email="y@example.com", display_name="Jānis Direktors", language="en")
    return SimpleNamespace(
        centre=preili,
        author=author,
        rep_x=rep_x,
        rep_y=rep_y,
        idea=make_idea(
            author=author,
            centre=preili,
            title="Šķirosim atkritumus",
            seeking_school_partner=True,
            partner_age_groups="10-12",
            partner_subjects="environment",
        ),
        school_x=make_organisation(representative=rep_x, centre=preili, name="Preiļu 1. pamatskola", verified=True),
        school_y=make_organisation(representative=rep_y, centre=preili, name="Aglonas vidusskola"),
        moderator=make_user(email="mod@example.com", display_name="Dace Koordinatore", moderates=[preili], language="en"),
        resident=make_user(email="resident@example.com", display_name="Līga", language="en"),
    )


def text(response):
    return response.get_data(as_text=True)


def browser(client, person=None):
    """A fresh client, signed in as the person (or a visitor)."""
    return client_for(client.application, person)


def partnerships():
    db.session.expire_all()
    return db.session.scalars(select(Partnership).order_by(Partnership.id)).all()


def events_of(user):
    return db.session.scalars(select(Notification.event).where(Notification.user_id == user.id)).all()


def offer_through_page(client, offering_schools, organisation=None, message=MESSAGE):
    idea = offering_schools.idea
    return post_form(
        client,
        f"/ideas/{idea.id}/offer-partnership",
        {"organisation": (organisation or offering_schools.school_x).id, "message": message},
        token_from=f"/ideas/{idea.id}/offer-partnership",
    )


def offered_by_x(offering_schools):
    partnership = offer_partnership(offering_schools.rep_x, offering_schools.school_x, offering_schools.idea, MESSAGE)
    db.session.commit()
    return partnership


# Offer → notification → accept → shown publicly ------------------------------------------------------------------


def test_an_offer_is_answered_and_the_partner_is_shown_to_everyone(client, offering_schools):
    idea = offering_schools.idea
    rep = browser(client, offering_schools.rep_x)
    page = text(rep.get(f"/ideas/{idea.id}", headers=EN))
    assert f'href="/ideas/{idea.id}/offer-partnership"' in page and "Offer a partnership" in page
    form = text(rep.get(f"/ideas/{idea.id}/offer-partnership", headers=EN))
    assert "Preiļu 1. pamatskola" in form and "Aglonas vidusskola" not in form  # only my organisations

    response = offer_through_page(rep, offering_schools)
    assert response.status_code == 302 and response.location.endswith(f"/ideas/{idea.id}#partners")
    [partnership] = partnerships()
    assert (partnership.state, partnership.direction, partnership.message) == ("offered", "offer", MESSAGE)
    assert "partnership_offered" in events_of(offering_schools.author)
    page = text(rep.get(f"/ideas/{idea.id}", headers=EN))
    assert "Withdraw the offer" in page and "Offer a partnership" not in page  # already offered

    author = browser(client, offering_schools.author)
    page = text(author.get(f"/ideas/{idea.id}", headers=EN))
    assert "Waiting for an answer" in page and MESSAGE in page
    assert f'action="/partnerships/{partnership.id}/accept"' in page
    visitor_page = text(browser(client).get(f"/ideas/{idea.id}", headers=EN))
    assert MESSAGE not in visitor_page and "Preiļu 1. pamatskola" not in visitor_page

    response = post_form(author, f"/partnerships/{partnership.id}/accept", token_from=f"/ideas/{idea.id}")
    assert response.status_code == 302
    assert partnerships()[0].state == "accepted"
    assert "partnership_accepted" in events_of(offering_schools.rep_x)

    visitor_page = text(browser(client).get(f"/ideas/{idea.id}", headers=EN))
    assert "Preiļu 1. pamatskola" in visitor_page
    assert f'href="/organisations/{offering_schools.school_x.id}"' in visitor_page
    assert "Verified by the centre" in visitor_page
    assert MESSAGE not in visitor_page and "/accept" not in visitor_page


def test_the_author_declines_and_a_representative_withdraws(client, offering_schools):
    idea = offering_schools.idea
    partnership = offered_by_x(offering_schools)
    author = browser(client, offering_schools.author)
    assert post_form(author, f"/partnerships/{partnership.id}/decline", token_from=f"/ideas/{idea.id}").status_code == 302
    assert partnerships()[0].state == "declined"
    assert "partnership_declined" in events_of(offering_schools.rep_x)
    assert "Preiļu 1. pamatskola" not in text(browser(client).get(f"/ideas/{idea.id}"))

    rep = browser(client, offering_schools.rep_x)
    assert offer_through_page(rep, offering_schools).status_code == 302  # a declined offer may be made again
    second = partnerships()[1]
    response = post_form(rep, f"/partnerships/{second.id}/withdraw", {"next": "/me/partnerships"}, token_from=f"/ideas/{idea.id}")
    assert response.status_code == 302 and response.location.endswith("/me/partnerships")
    assert partnerships()[1].state == "withdrawn"
    assert "partnership_withdrawn" in events_of(offering_schools.author)
    # a finished partnership cannot be answered any more
    response = post_form(
        author,
        f"/partnerships/{second.id}/accept",
        token_from=f"/ideas/{idea.id}",
        headers={"Referer": f"http://localhost/ideas/{idea.id}", **EN},
        follow_redirects=True,
    )
    assert "This cannot be done any more" in text(response)
    assert partnerships()[1].state == "withdrawn"


def test_a_second_offer_of_the_same_organisation_is_already_done(client, offering_schools):
    rep = browser(client, offering_schools.rep_x)
    assert offer_through_page(rep, offering_schools).status_code == 302
    response = offer_through_page(rep, offering_schools, message="Vēlreiz")
    assert response.status_code == 302
    page = text(rep.get(response.location, headers=EN))
    assert "has already offered to be a partner here" in page
    assert len(partnerships()) == 1


def test_the_offer_form_shows_errors_next_to_the_fields(client, offering_schools):
    rep = browser(client, offering_schools.rep_x)
    response = post_form(
        rep,
        f"/ideas/{offering_schools.idea.id}/offer-partnership",
        {"organisation": offering_schools.school_y.id, "message": "x" * 2001},
        token_from=f"/ideas/{offering_schools.idea.id}/offer-partnership",
        headers=EN,
    )
    page = text(response)
    assert response.status_code == 200
    assert "Please choose an organisation from the list." in page  # school Y is not hers
    assert "Please keep the message under 2000 characters." in page
    assert partnerships() == []


def test_only_representatives_may_offer_and_only_to_projects_open_for_partners(client, offering_schools):
    resident = browser(client, offering_schools.resident)
    assert "Offer a partnership" not in text(resident.get(f"/ideas/{offering_schools.idea.id}", headers=EN))
    assert resident.get(f"/ideas/{offering_schools.idea.id}/offer-partnership").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "access.denied")) == 1
    assert browser(client).get(f"/ideas/{offering_schools.idea.id}/offer-partnership").status_code == 302  # to log in

    closed = make_idea(author=offering_schools.author, centre=offering_schools.centre, title="Bez partnera")
    rep = browser(client, offering_schools.rep_x)
    assert "Offer a partnership" not in text(rep.get(f"/ideas/{closed.id}", headers=EN))
    response = rep.get(f"/ideas/{closed.id}/offer-partnership", headers=EN)
    assert response.status_code == 302
    assert "is not looking for partners just now" in text(rep.get(response.location, headers=EN))
    draft = make_idea(author=offering_schools.author, centre=offering_schools.centre, state="draft", seeking_school_partner=True)
    assert rep.get(f"/ideas/{draft.id}/offer-partnership").status_code == 404


def test_an_offer_to_an_activity_is_decided_by_its_coordinators(client, offering_schools):
    from tests.factories import make_activity

    activity = make_activity(
        centre=offering_schools.centre,
        creator=offering_schools.moderator,
        state="planned",
        title="Talka skolā",
        seeking_school_partner=True,
    )
    rep = browser(client, offering_schools.rep_x)
    assert "Offer a partnership" in text(rep.get(f"/activities/{activity.id}", headers=EN))
    response = post_form(
        rep,
        f"/activities/{activity.id}/offer-partnership",
        {"organisation": offering_schools.school_x.id, "message": MESSAGE},
        token_from=f"/activities/{activity.id}/offer-partnership",
    )
    assert response.location.endswith(f"/activities/{activity.id}#partners")
    [partnership] = partnerships()
    assert (partnership.activity_id, partnership.idea_id) == (activity.id, None)
    assert "partnership_offered" in events_of(offering_schools.moderator)
    coordinator = browser(client, offering_schools.moderator)
    assert (
        post_form(coordinator, f"/partnerships/{partnership.id}/accept", token_from=f"/activities/{activity.id}").status_code
        == 302
    )
    assert "Preiļu 1. pamatskola" in text(browser(client).get(f"/activities/{activity.id}"))


# Invitations from a partner call ---------------------------------------------------------------------------------


def test_an_invitation_from_a_call_is_accepted_and_the_call_is_matched(client, offering_schools):
    call = make_partner_call(offering_schools.school_x)
    make_idea(author=offering_schools.author, centre=offering_schools.centre, title="Otra ideja", seeking_school_partner=True)
    author = browser(client, offering_schools.author)
    form = text(author.get(f"/partner-calls/{call.id}/invite?idea_id={offering_schools.idea.id}", headers=EN))
    assert "Šķirosim atkritumus" in form and f'selected value="idea-{offering_schools.idea.id}"' in form
    response = post_form(
        author,
        f"/partner-calls/{call.id}/invite",
        {"project": f"idea-{offering_schools.idea.id}", "message": "Nāciet talkā!"},
        token_from=f"/partner-calls/{call.id}/invite",
    )
    assert response.status_code == 302 and response.location.endswith(f"/ideas/{offering_schools.idea.id}#partners")
    [partnership] = partnerships()
    assert (partnership.direction, partnership.partner_call_id, partnership.state) == ("invitation", call.id, "offered")
    assert "partnership_invited" in events_of(offering_schools.rep_x)
    assert "Withdraw the invitation" in text(author.get(f"/ideas/{offering_schools.idea.id}", headers=EN))

    rep = browser(client, offering_schools.rep_x)
    mine = text(rep.get("/me/partnerships", headers=EN))
    assert "Waiting for your answer" in mine and "Nāciet talkā!" in mine and call.title in mine
    assert f'action="/partnerships/{partnership.id}/accept"' in mine
    assert post_form(rep, f"/partnerships/{partnership.id}/accept", token_from="/me/partnerships").status_code == 302
    assert partnerships()[0].state == "accepted"
    assert db.session.get(PartnerCall, call.id).state == "matched"
    assert "partnership_accepted" in events_of(offering_schools.author)


def test_only_the_projects_people_may_invite(client, offering_schools):
    call = make_partner_call(offering_schools.school_x)
    resident = browser(client, offering_schools.resident)
    assert resident.get(f"/partner-calls/{call.id}/invite").status_code == 403
    assert browser(client, offering_schools.author).get("/partner-calls/999999/invite").status_code == 404
    closed = make_partner_call(offering_schools.school_x, title="Slēgts", state="closed")
    response = browser(client, offering_schools.author).get(f"/partner-calls/{closed.id}/invite")
    assert response.status_code == 302 and response.location.endswith(f"/partner-calls/{closed.id}")
    assert partnerships() == []


# One school never sees or touches another school's pending offers ----------------------------------------------


def test_a_representative_of_another_school_cannot_see_or_touch_the_offer(client, offering_schools):
    partnership = offered_by_x(offering_schools)
    other = browser(client, offering_schools.rep_y)
    for action in ("accept", "decline", "withdraw"):
        assert post_form(other, f"/partnerships/{partnership.id}/{action}", token_from="/me/partnerships").status_code == 404
    page = text(other.get(f"/ideas/{offering_schools.idea.id}", headers=EN))
    assert "Preiļu 1. pamatskola" not in page and MESSAGE not in page
    assert "Offer a partnership" in page  # school Y may still offer itself
    assert "Preiļu 1. pamatskola" not in text(other.get("/me/partnerships", headers=EN))
    assert browser(client, offering_schools.resident).post(f"/partnerships/{partnership.id}/accept").status_code in (400, 404)

    # the proposer may not decide their own offer; once accepted, the other school may see but not withdraw it
    rep = browser(client, offering_schools.rep_x)
    assert post_form(rep, f"/partnerships/{partnership.id}/accept", token_from="/me/partnerships").status_code == 403
    post_form(browser(client, offering_schools.author), f"/partnerships/{partnership.id}/accept", token_from="/me/partnerships")
    assert post_form(other, f"/partnerships/{partnership.id}/withdraw", token_from="/me/partnerships").status_code == 403
    assert partnerships()[0].state == "accepted"
    denied = db.session.scalars(select(AuditEntry.details).where(AuditEntry.action == "access.denied")).all()
    assert {entry["what"] for entry in denied} == {"partnerships.accept", "partnerships.withdraw"}


# Promotion, my partnerships, cost -------------------------------------------------------------------------------


def test_promotion_carries_the_accepted_partner_to_the_activity_page(client, offering_schools):
    partnership = offered_by_x(offering_schools)
    post_form(browser(client, offering_schools.author), f"/partnerships/{partnership.id}/accept", token_from="/me/partnerships")
    starts_at = (utcnow() + timedelta(days=10)).replace(second=0, microsecond=0)
    activity = promote_idea(
        db.session.merge(offering_schools.moderator),
        db.session.merge(offering_schools.idea),
        title="Šķirošanas talka",
        description="Kopā ar skolu.",
        place="Skolas pagalms",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        leader_name="Dace",
        capacity=30,
    )
    db.session.commit()
    page = text(browser(client).get(f"/activities/{activity.id}", headers=EN))
    assert "Partners" in page and "Preiļu 1. pamatskola" in page
    assert f'href="/organisations/{offering_schools.school_x.id}"' in page
    assert partnerships()[0].activity_id == activity.id


def test_my_partnerships_lists_those_waiting_for_me_first(client, offering_schools):
    accepted = offer_partnership(offering_schools.rep_y, offering_schools.school_y, offering_schools.idea, "Arī mēs")
    db.session.commit()
    post_form(browser(client, offering_schools.author), f"/partnerships/{accepted.id}/accept", token_from="/me/partnerships")
    offered_by_x(offering_schools)
    page = text(browser(client, offering_schools.author).get("/me/partnerships", headers=EN))
    assert page.index("Waiting for your answer") < page.index("Preiļu 1. pamatskola")
    assert page.index("Preiļu 1. pamatskola") < page.index("Partners and earlier answers")
    assert page.index("Partners and earlier answers") < page.index("Aglonas vidusskola")
    # the representative sees their own offer among those waiting for the other side, with a withdraw button
    page = text(browser(client, offering_schools.rep_x).get("/me/partnerships", headers=EN))
    assert "Waiting for the other side" in page and "Withdraw the offer" in page
    assert "Aglonas vidusskola" not in page
    assert "Nothing here yet" in text(browser(client, offering_schools.resident).get("/me/partnerships", headers=EN))


@pytest.mark.parametrize("who", ["visitor", "resident", "author", "rep_x", "moderator"])
def test_the_project_partners_cost_at_most_two_statements(ctx, offering_schools, who):
    offered_by_x(offering_schools)
    offer_partnership(offering_schools.rep_y, offering_schools.school_y, offering_schools.idea, "Arī mēs")
    db.session.commit()
    with ctx.test_request_context():
        viewer = None
        if who != "visitor":
            viewer = db.session.get(type(offering_schools.author), getattr(offering_schools, who).id)
            viewer.moderated_centres  # noqa: B018 (the user loader loads these with the person)
        else:
            from flask_login import AnonymousUserMixin

            viewer = AnonymousUserMixin()
        offering_schools.idea.title  # noqa: B018 (the page has loaded the idea already)
        with recorded_statements() as statements:
            found = queries.project_partnerships(offering_schools.idea, viewer)
    assert len(statements) <= 2, statements
    names = {row.partnership.organisation.name for row in found.pending}
    expected = {
        "visitor": set(),
        "resident": set(),
        "author": {"Preiļu 1. pamatskola", "Aglonas vidusskola"},
        "moderator": {"Preiļu 1. pamatskola", "Aglonas vidusskola"},
        "rep_x": {"Preiļu 1. pamatskola"},
    }
    assert names == expected[who]
