"""Reporting ideas (app/ideas/reports.py): the same 3-distinct-reports rule as comments, moderators' decisions with
reasons, the author told, the counters, the queue and the header count, the digest."""

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.ideas import reports
from app.ideas.list_queries import IdeaFilters, list_ideas
from app.ideas.models import REPORTS_TO_HIDE, Idea, IdeaReport
from app.ideas.queries import home_ideas
from app.moderation.queries import waiting_counts
from app.moderation.services import send_moderator_digests
from app.notifications.models import Notification
from app.outbox.models import OutboxMessage
from tests.factories import make_idea


def reload(idea):
    db.session.expire_all()
    return db.session.get(Idea, idea.id)


def report_by(person, idea, reason="Reklāma"):
    report = reports.report_idea(person, reload(idea), reason)
    db.session.commit()
    return report


def audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def listed_ids():
    return [idea.id for idea in list_ideas(IdeaFilters(state="all")).items]


def three_reports(discussion, idea=None):
    idea = idea or discussion.idea
    for person in (discussion.anna, discussion.valdis, discussion.marija):
        report_by(person, idea)
    return reload(idea)


def test_reports_from_three_different_people_hide_the_idea_until_a_moderator_looks(discussion):
    idea = discussion.idea
    report_by(discussion.anna, idea)
    report_by(discussion.valdis, idea)
    assert reload(idea).hidden_at is None and reload(idea).is_public
    assert idea.id in listed_ids()

    report_by(discussion.marija, idea)

    saved = reload(idea)
    assert saved.hidden_at is not None and saved.hidden_by_id is None and saved.hidden_reason == ""
    assert saved.open_report_count == REPORTS_TO_HIDE == 3 and saved.awaiting_review
    assert not saved.is_public and not saved.is_published and not saved.open_for_comments
    assert idea.id not in listed_ids()
    assert idea.id not in [i.id for i in home_ideas()[1]]
    assert len(audit("idea.reported")) == 3
    [hidden] = audit("idea.hidden_by_reports")
    assert hidden.actor_id is None and hidden.subject_id == idea.id and hidden.details["reports"] == 3


def test_the_same_person_reporting_twice_counts_once(discussion):
    assert report_by(discussion.anna, discussion.idea, "Pirmo reizi") is not None
    assert report_by(discussion.anna, discussion.idea, "Otro reizi") is None
    assert reload(discussion.idea).open_report_count == 1
    assert db.session.scalar(select(func.count()).select_from(IdeaReport)) == 1
    assert len(audit("idea.reported")) == 1


def test_nobody_reports_their_own_idea_nor_one_that_is_not_public_and_a_reason_is_required(discussion):
    with pytest.raises(NotAllowed):
        reports.report_idea(discussion.author, reload(discussion.idea), "Pati")
    submitted = make_idea(author=discussion.author, centre=discussion.centre, state="submitted")
    with pytest.raises(NotAllowed):
        reports.report_idea(discussion.anna, submitted, "Vēl nav publicēta")
    with pytest.raises(InvalidTransition):
        reports.report_idea(discussion.anna, reload(discussion.idea), "   ")
    db.session.rollback()
    assert reload(discussion.idea).open_report_count == 0


def test_a_hidden_idea_takes_no_more_reports_supports_or_comments(discussion):
    hidden = three_reports(discussion)
    with pytest.raises(NotAllowed):
        reports.report_idea(discussion.janis, hidden, "Arī es")
    from app.comments.services import add_comment
    from app.ideas.services import support_idea

    with pytest.raises(NotAllowed):
        support_idea(discussion.janis, hidden)
    with pytest.raises(NotAllowed):
        add_comment(discussion.janis, hidden, "Komentārs")


def test_restore_shows_it_again_closes_the_reports_and_needs_new_reports_to_hide_again(discussion):
    hidden = three_reports(discussion)
    with pytest.raises(InvalidTransition):
        reports.restore_idea(discussion.moderator, hidden, "  ")
    db.session.rollback()

    reports.restore_idea(discussion.moderator, reload(hidden), "Nekā aizskaroša")
    db.session.commit()

    saved = reload(hidden)
    assert saved.hidden_at is None and saved.open_report_count == 0 and saved.is_public
    assert db.session.scalar(select(func.count()).select_from(IdeaReport).where(IdeaReport.resolved_at.is_(None))) == 0
    [entry] = audit("idea.restored")
    assert entry.actor_id == discussion.moderator.id and entry.reason == "Nekā aizskaroša"
    assert saved.id in listed_ids()
    # the same people's earlier reports do not count again; one new report does not hide it
    assert report_by(discussion.anna, saved) is None
    report_by(discussion.janis, saved)
    assert reload(saved).hidden_at is None and reload(saved).open_report_count == 1
    reports.restore_idea(discussion.moderator, reload(saved), "Nepamatots")  # keeps it shown, closes the report
    db.session.commit()
    assert reload(saved).open_report_count == 0
    with pytest.raises(AlreadyDone):
        reports.restore_idea(discussion.moderator, reload(saved), "Vēlreiz")


def test_confirm_keeps_it_hidden_with_the_reason_and_tells_the_author(discussion):
    hidden = three_reports(discussion)
    reports.confirm_hidden(discussion.moderator, hidden, "Personas dati")
    db.session.commit()

    saved = reload(hidden)
    assert saved.hidden_by_id == discussion.moderator.id and saved.hidden_reason == "Personas dati"
    assert saved.open_report_count == 0 and not saved.awaiting_review and not saved.is_public
    [entry] = audit("idea.hide_confirmed")
    assert entry.reason == "Personas dati"
    [note] = db.session.scalars(select(Notification).where(Notification.event == "idea_hidden")).all()
    assert note.user_id == discussion.author.id and note.data["reason"] == "Personas dati"
    with pytest.raises(AlreadyDone):
        reports.confirm_hidden(discussion.moderator, reload(hidden), "Vēlreiz")


def test_a_moderator_hides_a_public_idea_with_a_reason_and_shows_it_again(discussion):
    with pytest.raises(InvalidTransition):
        reports.hide_idea(discussion.moderator, reload(discussion.idea), "")
    db.session.rollback()
    reports.hide_idea(discussion.moderator, reload(discussion.idea), "Reklāma")
    db.session.commit()
    saved = reload(discussion.idea)
    assert saved.hidden_by_id == discussion.moderator.id and saved.hidden_reason == "Reklāma" and not saved.is_public
    assert [e.reason for e in audit("idea.hidden")] == ["Reklāma"]
    assert db.session.scalar(select(func.count()).select_from(Notification).where(Notification.event == "idea_hidden")) == 1
    with pytest.raises(AlreadyDone):
        reports.hide_idea(discussion.moderator, reload(discussion.idea), "Vēlreiz")
    db.session.rollback()
    reports.restore_idea(discussion.moderator, reload(discussion.idea), "Kļūda")
    db.session.commit()
    assert reload(discussion.idea).is_public


def test_only_the_centres_moderators_decide(discussion):
    hidden = three_reports(discussion)
    for person in (discussion.other_moderator, discussion.author, discussion.janis):
        for action in (reports.restore_idea, reports.confirm_hidden, reports.hide_idea):
            with pytest.raises(NotAllowed):
                action(person, reload(hidden), "Iemesls")
    submitted = make_idea(author=discussion.author, centre=discussion.centre, state="submitted")
    with pytest.raises(NotAllowed):
        reports.hide_idea(discussion.moderator, submitted, "Nav publiska")


def test_the_queue_the_header_count_and_the_digest_include_reported_ideas(discussion):
    other = make_idea(author=discussion.author, centre=discussion.centre, title="Otra")
    report_by(discussion.janis, other, "Dubultā")
    three_reports(discussion)

    listed = reports.reported_ideas(discussion.moderator)
    assert [(idea.id, len(found)) for idea, found in listed] == [(other.id, 1), (discussion.idea.id, 3)]
    assert reports.reported_ideas(discussion.other_moderator) == []
    assert waiting_counts(discussion.moderator) == (0, 0, 2)
    assert waiting_counts(discussion.other_moderator) == (0, 0, 0)

    assert send_moderator_digests() == 1
    [mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == discussion.moderator.email)).all()
    assert "2 reported ideas" in mail.subject and "2 ideas were reported and wait for a moderator" in mail.body
