"""What a notification says and where it leads, in the current language (page or mail)."""

from flask import url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import format_datetime
from app.urls import external_url

#: event → (text for the idea's author, text for everyone else); placeholders: actor, title, reason
TEXTS = {
    "idea_published": (_l("Your idea “%(title)s” was published"),) * 2,
    "idea_changes_requested": (_l("Your idea “%(title)s” needs changes: %(reason)s"),) * 2,
    "idea_declined": (_l("Your idea “%(title)s” was declined: %(reason)s"),) * 2,
    "idea_archived": (_l("Your idea “%(title)s” was archived"), _l("The idea “%(title)s” was archived")),
    "idea_hidden": (_l("Your idea “%(title)s” was hidden by a moderator: %(reason)s"),) * 2,
    "idea_promoted": (_l("Your idea “%(title)s” became a centre activity"), _l("The idea “%(title)s” became a centre activity")),
    "comment_new": (_l("%(actor)s commented on your idea “%(title)s”"), _l("%(actor)s commented on the idea “%(title)s”")),
    "comment_reply": (_l("%(actor)s replied to your comment on “%(title)s”"),) * 2,
    "comment_new_activity": (_l("%(actor)s commented on the activity “%(title)s”"),) * 2,
    "signup_new": (_l("%(actor)s wants to help with your idea “%(title)s” as “%(role)s”"),) * 2,
    "signup_accepted": (_l("You are accepted as “%(role)s” for the idea “%(title)s”"),) * 2,
    "signup_declined": (_l("Your offer to help as “%(role)s” with the idea “%(title)s” was declined"),) * 2,
    "role_removed": (_l("The volunteer role “%(role)s” of “%(title)s” was removed"),) * 2,
    "signup_new_activity": (_l("%(actor)s wants to help with the activity “%(title)s” as “%(role)s”"),) * 2,
    "signup_accepted_activity": (_l("You are accepted as “%(role)s” for the activity “%(title)s”"),) * 2,
    "signup_declined_activity": (_l("Your offer to help as “%(role)s” with the activity “%(title)s” was declined"),) * 2,
    "hours_recorded": (_l("Your volunteer time as “%(role)s” at “%(title)s” is confirmed: %(hours)s h"),) * 2,
    "activity_changed": (_l("The time or place of the activity “%(title)s” changed"),) * 2,
    "activity_cancelled": (_l("The activity “%(title)s” was cancelled: %(reason)s"),) * 2,
    "registration_promoted": (_l("A place became free: you are now registered for “%(title)s”"),) * 2,
    "registration_moved_to_waiting": (_l("There are fewer places at “%(title)s”: you are now on the waiting list"),) * 2,
    "activity_reminder": (_l("Reminder: “%(title)s” is tomorrow, %(when)s"),) * 2,
    "representation_requested": (_l("%(actor)s asks to represent “%(organisation)s”"),) * 2,
    "representation_approved": (_l("You now represent “%(organisation)s” on Kopiena"),) * 2,
    "representation_declined": (_l("Your request to represent “%(organisation)s” was declined"),) * 2,
    "organisation_needs_verification": (
        _l("“%(organisation)s” changed its name or website: please check it and verify it again"),
    )
    * 2,
    "partnership_offered": (
        _l("“%(organisation)s” offers to be a partner of your idea “%(title)s”"),
        _l("“%(organisation)s” offers to be a partner of “%(title)s”"),
    ),
    "partnership_invited": (_l("%(actor)s invites “%(organisation)s” to be a partner of “%(title)s”"),) * 2,
    "partnership_accepted": (_l("“%(organisation)s” and “%(title)s” are now partners"),) * 2,
    "partnership_declined": (_l("The partnership of “%(organisation)s” with “%(title)s” was declined"),) * 2,
    "partnership_withdrawn": (_l("The partnership of “%(organisation)s” with “%(title)s” was withdrawn"),) * 2,
    "volunteer_message": (_l("%(actor)s wrote to the volunteers of “%(title)s”"),) * 2,
}
#: events that happen on an idea or an activity: the text for an activity (e.g. a reply to a comment on one)
ON_ACTIVITY = {"comment_reply": _l("%(actor)s replied to your comment on the activity “%(title)s”")}
UNKNOWN_EVENT = _l("News about “%(title)s”")
#: a reason longer than this is shortened in the one-line text (mails carry it whole below)
SHORT_REASON = 120
COMMENT_EXCERPT = 300


def folded_whitespace(text):
    """Whitespace (line breaks too) folded into single spaces: a subject or a list item is one line."""
    return " ".join(str(text or "").split())


def shorten(text, limit):
    """The text on one line, cut to at most limit characters (an ellipsis marks the cut)."""
    text = folded_whitespace(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe(notification):
    """One line saying what happened, in the current language, with the actor's name and the idea's title."""
    own = notification.idea is not None and notification.idea.author_id == notification.user_id
    texts = TEXTS.get(notification.event)
    template = (texts[0] if own else texts[1]) if texts else UNKNOWN_EVENT
    if notification.idea is None and notification.activity is not None:
        template = ON_ACTIVITY.get(notification.event, template)
    values = {
        "actor": folded_whitespace(notification.actor.public_name) if notification.actor else _("Someone"),
        "title": folded_whitespace(
            notification.idea.title
            if notification.idea
            else notification.activity.title
            if notification.activity
            else _("an idea")
        ),
        "reason": shorten((notification.data or {}).get("reason", ""), SHORT_REASON),
        "role": folded_whitespace((notification.data or {}).get("role", "")),
        "hours": format_decimal((notification.data or {}).get("hours", 0)),
        "organisation": folded_whitespace((notification.data or {}).get("organisation", "")),
        "when": format_datetime(notification.activity.starts_at, "short") if notification.activity else "",
    }
    return folded_whitespace(template % values)


def details(notification):
    """More lines for a mail: the whole reason of a decision, the start of a comment."""
    lines = []
    reason = (notification.data or {}).get("reason")
    if reason:
        lines.append(_("Reason: %(reason)s", reason=str(reason).strip()))
    comment = notification.comment
    if comment is not None and comment.deleted_at is None and comment.hidden_at is None:
        lines.append("“" + shorten(comment.body, COMMENT_EXCERPT) + "”")
    return lines


def address(endpoint, external=False, **values):
    """A path for a page, or for a mail an absolute link on BASE_URL (never on a request's Host)."""
    return external_url(endpoint, **values) if external else url_for(endpoint, **values)


def idea_url(idea_id, anchor=None, external=False):
    """The idea's page (absolute for mail)."""
    return address("ideas.idea_detail", external, idea_id=idea_id, _anchor=anchor)


def link(notification, external=False):
    """Where the notification leads: a message to volunteers; the idea or activity, at the comment when there is
    one (absolute for mail)."""
    message_id = (notification.data or {}).get("message_id")
    if notification.event == "volunteer_message" and isinstance(message_id, int):
        return address("volunteering.message_detail", external, message_id=message_id)
    if notification.activity_id is not None:
        anchor = f"comment-{notification.comment_id}" if notification.comment_id is not None else None
        return address("activities.activity_detail", external, activity_id=notification.activity_id, _anchor=anchor)
    organisation_id = (notification.data or {}).get("organisation_id")
    if notification.idea_id is None and organisation_id is not None:
        return address("organisations.organisation_detail", external, organisation_id=organisation_id)
    if notification.idea_id is None:
        return address("notifications.notification_list", external)
    anchor = f"comment-{notification.comment_id}" if notification.comment_id is not None else None
    return idea_url(notification.idea_id, anchor, external)
