"""What can happen to a partner call: posting, changing, and its open → matched → closed states."""

from app import permissions
from app.audit.services import record_audit
from app.errors import NotAllowed
from app.extensions import db
from app.partnerships.models import PartnerCall, PartnerCallState
from app.timeutil import utcnow
from app.transitions import move_state

CALL_FIELDS = ("title", "description", "centre_id", "age_groups", "subjects", "starts_on", "ends_on", "contact_person")

#: action → (the states it may start from, the state it leads to); all by the organisation's representatives
CALL_TRANSITIONS = {
    "mark_matched": ({PartnerCallState.OPEN}, PartnerCallState.MATCHED),
    "close": ({PartnerCallState.OPEN, PartnerCallState.MATCHED}, PartnerCallState.CLOSED),
    "reopen": ({PartnerCallState.MATCHED, PartnerCallState.CLOSED}, PartnerCallState.OPEN),
}


def create_partner_call(actor, organisation, **fields):
    """A representative posts what the organisation seeks a partner for."""
    if not permissions.can_post_partner_call(actor, organisation):
        raise NotAllowed()
    now = utcnow()
    values = {key: fields[key] for key in CALL_FIELDS if key in fields}
    values.setdefault("centre_id", organisation.centre_id)
    call = PartnerCall(
        organisation_id=organisation.id,
        state=PartnerCallState.OPEN,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        **values,
    )
    db.session.add(call)
    db.session.flush()
    record_audit("partner_call.create", actor=actor, subject=call, centre_id=call.centre_id, title=call.title)
    return call


def update_partner_call(actor, call, **fields):
    """A representative changes what the call says (its state moves only through change_call_state)."""
    if not permissions.can_edit_partner_call(actor, call):
        raise NotAllowed()
    for key in CALL_FIELDS:
        if key in fields:
            setattr(call, key, fields[key])
    call.updated_at = utcnow()
    return call


def call_actions(actor, call):
    """The moves this person may make on the call now (for buttons)."""
    if not permissions.can_edit_partner_call(actor, call):
        return []
    return [action for action, (sources, _target) in CALL_TRANSITIONS.items() if call.state in sources]


def change_call_state(actor, call, action):
    """Mark the call matched, close it, or open it again."""
    sources, target = CALL_TRANSITIONS[action]
    if not permissions.can_edit_partner_call(actor, call):
        raise NotAllowed()
    return move_call(call, sources, target, actor)


def move_call(call, sources, target, actor):
    """Move the call from one of `sources` to `target` with a conditional UPDATE, or raise InvalidTransition."""
    move_state(call, target, sources, updated_at=utcnow())
    record_audit(f"partner_call.{target}", actor=actor, subject=call, centre_id=call.centre_id)
    return call
