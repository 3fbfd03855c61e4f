"""A person with data in every area Kopiena keeps, marked with distinctive strings, and the people around them.

Used by the tests of the download (tests/routes/test_privacy_export.py) and of deleting the account
(tests/services/test_privacy_deletion.py): the strings must all be in the download, and none of them anywhere in
the database once the account is deleted. OTHERS are other people's personal data: never in Zelmīra's download.
"""

import json
from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import User
from app.activities.models import Activity, Registration
from app.comments.models import Comment
from app.extensions import db
from app.ideas.models import Idea
from app.volunteering.models import SignUp
from tests.factories import (
    make_activity,
    make_calendar_feed,
    make_category,
    make_centre,
    make_comment,
    make_comment_report,
    make_follow,
    make_idea,
    make_idea_event,
    make_notification,
    make_organisation,
    make_partner_call,
    make_partnership,
    make_password_reset,
    make_registration,
    make_representative,
    make_role,
    make_signup,
    make_support,
    make_user,
)
from tests.factories_actcomments import make_activity_comment
from tests.factories_ideareports import make_idea_report
from tests.factories_mydata import make_audit_entry, make_consent, make_outbox_message, make_session

NAME = "Zelmīra Testiņa-Ozola"
EMAIL = "zelmira.xq731@example.lv"
ABOUT = "Audzēju tomātus XQ-ABOUT-731"
SKILLS = "keramika XQ-SKILL-731"
INTERESTS = "dārzi XQ-INTEREST-731"
CHILD = "Kārlēns-XQ731"
SECOND_CHILD = "Elīza-XQ731"
SIGNUP_MESSAGE = "Varu palīdzēt sestdienās XQ-MSG-731"
PAST_SIGNUP_MESSAGE = "Atnākšu ar savu lāpstu XQ-MSG2-731"
REPRESENTATIVE_MESSAGE = "klases audzinātāja XQ-REP-731"
USER_AGENT = "XQ-Browser/7.31 (Zelmīras planšete)"
IP_ADDRESS = "203.0.113.77"
MAIL_BODY = "Sveika, Zelmīra! Tava parole XQ-MAIL-731"
SENT_MAIL_BODY = "Paldies par reģistrāciju XQ-SENT-731"
#: every string that names or describes Zelmīra (the e-mail also stands in an audit entry's details)
PERSONAL = (NAME, EMAIL, ABOUT, SKILLS, INTERESTS, CHILD, SECOND_CHILD, SIGNUP_MESSAGE, PAST_SIGNUP_MESSAGE)
PERSONAL += (REPRESENTATIVE_MESSAGE, USER_AGENT, IP_ADDRESS, MAIL_BODY, SENT_MAIL_BODY)

#: what Zelmīra wrote: it stays after she deletes her account
IDEA_TITLE = "Puķu dobes pie bibliotēkas XQ-IDEA-731"
COMMENT_BODY = "Lieliska doma, piedalos! XQ-COMMENT-731"
ACTIVITY_COMMENT_BODY = "Paldies par talku! XQ-ACTCOMMENT-731"

OTHER_NAME = "Otto Citsvārds"
OTHER_EMAIL = "otto.xq@example.lv"
OTHER_CHILD = "Otīlija-Cita"
OTHER_COMMENT = "Otto komentārs XQ-OTTO"
OTHERS = (OTHER_NAME, OTHER_EMAIL, OTHER_CHILD, OTHER_COMMENT, "203.0.113.99")


@dataclass
class PrivacyScene:
    """Zelmīra and her data; Otto, who shares ideas and activities with her; the centre's coordinator."""

    person: User
    other: User
    moderator: User
    idea: Idea
    other_idea: Idea
    comment: Comment
    #: Zelmīra's comment on the past activity
    activity_comment: Comment
    future_activity: Activity
    past_activity: Activity
    future_registration: Registration
    waiting_registration: Registration
    past_registration: Registration
    future_signup: SignUp
    past_signup: SignUp


def make_privacy_scene():
    """Zelmīra with data in every area, Otto beside her in each, and the coordinator Dace."""
    centre = make_centre(name="Preiļi")
    category = make_category()
    person = make_user(email=EMAIL, display_name=NAME, home_centre=centre, language="en")
    person.about, person.skills, person.interests = ABOUT, SKILLS, INTERESTS
    other = make_user(email=OTHER_EMAIL, display_name=OTHER_NAME, home_centre=centre)
    moderator = make_user(email="dace.xq@example.lv", display_name="Dace Koordinatore", moderates=[centre])
    make_consent(person, "terms", 3)
    make_consent(person, "privacy", 2)

    idea = make_idea(author=person, centre=centre, category=category, title=IDEA_TITLE)
    make_idea_event(idea, "submitted", actor=person, from_state="draft")
    make_idea_event(idea, "published", actor=moderator, from_state="submitted", reason="Laba ideja")
    other_idea = make_idea(author=other, centre=centre, category=category, title="Otto ideja")
    comment = make_comment(other_idea, author=person, body=COMMENT_BODY)
    make_comment(idea, author=other, body=OTHER_COMMENT)
    make_comment_report(make_comment(other_idea, author=other, body="rupjš"), reporter=person, reason="Nepieklājīgi")
    make_idea_report(other_idea, reporter=person, reason="Reklāma, nevis ideja")
    make_support(other_idea, person)
    make_follow(other_idea, person)
    make_follow(idea, other)

    future = make_activity(centre=centre, creator=moderator, capacity=3, starts_in_days=10, title="Keramika nākotnē")
    past = make_activity(centre=centre, creator=moderator, state="completed", capacity=20, starts_in_days=-10, title="Talka")
    companions = [{"name": CHILD, "age_group": "7-9"}]
    future_registration = make_registration(future, person, companions=companions)
    make_registration(future, other, companions=[OTHER_CHILD], includes_self=False)
    waiting = make_registration(future, make_user(display_name="Gaida Rindā"), state="waiting")
    past_registration = make_registration(
        past, person, state="attended", companions=[SECOND_CHILD], attendance_by_id=moderator.id
    )
    make_registration(past, other, state="attended", attendance_by_id=moderator.id)
    activity_comment = make_activity_comment(past, person, body=ACTIVITY_COMMENT_BODY)

    future_role = make_role(activity=future, name="Podu nesēji")
    future_signup = make_signup(future_role, person, state="accepted", decided_by=moderator, message=SIGNUP_MESSAGE)
    make_signup(future_role, other, message="Otto palīdzēs")
    past_role = make_role(activity=past, name="Talcinieki")
    past_signup = make_signup(past_role, person, state="attended", decided_by=moderator, message=PAST_SIGNUP_MESSAGE, minutes=150)

    organisation = make_organisation(centre=centre, name="Preiļu skola XQ", contact_email=EMAIL)
    make_representative(organisation, person, state="approved", message=REPRESENTATIVE_MESSAGE, decided_by=moderator)
    make_partnership(organisation, idea=other_idea, offered_by=person, message="Skola piedalās")
    make_partner_call(organisation, created_by_id=person.id, title="Skola meklē partneri XQ")

    make_notification(person, event="comment_new", idea_id=idea.id, actor_id=other.id)
    make_notification(other, event="comment_new", idea_id=other_idea.id, actor_id=person.id)
    make_session(person, user_agent=USER_AGENT)
    make_session(other, user_agent="Otto-Browser")
    make_calendar_feed(person)
    make_password_reset(person)

    make_audit_entry("account.login", actor=person, subject=person, ip_address=IP_ADDRESS)
    make_audit_entry("account.login_failed", actor=person, subject=person, ip_address=IP_ADDRESS, email=EMAIL)
    make_audit_entry("account.login_failed", ip_address="203.0.113.5", email=EMAIL)  # tried before the account existed
    make_audit_entry("admin.user_suspended", actor=moderator, subject=person, ip_address="198.51.100.1", reason="Pārbaude")
    make_audit_entry("account.login", actor=other, subject=other, ip_address="203.0.113.99")

    make_outbox_message(EMAIL, body=MAIL_BODY, subject="Zelmīra, jauna parole")
    make_outbox_message(EMAIL, body=SENT_MAIL_BODY, status="sent")
    make_outbox_message(OTHER_EMAIL, body=f"{NAME} komentēja jūsu ideju.")
    return PrivacyScene(
        person=person,
        other=other,
        moderator=moderator,
        idea=idea,
        other_idea=other_idea,
        comment=comment,
        activity_comment=activity_comment,
        future_activity=future,
        past_activity=past,
        future_registration=future_registration,
        waiting_registration=waiting,
        past_registration=past_registration,
        future_signup=future_signup,
        past_signup=past_signup,
    )


def every_value_in_the_database():
    """(table, column, text) for every value of every column of every row of every table, read afresh."""
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
                yield table.name, column, text


def where_found(strings):
    """{string: ["table.column", …]} for each string found anywhere in the database (compared case-insensitively)."""
    found = {}
    values = list(every_value_in_the_database())
    for string in strings:
        needle = string.lower()
        places = [f"{table}.{column}" for table, column, text in values if needle in text.lower()]
        if places:
            found[string] = places
    return found
