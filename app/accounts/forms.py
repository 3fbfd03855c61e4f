"""Account forms: field validation and choices only."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.accounts.ages import FIRST_BIRTH_YEAR, current_year
from app.accounts.passwords import MAX_LENGTH, password_problem
from app.forms import Form, one_line, strip
from app.i18n import language_choices


def email_field(label=None):
    """A required e-mail address on one line, at most 254 characters, labelled as given or "E-mail address"."""
    return EmailField(
        label or _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Length(max=254, message=_l("An e-mail address can be at most %(max)d characters long.")),
            Email(message=_l("This does not look like an e-mail address. Please check it (e.g. anna@example.lv).")),
            one_line,
        ],
    )


def new_password_field(label=None):
    """A field for choosing a password, with a hint on strong ones; the rules are checked by check_new_password."""
    return PasswordField(
        label or _l("Password"),
        description=_l("At least 12 characters. A few words in a row make a strong password."),
        validators=[DataRequired(_l("Please choose a password."))],
    )


def check_new_password(password, *user_inputs):
    """Refuse a new password that is too short or long, common, easy to guess or like the person's name or e-mail."""
    problem = password_problem(password or "", user_inputs)
    if problem:
        raise ValidationError(problem)


def language_field():
    """The choice of the site's languages, each named in itself; Latvian unless chosen otherwise."""
    return SelectField(_l("Language"), choices=language_choices(), default="lv")


def display_name_field():
    """The required name shown next to what a person writes: one line, at most 80 characters."""
    return StringField(
        _l("Your name"),
        description=_l("Shown next to what you write. Your first name is enough."),
        validators=[
            DataRequired(_l("Please enter your name.")),
            Length(max=80, message=_l("A name can be at most %(max)d characters long.")),
            one_line,
        ],
    )


YEAR = re.compile(r"[0-9]{4}")


class RegisterForm(Form):
    display_name = display_name_field()
    email = email_field()
    password = new_password_field()
    home_centre = SelectField(
        _l("Your centre"),
        coerce=int,
        description=_l("The community resource centre nearest to you."),
        validators=[DataRequired(_l("Please choose a centre."))],
    )
    language = language_field()
    is_16_or_older = BooleanField(_l("I am 16 or older"))
    birth_year = StringField(
        _l("Or your year of birth"),
        description=_l("If you are younger than 16, e.g. 2011."),
        filters=[strip],
        render_kw={"inputmode": "numeric", "maxlength": 4},
    )
    accept_terms = BooleanField(
        _l("I accept the terms of use and the privacy notice"),
        validators=[DataRequired(_l("Please accept the terms of use and the privacy notice to create an account."))],
    )
    #: the year of birth typed, once it is found to be a real one
    valid_birth_year = None

    def validate_password(self, field):
        """The password must pass the rules and be unlike the name and e-mail typed in this form."""
        check_new_password(field.data, self.display_name.data, self.email.data)

    def validate_birth_year(self, field):
        """Either the box "16 or older" or a year: four digits, not in the future, not before 1900 (a year given counts)."""
        if not field.data:
            if not self.is_16_or_older.data:
                raise ValidationError(_("Please tick “I am 16 or older” or give your year of birth."))
            return
        if not YEAR.fullmatch(field.data):
            raise ValidationError(_("Please give the year as four digits, e.g. 2011."))
        year = int(field.data)
        if year > current_year():
            raise ValidationError(_("This year has not come yet. Please check the year of birth."))
        if year < FIRST_BIRTH_YEAR:
            raise ValidationError(_("Please check the year: it is before %(year)d.", year=FIRST_BIRTH_YEAR))
        if not field.errors:  # e.g. a NUL byte removed from it: not a year the person really gave
            self.valid_birth_year = year

    def given_birth_year(self):
        """The year of birth typed, when it is a real one (None when not given or not valid)."""
        return self.valid_birth_year if not self.birth_year.errors else None


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter your password.")), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me logged in on this device for 30 days"))


class EmailForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password = new_password_field(_l("New password"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_password(self, field):
        """The new password must pass the rules and be unlike the account's name and e-mail."""
        check_new_password(field.data, self.user.display_name, self.user.email)


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Please enter your current password."))])
    new_password = new_password_field(_l("New password"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_new_password(self, field):
        """The new password must pass the rules and be unlike the account's name and e-mail."""
        check_new_password(field.data, self.user.display_name, self.user.email)


class ChangeEmailForm(Form):
    new_email = email_field(_l("New e-mail address"))
    # Its own id: the password form on the same page has a current_password field too.
    current_password = PasswordField(
        _l("Current password"), id="email_current_password", validators=[DataRequired(_l("Please enter your current password."))]
    )


class ProfileForm(Form):
    display_name = display_name_field()
    about = TextAreaField(
        _l("About you"),
        description=_l("A few words others will see on your profile."),
        validators=[Optional(), Length(max=2000, message=_l("Please keep it under %(max)d characters."))],
    )
    skills = StringField(
        _l("Skills"),
        description=_l("Separate with commas, e.g. carpentry, ceramics, photography."),
        validators=[Optional(), Length(max=500, message=_l("Please keep it under %(max)d characters.")), one_line],
    )
    interests = StringField(
        _l("Interests"),
        description=_l("Separate with commas, e.g. environment, seniors, sport."),
        validators=[Optional(), Length(max=500, message=_l("Please keep it under %(max)d characters.")), one_line],
    )
    home_centre = SelectField(_l("Your centre"), coerce=int)
    language = language_field()
    #: not offered to people younger than 16 (the route removes it; accounts.services.update_profile refuses it)
    profile_public = BooleanField(
        _l("Show my profile page to other people (name, about me, skills and interests — never your e-mail address)")
    )
