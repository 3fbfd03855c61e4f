"""Signed, time-limited tokens for links sent by e-mail (confirming an address, changing it)."""

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer


class InvalidToken(Exception):
    """The link is broken, expired or already used."""


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kopiena-{purpose}")


def make_token(purpose, **data):
    """A signed token carrying data. Signed, not encrypted: anyone holding it can read the data."""
    return _serializer(purpose).dumps(data)


def read_token(purpose, token, max_age):
    """Return the data of a token made by make_token for the same purpose, or raise InvalidToken."""
    try:
        return _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except BadSignature as error:  # SignatureExpired is a BadSignature too
        raise InvalidToken() from error


def fingerprint(purpose, value):
    """A keyed digest of a value (an e-mail address, a password hash) to put in a link instead of it.

    It shows nothing of the value (not even to someone guessing addresses, as a plain hash would),
    and a link that carries it stops working once the value changes.
    """
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def same_fingerprint(purpose, value, claimed):
    """Whether the fingerprint a link carries still matches the value (compared in constant time)."""
    return isinstance(claimed, str) and hmac.compare_digest(fingerprint(purpose, value), claimed)
