"""Issue 12's "done when", as a parent does it through the pages: two children registered for a workshop without
accounts of their own, a download of everything Kopiena holds about the family, then the account deleted — nothing
personal is left in any table, while the workshops' history and figures stay."""

import io
import json
import zipfile

from sqlalchemy import select

from app.activities.models import Activity, Registration, RegistrationState
from app.extensions import db
from app.privacy.models import DataExport
from tests.factories import PASSWORD, make_activity, make_registration, make_user
from tests.factories_children import children
from tests.helpers import client_for, log_in, post_form
from tests.privacy_scene import where_found

PARENT_NAME = "Rūta Kalnāja-Priedīte"
PARENT_EMAIL = "ruta.family.q42@example.lv"
CHILDREN = ("Mārtiņš-Q42", "Laura-Q42")
EARLIER_CHILD = "Pēteris-Q42"


def registered_family(client, workshop):
    """The parent registers two children (not taking part herself) through the activity's form."""
    data = {
        "companions-0-name": CHILDREN[0],
        "companions-0-age_group": "7-9",
        "companions-1-name": CHILDREN[1],
        "companions-1-age_group": "preschool",
    }
    return post_form(client, f"/activities/{workshop.id}/register", data, token_from=f"/activities/{workshop.id}")


def downloaded_data(client):
    """Prepare the download with the password and return its data.json."""
    assert post_form(client, "/me/data", {"password": PASSWORD}, token_from="/me/data").status_code == 302
    export = db.session.scalar(select(DataExport))
    response = client.get(f"/me/data/{export.id}/download")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return json.loads(archive.read("data.json"))


def test_a_parent_registers_two_children_downloads_the_familys_data_and_deletes_the_account(client, preili, tmp_path):
    client.application.config["EXPORT_FOLDER"] = str(tmp_path / "exports")
    parent = make_user(email=PARENT_EMAIL, display_name=PARENT_NAME, home_centre=preili)
    workshop = make_activity(centre=preili, title="Keramikas darbnīca ģimenēm", capacity=3)
    waiting = make_registration(make_activity(centre=preili, capacity=1), make_user())  # another family elsewhere
    held = make_activity(centre=preili, title="Talka pie ezera", state="completed", starts_in_days=-20)
    earlier = make_registration(held, parent, state=RegistrationState.ATTENDED, companions=children(EARLIER_CHILD))
    make_registration(workshop, make_user(), state=RegistrationState.REGISTERED)  # 1 place taken
    db.session.commit()

    log_in(client, PARENT_EMAIL)
    assert registered_family(client, workshop).status_code == 302
    assert db.session.get(Activity, workshop.id).registered_count == 3  # full: the neighbour and two children
    late_person = make_user(email="late.q42@example.lv")
    late = client_for(client.application, late_person)
    post_form(late, f"/activities/{workshop.id}/register", {"includes_self": "y"}, token_from=f"/activities/{workshop.id}")
    late_registration = db.session.scalar(select(Registration).where(Registration.user_id == late_person.id))
    assert late_registration.state == RegistrationState.WAITING

    data = downloaded_data(client)
    assert data["person"]["display_name"] == PARENT_NAME and data["person"]["email"] == PARENT_EMAIL
    brought = [companion for registration in data["registrations"] for companion in registration["companions"]]
    assert {"name": CHILDREN[0], "age_group": "7-9"} in brought and {"name": CHILDREN[1], "age_group": "preschool"} in brought
    assert {"name": EARLIER_CHILD, "age_group": "7-9"} in brought

    personal = (PARENT_NAME, PARENT_EMAIL, *CHILDREN, EARLIER_CHILD)
    assert set(where_found(personal)) == set(personal)  # the scan finds each while the account is there
    response = post_form(client, "/me/delete", {"password": PASSWORD, "confirm": "y"}, token_from="/me/delete")
    assert response.status_code == 302

    assert where_found(personal) == {}
    db.session.expire_all()
    # the workshop ahead: the children's places are free again and the first in line moved up
    assert db.session.get(Registration, late_registration.id).state == RegistrationState.REGISTERED
    assert db.session.get(Activity, workshop.id).registered_count == 2
    # the one that took place keeps its figures: the attendance, the places, the child's age group
    kept = db.session.get(Registration, earlier.id)
    assert (kept.state, kept.places, kept.companions) == (RegistrationState.ATTENDED, 2, [{"name": "", "age_group": "7-9"}])
    assert db.session.get(Activity, held.id).registered_count == 2
    assert client.get(f"/activities/{held.id}").status_code == 200
    assert db.session.get(Registration, waiting.id).state == RegistrationState.REGISTERED  # others untouched
    # and the account is gone for good
    again = post_form(client, "/login", {"email": PARENT_EMAIL, "password": PASSWORD}, token_from="/login")
    assert again.status_code == 200 and "/logout" not in again.get_data(as_text=True)
