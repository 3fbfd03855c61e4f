"""Comments: replies one level deep, edit and delete by the author, reports that hide, moderators'
decisions, notifications and the idea's comment counter."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.comments import services
from app.comments.models import REPORTS_TO_HIDE, Comment, CommentReport
from app.comments.queries import load_comments, reported_comments
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.ideas.models import Follow, Idea
from app.notifications.models import Notification
from tests.factories import make_follow, make_idea, make_user
from tests.statements import recorded_statements


def comment_on(discussion, person, body="Laba ideja!", parent=None):
    comment = services.add_comment(person, discussion.idea, body, parent=parent)
    db.session.commit()
    return comment


def test_a_form_key_seen_twice_gives_the_first_comment_and_one_notification(discussion):
    first = services.add_comment(discussion.anna, discussion.idea, "Laba ideja!", submission_key="k" * 24)
    db.session.commit()
    again = services.add_comment(discussion.anna, discussion.idea, "Laba ideja!", submission_key="k" * 24)
    db.session.commit()
    assert again.id == first.id
    assert comment_count(discussion.idea) == 1
    assert (
        db.session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == discussion.author.id)) == 1
    )
    # the key is the author's: someone else's form with the same key is another comment
    assert services.add_comment(discussion.valdis, discussion.idea, "Arī", submission_key="k" * 24).id != first.id


def test_when_both_sendings_pass_the_check_at_once_the_unique_key_decides(discussion, monkeypatch):
    first = services.add_comment(discussion.anna, discussion.idea, "Laba ideja!", submission_key="k" * 24)
    db.session.commit()
    looked_up = []
    real_lookup = services.comment_of_form

    def not_yet_committed_the_first_time(author, key):  # as the second sending saw it on PostgreSQL
        looked_up.append(key)
        return None if len(looked_up) == 1 else real_lookup(author, key)

    monkeypatch.setattr(services, "comment_of_form", not_yet_committed_the_first_time)
    again = services.add_comment(discussion.anna, discussion.idea, "Laba ideja!", submission_key="k" * 24)
    db.session.commit()
    assert again.id == first.id and len(looked_up) == 2
    assert comment_count(discussion.idea) == 1 == readable_comments(discussion.idea)


def comment_count(idea):
    db.session.expire_all()
    return db.session.get(Idea, idea.id).comment_count


def readable_comments(idea):
    """What the counter should say, counted from the rows."""
    return db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.idea_id == idea.id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
    )


def notifications():
    db.session.expire_all()
    return sorted((n.event, n.user_id) for n in db.session.scalars(select(Notification)))


def reload(comment):
    db.session.expire_all()
    return db.session.get(Comment, comment.id)


def audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def report_by(person, comment, reason="Aizvainojoši"):
    result = services.report_comment(person, reload(comment), reason)
    db.session.commit()
    return result


# --- writing --------------------------------------------------------------------------------------


def test_comment_is_saved_trimmed_and_counted(discussion):
    comment = comment_on(discussion, discussion.anna, "  Laba ideja!\r\nOtrā rinda  \n")

    saved = reload(comment)
    assert (saved.body, saved.author_id, saved.parent_id) == ("Laba ideja!\nOtrā rinda", discussion.anna.id, None)
    assert comment_count(discussion.idea) == 1


@pytest.mark.parametrize("body", ["", "   \n  ", "x" * 5001])
def test_empty_or_too_long_comment_is_refused(discussion, body):
    with pytest.raises(InvalidTransition):
        services.add_comment(discussion.anna, discussion.idea, body)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
    assert comment_count(discussion.idea) == 0


def test_a_comment_of_5000_characters_is_fine(discussion):
    assert len(reload(comment_on(discussion, discussion.anna, "ā" * 5000)).body) == 5000


@pytest.mark.parametrize("state", ["draft", "submitted", "changes_requested", "declined", "archived"])
def test_comments_only_on_published_and_promoted_ideas(discussion, state):
    idea = make_idea(author=discussion.author, centre=discussion.centre, state=state)
    with pytest.raises(NotAllowed):
        services.add_comment(discussion.anna, idea, "Sveiki")


def test_comment_on_a_promoted_idea(discussion):
    idea = make_idea(author=discussion.author, centre=discussion.centre, state="promoted")
    services.add_comment(discussion.anna, idea, "Sveiki")
    db.session.commit()
    assert comment_count(idea) == 1


@pytest.mark.parametrize("kind", ["suspended", "unconfirmed"])
def test_suspended_and_unconfirmed_people_cannot_comment(discussion, kind):
    person = make_user(suspended=kind == "suspended", confirmed=kind != "unconfirmed")
    with pytest.raises(NotAllowed):
        services.add_comment(person, discussion.idea, "Sveiki")


def test_reply_to_a_reply_attaches_to_the_top_comment(discussion):
    top = comment_on(discussion, discussion.anna, "Augšējais")
    reply = comment_on(discussion, discussion.valdis, "Atbilde", parent=top)
    answer = comment_on(discussion, discussion.marija, "Atbilde uz atbildi", parent=reply)

    assert reload(reply).parent_id == top.id
    assert reload(answer).parent_id == top.id
    threads = load_comments(discussion.idea, discussion.janis)
    assert [item.comment.id for item in threads] == [top.id]
    assert [item.comment.id for item in threads[0].replies] == [reply.id, answer.id]
    assert comment_count(discussion.idea) == 3


def test_reply_to_a_comment_of_another_idea_is_refused(discussion):
    other_idea = make_idea(author=discussion.author, centre=discussion.centre, title="Cita")
    elsewhere = services.add_comment(discussion.anna, other_idea, "Citur")
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.add_comment(discussion.valdis, discussion.idea, "Atbilde", parent=elsewhere)


def test_deleted_or_hidden_comments_cannot_be_answered(discussion):
    gone = comment_on(discussion, discussion.anna, "Drīz dzēsīšu")
    services.delete_comment(discussion.anna, reload(gone))
    hidden = comment_on(discussion, discussion.anna, "Slikts")
    services.hide_comment(discussion.moderator, reload(hidden), "Rupjš")
    db.session.commit()
    for parent in (gone, hidden):
        with pytest.raises(InvalidTransition):
            services.add_comment(discussion.valdis, discussion.idea, "Atbilde", parent=reload(parent))
        db.session.rollback()


def test_threads_oldest_first_with_replies_oldest_first(discussion):
    first = comment_on(discussion, discussion.anna, "Pirmais")
    second = comment_on(discussion, discussion.valdis, "Otrais")
    reply_to_second = comment_on(discussion, discussion.anna, "Otrajam", parent=second)
    reply_to_first = comment_on(discussion, discussion.marija, "Pirmajam", parent=first)

    threads = load_comments(discussion.idea, None)

    assert [t.comment.id for t in threads] == [first.id, second.id]
    assert [r.comment.id for r in threads[0].replies] == [reply_to_first.id]
    assert [r.comment.id for r in threads[1].replies] == [reply_to_second.id]


@pytest.mark.parametrize("threads", [0, 1, 6])
def test_load_comments_is_one_statement_however_many_comments(discussion, threads):
    for number in range(threads):
        top = comment_on(discussion, discussion.anna, f"Komentārs {number}")
        comment_on(discussion, discussion.valdis, "Atbilde", parent=top)
    report_by(discussion.janis, top) if threads else None
    db.session.expire_all()
    viewer = db.session.get(User, discussion.janis.id)
    _ = viewer.moderated_centres  # loaded with the signed-in person on every page anyway
    idea = db.session.get(Idea, discussion.idea.id)

    with recorded_statements() as statements:
        loaded = load_comments(idea, viewer)
        names = [item.comment.author.display_name for thread in loaded for item in [thread, *thread.replies]]
        reported = [item.reported for thread in loaded for item in [thread, *thread.replies]]

    assert len(names) == 2 * threads
    assert sum(reported) == (1 if threads else 0)
    assert len(statements) == 1, statements


# --- notifications ---------------------------------------------------------------------------------


def test_new_comment_tells_the_author_and_followers_once_never_the_commenter(discussion):
    for person in (discussion.author, discussion.marija, discussion.anna):
        make_follow(discussion.idea, person)

    comment_on(discussion, discussion.anna)

    assert notifications() == sorted([("comment_new", discussion.author.id), ("comment_new", discussion.marija.id)])
    [note] = [n for n in db.session.scalars(select(Notification)) if n.user_id == discussion.marija.id]
    assert note.actor_id == discussion.anna.id and note.idea_id == discussion.idea.id


def test_author_is_told_even_when_not_following(discussion):
    comment_on(discussion, discussion.anna)
    assert notifications() == [("comment_new", discussion.author.id)]


def test_the_commenter_starts_following(discussion):
    comment_on(discussion, discussion.anna)
    comment_on(discussion, discussion.anna, "Vēlreiz")
    assert db.session.get(Follow, (discussion.idea.id, discussion.anna.id)) is not None


def test_reply_tells_the_answered_person_once_as_a_reply(discussion):
    top = comment_on(discussion, discussion.anna, "Augšējais")  # Anna now follows
    comment_on(discussion, discussion.valdis, "Arī es", parent=top)  # Valdis now follows
    db.session.execute(Notification.__table__.delete())
    db.session.commit()

    reply = comment_on(discussion, discussion.valdis, "Vēl", parent=top)

    assert notifications() == sorted([("comment_reply", discussion.anna.id), ("comment_new", discussion.author.id)])
    note = db.session.scalars(select(Notification).where(Notification.event == "comment_reply")).one()
    assert note.comment_id == reply.id


def test_reply_to_a_reply_tells_the_replier_not_only_the_top_author(discussion):
    top = comment_on(discussion, discussion.anna, "Augšējais")
    reply = comment_on(discussion, discussion.valdis, "Atbilde", parent=top)
    db.session.execute(Notification.__table__.delete())
    db.session.commit()

    comment_on(discussion, discussion.marija, "Valdim", parent=reply)

    assert notifications() == sorted(
        [("comment_reply", discussion.valdis.id), ("comment_new", discussion.author.id), ("comment_new", discussion.anna.id)]
    )


def test_author_answering_on_own_idea_is_not_told_of_it(discussion):
    top = comment_on(discussion, discussion.anna, "Jautājums")
    db.session.execute(Notification.__table__.delete())
    db.session.commit()

    comment_on(discussion, discussion.author, "Atbilde", parent=top)

    assert notifications() == [("comment_reply", discussion.anna.id)]


def test_replying_to_oneself_tells_nobody_twice(discussion):
    top = comment_on(discussion, discussion.anna, "Pirmais")
    db.session.execute(Notification.__table__.delete())
    db.session.commit()

    comment_on(discussion, discussion.anna, "Papildinu", parent=top)

    assert notifications() == [("comment_new", discussion.author.id)]


# --- edit and delete ------------------------------------------------------------------------------


def test_author_edits_and_the_comment_is_marked_edited(discussion):
    comment = comment_on(discussion, discussion.anna, "Pirmā versija")
    assert reload(comment).edited_at is None

    services.edit_comment(discussion.anna, reload(comment), "  Otrā versija ")
    db.session.commit()

    saved = reload(comment)
    assert saved.body == "Otrā versija" and saved.edited_at is not None


def test_saving_the_same_text_does_not_mark_it_edited(discussion):
    comment = comment_on(discussion, discussion.anna, "Tas pats")
    services.edit_comment(discussion.anna, reload(comment), "Tas pats")
    db.session.commit()
    assert reload(comment).edited_at is None


@pytest.mark.parametrize("who", ["valdis", "moderator", "author"])
def test_only_the_comment_author_edits_or_deletes(discussion, who):
    comment = comment_on(discussion, discussion.anna, "Manējais")
    with pytest.raises(NotAllowed):
        services.edit_comment(getattr(discussion, who), reload(comment), "Mainīts")
    with pytest.raises(NotAllowed):
        services.delete_comment(getattr(discussion, who), reload(comment))
    db.session.rollback()
    assert reload(comment).body == "Manējais"


def test_edit_refuses_empty_text(discussion):
    comment = comment_on(discussion, discussion.anna, "Teksts")
    with pytest.raises(InvalidTransition):
        services.edit_comment(discussion.anna, reload(comment), "   ")
    db.session.rollback()
    assert reload(comment).body == "Teksts"


def test_hidden_comment_cannot_be_edited(discussion):
    comment = comment_on(discussion, discussion.anna, "Teksts")
    services.hide_comment(discussion.moderator, reload(comment), "Rupjš")
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.edit_comment(discussion.anna, reload(comment), "Izlabots")


def test_delete_removes_the_text_keeps_the_thread_and_the_counter_follows(discussion):
    top = comment_on(discussion, discussion.anna, "Pirmais")
    reply = comment_on(discussion, discussion.valdis, "Atbilde", parent=top)
    assert comment_count(discussion.idea) == 2

    services.delete_comment(discussion.anna, reload(top))
    db.session.commit()

    saved = reload(top)
    assert saved.body == "" and saved.deleted_at is not None
    assert reload(reply).parent_id == top.id and reload(reply).body == "Atbilde"
    threads = load_comments(discussion.idea, None)
    assert threads[0].state == "deleted" and threads[0].paragraphs == []
    assert [r.comment.id for r in threads[0].replies] == [reply.id]
    assert comment_count(discussion.idea) == 1 == readable_comments(discussion.idea)


def test_deleting_twice_is_refused_and_counts_once(discussion):
    comment = comment_on(discussion, discussion.anna)
    services.delete_comment(discussion.anna, reload(comment))
    db.session.commit()
    with pytest.raises(AlreadyDone):
        services.delete_comment(discussion.anna, reload(comment))
    db.session.rollback()
    assert comment_count(discussion.idea) == 0


def test_deleting_a_hidden_comment_does_not_count_it_twice_and_closes_its_reports(discussion):
    comment = comment_on(discussion, discussion.anna)
    comment_on(discussion, discussion.valdis, "Cits")
    for person in (discussion.valdis, discussion.marija, discussion.janis):
        report_by(person, comment)
    assert comment_count(discussion.idea) == 1

    services.delete_comment(discussion.anna, reload(comment))
    db.session.commit()

    assert comment_count(discussion.idea) == 1 == readable_comments(discussion.idea)
    assert reported_comments(discussion.moderator) == []


# --- reports --------------------------------------------------------------------------------------


def test_reports_from_three_people_hide_the_comment(discussion):
    comment = comment_on(discussion, discussion.anna)
    report_by(discussion.valdis, comment)
    report_by(discussion.marija, comment)
    assert reload(comment).hidden_at is None
    assert comment_count(discussion.idea) == 1

    report_by(discussion.janis, comment)

    saved = reload(comment)
    assert saved.hidden_at is not None and saved.hidden_by_id is None
    assert saved.open_report_count == REPORTS_TO_HIDE == 3
    assert comment_count(discussion.idea) == 0
    assert [entry.subject_id for entry in audit("comment.hidden_by_reports")] == [comment.id]
    assert len(audit("comment.reported")) == 3
    [item] = load_comments(discussion.idea, discussion.author)
    assert item.state == "awaiting_review" and not item.show_text and item.paragraphs == []


def test_the_same_person_reporting_three_times_counts_once(discussion):
    comment = comment_on(discussion, discussion.anna)
    assert report_by(discussion.valdis, comment, "Pirmo reizi") is not None
    assert report_by(discussion.valdis, comment, "Otro reizi") is None
    assert report_by(discussion.valdis, comment, "Trešo reizi") is None

    saved = reload(comment)
    assert saved.hidden_at is None and saved.open_report_count == 1
    assert db.session.scalar(select(func.count()).select_from(CommentReport)) == 1


def test_nobody_reports_their_own_comment_and_reason_is_required(discussion):
    comment = comment_on(discussion, discussion.anna)
    with pytest.raises(NotAllowed):
        services.report_comment(discussion.anna, reload(comment), "Pats")
    with pytest.raises(InvalidTransition):
        services.report_comment(discussion.valdis, reload(comment), "   ")
    db.session.rollback()
    assert reload(comment).open_report_count == 0


def test_viewer_sees_which_comments_they_reported(discussion):
    reported = comment_on(discussion, discussion.anna, "Viens")
    comment_on(discussion, discussion.anna, "Otrs")
    report_by(discussion.valdis, reported)

    assert [item.reported for item in load_comments(discussion.idea, discussion.valdis)] == [True, False]
    assert [item.reported for item in load_comments(discussion.idea, discussion.marija)] == [False, False]
    assert [item.reported for item in load_comments(discussion.idea, None)] == [False, False]


# --- moderators -----------------------------------------------------------------------------------


def hidden_by_reports(discussion):
    comment = comment_on(discussion, discussion.anna, "Strīdīgs")
    for person in (discussion.valdis, discussion.marija, discussion.janis):
        report_by(person, comment)
    return comment


def test_moderator_sees_the_hidden_text_others_see_a_placeholder(discussion):
    comment = hidden_by_reports(discussion)
    [for_moderator] = load_comments(discussion.idea, discussion.moderator)
    [for_author] = load_comments(discussion.idea, discussion.anna)
    [for_other_moderator] = load_comments(discussion.idea, discussion.other_moderator)
    assert for_moderator.show_text and for_moderator.paragraphs == [["Strīdīgs"]]
    assert not for_author.show_text and not for_other_moderator.show_text
    assert comment.id == for_moderator.comment.id


def test_restore_shows_it_again_and_resolves_the_reports(discussion):
    comment = hidden_by_reports(discussion)

    services.restore_comment(discussion.moderator, reload(comment), "Nekas slikts")
    db.session.commit()

    saved = reload(comment)
    assert saved.hidden_at is None and saved.open_report_count == 0
    assert comment_count(discussion.idea) == 1
    assert db.session.scalar(select(func.count()).select_from(CommentReport).where(CommentReport.resolved_at.is_(None))) == 0
    [entry] = audit("comment.restored")
    assert (entry.actor_id, entry.centre_id, entry.reason) == (discussion.moderator.id, discussion.centre.id, "Nekas slikts")
    assert reported_comments(discussion.moderator) == []


def test_after_a_restore_new_reports_from_others_are_needed(discussion):
    comment = hidden_by_reports(discussion)
    services.restore_comment(discussion.moderator, reload(comment), "Viss kārtībā")
    db.session.commit()

    report_by(discussion.valdis, comment)  # already reported once: ignored
    report_by(make_user(), comment)
    report_by(make_user(), comment)
    assert reload(comment).hidden_at is None
    report_by(make_user(), comment)
    assert reload(comment).hidden_at is not None


def test_confirm_keeps_it_hidden_with_the_moderators_reason(discussion):
    comment = hidden_by_reports(discussion)

    services.confirm_hidden(discussion.moderator, reload(comment), "Personiski aizskaroši")
    db.session.commit()

    saved = reload(comment)
    assert saved.hidden_at is not None and saved.hidden_by_id == discussion.moderator.id
    assert saved.hidden_reason == "Personiski aizskaroši" and saved.open_report_count == 0
    assert comment_count(discussion.idea) == 0 == readable_comments(discussion.idea)
    assert [e.reason for e in audit("comment.hide_confirmed")] == ["Personiski aizskaroši"]
    assert reported_comments(discussion.moderator) == []
    [item] = load_comments(discussion.idea, discussion.valdis)
    assert item.state == "hidden"
    with pytest.raises(AlreadyDone):
        services.confirm_hidden(discussion.moderator, reload(comment), "Vēlreiz")


def test_moderator_hides_a_comment_with_a_reason(discussion):
    comment = comment_on(discussion, discussion.anna)

    services.hide_comment(discussion.moderator, reload(comment), "Reklāma")
    db.session.commit()

    saved = reload(comment)
    assert (saved.hidden_by_id, saved.hidden_reason) == (discussion.moderator.id, "Reklāma")
    assert comment_count(discussion.idea) == 0
    [entry] = audit("comment.hidden")
    assert (entry.actor_id, entry.subject_type, entry.subject_id, entry.centre_id) == (
        discussion.moderator.id,
        "Comment",
        comment.id,
        discussion.centre.id,
    )
    with pytest.raises(AlreadyDone):
        services.hide_comment(discussion.moderator, reload(comment), "Vēlreiz")
    db.session.rollback()

    services.restore_comment(discussion.moderator, reload(comment), "Kļūda")
    db.session.commit()
    assert comment_count(discussion.idea) == 1 == readable_comments(discussion.idea)


@pytest.mark.parametrize("action", ["hide_comment", "restore_comment", "confirm_hidden"])
def test_moderator_actions_need_a_reason(discussion, action):
    comment = hidden_by_reports(discussion)
    with pytest.raises(InvalidTransition):
        getattr(services, action)(discussion.moderator, reload(comment), "  ")


@pytest.mark.parametrize("action", ["hide_comment", "restore_comment", "confirm_hidden"])
@pytest.mark.parametrize("who", ["other_moderator", "author", "valdis"])
def test_moderator_actions_only_by_moderators_of_the_ideas_centre(discussion, action, who):
    comment = hidden_by_reports(discussion)
    with pytest.raises(NotAllowed):
        getattr(services, action)(getattr(discussion, who), reload(comment), "Iemesls")
    db.session.rollback()
    assert awaiting(reload(comment))


def awaiting(comment):
    return comment.hidden_at is not None and comment.hidden_by_id is None and comment.open_report_count == 3


def test_admin_moderates_every_centre(discussion):
    comment = hidden_by_reports(discussion)
    admin = make_user(email="admin@example.com", admin=True)
    services.restore_comment(admin, reload(comment), "Labi")
    db.session.commit()
    assert reload(comment).hidden_at is None


def test_database_backs_the_moderator_reason(discussion):
    comment = comment_on(discussion, discussion.anna)
    created_at = reload(comment).created_at
    with pytest.raises(IntegrityError, match="moderator_hide_has_reason"):
        db.session.execute(
            Comment.__table__.update()
            .where(Comment.id == comment.id)
            .values(hidden_at=created_at, hidden_by_id=discussion.moderator.id, hidden_reason="")
        )
    db.session.rollback()


def test_counter_stays_right_through_every_path(discussion):
    a = comment_on(discussion, discussion.anna, "A")
    b = comment_on(discussion, discussion.valdis, "B", parent=a)
    c = comment_on(discussion, discussion.marija, "C")
    services.hide_comment(discussion.moderator, reload(b), "Rupjš")
    db.session.commit()
    services.delete_comment(discussion.valdis, reload(b))  # hidden, then deleted
    services.delete_comment(discussion.anna, reload(a))
    db.session.commit()
    for person in (discussion.anna, discussion.valdis, discussion.janis):
        report_by(person, c)
    services.restore_comment(discussion.moderator, reload(c), "Labi")
    db.session.commit()
    assert comment_count(discussion.idea) == 1 == readable_comments(discussion.idea)


# --- the moderators' list of reported comments -----------------------------------------------------


def test_reported_comments_lists_the_moderators_centres_oldest_first_with_reasons(discussion):
    first = comment_on(discussion, discussion.anna, "Pirmais")
    second = comment_on(discussion, discussion.valdis, "Otrais")
    elsewhere_idea = make_idea(author=discussion.author, centre=discussion.other_moderator.moderated_centres[0])
    elsewhere = services.add_comment(discussion.anna, elsewhere_idea, "Citur")
    db.session.commit()
    report_by(discussion.marija, second, "<b>Rupjš</b>")
    report_by(discussion.janis, first, "Reklāma")
    report_by(discussion.valdis, first, "Ne par tēmu")
    report_by(discussion.marija, elsewhere, "Citur")
    comment_on(discussion, discussion.janis, "Neziņots")

    listed = reported_comments(discussion.moderator)

    assert [entry.comment.id for entry in listed] == [second.id, first.id]
    assert listed[0].subject.id == discussion.idea.id and listed[0].comment.author.display_name == "Valdis"
    assert [(r.reporter.display_name, r.reason) for r in listed[1].reports] == [("Jānis", "Reklāma"), ("Valdis", "Ne par tēmu")]
    assert [entry.comment.id for entry in reported_comments(discussion.other_moderator)] == [elsewhere.id]
    assert reported_comments(discussion.anna) == []
