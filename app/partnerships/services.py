"""What can happen to a partnership between an organisation and an idea or activity.

One side proposes, the other decides: an organisation's representative offers the organisation to an
idea or activity ("offer"), or the idea's author (or the activity's coordinators) invites the
organisation behind a partner call ("invitation"). offered → accepted | declined | withdrawn.
"""

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import permissions
from app.audit.services import record_audit
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.notifications.services import notify
from app.organisations.services import moderators_of_centre, representatives_of
from app.partnerships.call_services import move_call
from app.partnerships.models import PartnerCallState, Partnership, PartnershipState
from app.timeutil import utcnow
from app.transitions import move_state

DECIDER = "decider"
PROPOSER = "proposer"

#: action → (the states it may start from, the state it leads to, who may do it)
TRANSITIONS = {
    "accept": ({PartnershipState.OFFERED}, PartnershipState.ACCEPTED, DECIDER),
    "decline": ({PartnershipState.OFFERED}, PartnershipState.DECLINED, DECIDER),
    "withdraw": ({PartnershipState.OFFERED, PartnershipState.ACCEPTED}, PartnershipState.WITHDRAWN, PROPOSER),
}


def is_activity(target):
    """Whether the partnership's project is an activity (else an idea)."""
    return target.project_kind == "activity"


def project_people(target):
    """Who answers for an idea (its author) or an activity (whoever created it, else the centre's moderators)."""
    if is_activity(target):
        return [target.created_by] if target.created_by is not None else moderators_of_centre(target.centre_id)
    return [target.author]


def project_fields(target):
    """The column tying a partnership to this project: activity_id for an activity, idea_id for an idea."""
    return {"activity_id": target.id} if is_activity(target) else {"idea_id": target.id}


def notify_about(event, recipients, actor, partnership):
    """Notify these people of a partnership event, naming the organisation and the idea or activity."""
    target = permissions.partnership_target(partnership)
    about = {"activity": target} if is_activity(target) else {"idea": target}
    notify(
        event,
        recipients,
        actor=actor,
        organisation=partnership.organisation.name,
        organisation_id=partnership.organisation_id,
        **about,
    )


def propose(actor, organisation, target, direction, message, call):
    """Save an offer or invitation as offered (the caller checks who may); AlreadyDone when one is already there."""
    partnership = Partnership(
        organisation_id=organisation.id,
        direction=direction,
        message=(message or "").strip(),
        partner_call_id=call.id if call is not None else None,
        state=PartnershipState.OFFERED,
        offered_by_id=actor.id,
        created_at=utcnow(),
        **project_fields(target),
    )
    try:
        with db.session.begin_nested():
            db.session.add(partnership)
            db.session.flush()
    except IntegrityError as error:  # already offered or partners (partial unique indexes)
        raise AlreadyDone() from error
    db.session.refresh(partnership)
    return partnership


def offer_partnership(actor, organisation, target, message="", call=None):
    """A representative offers the organisation as a partner of an idea or activity open for partners."""
    if not permissions.can_offer_partnership(actor, organisation, target):
        raise NotAllowed()
    if call is not None and call.organisation_id != organisation.id:
        raise NotAllowed()  # accepting it would mark another organisation's call as matched
    partnership = propose(actor, organisation, target, "offer", message, call)
    notify_about("partnership_offered", project_people(target), actor, partnership)
    return partnership


def invite_organisation(actor, call, target, message=""):
    """The idea's author (or the activity's coordinators) asks the organisation behind an open call to join."""
    if not permissions.can_invite_organisation(actor, target, call):
        raise NotAllowed()
    partnership = propose(actor, call.organisation, target, "invitation", message, call)
    notify_about("partnership_invited", representatives_of(call.organisation), actor, partnership)
    return partnership


def may_act(actor, partnership, who):
    """Whether the person is on the side that acts: the deciding side (DECIDER) or the proposing side (PROPOSER)."""
    if who == DECIDER:
        return permissions.can_decide_partnership(actor, partnership)
    return permissions.can_withdraw_partnership(actor, partnership)


def allowed_actions(actor, partnership):
    """The moves this person may make on the partnership now (for buttons)."""
    return [
        action
        for action, (sources, _target, who) in TRANSITIONS.items()
        if partnership.state in sources and may_act(actor, partnership, who)
    ]


def transition(partnership, action, actor):
    """Move the partnership one step along TRANSITIONS with a conditional UPDATE, or refuse with a domain error.

    Accepting an answer to a partner call marks the call as matched. The other side is told.
    """
    sources, target, who = TRANSITIONS[action]
    if not may_act(actor, partnership, who):
        raise NotAllowed()
    if partnership.state not in sources:
        raise InvalidTransition()
    decision = {"decided_by_id": actor.id, "decided_at": utcnow()} if who == DECIDER else {}
    move_state(partnership, target, partnership.state, **decision)
    project = permissions.partnership_target(partnership)
    record_audit(
        f"partnership.{action}",
        actor=actor,
        subject=partnership,
        centre_id=project.centre_id,
        organisation=partnership.organisation.name,
    )
    call = partnership.partner_call
    if action == "accept" and call is not None and call.state == PartnerCallState.OPEN:
        try:
            move_call(call, {PartnerCallState.OPEN}, PartnerCallState.MATCHED, actor)
        except InvalidTransition:
            pass  # closed or matched a moment ago: the acceptance stands all the same
    proposer_side = representatives_of(partnership.organisation) if partnership.direction == "offer" else project_people(project)
    decider_side = project_people(project) if partnership.direction == "offer" else representatives_of(partnership.organisation)
    notify_about(f"partnership_{target}", proposer_side if who == DECIDER else decider_side, actor, partnership)
    return partnership


def accept_partnership(actor, partnership):
    """Accept an offered partnership (the side that did not propose it); the proposers are told."""
    return transition(partnership, "accept", actor)


def decline_partnership(actor, partnership):
    """Decline an offered partnership (the side that did not propose it); the proposers are told."""
    return transition(partnership, "decline", actor)


def withdraw_partnership(actor, partnership):
    """Withdraw an offered or accepted partnership (the side that proposed it); the other side is told."""
    return transition(partnership, "withdraw", actor)


def carry_over_to_activity(idea, activity):
    """When an idea becomes an activity, its offered and accepted partnerships go with it."""
    db.session.execute(
        update(Partnership)
        .where(Partnership.idea_id == idea.id, Partnership.activity_id.is_(None), Partnership.state.in_(PartnershipState.ACTIVE))
        .values(activity_id=activity.id)
        .execution_options(synchronize_session=False)
    )


def accepted_partners(target):
    """The organisations that are accepted partners of an idea or activity (one statement)."""
    from app.organisations.models import Organisation

    column = Partnership.activity_id if is_activity(target) else Partnership.idea_id
    return db.session.scalars(
        select(Organisation)
        .join(Partnership, Partnership.organisation_id == Organisation.id)
        .where(column == target.id, Partnership.state == PartnershipState.ACCEPTED)
        .order_by(Organisation.name)
    ).all()
