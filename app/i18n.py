"""Which language a page is shown in: the person's setting, else a cookie, else the browser."""

import re

from flask import current_app, has_request_context, request
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import format_time as babel_format_time
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

LANGUAGE_COOKIE = "kopiena_lang"
#: each language named in itself, as language pickers do
LANGUAGE_NAMES = {"lv": "Latviešu", "en": "English"}


def language_choices():
    """The languages a person can pick, each named in itself (Latviešu, English)."""
    return [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


def select_locale():
    """The page's language: the signed-in person's setting, else the language cookie, else the browser's, else the default."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a command or a background job: nobody's browser to ask
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    from_cookie = request.cookies.get(LANGUAGE_COOKIE)
    if from_cookie in languages:
        return from_cookie
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


#: per language, the patterns that replace Babel's named formats where those read badly: two-digit years,
#: American month-day order and 12-hour clocks in English (en is written the British way: 5 Dec 2026, 14:30)
DATE_PATTERNS = {
    "lv": {"short": "dd.MM.yyyy.", "month": "yyyy. 'gada' LLLL"},
    "en": {
        "short": "d MMM yyyy",
        "medium": "d MMM yyyy",
        "long": "d MMMM yyyy",
        "full": "EEEE, d MMMM yyyy",
        "month": "LLLL yyyy",
    },
}
DATETIME_PATTERNS = {
    "lv": {"short": "dd.MM.yyyy. HH:mm", "medium": "dd.MM.yyyy. HH:mm"},
    "en": {"short": "d MMM yyyy, HH:mm", "medium": "d MMM yyyy, HH:mm", "long": "d MMMM yyyy, HH:mm"},
}


def page_language():
    """The two-letter code of the language the current page or mail is written in."""
    return get_locale().language if get_locale() else current_app.config["BABEL_DEFAULT_LOCALE"]


def format_date(value, format="medium"):
    """A date as people of the page's language write it ("05.12.2026.", "5 Dec 2026"); `month` is a month heading."""
    return babel_format_date(value, DATE_PATTERNS.get(page_language(), {}).get(format, format))


def format_datetime(value, format="medium"):
    """A date and time with a four-digit year and a 24-hour clock ("05.12.2026. 14:30", "5 Dec 2026, 14:30")."""
    return babel_format_datetime(value, DATETIME_PATTERNS.get(page_language(), {}).get(format, format))


def format_time(value, format="short"):
    """A time of day on a 24-hour clock in every language ("14:30")."""
    return babel_format_time(value, "HH:mm" if format == "short" else format)


#: an opening quote of ours straight before the name's own opening one, and a closing one straight after its closing one
DOUBLED_OPENING = re.compile(r"([„“])(?:[„“\"]|&#34;|&quot;)")
DOUBLED_CLOSING = re.compile(r"(?:[”“\"]|&#34;|&quot;)”")


def single_quotes(text):
    """A translated sentence with one pair of quotes around a name that brings its own: „„Zaļā klase”” → „Zaļā klase”."""
    single = DOUBLED_CLOSING.sub("”", DOUBLED_OPENING.sub(r"\1", str(text)))
    return Markup(single) if isinstance(text, Markup) else single
