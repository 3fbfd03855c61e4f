"""Secret links leave no token in the logs: the dev server's request log and gunicorn's access log.

A reset, confirmation or calendar-feed link is as good as a password while it lives; access logs
are kept long, copied to log services and read by more people than the accounts' owners.
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

MASK = "[secret]"
#: the paths whose next segment is a secret token (tests/routes/test_access_log.py checks that every
#: route with a <token> is covered)
SECRET_PATH_PREFIXES = ("/confirm/", "/reset-password/", "/me/email/confirm/", "/me/calendar/", "/unsubscribe/")


def _prefix_pattern(prefix):
    # The path may also stand percent-encoded in a query (/login?next=%2Freset-password%2F…).
    return "(?:/|%2[Ff])".join(re.escape(part) for part in prefix.split("/"))


SECRET_PATH = re.compile("(" + "|".join(_prefix_pattern(prefix) for prefix in SECRET_PATH_PREFIXES) + r")[^/?#&\s\"'%]+")


def mask_secrets(text):
    """The text with every secret token in a link replaced by [secret]."""
    return SECRET_PATH.sub(lambda match: match.group(1) + MASK, text)


class SecretMaskingFilter(logging.Filter):
    """Masks tokens in a log record's final message."""

    def filter(self, record):
        """Replace the secret tokens in the record's message with [secret]; the record is always logged."""
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def hide_secrets_in_dev_server_log():
    """Werkzeug's development server (`flask run`) logs each request line to the 'werkzeug' logger."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(existing, SecretMaskingFilter) for existing in logger.filters):
        logger.addFilter(SecretMaskingFilter())


class MaskingGunicornLogger(GunicornLogger):
    """gunicorn's logger with tokens masked in every access-log field (request line, path, Referer…).

    Set in gunicorn.conf.py, which gunicorn reads from the project folder.
    """

    def atoms(self, resp, req, environ, request_time):
        """gunicorn's access-log fields, with the secret tokens in every text field masked."""
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: mask_secrets(value) if isinstance(value, str) else value for name, value in atoms.items()}
