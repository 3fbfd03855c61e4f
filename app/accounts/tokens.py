"""Signed, time-limited tokens for links sent by e-mail (confirming an address, changing it)."""
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer


class InvalidToken(Exception):
    """The link is broken, expired or already used."""


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kopiena-{purpose}")


def make_token(purpose, **data):
    return _serializer(purpose).dumps(data)


def read_token(purpose, token, max_age):
    """Return the data of a token made by make_token for the same purpose, or raise InvalidToken."""
    try:
        return _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except BadSignature as error:  # SignatureExpired is a BadSignature too
        raise InvalidToken() from error
