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
from tests.factories import make_centre, make_idea, make_user
from tests.statements import recorded_statements


@pytest.fixture
def world(ctx):
    centre = make_centre(name="Preiļi")
    author = make_user(email="autore@example.com", display_name="Autore Ilze")
    idea = make_idea(author=author, centre=centre)
    return type(
        "World",
        (),
        {
            "centre": centre,
            "author": author,
            "idea": idea,
            "anna": make_user(email="anna@example.com", display_name="Anna"),
            "valdis": make_user(email="valdis@example.com", display_name="Valdis"),
            "marija": make_user(email="marija@example.com", display_name="Marija"),
            "janis": make_user(email="janis@example.com", display_name="Jānis"),
            "moderator": make_user(email="mod@example.com", display_name="Koordinatore", moderates=[centre]),
            "other_moderator": make_user(email="mod2@example.com", display_name="Cita", moderates=[make_centre(name="Aglona")]),
        },
    )


def comment_on(world, person, body="Laba ideja!", parent=None):
    comment = services.add_comment(person, world.idea, body, parent=parent)
    db.session.commit()
    return comment


def test_a_form_key_seen_twice_gives_the_first_comment_and_one_notification(world):
    first = services.add_comment(world.anna, world.idea, "Laba ideja!", submission_key="k" * 24)
    db.session.commit()
    again = services.add_comment(world.anna, world.idea, "Laba ideja!", submission_key="k" * 24)
    db.session.commit()
    assert again.id == first.id
    assert comment_count(world.idea) == 1
    assert db.session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == world.author.id)) == 1
    # the key is the author's: someone else's form with the same key is another comment
    assert services.add_comment(world.valdis, world.idea, "Arī", submission_key="k" * 24).id != first.id


def test_when_both_sendings_pass_the_check_at_once_the_unique_key_decides(world, monkeypatch):
    first = services.add_comment(world.anna, world.idea, "Laba ideja!", submission_key="k" * 24)
    db.session.commit()
    looked_up = []
    real_lookup = services.comment_of_form

    def not_yet_committed_the_first_time(author, key):  # as the second sending saw it on PostgreSQL
        looked_up.append(key)
        return None if len(looked_up) == 1 else real_lookup(author, key)

    monkeypatch.setattr(services, "comment_of_form", not_yet_committed_the_first_time)
    again = services.add_comment(world.anna, world.idea, "Laba ideja!", submission_key="k" * 24)
    db.session.commit()
    assert again.id == first.id and len(looked_up) == 2
    assert comment_count(world.idea) == 1 == readable_comments(world.idea)


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


def test_comment_is_saved_trimmed_and_counted(world):
    comment = comment_on(world, world.anna, "  Laba ideja!\r\nOtrā rinda  \n")

    saved = reload(comment)
    assert (saved.body, saved.author_id, saved.parent_id) == ("Laba ideja!\nOtrā rinda", world.anna.id, None)
    assert comment_count(world.idea) == 1


@pytest.mark.parametrize("body", ["", "   \n  ", "x" * 5001])
def test_empty_or_too_long_comment_is_refused(world, body):
    with pytest.raises(InvalidTransition):
        services.add_comment(world.anna, world.idea, body)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
    assert comment_count(world.idea) == 0


def test_a_comment_of_5000_characters_is_fine(world):
    assert len(reload(comment_on(world, world.anna, "ā" * 5000)).body) == 5000


@pytest.mark.parametrize("state", ["draft", "submitted", "changes_requested", "declined", "archived"])
def test_comments_only_on_published_and_promoted_ideas(world, state):
    idea = make_idea(author=world.author, centre=world.centre, state=state)
    with pytest.raises(NotAllowed):
        services.add_comment(world.anna, idea, "Sveiki")


def test_comment_on_a_promoted_idea(world):
    idea = make_idea(author=world.author, centre=world.centre, state="promoted")
    services.add_comment(world.anna, idea, "Sveiki")
    db.session.commit()
    assert comment_count(idea) == 1


@pytest.mark.parametrize("kind", ["suspended", "unconfirmed"])
def test_suspended_and_unconfirmed_people_cannot_comment(world, kind):
    person = make_user(suspended=kind == "suspended", confirmed=kind != "unconfirmed")
    with pytest.raises(NotAllowed):
        services.add_comment(person, world.idea, "Sveiki")


def test_reply_to_a_reply_attaches_to_the_top_comment(world):
    top = comment_on(world, world.anna, "Augšējais")
    reply = comment_on(world, world.valdis, "Atbilde", parent=top)
    answer = comment_on(world, world.marija, "Atbilde uz atbildi", parent=reply)

    assert reload(reply).parent_id == top.id
    assert reload(answer).parent_id == top.id
    threads = load_comments(world.idea, world.janis)
    assert [item.comment.id for item in threads] == [top.id]
    assert [item.comment.id for item in threads[0].replies] == [reply.id, answer.id]
    assert comment_count(world.idea) == 3


def test_reply_to_a_comment_of_another_idea_is_refused(world):
    other_idea = make_idea(author=world.author, centre=world.centre, title="Cita")
    elsewhere = services.add_comment(world.anna, other_idea, "Citur")
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.add_comment(world.valdis, world.idea, "Atbilde", parent=elsewhere)


def test_deleted_or_hidden_comments_cannot_be_answered(world):
    gone = comment_on(world, world.anna, "Drīz dzēsīšu")
    services.delete_comment(world.anna, reload(gone))
    hidden = comment_on(world, world.anna, "Slikts")
    services.hide_comment(world.moderator, reload(hidden), "Rupjš")
    db.session.commit()
    for parent in (gone, hidden):
        with pytest.raises(InvalidTransition):
            services.add_comment(world.valdis, world.idea, "Atbilde", parent=reload(parent))
        db.session.rollback()


def test_threads_oldest_first_with_replies_oldest_first(world):
    first = comment_on(world, world.anna, "Pirmais")
    second = comment_on(world, world.valdis, "Otrais")
    reply_to_second = comment_on(world, world.anna, "Otrajam", parent=second)
    reply_to_first = comment_on(world, world.marija, "Pirmajam", parent=first)

    threads = load_comments(world.idea, None)

    assert [t.comment.id for t in threads] == [first.id, second.id]
    assert [r.comment.id for r in threads[0].replies] == [reply_to_first.id]
    assert [r.comment.id for r in threads[1].replies] == [reply_to_second.id]


@pytest.mark.parametrize("threads", [0, 1, 6])
def test_load_comments_is_one_statement_however_many_comments(world, threads):
    for number in range(threads):
        top = comment_on(world, world.anna, f"Komentārs {number}")
        comment_on(world, world.valdis, "Atbilde", parent=top)
    report_by(world.janis, top) if threads else None
    db.session.expire_all()
    viewer = db.session.get(User, world.janis.id)
    _ = viewer.moderated_centres  # loaded with the signed-in person on every page anyway
    idea = db.session.get(Idea, world.idea.id)

    with recorded_statements() as statements:
        loaded = load_comments(idea, viewer)
        names = [item.comment.author.display_name for thread in loaded for item in [thread, *thread.replies]]
        reported = [item.reported for thread in loaded for item in [thread, *thread.replies]]

    assert len(names) == 2 * threads
    assert sum(reported) == (1 if threads else 0)
    assert len(statements) == 1, statements


# --- notifications ---------------------------------------------------------------------------------


def test_new_comment_tells_the_author_and_followers_once_never_the_commenter(world):
    db.session.add_all(
        [
            Follow(idea_id=world.idea.id, user_id=world.author.id),
            Follow(idea_id=world.idea.id, user_id=world.marija.id),
            Follow(idea_id=world.idea.id, user_id=world.anna.id),
        ]
    )
    db.session.commit()

    comment_on(world, world.anna)

    assert notifications() == sorted([("comment_new", world.author.id), ("comment_new", world.marija.id)])
    [note] = [n for n in db.session.scalars(select(Notification)) if n.user_id == world.marija.id]
    assert note.actor_id == world.anna.id and note.idea_id == world.idea.id


def test_author_is_told_even_when_not_following(world):
    comment_on(world, world.anna)
    assert notifications() == [("comment_new", world.author.id)]


def test_the_commenter_starts_following(world):
    comment_on(world, world.anna)
    comment_on(world, world.anna, "Vēlreiz")
    assert db.session.get(Follow, (world.idea.id, world.anna.id)) is not None


def test_reply_tells_the_answered_person_once_as_a_reply(world):
    top = comment_on(world, world.anna, "Augšējais")  # Anna now follows
    comment_on(world, world.valdis, "Arī es", parent=top)  # Valdis now follows
    db.session.execute(Notification.__table__.delete())
    db.session.commit()

    reply = comment_on(world, world.valdis, "Vēl", parent=top)

    assert notifications() == sorted([("comment_reply", world.anna.id), ("comment_new", world.author.id)])
    note = db.session.scalars(select(Notification).where(Notification.event == "comment_reply")).one()
    assert note.comment_id == reply.id


def test_reply_to_a_reply_tells_the_replier_not_only_the_top_author(world):
    top = comment_on(world, world.anna, "Augšējais")
    reply = comment_on(world, world.valdis, "Atbilde", parent=top)
    db.session.execute(Notification.__table__.delete())
    db.session.commit()

    comment_on(world, world.marija, "Valdim", parent=reply)

    assert notifications() == sorted(
        [("comment_reply", world.valdis.id), ("comment_new", world.author.id), ("comment_new", world.anna.id)]
    )


def test_author_answering_on_own_idea_is_not_told_of_it(world):
    top = comment_on(world, world.anna, "Jautājums")
    db.session.execute(Notification.__table__.delete())
    db.session.commit()

    comment_on(world, world.author, "Atbilde", parent=top)

    assert notifications() == [("comment_reply", world.anna.id)]


def test_replying_to_oneself_tells_nobody_twice(world):
    top = comment_on(world, world.anna, "Pirmais")
    db.session.execute(Notification.__table__.delete())
    db.session.commit()

    comment_on(world, world.anna, "Papildinu", parent=top)

    assert notifications() == [("comment_new", world.author.id)]


# --- edit and delete ------------------------------------------------------------------------------


def test_author_edits_and_the_comment_is_marked_edited(world):
    comment = comment_on(world, world.anna, "Pirmā versija")
    assert reload(comment).edited_at is None

    services.edit_comment(world.anna, reload(comment), "  Otrā versija ")
    db.session.commit()

    saved = reload(comment)
    assert saved.body == "Otrā versija" and saved.edited_at is not None


def test_saving_the_same_text_does_not_mark_it_edited(world):
    comment = comment_on(world, world.anna, "Tas pats")
    services.edit_comment(world.anna, reload(comment), "Tas pats")
    db.session.commit()
    assert reload(comment).edited_at is None


@pytest.mark.parametrize("who", ["valdis", "moderator", "author"])
def test_only_the_comment_author_edits_or_deletes(world, who):
    comment = comment_on(world, world.anna, "Manējais")
    with pytest.raises(NotAllowed):
        services.edit_comment(getattr(world, who), reload(comment), "Mainīts")
    with pytest.raises(NotAllowed):
        services.delete_comment(getattr(world, who), reload(comment))
    db.session.rollback()
    assert reload(comment).body == "Manējais"


def test_edit_refuses_empty_text(world):
    comment = comment_on(world, world.anna, "Teksts")
    with pytest.raises(InvalidTransition):
        services.edit_comment(world.anna, reload(comment), "   ")
    db.session.rollback()
    assert reload(comment).body == "Teksts"


def test_hidden_comment_cannot_be_edited(world):
    comment = comment_on(world, world.anna, "Teksts")
    services.hide_comment(world.moderator, reload(comment), "Rupjš")
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.edit_comment(world.anna, reload(comment), "Izlabots")


def test_delete_removes_the_text_keeps_the_thread_and_the_counter_follows(world):
    top = comment_on(world, world.anna, "Pirmais")
    reply = comment_on(world, world.valdis, "Atbilde", parent=top)
    assert comment_count(world.idea) == 2

    services.delete_comment(world.anna, reload(top))
    db.session.commit()

    saved = reload(top)
    assert saved.body == "" and saved.deleted_at is not None
    assert reload(reply).parent_id == top.id and reload(reply).body == "Atbilde"
    threads = load_comments(world.idea, None)
    assert threads[0].state == "deleted" and threads[0].paragraphs == []
    assert [r.comment.id for r in threads[0].replies] == [reply.id]
    assert comment_count(world.idea) == 1 == readable_comments(world.idea)


def test_deleting_twice_is_refused_and_counts_once(world):
    comment = comment_on(world, world.anna)
    services.delete_comment(world.anna, reload(comment))
    db.session.commit()
    with pytest.raises(AlreadyDone):
        services.delete_comment(world.anna, reload(comment))
    db.session.rollback()
    assert comment_count(world.idea) == 0


def test_deleting_a_hidden_comment_does_not_count_it_twice_and_closes_its_reports(world):
    comment = comment_on(world, world.anna)
    comment_on(world, world.valdis, "Cits")
    for person in (world.valdis, world.marija, world.janis):
        report_by(person, comment)
    assert comment_count(world.idea) == 1

    services.delete_comment(world.anna, reload(comment))
    db.session.commit()

    assert comment_count(world.idea) == 1 == readable_comments(world.idea)
    assert reported_comments(world.moderator) == []


# --- reports --------------------------------------------------------------------------------------


def test_reports_from_three_people_hide_the_comment(world):
    comment = comment_on(world, world.anna)
    report_by(world.valdis, comment)
    report_by(world.marija, comment)
    assert reload(comment).hidden_at is None
    assert comment_count(world.idea) == 1

    report_by(world.janis, comment)

    saved = reload(comment)
    assert saved.hidden_at is not None and saved.hidden_by_id is None
    assert saved.open_report_count == REPORTS_TO_HIDE == 3
    assert comment_count(world.idea) == 0
    assert [entry.subject_id for entry in audit("comment.hidden_by_reports")] == [comment.id]
    assert len(audit("comment.reported")) == 3
    [item] = load_comments(world.idea, world.author)
    assert item.state == "awaiting_review" and not item.show_text and item.paragraphs == []


def test_the_same_person_reporting_three_times_counts_once(world):
    comment = comment_on(world, world.anna)
    assert report_by(world.valdis, comment, "Pirmo reizi") is not None
    assert report_by(world.valdis, comment, "Otro reizi") is None
    assert report_by(world.valdis, comment, "Trešo reizi") is None

    saved = reload(comment)
    assert saved.hidden_at is None and saved.open_report_count == 1
    assert db.session.scalar(select(func.count()).select_from(CommentReport)) == 1


def test_nobody_reports_their_own_comment_and_reason_is_required(world):
    comment = comment_on(world, world.anna)
    with pytest.raises(NotAllowed):
        services.report_comment(world.anna, reload(comment), "Pats")
    with pytest.raises(InvalidTransition):
        services.report_comment(world.valdis, reload(comment), "   ")
    db.session.rollback()
    assert reload(comment).open_report_count == 0


def test_viewer_sees_which_comments_they_reported(world):
    reported = comment_on(world, world.anna, "Viens")
    comment_on(world, world.anna, "Otrs")
    report_by(world.valdis, reported)

    assert [item.reported for item in load_comments(world.idea, world.valdis)] == [True, False]
    assert [item.reported for item in load_comments(world.idea, world.marija)] == [False, False]
    assert [item.reported for item in load_comments(world.idea, None)] == [False, False]


# --- moderators -----------------------------------------------------------------------------------


def hidden_by_reports(world):
    comment = comment_on(world, world.anna, "Strīdīgs")
    for person in (world.valdis, world.marija, world.janis):
        report_by(person, comment)
    return comment


def test_moderator_sees_the_hidden_text_others_see_a_placeholder(world):
    comment = hidden_by_reports(world)
    [for_moderator] = load_comments(world.idea, world.moderator)
    [for_author] = load_comments(world.idea, world.anna)
    [for_other_moderator] = load_comments(world.idea, world.other_moderator)
    assert for_moderator.show_text and for_moderator.paragraphs == [["Strīdīgs"]]
    assert not for_author.show_text and not for_other_moderator.show_text
    assert comment.id == for_moderator.comment.id


def test_restore_shows_it_again_and_resolves_the_reports(world):
    comment = hidden_by_reports(world)

    services.restore_comment(world.moderator, reload(comment), "Nekas slikts")
    db.session.commit()

    saved = reload(comment)
    assert saved.hidden_at is None and saved.open_report_count == 0
    assert comment_count(world.idea) == 1
    assert db.session.scalar(select(func.count()).select_from(CommentReport).where(CommentReport.resolved_at.is_(None))) == 0
    [entry] = audit("comment.restored")
    assert (entry.actor_id, entry.centre_id, entry.reason) == (world.moderator.id, world.centre.id, "Nekas slikts")
    assert reported_comments(world.moderator) == []


def test_after_a_restore_new_reports_from_others_are_needed(world):
    comment = hidden_by_reports(world)
    services.restore_comment(world.moderator, reload(comment), "Viss kārtībā")
    db.session.commit()

    report_by(world.valdis, comment)  # already reported once: ignored
    report_by(make_user(), comment)
    report_by(make_user(), comment)
    assert reload(comment).hidden_at is None
    report_by(make_user(), comment)
    assert reload(comment).hidden_at is not None


def test_confirm_keeps_it_hidden_with_the_moderators_reason(world):
    comment = hidden_by_reports(world)

    services.confirm_hidden(world.moderator, reload(comment), "Personiski aizskaroši")
    db.session.commit()

    saved = reload(comment)
    assert saved.hidden_at is not None and saved.hidden_by_id == world.moderator.id
    assert saved.hidden_reason == "Personiski aizskaroši" and saved.open_report_count == 0
    assert comment_count(world.idea) == 0 == readable_comments(world.idea)
    assert [e.reason for e in audit("comment.hide_confirmed")] == ["Personiski aizskaroši"]
    assert reported_comments(world.moderator) == []
    [item] = load_comments(world.idea, world.valdis)
    assert item.state == "hidden"
    with pytest.raises(AlreadyDone):
        services.confirm_hidden(world.moderator, reload(comment), "Vēlreiz")


def test_moderator_hides_a_comment_with_a_reason(world):
    comment = comment_on(world, world.anna)

    services.hide_comment(world.moderator, reload(comment), "Reklāma")
    db.session.commit()

    saved = reload(comment)
    assert (saved.hidden_by_id, saved.hidden_reason) == (world.moderator.id, "Reklāma")
    assert comment_count(world.idea) == 0
    [entry] = audit("comment.hidden")
    assert (entry.actor_id, entry.subject_type, entry.subject_id, entry.centre_id) == (
        world.moderator.id,
        "Comment",
        comment.id,
        world.centre.id,
    )
    with pytest.raises(AlreadyDone):
        services.hide_comment(world.moderator, reload(comment), "Vēlreiz")
    db.session.rollback()

    services.restore_comment(world.moderator, reload(comment), "Kļūda")
    db.session.commit()
    assert comment_count(world.idea) == 1 == readable_comments(world.idea)


@pytest.mark.parametrize("action", ["hide_comment", "restore_comment", "confirm_hidden"])
def test_moderator_actions_need_a_reason(world, action):
    comment = hidden_by_reports(world)
    with pytest.raises(InvalidTransition):
        getattr(services, action)(world.moderator, reload(comment), "  ")


@pytest.mark.parametrize("action", ["hide_comment", "restore_comment", "confirm_hidden"])
@pytest.mark.parametrize("who", ["other_moderator", "author", "valdis"])
def test_moderator_actions_only_by_moderators_of_the_ideas_centre(world, action, who):
    comment = hidden_by_reports(world)
    with pytest.raises(NotAllowed):
        getattr(services, action)(getattr(world, who), reload(comment), "Iemesls")
    db.session.rollback()
    assert awaiting(reload(comment))


def awaiting(comment):
    return comment.hidden_at is not None and comment.hidden_by_id is None and comment.open_report_count == 3


def test_admin_moderates_every_centre(world):
    comment = hidden_by_reports(world)
    admin = make_user(email="admin@example.com", admin=True)
    services.restore_comment(admin, reload(comment), "Labi")
    db.session.commit()
    assert reload(comment).hidden_at is None


def test_database_backs_the_moderator_reason(world):
    comment = comment_on(world, world.anna)
    created_at = reload(comment).created_at
    with pytest.raises(IntegrityError, match="moderator_hide_has_reason"):
        db.session.execute(
            Comment.__table__.update()
            .where(Comment.id == comment.id)
            .values(hidden_at=created_at, hidden_by_id=world.moderator.id, hidden_reason="")
        )
    db.session.rollback()


def test_counter_stays_right_through_every_path(world):
    a = comment_on(world, world.anna, "A")
    b = comment_on(world, world.valdis, "B", parent=a)
    c = comment_on(world, world.marija, "C")
    services.hide_comment(world.moderator, reload(b), "Rupjš")
    db.session.commit()
    services.delete_comment(world.valdis, reload(b))  # hidden, then deleted
    services.delete_comment(world.anna, reload(a))
    db.session.commit()
    for person in (world.anna, world.valdis, world.janis):
        report_by(person, c)
    services.restore_comment(world.moderator, reload(c), "Labi")
    db.session.commit()
    assert comment_count(world.idea) == 1 == readable_comments(world.idea)


# --- the moderators' list of reported comments -----------------------------------------------------


def test_reported_comments_lists_the_moderators_centres_oldest_first_with_reasons(world):
    first = comment_on(world, world.anna, "Pirmais")
    second = comment_on(world, world.valdis, "Otrais")
    elsewhere_idea = make_idea(author=world.author, centre=world.other_moderator.moderated_centres[0])
    elsewhere = services.add_comment(world.anna, elsewhere_idea, "Citur")
    db.session.commit()
    report_by(world.marija, second, "<b>Rupjš</b>")
    report_by(world.janis, first, "Reklāma")
    report_by(world.valdis, first, "Ne par tēmu")
    report_by(world.marija, elsewhere, "Citur")
    comment_on(world, world.janis, "Neziņots")

    listed = reported_comments(world.moderator)

    assert [entry.comment.id for entry in listed] == [second.id, first.id]
    assert listed[0].idea.id == world.idea.id and listed[0].comment.author.display_name == "Valdis"
    assert [(r.reporter.display_name, r.reason) for r in listed[1].reports] == [("Jānis", "Reklāma"), ("Valdis", "Ne par tēmu")]
    assert [entry.comment.id for entry in reported_comments(world.other_moderator)] == [elsewhere.id]
    assert reported_comments(world.anna) == []
