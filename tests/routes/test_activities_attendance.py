"""The pages after an activity: recording who came (participants and volunteers' hours, in one form), the outcome
report with its photos, the photo address, and the report as the activity page shows it (_outcome.html)."""

import html as html_module
import os
import re
from datetime import timedelta
from io import BytesIO

import pytest
from flask import render_template_string
from PIL import Image
from sqlalchemy import select

from app.activities import registrations as registration_services
from app.activities.models import ActivityPhoto, Registration
from app.activities.outcome import outcome_figures
from app.activities.photos import MAX_PHOTOS
from app.audit.models import AuditEntry
from app.extensions import db
from app.notifications.models import Notification
from app.volunteering.models import SignUp
from tests.factories import make_activity, make_activity_photo, make_role, make_signup, make_user
from tests.factories_children import children
from tests.helpers import client_for, csrf_token, post_form, signed_in
from tests.statements import recorded_statements

EN = {"Accept-Language": "en"}
GPS_IFD = 0x8825


@pytest.fixture
def started_activity(preili, aglona):
    """An activity that started yesterday: three registrations (one brings two children) and a volunteer."""
    moderator = make_user(email="mod@example.com", display_name="Dace Vadītāja", moderates=[preili], language="en")
    activity = make_activity(centre=preili, creator=moderator, state="open", starts_in_days=2, hours=3, title="Puķu podi")
    people = [
        make_user(email=f"p{number}@example.com", display_name=name, language="en")
        for number, name in enumerate(("Anna Ozola", "Brencis Kalns", "Cilda Upe"))
    ]
    registrations = [
        registration_services.register(people[0], activity, companions=children("Marta", "Jānis")),
        registration_services.register(people[1], activity),
        registration_services.register(people[2], activity),
    ]
    volunteer = make_user(email="volunteer@example.com", display_name="Valdis Palīgs", language="en")
    role = make_role(activity=activity, name="Podu apgleznotājs", places=3)
    signup = make_signup(role, volunteer, "accepted", decided_by=moderator)
    activity.starts_at -= timedelta(days=3)  # the activity started yesterday
    activity.ends_at -= timedelta(days=3)
    db.session.commit()
    return {
        "centre": preili,
        "activity": activity,
        "moderator": moderator,
        "people": people,
        "registrations": registrations,
        "volunteer": volunteer,
        "role": role,
        "signup": signup,
        "resident": make_user(email="resident@example.com", display_name="Līga", language="en"),
        "other_moderator": make_user(email="other@example.com", display_name="Jānis", moderates=[aglona], language="en"),
    }


def text(response):
    return response.get_data(as_text=True)


def field_error(page, field_id):
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""


def attendance_form(started_activity, came=(), volunteer_came=True, hours="2.5"):
    """The form as the page sends it: every row listed, the given registrations (indexes) ticked."""
    registrations, signup = started_activity["registrations"], started_activity["signup"]
    data = {
        "registration": [str(registration.id) for registration in registrations],
        "signup": [str(signup.id)],
        f"hours-s-{signup.id}": hours,
    }
    for index in came:
        data[f"came-r-{registrations[index].id}"] = "y"
    if volunteer_came:
        data[f"came-s-{signup.id}"] = "y"
    return data


def states():
    db.session.expire_all()
    registrations = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    return [registration.state for registration in registrations]


def post_attendance(client, started_activity, data):
    path = f"/activities/{started_activity['activity'].id}/attendance"
    return post_form(client, path, data, token_from=path, headers=EN)


def jpeg_bytes(size=(800, 600), colour=(30, 120, 60)):
    image = Image.new("RGB", size, colour)
    out = BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def camera_photo_with_gps():
    image = Image.new("RGB", (400, 200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Model X"
    exif[GPS_IFD] = {1: "N", 2: (56.0, 17.0, 39.0), 3: "E", 4: (26.0, 43.0, 28.0)}
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def completed(started_activity):
    started_activity["activity"].state = "completed"
    db.session.commit()
    return started_activity["activity"]


def post_photo(client, activity, content, name="pots.jpg", caption="Bērni apglezno puķu podus", consent="y"):
    path = f"/activities/{activity.id}/outcome"
    data = {"action": "photo", "caption": caption, "photo": (BytesIO(content), name), "csrf_token": csrf_token(client, path)}
    if consent:
        data["consent"] = consent  # the coordinator ticks that the people shown agreed
    return client.post(path, data=data, content_type="multipart/form-data", headers=EN)


def photos():
    db.session.expire_all()
    return db.session.scalars(select(ActivityPhoto).order_by(ActivityPhoto.id)).all()


def render_outcome_partial(app, activity, user=None):
    """The partial as the activity page includes it (with the viewer as current_user)."""
    from flask_login import AnonymousUserMixin

    with app.test_request_context(headers=EN):
        return render_template_string(
            '{% include "activities/_outcome.html" %}', activity=activity, current_user=user or AnonymousUserMixin()
        )


# --- attendance: who may -------------------------------------------------------------------------------------


def test_the_attendance_page_is_for_the_centres_coordinators(client, started_activity):
    path = f"/activities/{started_activity['activity'].id}/attendance"
    assert client.get(path).status_code == 302  # to the login page
    for who in ("resident", "other_moderator"):
        other = client_for(client.application, started_activity[who])
        assert other.get(path).status_code == 403
        assert other.post(path, data={"csrf_token": csrf_token(other, "/")}).status_code == 403
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
    signed_in(client, started_activity["moderator"])
    assert client.get("/activities/99999/attendance").status_code == 404
    response = client.get(path, headers=EN)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert "Anna Ozola" in page and "brings Marta, Ages 7–9; Jānis, Ages 7–9" in page and "3 places" in page
    assert "Valdis Palīgs" in page and "Podu apgleznotājs" in page
    # the volunteer's hours are offered from the activity's length (3 h), as a number field
    assert re.search(rf'name="hours-s-{started_activity["signup"].id}" value="3" step="0.5" min="0" max="24"', page)


def test_before_the_start_attendance_cannot_be_recorded(client, started_activity):
    activity = started_activity["activity"]
    activity.starts_at += timedelta(days=3)
    activity.ends_at += timedelta(days=3)
    db.session.commit()
    signed_in(client, started_activity["moderator"])
    response = client.get(f"/activities/{activity.id}/attendance", headers=EN)
    assert response.status_code == 403 and "once the activity has started" in text(response)
    path = f"/activities/{activity.id}/attendance"
    assert (
        client.post(path, data=attendance_form(started_activity, came=(0,)) | {"csrf_token": csrf_token(client, "/")}).status_code
        == 403
    )
    assert states() == ["registered"] * 3


# --- attendance: recording ---------------------------------------------------------------------------------------


def test_ticking_who_came_records_every_row_and_the_volunteers_hours(client, started_activity):
    signed_in(client, started_activity["moderator"])
    response = post_attendance(client, started_activity, attendance_form(started_activity, came=(0, 2), hours="2,5"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/activities/{started_activity['activity'].id}/attendance")
    assert states() == ["attended", "no_show", "attended"]
    signup = db.session.get(SignUp, started_activity["signup"].id)
    assert (signup.state, signup.minutes, signup.attendance_by_id) == ("attended", 150, started_activity["moderator"].id)
    [notification] = db.session.scalars(
        select(Notification).where(Notification.user_id == started_activity["volunteer"].id)
    ).all()
    assert notification.event == "hours_recorded" and notification.data["hours"] == 2.5

    page = text(client.get(response.headers["Location"], headers=EN))
    assert "Attendance saved" in page
    registrations = started_activity["registrations"]
    assert f'id="came-r-{registrations[0].id}" name="came-r-{registrations[0].id}" value="y" checked' in page
    assert f'name="came-r-{registrations[1].id}" value="y">' in page  # not ticked
    assert f'name="hours-s-{started_activity["signup"].id}" value="2.5"' in page

    # a correction: Brencis came after all, the volunteer did not
    post_attendance(client, started_activity, attendance_form(started_activity, came=(0, 1, 2), volunteer_came=False))
    assert states() == ["attended", "attended", "attended"]
    signup = db.session.get(SignUp, started_activity["signup"].id)
    assert (signup.state, signup.minutes) == ("no_show", None)
    figures = outcome_figures(started_activity["activity"])
    assert (figures.participants, figures.volunteers, figures.volunteer_hours) == (5, 0, 0)


@pytest.mark.parametrize("hours", ["25", "-1", "abc", "", "nan"])
def test_bad_hours_are_shown_next_to_the_field_and_nothing_is_saved(client, started_activity, hours):
    signed_in(client, started_activity["moderator"])
    response = post_attendance(client, started_activity, attendance_form(started_activity, came=(0, 1), hours=hours))
    assert response.status_code == 200
    page = text(response)
    field_id = f"hours-s-{started_activity['signup'].id}"
    assert field_error(page, field_id).startswith("Please give the hours")
    assert f'name="{field_id}" value="{hours}"' in page  # what was typed stays
    registrations = started_activity["registrations"]
    assert f'name="came-r-{registrations[0].id}" value="y" checked' in page  # the ticks stay too
    assert "Nothing was saved yet" in page
    assert states() == ["registered"] * 3
    assert db.session.get(SignUp, started_activity["signup"].id).state == "accepted"
    assert not db.session.scalars(select(Notification).where(Notification.event == "hours_recorded")).all()


def test_rows_of_another_activity_in_the_form_are_ignored(client, started_activity):
    stranger = make_user(email="stranger@example.com")
    other = make_activity(centre=started_activity["centre"], state="open", starts_in_days=2)
    foreign = registration_services.register(stranger, other)
    db.session.commit()
    signed_in(client, started_activity["moderator"])
    data = attendance_form(started_activity, came=(0,))
    data["registration"].append(str(foreign.id))
    data[f"came-r-{foreign.id}"] = "y"
    data["registration"].append("not-a-number")
    assert post_attendance(client, started_activity, data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, foreign.id).state == "registered"
    assert states()[:3] == ["attended", "no_show", "no_show"]


def test_rows_the_page_did_not_show_are_left_as_they_are(client, started_activity):
    signed_in(client, started_activity["moderator"])
    data = attendance_form(started_activity, came=(0,))
    data["registration"] = [str(started_activity["registrations"][0].id)]  # the page was opened before the others registered
    post_attendance(client, started_activity, data)
    assert states() == ["attended", "registered", "registered"]


# --- the outcome report and its photos ------------------------------------------------------------------------


def test_the_outcome_page_is_for_coordinators_of_a_completed_activity(client, started_activity):
    activity = started_activity["activity"]
    path = f"/activities/{activity.id}/outcome"
    signed_in(client, started_activity["moderator"])
    assert client.get(path).status_code == 403  # not marked as held yet
    completed(started_activity)
    assert client.get(path).status_code == 200
    assert client.get("/activities/99999/outcome").status_code == 404
    other = client_for(client.application, started_activity["other_moderator"])
    assert other.get(path).status_code == 403


def test_the_outcome_is_saved_and_shown_with_the_figures(app, client, started_activity):
    activity = completed(started_activity)
    signed_in(client, started_activity["moderator"])
    post_attendance(client, started_activity, attendance_form(started_activity, came=(0, 1), hours="4"))
    path = f"/activities/{activity.id}/outcome"
    page = text(client.get(path, headers=EN))
    assert "40 flower pots went to the day-care centre" in page  # the hint
    response = post_form(
        client,
        path,
        {"action": "outcome", "outcome": "**40 puķu podi** aizceļoja uz dienas centru.<script>x</script>"},
        token_from=path,
        headers=EN,
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert activity.outcome.startswith("**40 puķu podi**")
    assert "The report is saved." in text(client.get(path, headers=EN))

    partial = render_outcome_partial(app, db.session.get(type(activity), activity.id))
    assert "What came of it" in partial
    assert "<strong>40 puķu podi</strong>" in partial and "<script>" not in partial
    assert "4 people took part" in partial  # Anna with two children, and Brencis
    assert "1 volunteer gave 4 hours" in partial
    assert "Write the report" not in partial  # a visitor
    with_coordinator = render_outcome_partial(
        app,
        db.session.get(type(activity), activity.id),
        db.session.get(type(started_activity["moderator"]), started_activity["moderator"].id),
    )
    assert f"/activities/{activity.id}/outcome" in with_coordinator


def test_outcome_figures_take_one_statement(app, started_activity):
    activity = started_activity["activity"]
    assert activity.title  # loaded before counting
    with recorded_statements() as statements:
        figures = outcome_figures(activity)
    assert (figures.participants, figures.volunteers, figures.volunteer_hours) == (0, 0, 0)
    assert len([statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]) == 1


def test_a_photo_is_re_encoded_served_and_removed(client, started_activity, uploads):
    activity = completed(started_activity)
    signed_in(client, started_activity["moderator"])
    response = post_photo(client, activity, camera_photo_with_gps())
    assert response.status_code == 302
    [photo] = photos()
    photo_id = photo.id
    assert photo.caption == "Bērni apglezno puķu podus" and re.fullmatch(r"[0-9a-f]{32}\.jpg", photo.image_name)
    assert os.listdir(uploads) == [photo.image_name]
    with Image.open(uploads / photo.image_name) as stored:
        assert stored.format == "JPEG" and dict(stored.getexif()) == {} and "exif" not in stored.info

    visitor = client.application.test_client()
    served = visitor.get(f"/activity-photos/{photo.id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert visitor.get("/activity-photos/99999").status_code == 404
    page = text(client.get(f"/activities/{activity.id}/outcome", headers=EN))
    assert f'src="/activity-photos/{photo.id}" alt="Bērni apglezno puķu podus"' in page

    # only coordinators remove photos, with the form's token
    signed_in(visitor, started_activity["resident"])
    assert post_form(visitor, f"/activity-photos/{photo.id}/delete", token_from="/").status_code == 403
    assert len(photos()) == 1
    response = post_form(client, f"/activity-photos/{photo.id}/delete", token_from=f"/activities/{activity.id}/outcome")
    assert response.status_code == 302
    assert photos() == [] and os.listdir(uploads) == []
    assert visitor.get(f"/activity-photos/{photo_id}").status_code == 404


@pytest.mark.parametrize(
    "name, content",
    [
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_next_to_the_field(client, started_activity, uploads, name, content):
    activity = completed(started_activity)
    signed_in(client, started_activity["moderator"])
    response = post_photo(client, activity, content, name=name)
    assert response.status_code == 200
    assert field_error(text(response), "photo").startswith("This file is not a picture we can use")
    assert photos() == [] and not (uploads.exists() and os.listdir(uploads))


def test_a_photo_needs_a_caption_and_a_file(client, started_activity, uploads):
    activity = completed(started_activity)
    signed_in(client, started_activity["moderator"])
    response = post_photo(client, activity, jpeg_bytes(), caption="  ")
    assert field_error(text(response), "caption") == "Please write what the photo shows."
    path = f"/activities/{activity.id}/outcome"
    response = client.post(
        path,
        data={"action": "photo", "caption": "Podi", "csrf_token": csrf_token(client, path)},
        content_type="multipart/form-data",
        headers=EN,
    )
    assert field_error(text(response), "photo") == "Please choose a photo."
    assert photos() == [] and not (uploads.exists() and os.listdir(uploads))


def test_at_most_twelve_photos(client, started_activity, uploads):
    activity = completed(started_activity)
    for number in range(MAX_PHOTOS):
        make_activity_photo(activity, image_name=f"{number:032x}.jpg", caption="Podi")
    signed_in(client, started_activity["moderator"])
    page = text(client.get(f"/activities/{activity.id}/outcome", headers=EN))
    assert "the most it can have" in page and 'name="photo"' not in page
    response = post_photo(client, activity, jpeg_bytes())
    assert response.status_code == 200
    assert "at most 12 photos" in field_error(text(response), "photo")
    assert len(photos()) == MAX_PHOTOS and not (uploads.exists() and os.listdir(uploads))
