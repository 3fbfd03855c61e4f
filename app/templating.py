"""What every template can use."""
from flask import has_request_context, request
from flask_babel import get_locale

from app import permissions
from app.i18n import LANGUAGE_NAMES
from app.main.forms import LanguageForm


def register_template_helpers(app):
    @app.context_processor
    def inject_globals():
        current = str(get_locale())
        values = {
            "current_language": current,
            "other_languages": [(code, name) for code, name in LANGUAGE_NAMES.items() if code != current],
            "permissions": permissions,
            "site_name": app.config["SITE_NAME"],
        }
        # Mail is also rendered outside requests (`flask send-mail`, other commands): no page, no form.
        if has_request_context():
            values["language_form"] = LanguageForm(formdata=None, next=request.full_path.rstrip("?"))
        return values
