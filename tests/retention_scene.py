"""Old and new personal data of every kind `flask purge` looks at, and the figures that must survive it.

Shared by the retention tests in the test's own transaction (tests/services/test_retention.py) and by the test
that runs `flask purge` as a real process on its own database (tests/test_purge_process.py).
"""

from types import SimpleNamespace

from sqlalchemy import func, select

from app.accounts.models import PasswordResetToken, User, UserSession
from app.activities.models import Activity, Registration
from app.audit.models import AuditEntry
from app.comments.models import Comment
from app.extensions import db
from app.ideas.models import Idea, Support
from app.legal.models import Consent
from app.notifications.models import Notification
from app.outbox.models import OutboxMessage
from app.privacy.models import DataExport
from app.volunteering.models import SignUp
from tests.factories import (
    make_activity,
    make_centre,
    make_comment,
    make_idea,
    make_notification,
    make_registration,
    make_role,
    make_signup,
    make_support,
    make_user,
)
from tests.factories_retention import (
    aged,
    days_ago,
    make_audit_entry,
    make_consent,
    make_export,
    make_mail,
    make_reset_token,
    make_session,
)

#: what must be gone after a purge, wherever it was
CHILD_NAMES = ("Elza", "Markuss", "Kārlis", "Anniņa")
OLD_SIGNUP_MESSAGE = "Zvaniet man: 29990000"
OLD_IP = "203.0.113.66"
MISTYPED_EMAIL = "anna@exampel.com"
OLD_USER_AGENT = "VecaisPārlūks/1.0"


def make_scene(export_folder):
    """Old data (past every default period) beside new data of the same kinds; returns the rows by name."""
    centre = make_centre(name="Preiļi", slug="preili")
    s = SimpleNamespace(export_folder=export_folder)
    s.coordinator = make_user(email="dace@example.com", display_name="Dace", moderates=[centre])
    s.parent = make_user(email="parent@example.com", display_name="Ilze Liepa")
    s.volunteer = make_user(email="volunteer@example.com", display_name="Jānis Ozols")

    # Accounts never confirmed: one old and alone (goes, with its consent, session and notification), one old
    # that wrote an idea (stays: something refers to it), one new, one old that was deleted by its owner.
    s.ghost = aged(make_user(email="ghost@example.com", confirmed=False), 40)
    make_consent(s.ghost)
    make_session(s.ghost, days_old=40, expires_in_days=-39)
    make_notification(s.ghost)
    s.unconfirmed_author = aged(make_user(email="wrote@example.com", confirmed=False), 40)
    make_idea(author=s.unconfirmed_author, centre=centre, state="draft", title="Melnraksts")
    s.newcomer = aged(make_user(email="new@example.com", confirmed=False), 2)
    s.deleted = aged(make_user(email="deleted-1@invalid", confirmed=False), 40)
    s.deleted.deleted_at = days_ago(35)

    # An activity that ended two months ago and one that ended five days ago, with the people brought.
    s.old_activity = make_activity(centre, s.coordinator, state="completed", starts_in_days=-60, capacity=20)
    s.old_strings = make_registration(s.old_activity, s.parent, state="attended", companions=["Elza", "Markuss"])
    s.old_dicts = make_registration(
        s.old_activity,
        s.volunteer,
        state="attended",
        includes_self=False,
        companions=[{"name": "Anniņa", "age_group": "7-9"}],
    )
    s.old_cancelled = make_registration(s.old_activity, state="cancelled", companions=["Kārlis"])
    s.new_activity = make_activity(centre, s.coordinator, state="completed", starts_in_days=-5, capacity=20)
    s.new_registration = make_registration(s.new_activity, s.parent, state="attended", companions=["Roberts"])

    old_role = make_role(activity=s.old_activity, name="Podu nesēji")
    s.old_signup = make_signup(
        old_role, s.volunteer, state="attended", decided_by=s.coordinator, minutes=150, message=OLD_SIGNUP_MESSAGE
    )
    aged(s.old_signup, 200)
    new_role = make_role(activity=s.new_activity, name="Krāsotāji")
    s.new_signup = make_signup(new_role, s.parent, state="accepted", decided_by=s.coordinator, message="Atnesīšu otas")

    s.idea = make_idea(author=s.parent, centre=centre, title="Puķu podi dienas centram")
    make_comment(s.idea, s.volunteer, body="Palīdzēšu!")
    make_support(s.idea, s.volunteer)

    s.old_sent = make_mail(status="sent", days_old=40)
    s.old_failed = make_mail(status="failed", days_old=40)
    s.new_sent = make_mail(status="sent", days_old=2, body="Jauna ziņa")
    s.old_pending = make_mail(status="pending", days_old=40, body="Vēl jāsūta")

    s.old_login = make_audit_entry("account.login", s.parent, days_old=100, ip_address=OLD_IP)
    s.old_failure = make_audit_entry("account.login_failed", s.parent, days_old=100, ip_address=OLD_IP, email=MISTYPED_EMAIL)
    s.new_login = make_audit_entry("account.login", s.parent, days_old=1, ip_address="198.51.100.9")
    s.new_failure = make_audit_entry(
        "account.login_failed", s.parent, days_old=1, ip_address="198.51.100.9", email="parent@example.com"
    )

    s.long_session = make_session(s.parent, days_old=100, expires_in_days=5, user_agent=OLD_USER_AGENT)
    s.expired_session = make_session(s.volunteer, days_old=2, expires_in_days=-1)
    s.new_session = make_session(s.volunteer, days_old=1, expires_in_days=1)

    s.expired_token = make_reset_token(s.parent, expires_in_hours=-1)
    s.used_token = make_reset_token(s.parent, used=True)
    s.valid_token = make_reset_token(s.volunteer)

    s.old_read = aged(make_notification(s.parent, read_at=days_ago(190)), 200)
    s.old_unread = aged(make_notification(s.parent), 200)
    s.new_read = make_notification(s.parent, read_at=days_ago(1))

    s.expired_export = make_export(s.parent, export_folder, expires_in_days=-1)
    s.valid_export = make_export(s.volunteer, export_folder, expires_in_days=3)
    return ids_of(s)


def ids_of(scene):
    """The scene with each row replaced by its id (rows deleted by the purge cannot be read afterwards), and the
    file names of the prepared downloads."""
    ids = SimpleNamespace(
        export_folder=scene.export_folder,
        expired_file=scene.expired_export.file_name,
        valid_file=scene.valid_export.file_name,
    )
    for name, row in vars(scene).items():
        if hasattr(row, "id"):
            setattr(ids, name, row.id)
    return ids


def figures():
    """What the statistics are made of: places and states of registrations, activity counters, volunteer minutes,
    ideas, comments and supports."""
    db.session.expire_all()
    return {
        "registrations": db.session.execute(
            select(Registration.id, Registration.places, Registration.state, Registration.includes_self).order_by(Registration.id)
        ).all(),
        "companions": [len(c) for c in db.session.scalars(select(Registration.companions).order_by(Registration.id))],
        "registered_count": db.session.execute(select(Activity.id, Activity.registered_count).order_by(Activity.id)).all(),
        "minutes": db.session.scalar(select(func.sum(SignUp.minutes))),
        "signups": db.session.execute(select(SignUp.id, SignUp.state).order_by(SignUp.id)).all(),
        "ideas": db.session.scalar(select(func.count(Idea.id))),
        "comments": db.session.scalar(select(func.count(Comment.id))),
        "supports": db.session.scalar(select(func.count()).select_from(Support)),
        "comment_count": db.session.scalar(select(func.sum(Idea.comment_count))),
    }


def exists(model, row_id):
    """Whether the row with this id is still there."""
    return db.session.get(model, row_id) is not None


def assert_purged(s):
    """The old personal data is gone; the new data and what must stay are still there."""
    db.session.expire_all()
    assert not exists(OutboxMessage, s.old_sent) and not exists(OutboxMessage, s.old_failed)
    assert exists(OutboxMessage, s.new_sent) and exists(OutboxMessage, s.old_pending)

    old_strings, old_dicts, old_cancelled, new_registration = (
        db.session.get(Registration, r) for r in (s.old_strings, s.old_dicts, s.old_cancelled, s.new_registration)
    )
    assert old_strings.companions == [{"name": "", "age_group": ""}, {"name": "", "age_group": ""}]
    assert old_dicts.companions == [{"name": "", "age_group": "7-9"}]
    assert old_cancelled.companions == [{"name": "", "age_group": ""}]
    assert new_registration.companions == ["Roberts"]

    assert db.session.get(SignUp, s.old_signup).message == ""
    assert db.session.get(SignUp, s.new_signup).message == "Atnesīšu otas"

    old_login, old_failure, new_login, new_failure = (
        db.session.get(AuditEntry, e) for e in (s.old_login, s.old_failure, s.new_login, s.new_failure)
    )
    assert old_login.ip_address == "" and old_login.action == "account.login" and old_login.actor_id == s.parent
    assert old_failure.ip_address == "" and old_failure.details == {}
    assert new_login.ip_address == "198.51.100.9"
    assert new_failure.details == {"email": "parent@example.com"} and new_failure.ip_address == "198.51.100.9"

    assert db.session.get(UserSession, s.long_session).user_agent == ""
    assert not exists(UserSession, s.expired_session)
    assert db.session.get(UserSession, s.new_session).user_agent.startswith("Mozilla")

    assert not exists(PasswordResetToken, s.expired_token) and not exists(PasswordResetToken, s.used_token)
    assert exists(PasswordResetToken, s.valid_token)

    assert not exists(User, s.ghost)
    assert db.session.scalar(select(func.count()).select_from(Consent).where(Consent.user_id == s.ghost)) == 0
    assert all(exists(User, u) for u in (s.unconfirmed_author, s.newcomer, s.deleted, s.parent, s.volunteer))

    assert not exists(Notification, s.old_read)
    assert exists(Notification, s.old_unread) and exists(Notification, s.new_read)

    assert not exists(DataExport, s.expired_export)
    assert not (s.export_folder / s.expired_file).exists()
    assert exists(DataExport, s.valid_export) and (s.export_folder / s.valid_file).exists()


def personal_leftovers():
    """The old personal data found anywhere in the tables the purge looks at (empty once purged)."""
    db.session.expire_all()
    found = []
    for companions in db.session.scalars(select(Registration.companions)):
        found += [name for name in CHILD_NAMES if name in str(companions)]
    found += db.session.scalars(select(SignUp.message).where(SignUp.message == OLD_SIGNUP_MESSAGE)).all()
    found += db.session.scalars(select(AuditEntry.ip_address).where(AuditEntry.ip_address == OLD_IP)).all()
    found += [d["email"] for d in db.session.scalars(select(AuditEntry.details)) if d.get("email") == MISTYPED_EMAIL]
    found += db.session.scalars(select(UserSession.user_agent).where(UserSession.user_agent == OLD_USER_AGENT)).all()
    found += db.session.scalars(select(User.email).where(User.email == "ghost@example.com")).all()
    return found
