"""Moderation services: the moderators' daily digest and the saved reason texts."""

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.errors import NotAllowed
from app.extensions import db
from app.i18n import format_date
from app.ideas.models import IdeaState
from app.moderation.models import ReasonTemplate
from app.moderation.services import create_reason_template, delete_reason_template, send_moderator_digests, update_reason_template
from app.timeutil import utcnow
from tests.factories import make_comment, make_idea, make_reason_template, make_user
from tests.helpers import queued_mail

BASE_URL = "https://kopiena.example.lv"


@pytest.fixture
def digest(ctx, monkeypatch):
    """Run the digest as the command does (links for BASE_URL); commit; return how many were queued."""
    monkeypatch.setitem(ctx.config, "BASE_URL", BASE_URL)

    def run(now=None):
        queued = send_moderator_digests(now=now)
        db.session.commit()
        return queued

    return run


def waiting(author, centre, title, days_ago=1):
    idea = make_idea(author=author, centre=centre, state=IdeaState.SUBMITTED, title=title)
    idea.submitted_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return idea


def reported(idea, author):
    make_comment(idea, author, body="Rupjš", open_report_count=1)


# --- the digest -----------------------------------------------------------------------------------


def test_each_moderator_gets_one_mail_listing_what_waits_in_their_centres(digest, preili, aglona, author):
    dace = make_user(email="dace@example.com", display_name="Dace", moderates=[preili])
    janis = make_user(email="janis@example.com", display_name="Jānis", moderates=[aglona], language="en")
    first = waiting(author, preili, "Soliņi parkā", days_ago=3)
    second = waiting(author, preili, "Puķu dobes", days_ago=1)
    aglonas = waiting(author, aglona, "Aglonas laipa", days_ago=2)
    reported(make_idea(author=author, centre=preili), author)
    reported(make_idea(author=author, centre=preili), author)

    assert digest() == 2

    [to_dace] = queued_mail(dace.email)
    assert to_dace.body.index("Soliņi parkā") < to_dace.body.index("Puķu dobes")  # longest waiting first
    assert "Aglonas laipa" not in to_dace.body
    assert f"{BASE_URL}/moderation/ideas/{first.id}" in to_dace.body
    assert f"{BASE_URL}/moderation/ideas/{second.id}" in to_dace.body
    assert f"{BASE_URL}/moderation/reports" in to_dace.body
    assert "Preiļi" in to_dace.body
    with force_locale("lv"):
        assert format_date(first.submitted_at, "long") in to_dace.body
    assert re.search(r"\b2\b", to_dace.subject)  # 2 ideas, 2 reported comments

    [to_janis] = queued_mail(janis.email)
    assert "Aglonas laipa" in to_janis.body and "Soliņi" not in to_janis.body
    assert f"{BASE_URL}/moderation/ideas/{aglonas.id}" in to_janis.body
    with force_locale("en"):  # in the moderator's own language
        assert format_date(aglonas.submitted_at, "long") in to_janis.body
    assert "/moderation/reports" not in to_janis.body  # nothing reported in Aglona


def test_nothing_is_sent_when_nothing_waits(digest, preili, author):
    make_user(email="dace@example.com", moderates=[preili])
    make_idea(author=author, centre=preili, state=IdeaState.PUBLISHED)
    make_idea(author=author, centre=preili, state=IdeaState.DRAFT)

    assert digest() == 0
    assert queued_mail() == []


def test_reported_comments_alone_are_worth_a_digest(digest, preili, author):
    dace = make_user(email="dace@example.com", moderates=[preili])
    reported(make_idea(author=author, centre=preili), author)

    assert digest() == 1
    [mail] = queued_mail(dace.email)
    assert f"{BASE_URL}/moderation/reports" in mail.body


def test_not_twice_on_the_same_day_but_again_the_next_day(digest, preili, author):
    dace = make_user(email="dace@example.com", moderates=[preili])
    waiting(author, preili, "Soliņi parkā")
    morning = utcnow().replace(hour=6, minute=0, second=0, microsecond=0)  # 08:00 or 09:00 in Riga

    assert digest(now=morning) == 1
    waiting(author, preili, "Jauna ideja")
    assert digest(now=morning + timedelta(hours=6)) == 0
    assert len(queued_mail(dace.email)) == 1

    assert digest(now=morning + timedelta(days=1)) == 1
    mails = queued_mail(dace.email)
    assert len(mails) == 2
    assert "Soliņi parkā" in mails[1].body and "Jauna ideja" in mails[1].body
    assert db.session.get(User, dace.id).last_moderator_digest_at == morning + timedelta(days=1)


def test_the_day_is_the_centres_local_day(digest, preili, author):
    """21:30 and 22:30 UTC in winter are 23:30 and 00:30 in Riga: two different days."""
    make_user(email="dace@example.com", moderates=[preili])
    waiting(author, preili, "Soliņi parkā")
    evening = utcnow().replace(month=1, day=15, hour=21, minute=30, second=0, microsecond=0)

    assert digest(now=evening) == 1
    assert digest(now=evening + timedelta(hours=1)) == 1


def test_suspended_unconfirmed_and_centreless_admins_get_no_digest(digest, preili, author):
    make_user(email="suspended@example.com", moderates=[preili], suspended=True)
    make_user(email="unconfirmed@example.com", moderates=[preili], confirmed=False)
    make_user(email="admin@example.com", admin=True)
    waiting(author, preili, "Soliņi parkā")

    assert digest() == 0
    assert queued_mail() == []


def test_a_moderator_of_two_centres_gets_one_mail_for_both(digest, preili, aglona, author):
    both = make_user(email="both@example.com", moderates=[preili, aglona])
    waiting(author, preili, "Preiļu ideja")
    waiting(author, aglona, "Aglonas ideja")

    assert digest() == 1
    [mail] = queued_mail(both.email)
    assert "Preiļu ideja" in mail.body and "Aglonas ideja" in mail.body


def test_the_command_queues_the_digest_with_links_to_base_url(ctx, preili, author):
    dace = make_user(email="dace@example.com", moderates=[preili])
    idea = waiting(author, preili, "Soliņi parkā")
    ctx.config["BASE_URL"] = BASE_URL
    try:
        result = ctx.test_cli_runner().invoke(args=["send-moderator-digest"])
    finally:
        ctx.config["BASE_URL"] = "http://127.0.0.1:5000"

    assert result.exit_code == 0, result.output
    assert "1 moderator digest(s) queued" in result.output
    [mail] = queued_mail(dace.email)
    assert f"{BASE_URL}/moderation/ideas/{idea.id}" in mail.body
    second = ctx.test_cli_runner().invoke(args=["send-moderator-digest"])
    assert "0 moderator digest(s) queued" in second.output
    assert len(queued_mail(dace.email)) == 1


# --- saved reason texts ---------------------------------------------------------------------------


def test_reason_templates_are_saved_changed_and_deleted_with_audit(preili):
    moderator = make_user(email="dace@example.com", moderates=[preili])

    template = create_reason_template(moderator, preili.id, IdeaState.DECLINED, "  Nav vietējā ", " Teksts ")
    db.session.commit()
    assert (template.title, template.text) == ("Nav vietējā", "Teksts")
    update_reason_template(moderator, template, preili.id, IdeaState.PUBLISHED, "Paldies", "Paldies par ideju!")
    db.session.commit()
    delete_reason_template(moderator, template)
    db.session.commit()

    assert db.session.scalars(select(ReasonTemplate)).all() == []
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.centre_id) for e in entries] == [
        ("reason_template.created", moderator.id, preili.id),
        ("reason_template.updated", moderator.id, preili.id),
        ("reason_template.deleted", moderator.id, preili.id),
    ]


def test_reason_templates_of_another_centre_are_not_allowed(preili, aglona):
    moderator = make_user(email="dace@example.com", moderates=[preili])
    resident = make_user(email="valdis@example.com")
    with pytest.raises(NotAllowed):
        create_reason_template(moderator, aglona.id, IdeaState.DECLINED, "x", "y")
    with pytest.raises(NotAllowed):
        create_reason_template(resident, preili.id, IdeaState.DECLINED, "x", "y")
    theirs = make_reason_template(aglona, IdeaState.DECLINED, title="x", text="y")
    with pytest.raises(NotAllowed):
        update_reason_template(moderator, theirs, preili.id, IdeaState.DECLINED, "mine now", "y")
    with pytest.raises(NotAllowed):
        delete_reason_template(moderator, theirs)
    mine = create_reason_template(moderator, preili.id, IdeaState.DECLINED, "x", "y")
    with pytest.raises(NotAllowed):  # nor move one's own to a centre one does not moderate
        update_reason_template(moderator, mine, aglona.id, IdeaState.DECLINED, "x", "y")
