"""Apps besides the session's `app` fixture (production settings, a broken database), cleaned up after use."""
from contextlib import contextmanager

from app import create_app
from app.extensions import db


@contextmanager
def another_app(config_name, overrides):
    """Build an app with create_app; its database connections are closed afterwards."""
    app = create_app(config_name, overrides)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
