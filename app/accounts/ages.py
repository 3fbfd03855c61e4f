"""Ages at registration. A person counts as the age they turn this year (current year − year of birth), as schools
count classes: a 12-year-old turning 13 in December may register from January.

Under 13 (Latvia's age of digital consent) no account is made: a parent registers the child for activities, or the
school registers the class. From 13 to 15 the year is kept, and others see the name as first name and initial
(User.public_name). From 16 no year is kept: it is not needed for anything.
"""

from app.accounts.models import ADULT_NAME_AGE
from app.legal.documents import DIGITAL_CONSENT_AGE
from app.timeutil import utcnow

#: the youngest age (turned this year) at which a person may have an account of their own
MIN_ACCOUNT_AGE = DIGITAL_CONSENT_AGE
#: years of birth before this one are taken for a typing mistake
FIRST_BIRTH_YEAR = 1900


def current_year():
    """This year (UTC), the year ages are counted in."""
    return utcnow().year


def age_this_year(birth_year):
    """The age a person born in birth_year turns this year."""
    return current_year() - birth_year


def too_young_for_an_account(birth_year):
    """Whether a person of this year of birth is under 13 this year (None: they said they are 16 or older)."""
    return birth_year is not None and age_this_year(birth_year) < MIN_ACCOUNT_AGE


def birth_year_to_keep(birth_year):
    """The year of birth worth storing: only a 13–15-year-old's (it shortens their public name); else None."""
    if birth_year is None or age_this_year(birth_year) >= ADULT_NAME_AGE:
        return None
    return birth_year
