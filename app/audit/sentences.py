"""The audit log in words: every recorded action name → a sentence in the reader's language.

The variables a sentence may use: actor (who did it), object (the idea, activity, role… it was done to, quoted and
linked), author (a comment's writer), person (the volunteer or representative the action was about), and the
entry's own details (reports, version, state, minutes, path, recipients). The caller makes them safe HTML (names escaped,
links built); a missing or empty one makes the sentence fall back to one that still reads sensibly.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

SENTENCES = {
    # accounts
    "account.registered": _l("%(actor)s created an account"),
    "account.email_confirmed": _l("%(actor)s confirmed their e-mail address"),
    "account.login_failed": _l("%(actor)s: a log-in attempt with a wrong password"),
    "account.login": _l("%(actor)s logged in"),
    "account.logout": _l("%(actor)s logged out"),
    "account.logout_everywhere": _l("%(actor)s logged out on every device"),
    "account.password_reset": _l("%(actor)s set a new password with a reset link"),
    "account.password_changed": _l("%(actor)s changed their password"),
    "account.email_change_requested": _l("%(actor)s asked to change their e-mail address"),
    "account.email_changed": _l("%(actor)s changed their e-mail address"),
    "account.deleted": _l("%(actor)s deleted their account"),
    "access.denied": _l("%(actor)s was refused access to %(path)s"),
    # administration
    "admin.roles_changed": _l("%(actor)s changed the roles of %(object)s"),
    "admin.created_by_cli": _l("An administrator account was created on the server: %(object)s"),
    "admin.user_suspended": _l("%(actor)s suspended the account of %(object)s"),
    "admin.suspension_lifted": _l("%(actor)s lifted the suspension of the account of %(object)s"),
    "category.created": _l("%(actor)s added the category %(object)s"),
    "category.updated": _l("%(actor)s changed the category %(object)s"),
    "centre.created": _l("%(actor)s added the centre %(object)s"),
    "centre.updated": _l("%(actor)s changed the centre %(object)s"),
    "legal.published": _l("%(actor)s published version %(version)s of %(object)s"),
    "reason_template.created": _l("%(actor)s saved the reason %(object)s for reuse"),
    "reason_template.updated": _l("%(actor)s changed the saved reason %(object)s"),
    "reason_template.deleted": _l("%(actor)s deleted the saved reason %(object)s"),
    # ideas and comments
    "idea.submit": _l("%(actor)s submitted the idea %(object)s for review"),
    "idea.withdraw": _l("%(actor)s withdrew the idea %(object)s from review"),
    "idea.publish": _l("%(actor)s published the idea %(object)s"),
    "idea.request_changes": _l("%(actor)s asked for changes to the idea %(object)s"),
    "idea.decline": _l("%(actor)s declined the idea %(object)s"),
    "idea.archive": _l("%(actor)s archived the idea %(object)s"),
    "idea.promote": _l("%(actor)s turned the idea %(object)s into an activity"),
    "idea.reported": _l("%(actor)s reported the idea %(object)s"),
    "idea.hidden_by_reports": _l("%(actor)s: the idea %(object)s was hidden until a moderator decides"),
    "idea.hidden": _l("%(actor)s hid the idea %(object)s"),
    "idea.hide_confirmed": _l("%(actor)s kept the idea %(object)s hidden"),
    "idea.restored": _l("%(actor)s showed the idea %(object)s again"),
    "comment.reported": _l("%(actor)s reported %(author)s's comment on %(object)s"),
    "comment.hidden_by_reports": _l("%(actor)s: %(author)s's comment on %(object)s was hidden until a moderator decides"),
    "comment.hidden": _l("%(actor)s hid %(author)s's comment on %(object)s"),
    "comment.hide_confirmed": _l("%(actor)s kept %(author)s's comment on %(object)s hidden"),
    "comment.restored": _l("%(actor)s restored %(author)s's comment on %(object)s"),
    # volunteering and activities
    "volunteer_role.add": _l("%(actor)s added the volunteer role %(object)s"),
    "volunteer_role.update": _l("%(actor)s changed the volunteer role %(object)s"),
    "volunteer_role.remove": _l("%(actor)s removed the volunteer role %(object)s"),
    "signup.accept": _l("%(actor)s accepted %(person)s for the role %(object)s"),
    "signup.decline": _l("%(actor)s declined %(person)s for the role %(object)s"),
    "signup.withdraw": _l("%(actor)s withdrew from the role %(object)s"),
    "signup.attendance": _l("%(actor)s recorded %(person)s in the role %(object)s as “%(state)s”"),
    "volunteers.messaged": _l("%(actor)s wrote to the volunteers of %(object)s"),
    "activity.create": _l("%(actor)s added the activity %(object)s"),
    "activity.update": _l("%(actor)s changed the activity %(object)s"),
    "activity.open": _l("%(actor)s opened registration for the activity %(object)s"),
    "activity.complete": _l("%(actor)s marked the activity %(object)s as held"),
    "activity.cancel": _l("%(actor)s cancelled the activity %(object)s"),
    "activity.outcome": _l("%(actor)s wrote the outcome of the activity %(object)s"),
    "activity.photo_add": _l("%(actor)s added a photo to the activity %(object)s"),
    "activity.photo_remove": _l("%(actor)s removed a photo from the activity %(object)s"),
    # organisations and partnerships
    "organisation.create": _l("%(actor)s added the organisation %(object)s"),
    "organisation.update": _l("%(actor)s changed the organisation %(object)s"),
    "organisation.verify": _l("%(actor)s marked the organisation %(object)s as verified"),
    "organisation.unverify": _l("%(actor)s withdrew the verification of the organisation %(object)s"),
    "representative.approve": _l("%(actor)s approved %(person)s as a representative of %(object)s"),
    "representative.decline": _l("%(actor)s declined %(person)s as a representative of %(object)s"),
    "representative.end": _l("%(actor)s ended the representation of %(object)s by %(person)s"),
    "partner_call.create": _l("%(actor)s posted the partner call %(object)s"),
    "partner_call.open": _l("%(actor)s opened the partner call %(object)s again"),
    "partner_call.matched": _l("%(actor)s marked the partner call %(object)s as matched"),
    "partner_call.closed": _l("%(actor)s closed the partner call %(object)s"),
    "partnership.accept": _l("%(actor)s accepted the partnership with %(object)s"),
    "partnership.decline": _l("%(actor)s declined the partnership with %(object)s"),
    "partnership.withdraw": _l("%(actor)s withdrew the partnership with %(object)s"),
}
#: the areas the audit log's filter offers (it matches the start of the action name, e.g. "comment.")
AREAS = {
    "account": _l("Accounts"),
    "access": _l("Refused access"),
    "admin": _l("People and roles"),
    "category": _l("Categories"),
    "centre": _l("Centres"),
    "legal": _l("Legal documents"),
    "reason_template": _l("Saved reasons"),
    "idea": _l("Ideas"),
    "comment": _l("Comments"),
    "volunteer_role": _l("Volunteer roles"),
    "signup": _l("Volunteer applications"),
    "volunteers": _l("Messages to volunteers"),
    "activity": _l("Activities"),
    "organisation": _l("Organisations"),
    "representative": _l("Representatives"),
    "partner_call": _l("Partner calls"),
    "partnership": _l("Partnerships"),
}
#: a sentence that says more when the entry has it
LONGER = {
    ("signup.attendance", "minutes"): _l("%(actor)s recorded %(person)s in the role %(object)s as “%(state)s”, %(minutes)s min"),
    ("volunteers.messaged", "recipients"): _l("%(actor)s wrote to the volunteers of %(object)s (recipients: %(recipients)s)"),
}
FALLBACK = _l("%(actor)s: an action recorded as “%(action)s”")
FALLBACK_OBJECT = _l("%(actor)s: an action recorded as “%(action)s” — %(object)s")


def fill(template, variables):
    """The template with the variables put in (escaped unless already safe HTML); KeyError when one is missing."""
    return Markup(escape(str(template))) % variables


def present(variables):
    """The variables that have a value: None and empty ones are left out, never printed."""
    return {key: value for key, value in variables.items() if value is not None and value != ""}


def sentence(action, variables, reason="", details=None):
    """The entry as a sentence in the current language, the reason after a dash; a sensible one for unknown actions."""
    known = present(variables)
    text = None
    templates = [LONGER[key] for key in LONGER if key[0] == action and key[1] in known] + [SENTENCES.get(action)]
    for template in templates:
        if template is None:
            continue
        try:
            text = fill(template, known)
            break
        except KeyError:
            continue
    if text is None:
        text = fallback(action, known, details)
    if reason:
        text += fill(_(" — reason: %(reason)s"), {"reason": reason})
    return Markup(str(text)[:1].upper() + str(text)[1:]) if text[:1].islower() else text


def fallback(action, known, details):
    """A sentence for an action without its own: who, the action's name, what it was done to, and the details."""
    known = {"actor": _("someone"), **known, "action": action}
    text = fill(FALLBACK_OBJECT if "object" in known else FALLBACK, known)
    for key, value in present(details or {}).items():
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(item) for item in value if item is not None)
        text += fill("; %(key)s: %(value)s", {"key": key, "value": value})
    return text


def areas_of(actions):
    """The filter's choices for these action names: (the name's start, its area in words), in the AREAS order."""
    starts = {action.split(".", 1)[0] for action in actions}
    known = [(f"{area}.", label) for area, label in AREAS.items() if area in starts]
    return known + [(f"{area}.", area) for area in sorted(starts - AREAS.keys())]
