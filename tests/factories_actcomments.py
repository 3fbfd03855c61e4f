"""Comments on activities: an activity of Preiļi and the people who talk about it."""

from dataclasses import dataclass

from app.accounts.models import User
from app.activities.models import Activity
from app.centres.models import Centre
from tests.factories import make_activity, make_centre, make_user


@dataclass
class ActivityDiscussion:
    centre: Centre
    #: the coordinator who created the activity (a moderator of its centre)
    coordinator: User
    activity: Activity
    anna: User
    valdis: User
    marija: User
    janis: User
    #: another moderator of the same centre (not the activity's creator)
    moderator: User
    other_moderator: User


def make_activity_discussion(state="open", starts_in_days=7):
    """“Keramikas darbnīca” of Preiļi, created by Koordinatore Dace; Anna, Valdis, Marija and Jānis talk about it;
    another moderator of Preiļi and one of Aglona. Everyone reads English."""

    def person(email, name, **fields):
        return make_user(email=email, display_name=name, language="en", **fields)

    centre = make_centre(name="Preiļi")
    coordinator = person("dace@example.com", "Koordinatore Dace", moderates=[centre])
    return ActivityDiscussion(
        centre=centre,
        coordinator=coordinator,
        activity=make_activity(centre=centre, creator=coordinator, state=state, starts_in_days=starts_in_days),
        anna=person("anna@example.com", "Anna"),
        valdis=person("valdis@example.com", "Valdis"),
        marija=person("marija@example.com", "Marija"),
        janis=person("janis@example.com", "Jānis"),
        moderator=person("mod@example.com", "Koordinatore", moderates=[centre]),
        other_moderator=person("mod2@example.com", "Cita koordinatore", moderates=[make_centre(name="Aglona")]),
    )


def make_activity_comment(activity, author, body="Paldies par darbnīcu!", parent=None, **fields):
    """A comment on the activity (or a reply to parent); one people can read (not deleted, not hidden) is counted."""
    from app.comments.models import Comment
    from tests.factories import id_of, saved

    comment = Comment(activity_id=activity.id, author_id=author.id, body=body, parent_id=id_of(parent), **fields)
    if comment.deleted_at is None and comment.hidden_at is None:
        activity.comment_count += 1
    return saved(comment)
