"""Every model, imported in one place so that Alembic and create_app see the whole schema."""
from app.accounts.models import PasswordResetToken, User, UserSession, moderator_centres  # noqa: F401
from app.audit.models import AuditEntry  # noqa: F401
from app.centres.models import Centre  # noqa: F401
from app.outbox.models import OutboxMessage  # noqa: F401
