"""Password rules: long enough, not common, not like the person's name or e-mail. No composition rules.

Hashes use Werkzeug's scrypt, at the cost PASSWORD_HASH_METHOD names (Werkzeug's default outside tests).
"""

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 256
MAX_SIMILARITY = 0.7
# Latvian passwords that the English-centred lists miss.
LATVIAN_COMMON = {
    "parole",
    "parole123",
    "parole1234",
    "parole12345",
    "parole123456",
    "manaparole",
    "slepenaparole",
    "latvija",
    "latvija123",
    "latvija1918",
    "riga1201",
    "kopiena",
}


@lru_cache(maxsize=1)
def common_passwords():
    """Passwords too common to allow: zxcvbn's list of frequent ones and Latvian favourites."""
    return frozenset(FREQUENCY_LISTS["passwords"]) | LATVIAN_COMMON


@lru_cache(maxsize=4)
def dummy_hash(method):
    """A hash at the configured cost, so that a log-in with an unknown e-mail costs as much time as one with a known e-mail."""
    return generate_password_hash("not-a-real-password-only-for-timing", method=method)


def hash_password(password):
    """The hash to store instead of the password, at the cost PASSWORD_HASH_METHOD names."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash, password):
    """Check a password against a hash; pass None as the hash to spend the same time on no account."""
    fallback = dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])
    return check_password_hash(password_hash or fallback, password) and password_hash is not None


def password_problem(password, user_inputs=()):
    """Return a message saying what is wrong with a new password, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(count)s characters. A few words in a row are easy to remember.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(count)s characters.", count=MAX_LENGTH)
    lowered = password.lower()
    stripped = re.sub(r"[\d\W_]+$", "", lowered)
    if lowered in common_passwords() or stripped in common_passwords():
        return _l("This password is one of the most common ones. Choose something less predictable.")
    if is_similar_to_any(lowered, user_inputs):
        return _l("This password is too similar to your name or e-mail address.")
    # zxcvbn catches repeats and sequences ("aaaaaaaaaaaa", "123456789012"); long input slows it down.
    if zxcvbn(password[:64], user_inputs=[value for value in user_inputs if value])["score"] < 2:
        return _l("This password is too easy to guess. Add a few more words.")
    return None


def comparable_parts(value):
    """A value, its words, the local part of an e-mail, each also without diacritics (Bērziņa: berzina)."""
    value = value.lower()
    parts = set()
    for variant in {value, without_diacritics(value)}:
        parts.add(variant)
        parts.update(re.split(r"\W+", variant))
        if "@" in variant:
            # "anna.berzina" is what people build passwords from, not "anna.berzina@example.com"
            parts.add(variant.rsplit("@", 1)[0])
    return parts


def without_diacritics(text):
    """The text with its diacritics dropped (bērziņa: berzina)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def is_similar_to_any(password, user_inputs):
    """Django's check: the password resembles a value (e.g. the e-mail) or one of its parts."""
    for value in user_inputs:
        if not value:
            continue
        for part in comparable_parts(value):
            if len(part) < 3:
                continue
            if part in password and len(part) >= len(password) / 2:
                return True
            if (
                SequenceMatcher(a=password, b=part).quick_ratio() >= MAX_SIMILARITY
                and SequenceMatcher(a=password, b=part).ratio() >= MAX_SIMILARITY
            ):
                return True
    return False
