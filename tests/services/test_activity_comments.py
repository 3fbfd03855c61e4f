"""Comments on activities: the same rules as on ideas (one copy of each), the activity's counter, who hears,
the reports queue, the audit sentences and the personal-data export."""

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.activities.models import Activity
from app.admin.audit_view import describe
from app.audit.models import AuditEntry
from app.comments import services
from app.comments.models import REPORTS_TO_HIDE, Comment
from app.comments.queries import count_reported_comments, load_comments, reported_comments
from app.errors import InvalidTransition, NotAllowed
from app.extensions import db
from app.moderation.queries import waiting_comment_counts_by_centre, waiting_counts
from app.notifications.messages import describe as describe_notification
from app.notifications.messages import link
from app.notifications.models import Notification
from app.privacy.contributions import comments_section
from tests.factories import make_idea
from tests.factories_actcomments import make_activity_discussion
from tests.statements import recorded_statements


@pytest.fixture
def talk(ctx):
    return make_activity_discussion()


def comment_on(talk, person, body="Paldies par darbnīcu!", parent=None):
    comment = services.add_comment(person, talk.activity, body, parent=parent)
    db.session.commit()
    return comment


def reload(comment):
    db.session.expire_all()
    return db.session.get(Comment, comment.id)


def counter(talk):
    db.session.expire_all()
    return db.session.get(Activity, talk.activity.id).comment_count


def readable(talk):
    return db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.activity_id == talk.activity.id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
    )


def notifications():
    db.session.expire_all()
    return sorted((n.event, n.user_id) for n in db.session.scalars(select(Notification)))


def report_by(person, comment, reason="Aizvainojoši"):
    result = services.report_comment(person, reload(comment), reason)
    db.session.commit()
    return result


def test_a_comment_on_an_activity_is_on_it_and_counted(talk):
    comment = comment_on(talk, talk.anna)
    assert comment.activity_id == talk.activity.id and comment.idea_id is None
    assert reload(comment).subject.id == talk.activity.id
    assert counter(talk) == 1 == readable(talk)


def test_replies_stay_one_level_and_the_answered_person_hears(talk):
    top = comment_on(talk, talk.anna)
    reply = comment_on(talk, talk.valdis, "Piekrītu", parent=top)
    answer = comment_on(talk, talk.marija, "Es arī", parent=reply)
    assert reply.parent_id == top.id and answer.parent_id == top.id
    events = notifications()
    assert ("comment_reply", talk.valdis.id) in events and ("comment_reply", talk.anna.id) in events
    # one notification per person per comment: Valdis hears of Marija's answer as a reply only
    assert [event for event, user_id in events if user_id == talk.valdis.id] == ["comment_reply"]
    threads = load_comments(talk.activity, talk.janis)
    assert [item.comment.id for item in threads] == [top.id]
    assert [item.comment.id for item in threads[0].replies] == [reply.id, answer.id]
    assert counter(talk) == 3 == readable(talk)


def test_the_creator_and_earlier_commenters_hear_of_a_new_comment(talk):
    comment_on(talk, talk.anna)
    assert notifications() == [("comment_new_activity", talk.coordinator.id)]
    comment_on(talk, talk.valdis, "Kad būs nākamā?")
    assert notifications() == sorted(
        [
            ("comment_new_activity", talk.coordinator.id),
            ("comment_new_activity", talk.coordinator.id),
            ("comment_new_activity", talk.anna.id),
        ]
    )
    # nobody hears of their own comment; other moderators of the centre are not told (there are many)
    assert all(user_id not in {talk.valdis.id, talk.moderator.id} for _event, user_id in notifications()[1:])


def test_a_reply_to_an_earlier_commenter_is_one_notification_of_the_reply(talk):
    top = comment_on(talk, talk.anna)
    comment_on(talk, talk.valdis, "Atbilde", parent=top)
    anna = [event for event, user_id in notifications() if user_id == talk.anna.id]
    assert anna == ["comment_reply"]


def test_the_notification_says_activity_and_links_to_the_comment(talk, app):
    top = comment_on(talk, talk.anna)
    reply = comment_on(talk, talk.valdis, "Atbilde", parent=top)
    new = db.session.scalar(select(Notification).where(Notification.user_id == talk.coordinator.id))
    answered = db.session.scalar(select(Notification).where(Notification.user_id == talk.anna.id))
    with app.test_request_context():
        assert describe_notification(new) == "Anna komentēja pasākumu „Keramikas darbnīca”"
    with app.test_request_context(), force_locale("en"):
        assert describe_notification(new) == "Anna commented on the activity “Keramikas darbnīca”"
        assert describe_notification(answered) == "Valdis replied to your comment on the activity “Keramikas darbnīca”"
        assert link(answered) == f"/activities/{talk.activity.id}#comment-{reply.id}"
        assert link(new) == f"/activities/{talk.activity.id}#comment-{top.id}"


def test_edit_and_delete_keep_the_counter_right(talk):
    comment = comment_on(talk, talk.anna)
    services.edit_comment(talk.anna, reload(comment), "Paldies vēlreiz!")
    db.session.commit()
    assert reload(comment).body == "Paldies vēlreiz!" and reload(comment).edited_at is not None
    services.delete_comment(talk.anna, reload(comment))
    db.session.commit()
    assert counter(talk) == 0 == readable(talk)


def test_three_reports_hide_and_a_moderator_restores(talk):
    comment = comment_on(talk, talk.anna)
    for person in (talk.valdis, talk.marija)[: REPORTS_TO_HIDE - 1]:
        report_by(person, comment)
    assert counter(talk) == 1
    report_by(talk.janis, comment)
    assert reload(comment).hidden_at is not None and counter(talk) == 0 == readable(talk)
    assert [item.comment.id for item in reported_comments(talk.moderator)] == [comment.id]
    assert reported_comments(talk.moderator)[0].subject.id == talk.activity.id
    assert count_reported_comments(talk.moderator) == 1 and count_reported_comments(talk.other_moderator) == 0
    assert reported_comments(talk.other_moderator) == []
    assert waiting_comment_counts_by_centre() == {talk.centre.id: 1}
    assert waiting_counts(talk.moderator)[1] == 1

    with pytest.raises(NotAllowed):
        services.restore_comment(talk.other_moderator, reload(comment), "Cits centrs")
    services.restore_comment(talk.moderator, reload(comment), "Nekas slikts")
    db.session.commit()
    assert reload(comment).hidden_at is None and counter(talk) == 1 == readable(talk)
    assert reported_comments(talk.moderator) == []


def test_a_moderator_hides_and_the_counter_follows(talk):
    comment = comment_on(talk, talk.anna)
    services.hide_comment(talk.moderator, reload(comment), "Reklāma")
    db.session.commit()
    assert counter(talk) == 0 == readable(talk)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "comment.hidden"))
    assert entry.centre_id == talk.centre.id


def test_audit_sentences_name_the_activity(talk, app):
    comment = comment_on(talk, talk.anna)
    for person in (talk.valdis, talk.marija, talk.janis)[:REPORTS_TO_HIDE]:
        report_by(person, comment)
    services.restore_comment(talk.moderator, reload(comment), "Nekas slikts")
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("comment.%")).order_by(AuditEntry.id)).all()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        restored = str(describe(entries[-1], talk.moderator))
        automatic = str(describe(next(e for e in entries if e.action == "comment.hidden_by_reports"), talk.moderator))
    assert "restored Anna" in restored and "comment on" in restored and "Keramikas darbnīca" in restored
    assert f'href="/activities/{talk.activity.id}#comment-{comment.id}"' in restored
    assert "Automatic (3 reports)</strong>: Anna" in automatic and "Keramikas darbnīca" in automatic


def test_nobody_comments_on_a_cancelled_activity_and_the_thread_stays(ctx):
    talk = make_activity_discussion(state="cancelled")
    with pytest.raises(NotAllowed):
        services.add_comment(talk.anna, talk.activity, "Žēl")
    assert load_comments(talk.activity, talk.anna) == []


def test_comments_stay_open_after_the_activity_took_place(ctx):
    talk = make_activity_discussion(state="completed", starts_in_days=-2)
    assert comment_on(talk, talk.anna, "Paldies, bija lieliski!").activity_id == talk.activity.id


def test_a_reply_must_be_on_the_same_activity_or_idea(talk):
    on_idea = services.add_comment(talk.anna, make_idea(centre=talk.centre), "Ideja")
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.add_comment(talk.valdis, talk.activity, "Atbilde", parent=on_idea)
    with pytest.raises(InvalidTransition):
        services.add_comment(talk.valdis, talk.activity, "   ")


def test_load_comments_is_one_statement_for_an_activity(talk):
    for number in range(5):
        top = comment_on(talk, talk.anna, f"Komentārs {number}")
        comment_on(talk, talk.valdis, "Atbilde", parent=top)
    db.session.expire_all()
    viewer = db.session.get(type(talk.marija), talk.marija.id)
    _ = viewer.moderated_centres  # loaded with the signed-in person on every page anyway
    activity = db.session.get(Activity, talk.activity.id)
    with recorded_statements() as statements:
        threads = load_comments(activity, viewer)
        _ = [item.comment.author.display_name for thread in threads for item in [thread, *thread.replies]]
    assert len(threads) == 5 and len(statements) == 1, statements


def test_the_personal_data_export_names_the_activity(talk):
    comment_on(talk, talk.anna, "Mans komentārs")
    [row] = comments_section(talk.anna)
    assert row["activity_id"] == talk.activity.id and row["activity_title"] == "Keramikas darbnīca"
    assert row["idea_id"] is None and row["body"] == "Mans komentārs"
