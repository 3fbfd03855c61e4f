"""Which language a page is shown in: the person's setting, else a cookie, else the browser."""

from flask import current_app, has_request_context, request
from flask_login import current_user
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
