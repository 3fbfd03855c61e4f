"""Moderation forms: the decision on an idea and the saved reason texts."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app.forms import Form, one_line
from app.ideas.services import REASON_REQUIRED, TRANSITIONS

#: the decisions on a submitted idea, in the order they are offered
DECISIONS = ("publish", "request_changes", "decline")
DECISION_LABELS = {
    "publish": _l("Publish"),
    "request_changes": _l("Request changes"),
    "decline": _l("Decline"),
}
#: the state each decision leads to; saved reason texts are stored by that state
DECISION_STATE = {action: TRANSITIONS[action][1] for action in DECISIONS}
STATE_DECISION = {state: action for action, state in DECISION_STATE.items()}
REASON_MAX = 2000


class DecisionForm(Form):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice(action, DECISION_LABELS[action]) for action in DECISIONS],
        validate_choice=False,
        validators=[DataRequired(_l("Please choose a decision.")), AnyOf(DECISIONS, message=_l("Please choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason for the author"),
        description=_l("The author sees this. Required when you request changes or decline."),
        validators=[Optional(), Length(max=REASON_MAX, message=_l("At most %(max)d characters."))],
    )
    saved_reason = SelectField(
        _l("Or use a saved reason"), validate_choice=False, description=_l("Used when the reason box above is empty.")
    )

    templates = {}

    def set_saved_reasons(self, templates):
        """Offer the centre's saved texts, grouped by the decision they are for."""
        self.templates = {str(template.id): template for template in templates}
        choices = [SelectChoice("", _("No saved reason"))]
        for action in DECISIONS:
            choices += [
                SelectChoice(str(t.id), t.title, optgroup=str(DECISION_LABELS[action]))
                for t in templates
                if t.decision == DECISION_STATE[action]
            ]
        self.saved_reason.choices = choices

    def validate(self, extra_validators=None):
        """Fill the reason from a saved text when the box is empty; then require it where the author must know why."""
        valid = super().validate(extra_validators)
        chosen = self.templates.get(self.saved_reason.data or "")
        if self.saved_reason.data and chosen is None:
            self.saved_reason.errors.append(_("Please choose one of the saved reasons."))
            return False
        if not valid:
            return False
        if chosen is not None and chosen.decision != DECISION_STATE[self.decision.data]:
            self.saved_reason.errors.append(
                _(
                    "This saved reason is for another decision: “%(decision)s”.",
                    decision=DECISION_LABELS[STATE_DECISION[chosen.decision]],
                )
            )
            return False
        reason = (self.reason.data or "").strip()
        if not reason and chosen is not None:
            reason = chosen.text.strip()
        self.reason.data = reason
        if self.decision.data in REASON_REQUIRED and not reason:
            self.reason.errors.append(_("Please tell the author why: write a reason or choose a saved one."))
            return False
        return True


class ReasonTemplateForm(Form):
    centre = SelectField(_l("Centre"), coerce=int, validate_choice=True, validators=[DataRequired(_l("Please choose a centre."))])
    decision = SelectField(
        _l("For the decision"),
        choices=[SelectChoice(DECISION_STATE[action], DECISION_LABELS[action]) for action in DECISIONS],
        validators=[DataRequired(_l("Please choose a decision."))],
    )
    title = StringField(
        _l("Short title"),
        description=_l("Only moderators see it, in the list of saved reasons."),
        validators=[
            DataRequired(_l("Please enter a short title.")),
            Length(max=100, message=_l("At most %(max)d characters.")),
            one_line,
        ],
    )
    text = TextAreaField(
        _l("Text for the author"),
        validators=[
            DataRequired(_l("Please write the text the author will see.")),
            Length(max=REASON_MAX, message=_l("At most %(max)d characters.")),
        ],
    )
