"""Suggested partners, with the reasons shown to people: "same centre, both about environment, ages 10–12".

A score adds up what the two sides share: the same centre counts most, then each shared subject, then each
shared age group. Only candidates sharing at least one of these are suggested. The candidates are read in a
bounded number of statements (the newest CANDIDATES of each kind) and scored in Python.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.activities.models import Activity, ActivityState
from app.extensions import db
from app.ideas.models import AGE_GROUPS, SUBJECTS, Idea, IdeaState
from app.organisations.models import Organisation, OrganisationType
from app.partnerships.models import PartnerCall, PartnerCallState

CANDIDATES = 300
SAME_CENTRE, PER_SUBJECT, PER_AGE_GROUP = 4, 2, 1


@dataclass
class Suggestion:
    #: an Idea, an Activity, a PartnerCall or an Organisation
    item: object
    score: int
    reasons: list = field(default_factory=list)

    @property
    def explanation(self):
        """Why it is suggested, as people read it: same centre, both about environment, Ages 10–12."""
        return ", ".join(self.reasons)


def codes(value):
    """The set of codes in a comma-separated column (age groups or subjects)."""
    return {code for code in (value or "").split(",") if code}


def compare(centre_a, ages_a, subjects_a, centre_b, ages_b, subjects_b):
    """(score, reasons) of what two sides share; score 0 when nothing."""
    score, reasons = 0, []
    if centre_a == centre_b:
        score += SAME_CENTRE
        reasons.append(_("same centre"))
    shared_subjects = [code for code in SUBJECTS if code in subjects_a and code in subjects_b]
    if shared_subjects:
        score += PER_SUBJECT * len(shared_subjects)
        reasons.append(_("both about %(subjects)s", subjects=", ".join(str(SUBJECTS[code]).lower() for code in shared_subjects)))
    shared_ages = [code for code in AGE_GROUPS if code in ages_a and code in ages_b]
    if shared_ages:
        score += PER_AGE_GROUP * len(shared_ages)
        reasons.append(", ".join(str(AGE_GROUPS[code]) for code in shared_ages))
    return score, reasons


def best(suggestions, limit):
    """The highest scores first; among equals the newest (the candidates come newest first)."""
    kept = [suggestion for suggestion in suggestions if suggestion.score > 0]
    return sorted(kept, key=lambda suggestion: -suggestion.score)[:limit]


def projects_for_call(call, limit=5):
    """Ideas and activities seeking a school partner that suit a partner call (two statements)."""
    ages, subjects = codes(call.age_groups), codes(call.subjects)
    ideas = db.session.scalars(
        select(Idea)
        .options(joinedload(Idea.centre))
        .where(Idea.state == IdeaState.PUBLISHED, Idea.hidden_at.is_(None), Idea.seeking_school_partner.is_(True))
        .order_by(Idea.published_at.desc(), Idea.id.desc())
        .limit(CANDIDATES)
    ).all()
    activities = db.session.scalars(
        select(Activity)
        .options(joinedload(Activity.centre))
        .where(Activity.state.in_(ActivityState.ACTIVE), Activity.seeking_school_partner.is_(True))
        .order_by(Activity.starts_at, Activity.id)
        .limit(CANDIDATES)
    ).all()
    suggestions = [
        Suggestion(
            item,
            *compare(
                call.centre_id, ages, subjects, item.centre_id, codes(item.partner_age_groups), codes(item.partner_subjects)
            ),
        )
        for item in (*ideas, *activities)
    ]
    return best(suggestions, limit)


def calls_for_project(project, limit=5):
    """Open partner calls that suit an idea or activity seeking a school partner (one statement)."""
    ages, subjects = codes(project.partner_age_groups), codes(project.partner_subjects)
    calls = db.session.scalars(
        select(PartnerCall)
        .options(joinedload(PartnerCall.organisation), joinedload(PartnerCall.centre))
        .where(PartnerCall.state == PartnerCallState.OPEN)
        .order_by(PartnerCall.created_at.desc(), PartnerCall.id.desc())
        .limit(CANDIDATES)
    ).all()
    suggestions = [
        Suggestion(
            call, *compare(project.centre_id, ages, subjects, call.centre_id, codes(call.age_groups), codes(call.subjects))
        )
        for call in calls
    ]
    return best(suggestions, limit)


def schools_for_project(project, limit=5):
    """Schools and kindergartens of the project's centre, verified ones first (one statement)."""
    schools = db.session.scalars(
        select(Organisation)
        .where(Organisation.centre_id == project.centre_id, Organisation.kind.in_(OrganisationType.SCHOOLS))
        .order_by(Organisation.verified_at.is_(None), Organisation.name)
        .limit(limit)
    ).all()
    return [Suggestion(school, SAME_CENTRE, [_("a school in the same centre")]) for school in schools]
