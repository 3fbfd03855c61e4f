"""Promoting a published idea into an activity of its centre, in the caller's one transaction."""

from app import permissions
from app.activities import services as activity_services
from app.errors import NotAllowed
from app.ideas import services as idea_services
from app.ideas.queries import followers_of, supporters_of
from app.notifications.services import notify
from app.partnerships import services as partnership_services
from app.volunteering import services as volunteering_services


def promote_idea(actor, idea, open_registration=False, **fields):
    """Turn a published idea into an activity of its centre.

    The idea becomes "promoted" and links to the activity, which shows the idea's photo; its volunteer roles (with the people who
    applied and were accepted), its school-partner wishes and its offered and accepted partnerships move
    to the activity; the author, supporters, followers and volunteers are told.
    A second promotion of the same idea (by someone else a moment ago) raises InvalidTransition: the
    activity's unique idea_id refuses it, and the idea's conditional state move would too.
    """
    if not permissions.can_promote_idea(actor, idea):
        raise NotAllowed()
    fields["centre_id"] = idea.centre_id
    # the idea's spot on the map, unless the coordinator's form gave the activity its own (or none)
    fields.setdefault("latitude", idea.latitude)
    fields.setdefault("longitude", idea.longitude)
    activity = activity_services.create_activity(actor, open_registration=open_registration, idea=idea, **fields)
    activity.seeking_school_partner = idea.seeking_school_partner
    activity.partner_age_groups = idea.partner_age_groups
    activity.partner_subjects = idea.partner_subjects
    activity.image_name = idea.image_name  # the same file (nothing copied): the idea keeps showing it too
    idea_services.transition(idea, "promote", actor)
    volunteering_services.carry_over_to_activity(idea, activity)
    partnership_services.carry_over_to_activity(idea, activity)
    recipients = [idea.author] + supporters_of(idea) + followers_of(idea) + activity_services.volunteers_of(activity)
    notify("idea_promoted", recipients, actor=actor, idea=idea, activity=activity)
    return activity
