"""Plain functions that create rows for tests, in the current app context's session."""
import itertools

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.centres.models import Centre
from app.extensions import db
from app.timeutil import utcnow

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_centre(name=None, slug=None, municipality="Preiļu novads", is_active=True):
    number = next(_counter)
    centre = Centre(name=name or f"Centre {number}", slug=slug or f"centre-{number}", municipality=municipality,
                    is_active=is_active)
    db.session.add(centre)
    db.session.commit()
    return centre


# Hashing with scrypt is slow on purpose; tests reuse one hash of the shared password.
_password_hash = None


def make_user(email=None, display_name="Anna Bērziņa", password=PASSWORD, confirmed=True, admin=False,
              moderates=(), language="lv", home_centre=None, suspended=False):
    global _password_hash
    if password == PASSWORD:
        _password_hash = _password_hash or hash_password(PASSWORD)
        password_hash = _password_hash
    else:
        password_hash = hash_password(password)
    user = User(email=email or f"person{next(_counter)}@example.com", display_name=display_name,
                password_hash=password_hash, language=language, is_admin=admin, home_centre=home_centre,
                email_confirmed_at=utcnow() if confirmed else None, moderated_centres=list(moderates),
                suspended_at=utcnow() if suspended else None)
    db.session.add(user)
    db.session.commit()
    return user
