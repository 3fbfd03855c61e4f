"""Reading partnerships for pages, in a fixed number of statements, showing each person only what they may see."""

from dataclasses import dataclass, field

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import joinedload

from app import permissions
from app.activities.models import Activity, ActivityState
from app.extensions import db
from app.ideas.models import Idea, IdeaState
from app.organisations.models import MembershipState, Organisation, Representative
from app.partnerships.models import PartnerCall, Partnership, PartnershipState
from app.partnerships.services import allowed_actions, is_activity

#: /me/partnerships shows at most this many (the newest)
MY_LIMIT = 200


@dataclass
class PartnershipRow:
    partnership: Partnership
    #: what the viewer may do now: "accept", "decline", "withdraw"
    actions: list = field(default_factory=list)

    @property
    def awaits_viewer(self):
        """The viewer may accept it: it waits for their answer."""
        return "accept" in self.actions


@dataclass
class ProjectPartnerships:
    #: accepted partnerships (public), with their organisations
    accepted: list
    #: offered partnerships the viewer may see (either side), as PartnershipRow
    pending: list
    #: the viewer represents an organisation that may still offer itself to this project
    may_offer: bool


def represented_ids(user):
    """A subquery: the ids of the organisations the person is an approved representative of."""
    return (
        select(Representative.organisation_id)
        .where(Representative.user_id == user.id, Representative.state == MembershipState.APPROVED)
        .scalar_subquery()
    )


def project_partnerships(project, viewer):
    """The accepted partners of an idea or activity, and the pending ones this viewer may see (≤ 2 statements).

    The project's people (author, coordinators) see every pending offer and invitation; a representative
    sees only those of their own organisations; visitors see none. An idea's pending partnerships that
    moved to the activity it became are shown on the activity only.
    """
    manages = permissions.manages_project(viewer, project)
    member = permissions.is_active_member(viewer)
    mine = Partnership.organisation_id.in_(represented_ids(viewer)) if member else false()
    if is_activity(project):
        belongs = Partnership.activity_id == project.id
        pending_here = Partnership.state == PartnershipState.OFFERED
    else:
        belongs = Partnership.idea_id == project.id
        pending_here = and_(Partnership.state == PartnershipState.OFFERED, Partnership.activity_id.is_(None))
    if manages:
        visible_pending = pending_here
    elif member:
        visible_pending = and_(pending_here, mine)
    else:
        visible_pending = false()
    rows = db.session.execute(
        select(Partnership, mine.label("mine"))
        .options(joinedload(Partnership.organisation))
        .where(belongs, or_(Partnership.state == PartnershipState.ACCEPTED, visible_pending))
        .order_by(Partnership.created_at, Partnership.id)
    ).all()
    accepted, pending = [], []
    for partnership, is_mine in rows:
        if partnership.state == PartnershipState.ACCEPTED:
            accepted.append(partnership)
        else:
            pending.append(PartnershipRow(partnership, actions_on_project(partnership, manages, bool(is_mine))))
    accepted.sort(key=lambda partnership: partnership.organisation.name.lower())
    may_offer = False
    if member and permissions.is_open_for_partners(project):
        taken = {partnership.organisation_id for partnership, _mine in rows}
        # the person's representations: one statement, kept on the user for the rest of the request
        may_offer = any(rep.organisation_id not in taken for rep in viewer.representations)
    return ProjectPartnerships(accepted=accepted, pending=pending, may_offer=may_offer)


def actions_on_project(partnership, manages, is_mine):
    """allowed_actions() for a pending partnership, from what the page already knows (no statement)."""
    deciders, proposers = (manages, is_mine) if partnership.direction == "offer" else (is_mine, manages)
    return (["accept", "decline"] if deciders else []) + (["withdraw"] if proposers else [])


def my_organisations(user):
    """The organisations the person is an approved representative of, by name."""
    if not permissions.is_active_member(user):
        return []
    return db.session.scalars(
        select(Organisation).where(Organisation.id.in_(represented_ids(user))).order_by(Organisation.name)
    ).all()


def invitable_projects(user, call):
    """The person's ideas and activities they may invite the call's organisation to: (ideas, activities)."""
    ideas = db.session.scalars(
        select(Idea)
        .where(
            Idea.author_id == user.id,
            Idea.state == IdeaState.PUBLISHED,
            Idea.hidden_at.is_(None),
            Idea.seeking_school_partner.is_(True),
        )
        .order_by(Idea.published_at.desc(), Idea.id.desc())
    ).all()
    centre_ids = [centre.id for centre in user.moderated_centres]
    activities = (
        db.session.scalars(
            select(Activity)
            .where(
                Activity.centre_id.in_(centre_ids),
                Activity.state.in_(ActivityState.ACTIVE),
                Activity.seeking_school_partner.is_(True),
            )
            .order_by(Activity.starts_at, Activity.id)
        ).all()
        if centre_ids
        else []
    )
    return (
        [idea for idea in ideas if permissions.can_invite_organisation(user, idea, call)],
        [activity for activity in activities if permissions.can_invite_organisation(user, activity, call)],
    )


def partnership_for_page(partnership_id):
    """A partnership with what the permission checks and the notifications read."""
    return db.session.scalars(
        select(Partnership)
        .options(
            joinedload(Partnership.organisation),
            joinedload(Partnership.idea),
            joinedload(Partnership.activity),
            joinedload(Partnership.partner_call),
        )
        .where(Partnership.id == partnership_id)
    ).first()


def call_for_page(call_id):
    """The partner call with its organisation, or None: one statement."""
    return db.session.scalars(
        select(PartnerCall).options(joinedload(PartnerCall.organisation)).where(PartnerCall.id == call_id)
    ).first()


def my_partnerships(user):
    """Partnerships of the person's organisations, ideas and coordinated activities, as PartnershipRow:
    those waiting for the person's answer first, then the other pending ones, then the rest, newest first."""
    sides = [Partnership.idea_id.in_(select(Idea.id).where(Idea.author_id == user.id))]
    if permissions.is_active_member(user):
        sides.append(Partnership.organisation_id.in_(represented_ids(user)))
    centre_ids = [centre.id for centre in user.moderated_centres]
    if centre_ids:
        sides.append(Partnership.activity_id.in_(select(Activity.id).where(Activity.centre_id.in_(centre_ids))))
    partnerships = db.session.scalars(
        select(Partnership)
        .options(
            joinedload(Partnership.organisation),
            joinedload(Partnership.idea),
            joinedload(Partnership.activity),
            joinedload(Partnership.partner_call),
        )
        .where(or_(*sides))
        .order_by(Partnership.created_at.desc(), Partnership.id.desc())
        .limit(MY_LIMIT)
    ).all()
    rows = [PartnershipRow(partnership, allowed_actions(user, partnership)) for partnership in partnerships]
    # sorted() keeps the newest-first order within each group
    return sorted(rows, key=lambda row: (not row.awaits_viewer, row.partnership.state != PartnershipState.OFFERED))


def accepted_partnerships(organisation):
    """The organisation's accepted partnerships with their ideas and activities, newest first: one statement."""
    return db.session.scalars(
        select(Partnership)
        .options(joinedload(Partnership.idea), joinedload(Partnership.activity))
        .where(Partnership.organisation_id == organisation.id, Partnership.state == PartnershipState.ACCEPTED)
        .order_by(Partnership.created_at.desc(), Partnership.id.desc())
    ).all()


def split_partnerships(partnerships, can_view_idea):
    """(ideas, activities) the organisation partners: an activity's partnership shows the activity; an idea's
    one shows the idea when the viewer may see it."""
    activities, ideas = [], []
    for partnership in partnerships:
        if partnership.activity_id is not None and partnership.activity is not None:
            activities.append(partnership.activity)
        elif partnership.idea is not None and can_view_idea(partnership.idea):
            ideas.append(partnership.idea)
    return ideas, activities


def can_see_contacts(user, organisation):
    """Whether the person may see the organisation's e-mail and phone, and its partner calls' contact person.

    Its representatives, the coordinators of its centre (and admins), and its partners: the author of an idea, or
    the coordinators of an activity's centre, it has an accepted partnership with. Not every account. At most one
    statement (none for visitors, representatives and the centre's coordinators).
    """
    if not permissions.is_signed_in(user):
        return False
    if permissions.represents(user, organisation) or user.moderates(organisation.centre_id):
        return True
    partner_sides = [Partnership.idea_id.in_(select(Idea.id).where(Idea.author_id == user.id))]
    coordinated = [centre.id for centre in user.moderated_centres]
    if coordinated:
        partner_sides.append(Partnership.activity_id.in_(select(Activity.id).where(Activity.centre_id.in_(coordinated))))
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Partnership.organisation_id == organisation.id,
                    Partnership.state == PartnershipState.ACCEPTED,
                    or_(*partner_sides),
                )
            )
        )
    )
