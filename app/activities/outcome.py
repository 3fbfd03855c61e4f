"""What came of an activity in numbers: how many people took part and the volunteer hours given.

Shown by templates/activities/_outcome.html through the template global `outcome_figures`
(registered in attendance_routes.py), so the activity page need not compute it.
"""

from typing import NamedTuple

from sqlalchemy import func, select

from app.activities.models import Registration, RegistrationState
from app.extensions import db
from app.volunteering.models import SignUp, SignUpState, VolunteerRole


class OutcomeFigures(NamedTuple):
    #: places of the registrations marked as came (the people and those they brought)
    participants: int
    #: accepted volunteers marked as came
    volunteers: int
    #: their confirmed time, in hours (one decimal)
    volunteer_hours: float

    @property
    def any(self):
        """Anyone is recorded as having come (participants or volunteers), so there are figures to show."""
        return bool(self.participants or self.volunteers)


def outcome_figures(activity):
    """Participants and volunteer hours of an activity, from the attendance recorded: one SQL statement."""
    participants = (
        select(func.coalesce(func.sum(Registration.places), 0))
        .where(Registration.activity_id == activity.id, Registration.state == RegistrationState.ATTENDED)
        .scalar_subquery()
    )
    attended_signups = (
        select(SignUp.minutes)
        .join(VolunteerRole, VolunteerRole.id == SignUp.role_id)
        .where(VolunteerRole.activity_id == activity.id, SignUp.state == SignUpState.ATTENDED)
        .subquery()
    )
    volunteers = select(func.count()).select_from(attended_signups).scalar_subquery()
    minutes = select(func.coalesce(func.sum(attended_signups.c.minutes), 0)).scalar_subquery()
    row = db.session.execute(select(participants, volunteers, minutes)).one()
    return OutcomeFigures(participants=int(row[0]), volunteers=int(row[1]), volunteer_hours=round(int(row[2]) / 60, 1))
