"""What can happen to organisations and their representatives."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import permissions
from app.accounts.models import User
from app.audit.services import record_audit
from app.errors import AlreadyDone, NotAllowed
from app.extensions import db
from app.notifications.services import notify
from app.organisations.models import MembershipState, Organisation, Representative
from app.timeutil import utcnow
from app.transitions import move_state

ORGANISATION_FIELDS = ("name", "kind", "centre_id", "description", "website", "contact_email", "contact_phone", "logo_name")
#: what a moderator vouches for when verifying: a change to any of these takes the badge away until they check again
VERIFIED_FIELDS = ("name", "website")


# Organisations -----------------------------------------------------------------------------------------------


def create_organisation(user, **fields):
    """Register an organisation; the person becomes its first representative. Moderators verify it later."""
    if not permissions.can_create_organisation(user):
        raise NotAllowed()
    now = utcnow()
    organisation = Organisation(
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
        **{key: fields[key] for key in ORGANISATION_FIELDS if key in fields},
    )
    db.session.add(organisation)
    db.session.flush()
    db.session.add(
        Representative(
            organisation_id=organisation.id,
            user_id=user.id,
            state=MembershipState.APPROVED,
            decided_by_id=user.id,
            decided_at=now,
            created_at=now,
        )
    )
    db.session.flush()
    db.session.expire(user, ["representations"])
    record_audit(
        "organisation.create", actor=user, subject=organisation, centre_id=organisation.centre_id, name=organisation.name
    )
    return organisation


def update_organisation(actor, organisation, **fields):
    """Change the organisation's profile (its representatives).

    The badge says a moderator checked this name and website: a new name or website was not checked, so
    the organisation is no longer verified until a moderator of its centre verifies it again (they are told).
    """
    if not permissions.can_edit_organisation(actor, organisation):
        raise NotAllowed()
    before = {
        key: getattr(organisation, key) for key in VERIFIED_FIELDS if key in fields and fields[key] != getattr(organisation, key)
    }
    for key in ORGANISATION_FIELDS:
        if key in fields:
            setattr(organisation, key, fields[key])
    organisation.updated_at = utcnow()
    record_audit("organisation.update", actor=actor, subject=organisation, centre_id=organisation.centre_id)
    if before and organisation.is_verified:
        withdraw_verification(actor, organisation, before)
    return organisation


def withdraw_verification(actor, organisation, before):
    """The badge goes with the verified name or website (`before`: the changed fields' old values)."""
    organisation.verified_at = None
    organisation.verified_by_id = None
    record_audit(
        "organisation.unverify",
        actor=actor,
        subject=organisation,
        centre_id=organisation.centre_id,
        reason="name/website changed",
        changed=sorted(before),
        **{f"old_{key}": value for key, value in before.items()},
    )
    notify(
        "organisation_needs_verification",
        moderators_of_centre(organisation.centre_id),
        actor=actor,
        organisation=organisation.name,
        organisation_id=organisation.id,
    )


def verify_organisation(actor, organisation, verified=True):
    """A moderator of the organisation's centre confirms it is real (the badge), or takes that back."""
    if not permissions.can_verify_organisation(actor, organisation):
        raise NotAllowed()
    organisation.verified_at = utcnow() if verified else None
    organisation.verified_by_id = actor.id if verified else None
    record_audit(
        "organisation.verify" if verified else "organisation.unverify",
        actor=actor,
        subject=organisation,
        centre_id=organisation.centre_id,
    )
    return organisation


def representatives_of(organisation):
    """The organisation's approved representatives."""
    return db.session.scalars(
        select(User)
        .join(Representative, Representative.user_id == User.id)
        .where(Representative.organisation_id == organisation.id, Representative.state == MembershipState.APPROVED)
    ).all()


def moderators_of_centre(centre_id):
    """The people named moderators of the centre (admins only when named too), as recipients of notifications."""
    from app.accounts.models import moderator_centres

    return db.session.scalars(
        select(User)
        .join(moderator_centres, moderator_centres.c.user_id == User.id)
        .where(moderator_centres.c.centre_id == centre_id)
    ).all()


# Representatives ---------------------------------------------------------------------------------------------


def ask_to_represent(user, organisation, message=""):
    """The person asks to act for the organisation; its representatives (or, if none, the centre's moderators)
    are told and decide. A second request while one is pending raises AlreadyDone."""
    if not permissions.can_ask_to_represent(user, organisation):
        raise NotAllowed()
    request = Representative(
        organisation_id=organisation.id,
        user_id=user.id,
        message=(message or "").strip(),
        state=MembershipState.REQUESTED,
        created_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(request)
            db.session.flush()
    except IntegrityError as error:
        raise AlreadyDone() from error
    deciders = representatives_of(organisation) or moderators_of_centre(organisation.centre_id)
    notify("representation_requested", deciders, actor=user, organisation=organisation.name, organisation_id=organisation.id)
    return request


def decide_representative(actor, request, approve):
    """Approve or decline a request to represent; a conditional UPDATE, so two deciders cannot both act."""
    organisation = request.organisation
    if not permissions.can_decide_representatives(actor, organisation):
        raise NotAllowed()
    target = MembershipState.APPROVED if approve else MembershipState.DECLINED
    move_state(request, target, MembershipState.REQUESTED, decided_by_id=actor.id, decided_at=utcnow())
    db.session.expire(request.user, ["representations"])  # so represents() sees the decision at once
    record_audit(
        "representative.approve" if approve else "representative.decline",
        actor=actor,
        subject=request,
        centre_id=organisation.centre_id,
        organisation=organisation.name,
    )
    notify(
        "representation_approved" if approve else "representation_declined",
        [request.user],
        actor=actor,
        organisation=organisation.name,
        organisation_id=organisation.id,
    )
    return request


def end_representation(actor, representative):
    """A representative stops acting for the organisation (themselves, or removed by another one or a moderator)."""
    organisation = representative.organisation
    own = permissions.is_signed_in(actor) and representative.user_id == actor.id
    if not (own or permissions.can_decide_representatives(actor, organisation)):
        raise NotAllowed()
    move_state(representative, MembershipState.LEFT, MembershipState.ACTIVE)
    db.session.expire(representative.user, ["representations"])  # so represents() is False at once
    record_audit(
        "representative.end",
        actor=actor,
        subject=representative,
        centre_id=organisation.centre_id,
        organisation=organisation.name,
        organisation_id=organisation.id,
    )
    return representative


def set_named_publicly(actor, representative, named):
    """A representative agrees, or stops agreeing, to be named on the organisation's public page: only for
    themselves (nobody else may give or take this consent)."""
    own = permissions.is_signed_in(actor) and representative.user_id == actor.id
    if not own or representative.state != MembershipState.APPROVED:
        raise NotAllowed()
    representative.named_publicly = bool(named)
    db.session.flush()
    return representative
