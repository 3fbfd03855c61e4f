"""Who may do what: plain functions, safe for anonymous users, shared by routes, services and templates.

They import no domain: the state rules are asked of the objects (idea.editable_by_author,
activity.open_for_people…), which is where services and templates ask them too.
"""


def is_signed_in(user):
    """Whether someone is logged in (None and anonymous visitors are not)."""
    return user is not None and user.is_authenticated


def can_manage_centres(user):
    """Admins only: add centres, change them, make them inactive."""
    return is_signed_in(user) and user.is_admin


def can_manage_users(user):
    """Admins only: the list of people and their roles."""
    return is_signed_in(user) and user.is_admin


def can_view_audit_log(user):
    """Admins see every entry; moderators see their centres' entries and their own (admin/queries.py narrows it)."""
    return is_signed_in(user) and user.is_moderator


def can_moderate_centre(user, centre_id):
    """A moderator of this centre, or an admin."""
    return is_signed_in(user) and user.moderates(centre_id)


def is_active_member(user):
    """Signed in, confirmed and not suspended: may post, comment, support."""
    return is_signed_in(user) and user.is_active and user.is_confirmed


def can_moderate(user):
    """Moderators of any centre (and admins) see the moderation pages."""
    return is_signed_in(user) and user.is_moderator


# People's profile pages (/people/<id>)


def can_view_profile(user, person):
    """Everyone, when the person chose a public profile (16 or older, account active); always the person themself.

    Coordinators and admins get no more here: what they need of volunteers is on the sign-up pages.
    """
    if is_signed_in(user) and user.id == person.id:
        return True
    return person.has_public_profile


# Ideas. The state rules (which move from which state) live in ideas/services.py TRANSITIONS; these
# answer "may this person see or touch this idea at all".


def can_view_idea(user, idea):
    """Public ideas are for everyone; drafts for their author only; the rest (hidden ideas too) also for the
    centre's moderators."""
    if idea.is_public:
        return True
    if not is_signed_in(user):
        return False
    if idea.author_id == user.id:
        return True
    return not idea.is_draft and user.moderates(idea.centre_id)


def can_create_idea(user):
    """Any active member (signed in, confirmed, not suspended)."""
    return is_active_member(user)


def can_edit_idea(user, idea):
    """The author, while the idea is a draft or changes were requested."""
    return is_active_member(user) and idea.author_id == user.id and idea.editable_by_author


def can_decide_idea(user, idea):
    """A moderator of the idea's centre (publish, request changes, decline, archive); never on a draft,
    which only its author sees."""
    return is_signed_in(user) and not idea.is_draft and user.moderates(idea.centre_id)


def can_support_idea(user, idea):
    """Any active member but the author, while the idea is published (and not hidden)."""
    return is_active_member(user) and idea.author_id != user.id and idea.is_published


def can_follow_idea(user, idea):
    """Any active member, while the idea is public (published, promoted or archived)."""
    return is_active_member(user) and idea.is_public


def can_comment_on_idea(user, idea):
    """Any active member, while the idea is published or promoted (and not hidden)."""
    return is_active_member(user) and idea.open_for_comments


def can_comment_on_activity(user, activity):
    """Any active member, while the activity is planned, open or held. The discussion stays open after the
    activity took place (thanks, photos, "when is the next one?"); it closes when the activity is cancelled
    (the comments stay readable). Every activity is public, so everyone reads its discussion."""
    return is_active_member(user) and activity.open_for_comments


def can_comment_on(user, subject):
    """Comment on an idea or an activity (told apart by .project_kind), by the rule of each above."""
    if subject.project_kind == "activity":
        return can_comment_on_activity(user, subject)
    return can_comment_on_idea(user, subject)


def can_view_discussion(user, subject):
    """Read the comments on an idea (whoever may see the idea) or on an activity (everyone: activities are public)."""
    return subject.project_kind == "activity" or can_view_idea(user, subject)


def can_report_idea(user, idea):
    """Any active member but the author, while the idea is public (not hidden)."""
    return is_active_member(user) and idea.author_id != user.id and idea.is_public


def can_moderate_idea_reports(user, idea):
    """A moderator of the idea's centre hides a public idea, or restores or keeps hidden a reported one."""
    return is_signed_in(user) and idea.in_public_state and user.moderates(idea.centre_id)


# Volunteering (the sign-up lifecycle itself lives in volunteering/services.py TRANSITIONS)


def can_manage_volunteer_roles(user, idea):
    """The idea's author or a moderator of its centre, while the idea is published: add, change and
    remove roles, accept and decline sign-ups."""
    if not is_signed_in(user) or not idea.is_published:
        return False
    return (is_active_member(user) and idea.author_id == user.id) or user.moderates(idea.centre_id)


def can_volunteer(user, idea):
    """Any active member but the idea's author, while the idea is published."""
    return is_active_member(user) and idea.author_id != user.id and idea.is_published


def can_manage_role(user, role):
    """Change or remove a role and decide its sign-ups: on an idea as above; on an activity its
    coordinators, until it has taken place or been cancelled."""
    if role.activity_id is not None:
        return can_add_activity_roles(user, role.activity)
    return can_manage_volunteer_roles(user, role.idea)


def can_view_role(user, role):
    """A role on an activity is public; a role on an idea is for whoever may see the idea."""
    return role.activity_id is not None or can_view_idea(user, role.idea)


def can_volunteer_for_role(user, role):
    """On an idea: as can_volunteer. On an activity: any active member, until it starts."""
    if role.activity_id is not None:
        return is_active_member(user) and role.activity.open_for_people
    return can_volunteer(user, role.idea)


# Activities (the state rules live in activities/services.py TRANSITIONS). Every activity is public.


def can_create_activity(user):
    """Moderators (centre coordinators), for the centres they moderate."""
    return can_moderate(user)


def can_manage_activity(user, activity):
    """A moderator of the activity's centre: edit it, open registration, cancel, complete, see who registered."""
    return is_signed_in(user) and user.moderates(activity.centre_id)


def can_edit_activity(user, activity):
    """A moderator of the activity's centre, while it is planned or open (not held, not cancelled)."""
    return can_manage_activity(user, activity) and activity.open_for_changes


def can_add_activity_roles(user, activity):
    """Whoever may edit the activity: its coordinators, while it is planned or open."""
    return can_edit_activity(user, activity)


def can_promote_idea(user, idea):
    """A moderator of the idea's centre turns a published idea into an activity."""
    return is_signed_in(user) and idea.is_published and user.moderates(idea.centre_id)


def can_register_for_activity(user, activity):
    """Any active member, while registration is open and the activity has not started."""
    return is_active_member(user) and activity.registration_open


def can_record_attendance(user, activity):
    """The coordinators, once the activity has started (and after it took place, to correct)."""
    return can_manage_activity(user, activity) and activity.open_for_attendance


def can_write_outcome(user, activity):
    """A moderator of the activity's centre, once the activity has taken place."""
    return can_manage_activity(user, activity) and activity.is_completed


# Comments


def can_edit_comment(user, comment):
    """Its author, while an active member and the comment is neither deleted nor hidden."""
    return is_active_member(user) and comment.author_id == user.id and not comment.is_deleted and not comment.is_hidden


def can_report_comment(user, comment):
    """Any active member but the author, while the comment is not deleted."""
    return is_active_member(user) and comment.author_id != user.id and not comment.is_deleted


def can_moderate_comment(user, comment, subject):
    """A moderator of the centre of the idea or activity (subject) the comment is on."""
    return is_signed_in(user) and user.moderates(subject.centre_id)


# Administration


def can_manage_categories(user):
    """Admins only: add categories of ideas and change them."""
    return is_signed_in(user) and user.is_admin


def can_suspend_users(user):
    """Admins only: suspend a person or lift the suspension."""
    return is_signed_in(user) and user.is_admin


def can_manage_legal_pages(user):
    """Admins only: publish new versions of the privacy notice, terms, accessibility statement, contact and cookies."""
    return is_signed_in(user) and user.is_admin


# Organisations, partner calls and partnerships. Only representatives act for an organisation; moderators of
# its centre approve representatives when none can, verify organisations, and decide partnerships on ideas and
# activities of their centre.


def represents(user, organisation):
    """An active member who is an approved representative of the organisation."""
    return is_active_member(user) and user.represents(organisation.id)


def represents_a_school(user):
    """An active member who is an approved representative of a school or a kindergarten."""
    return is_active_member(user) and any(
        representation.organisation is not None and representation.organisation.is_school
        for representation in user.representations
    )


def can_register_class(user, organisation, activity):
    """A representative of this school or kindergarten registers a class, while the activity's registration is open."""
    return represents(user, organisation) and organisation.is_school and can_register_for_activity(user, activity)


def can_create_organisation(user):
    """Any active member may register an organisation; they become its first representative."""
    return is_active_member(user)


def can_edit_organisation(user, organisation):
    """Its representatives, and admins."""
    return represents(user, organisation) or (is_signed_in(user) and user.is_admin)


def can_ask_to_represent(user, organisation):
    """Any active member who is not yet an approved representative of the organisation."""
    return is_active_member(user) and not user.represents(organisation.id)


def can_decide_representatives(user, organisation):
    """An approved representative, or a moderator of the organisation's centre."""
    return represents(user, organisation) or (is_signed_in(user) and user.moderates(organisation.centre_id))


def can_verify_organisation(user, organisation):
    """A moderator of the organisation's centre, or an admin."""
    return is_signed_in(user) and user.moderates(organisation.centre_id)


def can_post_partner_call(user, organisation):
    """The organisation's representatives."""
    return represents(user, organisation)


def can_edit_partner_call(user, call):
    """Its organisation's representatives only (not even moderators: it is the organisation's voice)."""
    return represents(user, call.organisation)


def is_open_for_partners(target):
    """An idea or activity that says it seeks a school partner, in a state where one can still join."""
    return target.open_for_partners


def can_offer_partnership(user, organisation, target):
    """A representative offers their organisation to an idea or activity that is open for partners."""
    return represents(user, organisation) and is_open_for_partners(target)


def manages_project(user, target):
    """The idea's author and its centre's moderators; an activity's coordinators."""
    if not is_signed_in(user):
        return False
    if target.project_kind == "activity":
        return user.moderates(target.centre_id)
    return (is_active_member(user) and target.author_id == user.id) or user.moderates(target.centre_id)


def can_message_volunteers(user, project):
    """The project's people (manages_project) write to its accepted volunteers: on an idea while it is published
    (a promoted idea's roles are its activity's), on an activity unless it was cancelled (thanks after it was held)."""
    still_on = not project.is_cancelled if project.project_kind == "activity" else project.is_published
    return still_on and manages_project(user, project)


def can_read_volunteer_message(user, message, project):
    """Its sender, the people it was sent to, and the project's people (manages_project); nobody else."""
    if not is_signed_in(user):
        return False
    if message.sender_id == user.id or manages_project(user, project):
        return True
    return any(recipient.id == user.id for recipient in message.recipients)


def can_invite_organisation(user, target, call):
    """The idea's author (or coordinators) asks the organisation behind an open partner call to join."""
    return call.is_open and is_open_for_partners(target) and manages_project(user, target)


def partnership_target(partnership):
    """The project a partnership is about: its activity when it has one, else its idea."""
    return partnership.activity if partnership.activity_id is not None else partnership.idea


def can_decide_partnership(user, partnership):
    """The side that did not make the offer: the project's people for an offer, the organisation's
    representatives for an invitation."""
    if partnership.direction == "offer":
        return manages_project(user, partnership_target(partnership))
    return represents(user, partnership.organisation)


def can_withdraw_partnership(user, partnership):
    """The side that made it: the organisation's representatives (offer) or the project's people (invitation)."""
    if partnership.direction == "offer":
        return represents(user, partnership.organisation)
    return manages_project(user, partnership_target(partnership))


def can_view_partnership(user, partnership):
    """Accepted partnerships are public; pending and closed ones only for both sides."""
    if partnership.is_accepted:
        return True
    return represents(user, partnership.organisation) or manages_project(user, partnership_target(partnership))
