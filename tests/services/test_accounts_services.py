"""Account rules without HTTP: passwords, registration, confirmation, log-in, sessions, reset, e-mail change."""

from datetime import timedelta

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.accounts import services
from app.accounts.models import PasswordResetToken, User, UserSession
from app.accounts.passwords import dummy_hash, hash_password, password_problem, verify_password
from app.accounts.sessions import end_all_sessions, end_session, load_user, start_session
from app.accounts.tokens import InvalidToken
from app.audit.models import AuditEntry
from app.errors import NotAllowed
from app.extensions import db
from app.timeutil import utcnow
from tests.factories import PASSWORD, make_centre, make_user
from tests.helpers import count, link_in, queued_mail

NEW_PASSWORD = "violet kayak under the bridge"


@pytest.fixture
def request_ctx(ctx):
    """Services build absolute links with url_for, which needs a request context; no HTTP is made."""
    with ctx.test_request_context():
        yield ctx


def audit_actions():
    return [entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def token_in(message, path_start):
    return link_in(message, path_start)[len(path_start) :]


# --- password rules ---------------------------------------------------------------------------


def test_password_of_11_characters_is_refused(ctx):
    assert password_problem("violet kaya") is not None


def test_password_of_12_characters_is_accepted(ctx):
    assert password_problem("violet kayak") is None


def test_a_200_character_passphrase_is_accepted(ctx):
    passphrase = ("the quick river otter sleeps at dawn near the old mill " * 4)[:200]
    assert len(passphrase) == 200
    assert password_problem(passphrase) is None


def test_256_characters_are_accepted_and_257_refused(ctx):
    words = "meadow lantern copper violin " * 10
    assert password_problem(words[:256]) is None
    assert password_problem(words[:257]) is not None


@pytest.mark.parametrize(
    "password", ["password1234", "qwertyuiopasdf", "parole123456", "Parole123456!", "123456789012", "aaaaaaaaaaaa"]
)
def test_common_or_guessable_passwords_are_refused(ctx, password):
    assert password_problem(password) is not None


@pytest.mark.parametrize("password", ["anna.berzina123", "annaberzina2024", "berzina anna 1"])
def test_passwords_like_the_email_or_name_are_refused(ctx, password):
    assert password_problem(password, ("Anna Bērziņa", "anna.berzina@example.com")) is not None


def test_the_same_password_is_fine_for_someone_else(ctx):
    assert password_problem("anna.berzina123", ("Jānis Kalniņš", "janis@example.com")) is None


def test_no_composition_rules_an_all_lower_case_passphrase_is_accepted(ctx):
    assert password_problem("kalns upe mezs un putni") is None


def test_hashes_are_scrypt_and_verify_only_the_right_password(ctx):
    password_hash = hash_password("violet kayak")
    assert password_hash.startswith("scrypt:")
    assert "violet kayak" not in password_hash
    assert verify_password(password_hash, "violet kayak")
    assert not verify_password(password_hash, "violet kayaK")


@pytest.mark.parametrize("config_name", ["development", "production"])
def test_real_deployments_hash_at_werkzeugs_full_scrypt_cost(config_name):
    """Only the test suite hashes cheaply (TestingConfig); what people run pays the full cost."""
    from config import CONFIGS

    app = Flask(__name__)
    app.config.from_object(CONFIGS[config_name])
    with app.app_context():
        password_hash = hash_password("violet kayak")
        assert password_hash.startswith("scrypt:32768:8:1$")
        assert verify_password(password_hash, "violet kayak")
        # an unknown e-mail is checked against a dummy hash of the same cost
        assert dummy_hash(app.config["PASSWORD_HASH_METHOD"]).startswith("scrypt:32768:8:1$")


def test_verify_password_without_an_account_is_false(ctx):
    assert not verify_password(None, "not-a-real-password-only-for-timing")


def test_the_same_password_hashes_differently_each_time(ctx):
    assert hash_password("violet kayak") != hash_password("violet kayak")


# --- registration and confirmation ------------------------------------------------------------


def test_register_creates_an_unconfirmed_user_with_a_scrypt_hash(request_ctx):
    user = services.register_user(" Jānis ", "janis@example.com", NEW_PASSWORD, "lv")
    db.session.commit()
    assert user.display_name == "Jānis"
    assert not user.is_confirmed
    assert user.password_hash.startswith("scrypt:")
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert "account.registered" in audit_actions()


def test_register_stores_the_email_lower_cased(request_ctx):
    user = services.register_user("Jānis", "  Janis.Kalns@Example.COM ", NEW_PASSWORD, "lv")
    assert user.email == "janis.kalns@example.com"


def test_register_queues_a_confirmation_link_to_the_new_address(request_ctx):
    user = services.register_user("Jānis", "janis@example.com", NEW_PASSWORD, "lv")
    db.session.commit()
    [message] = queued_mail("janis@example.com")
    token = token_in(message, "/confirm/")
    assert services.user_for_confirmation(token).id == user.id


def test_register_with_a_taken_email_mails_the_owner_and_creates_nobody(request_ctx, user):
    result = services.register_user("Someone", "ANNA@example.com", NEW_PASSWORD, "lv")
    db.session.commit()
    assert result is None
    assert count(User) == 1
    [message] = queued_mail(user.email)
    assert "/confirm/" not in message.body
    assert "/login" in message.body and "/reset-password" in message.body
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_confirmation_mail_is_in_the_persons_language(request_ctx):
    services.register_user("Jānis", "janis@example.com", NEW_PASSWORD, "lv")
    services.register_user("John", "john@example.com", NEW_PASSWORD, "en")
    with force_locale("lv"):
        latvian = gettext("Confirm your e-mail address for Kopiena")
    assert latvian != "Confirm your e-mail address for Kopiena"  # the catalogue has it
    assert queued_mail("janis@example.com")[0].subject == latvian
    assert queued_mail("john@example.com")[0].subject == "Confirm your e-mail address for Kopiena"


def test_confirm_email_confirms_and_a_second_time_is_harmless(request_ctx):
    user = services.register_user("Jānis", "janis@example.com", NEW_PASSWORD, "lv")
    token = token_in(queued_mail()[0], "/confirm/")
    services.confirm_email(token)
    first = user.email_confirmed_at
    assert first is not None
    services.confirm_email(token)
    assert user.email_confirmed_at == first
    assert audit_actions().count("account.email_confirmed") == 1


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-3] + ("aaa" if not t.endswith("aaa") else "bbb"), lambda t: "garbage", lambda t: t.split(".")[0]]
)
def test_a_tampered_confirmation_token_is_invalid(request_ctx, mangle):
    services.register_user("Jānis", "janis@example.com", NEW_PASSWORD, "lv")
    token = token_in(queued_mail()[0], "/confirm/")
    with pytest.raises(InvalidToken):
        services.user_for_confirmation(mangle(token))


def test_a_confirmation_token_expires(request_ctx, monkeypatch):
    services.register_user("Jānis", "janis@example.com", NEW_PASSWORD, "lv")
    token = token_in(queued_mail()[0], "/confirm/")
    monkeypatch.setitem(request_ctx.config, "EMAIL_CONFIRM_MAX_AGE", timedelta(seconds=-1))
    with pytest.raises(InvalidToken):
        services.confirm_email(token)


def test_a_confirmation_token_is_bound_to_the_address_it_was_sent_to(request_ctx):
    user = services.register_user("Jānis", "janis@example.com", NEW_PASSWORD, "lv")
    token = token_in(queued_mail()[0], "/confirm/")
    user.email = "other@example.com"
    with pytest.raises(InvalidToken):
        services.confirm_email(token)
    assert not user.is_confirmed


def test_resend_confirmation_mails_only_unconfirmed_accounts(request_ctx):
    make_user(email="new@example.com", confirmed=False)
    make_user(email="done@example.com", confirmed=True)
    for email in ("NEW@example.com", "done@example.com", "nobody@example.com"):
        services.resend_confirmation(email)
    assert [m.recipient for m in queued_mail()] == ["new@example.com"]


# --- log-in -----------------------------------------------------------------------------------


def test_authenticate_returns_the_user_for_the_right_password(ctx, user):
    assert services.authenticate(" ANNA@example.com", PASSWORD) is user


def test_authenticate_refuses_a_wrong_password_and_audits_it(ctx, user):
    assert services.authenticate(user.email, PASSWORD + "x", ip_address="192.0.2.7") is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.login_failed"))
    assert entry.actor_id == user.id
    assert entry.ip_address == "192.0.2.7"
    assert entry.details["email"] == user.email


def test_authenticate_refuses_an_unknown_email_and_audits_it(ctx):
    assert services.authenticate("Nobody@Example.com", PASSWORD) is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.login_failed"))
    assert entry.actor_id is None
    assert entry.details["email"] == "nobody@example.com"


# --- sessions ---------------------------------------------------------------------------------


def test_a_started_session_loads_its_user(ctx, user):
    token = start_session(user)
    db.session.commit()
    assert load_user(token).id == user.id
    assert len(token) >= 40
    stored = db.session.scalar(select(UserSession))
    assert stored.token_hash != token  # only a hash is stored


@pytest.mark.parametrize("token", ["", None, "unknown-token", "x" * 101])
def test_an_unknown_token_loads_nobody(ctx, user, token):
    start_session(user)
    db.session.commit()
    assert load_user(token) is None


def test_end_session_ends_only_that_session(ctx, user):
    first, second = start_session(user), start_session(user)
    db.session.commit()
    end_session(first)
    db.session.commit()
    assert load_user(first) is None
    assert load_user(second).id == user.id


def test_end_all_sessions_can_keep_one(ctx, user):
    kept, other = start_session(user), start_session(user)
    someone_else = make_user(email="janis@example.com")
    theirs = start_session(someone_else)
    db.session.commit()
    end_all_sessions(user, keep_token=kept)
    db.session.commit()
    assert load_user(kept).id == user.id
    assert load_user(other) is None
    assert load_user(theirs).id == someone_else.id


def age_session(token_owner, **changes):
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == token_owner.id))
    for name, value in changes.items():
        setattr(row, name, value)
    db.session.commit()


def test_a_session_idle_too_long_ends(ctx, user):
    token = start_session(user)
    db.session.commit()
    age_session(user, last_seen_at=utcnow() - ctx.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1))
    assert load_user(token) is None
    assert count(UserSession) == 0


def test_a_session_used_within_the_idle_limit_lives_on_and_is_refreshed(ctx, user):
    token = start_session(user)
    db.session.commit()
    earlier = utcnow() - ctx.config["SESSION_IDLE_TIMEOUT"] + timedelta(minutes=5)
    age_session(user, last_seen_at=earlier)
    assert load_user(token).id == user.id
    assert db.session.scalar(select(UserSession)).last_seen_at > earlier + timedelta(minutes=5)


def test_a_remembered_session_is_not_ended_by_idleness(ctx, user):
    token = start_session(user, remember=True)
    db.session.commit()
    age_session(user, last_seen_at=utcnow() - ctx.config["SESSION_IDLE_TIMEOUT"] * 3)
    assert load_user(token).id == user.id


def test_a_session_past_its_absolute_limit_ends_even_when_active(ctx, user):
    token = start_session(user, remember=True)
    db.session.commit()
    age_session(user, expires_at=utcnow() - timedelta(seconds=1))
    assert load_user(token) is None
    assert count(UserSession) == 0


def test_session_lifetimes_follow_the_configuration(ctx, user):
    start_session(user)
    start_session(user, remember=True)
    db.session.commit()
    short, long = db.session.scalars(select(UserSession).order_by(UserSession.expires_at)).all()
    assert short.expires_at - short.created_at == ctx.config["SESSION_ABSOLUTE_TIMEOUT"]
    assert long.expires_at - long.created_at == ctx.config["REMEMBER_COOKIE_DURATION"]


def test_a_suspended_persons_session_ends(ctx, user):
    token = start_session(user)
    db.session.commit()
    user.suspended_at = utcnow()
    db.session.commit()
    assert load_user(token) is None


def test_log_out_everywhere_ends_every_session_and_is_audited(ctx, user):
    tokens = [start_session(user) for _ in range(3)]
    db.session.commit()
    services.log_out_everywhere(user)
    db.session.commit()
    assert all(load_user(token) is None for token in tokens)
    assert "account.logout_everywhere" in audit_actions()


# --- password reset ---------------------------------------------------------------------------


def reset_token_for(email):
    services.request_password_reset(email)
    db.session.commit()
    return token_in(queued_mail()[-1], "/reset-password/")


def test_reset_request_for_an_unknown_or_suspended_address_mails_nobody(request_ctx):
    make_user(email="gone@example.com", suspended=True)
    services.request_password_reset("nobody@example.com")
    services.request_password_reset("gone@example.com")
    assert queued_mail() == []
    assert count(PasswordResetToken) == 0


def test_reset_token_is_stored_only_as_a_hash(request_ctx, user):
    token = reset_token_for("ANNA@example.com")
    row = db.session.scalar(select(PasswordResetToken))
    assert row.user_id == user.id
    assert token not in row.token_hash


def test_reset_sets_the_new_password(request_ctx, user):
    token = reset_token_for(user.email)
    services.reset_password(token, NEW_PASSWORD)
    db.session.commit()
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert not verify_password(user.password_hash, PASSWORD)


def test_a_reset_token_works_once(request_ctx, user):
    token = reset_token_for(user.email)
    services.reset_password(token, NEW_PASSWORD)
    db.session.commit()
    with pytest.raises(InvalidToken):
        services.reset_password(token, "another fine passphrase")
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_a_reset_token_expires(request_ctx, user):
    token = reset_token_for(user.email)
    db.session.scalar(select(PasswordResetToken)).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(InvalidToken):
        services.reset_token_row(token)


def test_reset_tokens_last_as_configured(request_ctx, user):
    reset_token_for(user.email)
    row = db.session.scalar(select(PasswordResetToken))
    assert row.expires_at - row.created_at == request_ctx.config["PASSWORD_RESET_MAX_AGE"]


def test_a_reset_ends_every_session(request_ctx, user):
    session_token = start_session(user)
    token = reset_token_for(user.email)
    services.reset_password(token, NEW_PASSWORD)
    db.session.commit()
    assert load_user(session_token) is None


def test_a_reset_makes_the_other_outstanding_reset_links_useless(request_ctx, user):
    older = reset_token_for(user.email)
    newer = reset_token_for(user.email)
    services.reset_password(newer, NEW_PASSWORD)
    db.session.commit()
    with pytest.raises(InvalidToken):
        services.reset_password(older, "someone else's passphrase")
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_a_reset_confirms_an_unconfirmed_account(request_ctx):
    person = make_user(email="new@example.com", confirmed=False)
    token = reset_token_for(person.email)
    services.reset_password(token, NEW_PASSWORD)
    db.session.commit()
    assert person.is_confirmed


# --- password change --------------------------------------------------------------------------


def test_change_password_needs_the_current_password(request_ctx, user):
    kept = start_session(user)
    with pytest.raises(NotAllowed):
        services.change_password(user, "wrong current password", NEW_PASSWORD, keep_token=kept)
    assert verify_password(user.password_hash, PASSWORD)
    assert queued_mail() == []


def test_change_password_ends_other_sessions_keeps_this_one_and_mails(request_ctx, user):
    kept, other = start_session(user), start_session(user)
    db.session.commit()
    services.change_password(user, PASSWORD, NEW_PASSWORD, keep_token=kept)
    db.session.commit()
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert load_user(kept).id == user.id
    assert load_user(other) is None
    [message] = queued_mail(user.email)
    assert "/reset-password" in message.body


# --- e-mail change ----------------------------------------------------------------------------


def change_token(user, new_email):
    services.request_email_change(user, PASSWORD, new_email)
    db.session.commit()
    return token_in(queued_mail(new_email.lower())[-1], "/me/email/confirm/")


def test_email_change_needs_the_current_password(request_ctx, user):
    with pytest.raises(NotAllowed):
        services.request_email_change(user, "wrong current password", "new@example.com")
    assert queued_mail() == []


def test_email_change_mails_a_link_to_the_new_address_only(request_ctx, user):
    token = change_token(user, "New.Anna@Example.com")
    assert [m.recipient for m in queued_mail()] == ["new.anna@example.com"]
    assert services.email_change_from_token(token) == (user, "new.anna@example.com")
    assert user.email == "anna@example.com"  # nothing changes before the link is followed


def test_confirming_an_email_change_switches_and_tells_the_old_address(request_ctx, user):
    token = change_token(user, "new.anna@example.com")
    services.confirm_email_change(token)
    db.session.commit()
    assert user.email == "new.anna@example.com"
    [notice] = queued_mail("anna@example.com")
    assert "new.anna@example.com" in notice.body
    assert "account.email_changed" in audit_actions()


def test_an_email_change_token_works_once(request_ctx, user):
    token = change_token(user, "new.anna@example.com")
    services.confirm_email_change(token)
    db.session.commit()
    with pytest.raises(InvalidToken):
        services.confirm_email_change(token)


def test_an_email_change_to_a_taken_address_changes_nothing(request_ctx, user):
    make_user(email="janis@example.com")
    services.request_email_change(user, PASSWORD, "Janis@example.com")
    db.session.commit()
    [message] = queued_mail()
    assert message.recipient == "janis@example.com"
    assert "/me/email/confirm/" not in message.body
    assert user.email == "anna@example.com"


def test_an_address_taken_after_the_link_was_sent_cannot_be_taken_over(request_ctx, user):
    token = change_token(user, "janis@example.com")
    make_user(email="janis@example.com")
    with pytest.raises(InvalidToken):
        services.confirm_email_change(token)
    assert user.email == "anna@example.com"


def test_an_email_change_token_is_refused_as_a_confirmation_token(request_ctx, user):
    token = change_token(user, "new.anna@example.com")
    with pytest.raises(InvalidToken):
        services.user_for_confirmation(token)


# --- profile and roles ------------------------------------------------------------------------


def test_update_profile_saves_the_editable_fields(ctx, user):
    centre = make_centre()
    services.update_profile(user, " Anna B. ", " I sew. ", "sewing, baking ", " seniors", "en", centre)
    db.session.commit()
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.display_name, saved.about, saved.skills, saved.interests, saved.language) == (
        "Anna B.",
        "I sew.",
        "sewing, baking",
        "seniors",
        "en",
    )
    assert saved.home_centre_id == centre.id


def test_only_an_admin_may_set_roles(ctx, user):
    other = make_user(email="janis@example.com")
    with pytest.raises(NotAllowed):
        services.set_roles(user, other, True, [])
    assert not other.is_admin


def test_an_admin_cannot_remove_their_own_admin_role(ctx, admin):
    with pytest.raises(NotAllowed):
        services.set_roles(admin, admin, False, [])
    assert admin.is_admin


def test_role_changes_are_audited_with_before_and_after(ctx, admin, user):
    centre = make_centre(slug="preili")
    services.set_roles(admin, user, False, [centre])
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "admin.roles_changed"))
    assert entry.details == {
        "before": {"admin": False, "moderator_of": []},
        "after": {"admin": False, "moderator_of": ["preili"]},
    }
    assert user.moderates(centre.id)


def test_setting_the_same_roles_again_records_nothing(ctx, admin, user):
    services.set_roles(admin, user, False, [])
    assert audit_actions() == []


def test_create_admin_makes_a_confirmed_admin(ctx):
    created = services.create_admin(" Admin@Example.com", "Inese", "violet kayak under the bridge")
    db.session.commit()
    assert created.email == "admin@example.com"
    assert created.is_admin and created.is_confirmed
    assert verify_password(created.password_hash, "violet kayak under the bridge")


def test_create_admin_promotes_an_existing_account_and_keeps_its_password(ctx, user):
    promoted = services.create_admin(user.email, "ignored", "some other long passphrase")
    assert promoted.id == user.id and promoted.is_admin
    assert verify_password(promoted.password_hash, PASSWORD)
