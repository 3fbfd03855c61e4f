"""Children through their parents: the registration form asks a first name and an age group per person (mistakes
beside the field, the text kept, never a 500); the names are seen by the parent and the activity's coordinators
only — not on any public page, feed or list, not in anyone's notifications or mail; and a 13–15-year-old is shown
to others as "Elīza S." while the coordinators read the full name."""

import re

import pytest
from sqlalchemy import select

from app.activities import registrations as registration_services
from app.activities import services as activity_services
from app.activities.models import Registration
from app.extensions import db
from app.notifications.models import Notification
from app.outbox.models import OutboxMessage
from app.timeutil import utcnow
from app.volunteering import services as volunteering_services
from tests.factories import make_activity, make_idea, make_role, make_signup, make_user
from tests.factories_children import children
from tests.helpers import client_for, html, post_form

EN = {"Accept-Language": "en"}
#: names nobody else has, so finding them anywhere means they leaked
CHILD, OTHER_CHILD = "Zeltīte", "Brencis"


@pytest.fixture
def scene(preili, aglona):
    """An open workshop of Preiļi (idea-born), its coordinator, a coordinator of Aglona, a parent, a neighbour."""
    coordinator = make_user(email="dace@example.com", display_name="Dace Koordinatore", moderates=[preili], language="en")
    idea = make_idea(author=make_user(email="author@example.com"), centre=preili, state="promoted", title="Podi dienas centram")
    return {
        "preili": preili,
        "coordinator": coordinator,
        "aglona_coordinator": make_user(email="juris@example.com", display_name="Juris", moderates=[aglona]),
        "parent": make_user(email="parent@example.com", display_name="Ilze Vecāka", language="en"),
        "neighbour": make_user(email="neighbour@example.com", display_name="Valdis Ozols", language="en"),
        "activity": make_activity(centre=preili, creator=coordinator, title="Keramikas darbnīca", capacity=4, idea_id=idea.id),
        "idea": idea,
    }


def register(client, activity, data):
    return post_form(client, f"/activities/{activity.id}/register", data, token_from=f"/activities/{activity.id}", headers=EN)


def registrations_of(user):
    db.session.expire_all()
    return db.session.scalars(select(Registration).where(Registration.user_id == user.id)).all()


def rows(*people):
    """The form's fields for the people brought: rows(("Līva", "7-9"), …)."""
    data = {}
    for number, (name, age_group) in enumerate(people):
        data[f"companions-{number}-name"] = name
        data[f"companions-{number}-age_group"] = age_group
    return data


# The form ---------------------------------------------------------------------------------------------------------


def test_a_parent_registers_two_children_by_first_name_and_age_group(client, scene):
    parent = client_for(client.application, scene["parent"])
    response = register(parent, scene["activity"], rows(("Līva", "7-9"), ("Jānis", "preschool")))  # not taking part
    assert response.status_code == 302
    (registration,) = registrations_of(scene["parent"])
    assert registration.companions == [{"name": "Līva", "age_group": "7-9"}, {"name": "Jānis", "age_group": "preschool"}]
    assert (registration.includes_self, registration.places, registration.state) == (False, 2, "registered")
    page = html(parent.get(f"/activities/{scene['activity'].id}", headers=EN))
    assert "Līva, Ages 7–9; Jānis, Pre-school (up to 6)" in page
    assert "Your registration is for 2 places." in page


TOO_LONG = "Līva" * 2500  # 10,000 characters
NINE = rows(*[(f"Bērns{n}", "7-9") for n in range(9)])


@pytest.mark.parametrize(
    ("data", "field", "message", "kept"),
    [
        (rows(("", "7-9")), "companions-0-name", "Please write the first name of this person.", 'selected value="7-9"'),
        (rows(("Līva", "")), "companions-0-age_group", "Please choose the age group of Līva.", 'value="Līva"'),
        (rows(("Līva", "toddlers")), "companions-0-age_group", "Please choose an age group from the list.", 'value="Līva"'),
        (rows(("Lī\x00va", "7-9")), "companions-0-name", "Text contains a character that cannot be saved.", 'value="Līva"'),
        (rows(("Līva", "7-9\x00")), "companions-0-age_group", "Please choose an age group from the list.", 'value="Līva"'),
        (rows((TOO_LONG, "10-12")), "companions-0-name", "Please keep a name under 40 characters.", f'value="{TOO_LONG}"'),
        (rows(("Līva\nJānis", "7-9")), "companions-0-name", "Please write this on one line.", "Līva\nJānis"),
        (NINE, "companions", "You can bring at most 8 people.", 'value="Bērns0"'),
        ({"companions-0-name": ""}, "includes_self", "Tick “I take part myself” or write the name of at least one", ""),
    ],
    ids=["age-group-without-name", "name-without-age-group", "unknown-age-group", "nul-in-name", "nul-in-age-group",
         "10000-characters", "line-break", "nine-people", "nobody"],
)  # fmt: skip
def test_mistakes_are_shown_beside_the_field_with_the_text_kept(client, scene, data, field, message, kept):
    parent = client_for(client.application, scene["parent"])
    response = register(parent, scene["activity"], data)
    assert response.status_code == 200
    page = html(response)
    assert message in page
    assert kept in page
    # the message is in the summary at the top, linked to the field, and beside the field itself
    assert f'href="#{field}"' in page
    if field.startswith("companions-"):
        assert f'id="{field}-error"' in page and f'aria-describedby="{field}-error"' in page
    assert registrations_of(scene["parent"]) == []
    assert scene["activity"].registered_count == 0


def test_the_service_refuses_more_than_eight_or_an_unknown_age_group_too(scene):
    with pytest.raises(registration_services.InvalidTransition):
        registration_services.register(scene["parent"], scene["activity"], companions=children(*"ABCDEFGHI"))
    db.session.rollback()
    with pytest.raises(registration_services.InvalidTransition):
        registration_services.register(scene["parent"], scene["activity"], companions=[{"name": "A", "age_group": "x"}])
    db.session.rollback()
    assert registrations_of(scene["parent"]) == []


def test_companions_count_as_places_and_the_next_family_waits(client, scene):
    activity = scene["activity"]  # 4 places
    parent = client_for(client.application, scene["parent"])
    assert register(parent, activity, {"includes_self": "y", **rows(("Līva", "7-9"), ("Jānis", "10-12"))}).status_code == 302
    neighbour = client_for(client.application, scene["neighbour"])
    assert register(neighbour, activity, {"includes_self": "y", **rows(("Anna", "13-15"))}).status_code == 302
    db.session.expire_all()
    assert activity.registered_count == 3
    (waiting,) = registrations_of(scene["neighbour"])
    assert (waiting.state, waiting.places) == ("waiting", 2)
    assert "1 registration on the waiting list" in html(client.get(f"/activities/{activity.id}", headers=EN))


# Who sees the names ---------------------------------------------------------------------------------------------------


@pytest.fixture
def registered_children(client, scene):
    """The parent's two children registered (one on a full activity's waiting list), shown everywhere they could leak."""
    activity = scene["activity"]
    registration_services.register(scene["parent"], activity, includes_self=True, companions=children(CHILD, OTHER_CHILD))
    full = make_activity(centre=scene["preili"], title="Pilna darbnīca", capacity=1)
    registration_services.register(scene["neighbour"], full)
    waiting = registration_services.register(scene["parent"], full, includes_self=False, companions=children(CHILD))
    db.session.commit()
    # things that notify other people: the neighbour leaves, the parent moves up; the coordinators cancel the workshop
    registration_services.cancel_registration(scene["neighbour"], registrations_of(scene["neighbour"])[0])
    db.session.commit()
    assert waiting.state == "registered"
    return {"activity": activity, "full": full}


PUBLIC_PATHS = [
    "/",
    "/activities",
    "/activities?when=past",
    "/activities/calendar",
    "/activities/{activity}",
    "/activities/{full}",
    "/activities/{activity}.ics",
    "/activities/{full}.ics",
    "/calendar.ics",
    "/centres/preili/calendar.ics",
    "/ideas",
    "/ideas/{idea}",
    "/partners",
    "/organisations",
]


def paths(scene, registered_children):
    ids = {"activity": registered_children["activity"].id, "full": registered_children["full"].id, "idea": scene["idea"].id}
    return [path.format(**ids) for path in PUBLIC_PATHS]


@pytest.mark.parametrize("who", [None, "neighbour", "aglona_coordinator"])
def test_childrens_names_are_on_no_public_page_or_feed(client, scene, registered_children, who):
    viewer = client_for(client.application, scene[who] if who else None)
    for path in paths(scene, registered_children):
        response = viewer.get(path, headers=EN)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert CHILD not in body and OTHER_CHILD not in body, path
    activity_id = registered_children["activity"].id
    for path in (f"/activities/{activity_id}/registrations", f"/activities/{activity_id}/attendance"):
        response = viewer.get(path)
        assert response.status_code in (302, 403), path  # visitors are sent to log in
        assert CHILD not in html(response)


def test_the_neighbours_own_pages_and_private_feed_have_no_names_of_others(client, scene, registered_children):
    neighbour = client_for(client.application, scene["neighbour"])
    token = activity_services.calendar_feed_token(scene["neighbour"])
    db.session.commit()
    for path in ("/me", "/me/registrations", "/me/notifications", f"/me/calendar/{token}.ics"):
        response = neighbour.get(path, headers=EN)
        assert response.status_code == 200, path
        assert CHILD not in html(response), path


def test_no_notification_or_mail_to_anyone_names_a_child(client, scene, registered_children):
    activity_services.cancel_activity(scene["coordinator"], registered_children["activity"], "Slimība")
    db.session.commit()
    texts = [n.event + repr(n.data) for n in db.session.scalars(select(Notification))]
    texts += [m.subject + m.body for m in db.session.scalars(select(OutboxMessage))]
    assert texts  # the parent and the neighbour were told things
    assert not [text for text in texts if CHILD in text or OTHER_CHILD in text]


def test_the_parent_and_the_coordinators_see_the_names_with_age_groups(client, scene, registered_children):
    activity = registered_children["activity"]
    parent = client_for(client.application, scene["parent"])
    for path in (f"/activities/{activity.id}", "/me/registrations"):
        assert f"{CHILD}, Ages 7–9; {OTHER_CHILD}, Ages 7–9" in html(parent.get(path, headers=EN)), path
    coordinator = client_for(client.application, scene["coordinator"])
    listing = html(coordinator.get(f"/activities/{activity.id}/registrations", headers=EN))
    assert "Ilze Vecāka" in listing and f"{CHILD}, Ages 7–9; {OTHER_CHILD}, Ages 7–9" in listing
    activity.starts_at = utcnow().replace(microsecond=0)  # it has started: attendance can be taken
    db.session.commit()
    attendance = html(coordinator.get(f"/activities/{activity.id}/attendance", headers=EN))
    assert f"brings {CHILD}, Ages 7–9; {OTHER_CHILD}, Ages 7–9" in attendance


# 13–15-year-olds -----------------------------------------------------------------------------------------------------


@pytest.fixture
def young_teen(scene):
    """Elīza, 14 this year, registered for the workshop and offering help on an idea and on the activity."""
    teen = make_user(email="eliza@example.com", display_name="Elīza Strautiņa", language="en")
    teen.birth_year = utcnow().year - 14
    db.session.commit()
    registration_services.register(teen, scene["activity"])
    idea = make_idea(author=scene["neighbour"], centre=scene["preili"], state="published", title="Soliņi parkā")
    idea_role = make_role(idea=idea, name="Krāsotājs", places=2)
    activity_role = make_role(activity=scene["activity"], name="Palīgs", places=2)
    volunteering_services.apply_for_role(teen, idea_role, "Varu palīdzēt")
    make_signup(activity_role, teen, "accepted", decided_by=scene["coordinator"])
    db.session.commit()
    return {"teen": teen, "idea": idea, "idea_role": idea_role, "activity_role": activity_role}


def test_others_see_a_young_teen_as_first_name_and_initial(client, scene, young_teen):
    surname = "Strautiņa"
    author = client_for(client.application, scene["neighbour"])  # the idea's author decides the sign-ups
    signups = html(author.get(f"/roles/{young_teen['idea_role'].id}/signups", headers=EN))
    assert "Elīza S." in signups and surname not in signups
    notifications = html(author.get("/me/notifications", headers=EN))
    assert "Elīza S. wants to help" in notifications and surname not in notifications
    visitor = client_for(client.application)
    for path in (f"/activities/{scene['activity'].id}", f"/ideas/{young_teen['idea'].id}"):
        assert surname not in html(visitor.get(path, headers=EN)), path


def test_the_coordinators_see_a_young_teens_full_name(client, scene, young_teen):
    coordinator = client_for(client.application, scene["coordinator"])
    activity = scene["activity"]
    listing = html(coordinator.get(f"/activities/{activity.id}/registrations", headers=EN))
    assert len(re.findall("Elīza Strautiņa", listing)) == 2  # taking part, and volunteering
    assert "Elīza Strautiņa" in html(coordinator.get(f"/roles/{young_teen['activity_role'].id}/signups", headers=EN))
    activity.starts_at = utcnow().replace(microsecond=0)
    db.session.commit()
    assert "Elīza Strautiņa" in html(coordinator.get(f"/activities/{activity.id}/attendance", headers=EN))
