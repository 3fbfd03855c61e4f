"""Who may do what: plain functions, safe for anonymous users, shared by routes, services and templates."""


def is_signed_in(user):
    return user is not None and user.is_authenticated


def can_manage_centres(user):
    return is_signed_in(user) and user.is_admin


def can_manage_users(user):
    return is_signed_in(user) and user.is_admin


def can_view_audit_log(user):
    """Admins see every entry; moderators see the log too (issue 3 narrows it to their centres)."""
    return is_signed_in(user) and user.is_moderator


def can_moderate_centre(user, centre_id):
    return is_signed_in(user) and user.moderates(centre_id)


def is_active_member(user):
    """Signed in, confirmed and not suspended: may post, comment, support."""
    return is_signed_in(user) and user.is_active and user.is_confirmed


def can_moderate(user):
    """Moderators of any centre (and admins) see the moderation pages."""
    return is_signed_in(user) and user.is_moderator


# Ideas. The state rules (which move from which state) live in ideas/services.py TRANSITIONS; these
# answer "may this person see or touch this idea at all".

def can_view_idea(user, idea):
    """Public ideas are for everyone; drafts for their author only; the rest also for the centre's moderators."""
    if idea.is_public:
        return True
    if not is_signed_in(user):
        return False
    if idea.author_id == user.id:
        return True
    return idea.state != "draft" and user.moderates(idea.centre_id)


def can_create_idea(user):
    return is_active_member(user)


def can_edit_idea(user, idea):
    """The author, while the idea is a draft or changes were requested."""
    return is_active_member(user) and idea.author_id == user.id and idea.state in ("draft", "changes_requested")


def can_decide_idea(user, idea):
    """A moderator of the idea's centre (publish, request changes, decline, archive); never on a draft,
    which only its author sees."""
    return is_signed_in(user) and idea.state != "draft" and user.moderates(idea.centre_id)


def can_support_idea(user, idea):
    return is_active_member(user) and idea.author_id != user.id and idea.state == "published"


def can_follow_idea(user, idea):
    return is_active_member(user) and idea.is_public


def can_comment_on_idea(user, idea):
    return is_active_member(user) and idea.state in ("published", "promoted")


# Volunteering (the sign-up lifecycle itself lives in volunteering/services.py TRANSITIONS)

def can_manage_volunteer_roles(user, idea):
    """The idea's author or a moderator of its centre, while the idea is published: add, change and
    remove roles, accept and decline sign-ups."""
    if not is_signed_in(user) or idea.state != "published":
        return False
    return (is_active_member(user) and idea.author_id == user.id) or user.moderates(idea.centre_id)


def can_volunteer(user, idea):
    """Any active member but the idea's author, while the idea is published."""
    return is_active_member(user) and idea.author_id != user.id and idea.state == "published"


# Comments

def can_edit_comment(user, comment):
    return is_active_member(user) and comment.author_id == user.id and not comment.is_deleted and not comment.is_hidden


def can_report_comment(user, comment):
    return is_active_member(user) and comment.author_id != user.id and not comment.is_deleted


def can_moderate_comment(user, comment, idea):
    return is_signed_in(user) and user.moderates(idea.centre_id)


# Administration

def can_manage_categories(user):
    return is_signed_in(user) and user.is_admin


def can_suspend_users(user):
    return is_signed_in(user) and user.is_admin
