"""Every model, imported in one place so that Alembic and create_app see the whole schema."""

from app.accounts.models import PasswordResetToken, User, UserSession, moderator_centres  # noqa: F401
from app.activities.models import Activity, ActivityPhoto, CalendarFeed, Registration  # noqa: F401
from app.audit.models import AuditEntry  # noqa: F401
from app.centres.models import Centre  # noqa: F401
from app.comments.models import Comment, CommentReport  # noqa: F401
from app.ideas.models import Category, Follow, Idea, IdeaEvent, Support  # noqa: F401
from app.jobs.models import JobRun, WorkerHeartbeat  # noqa: F401
from app.legal.models import Consent, LegalDocument  # noqa: F401
from app.moderation.models import ReasonTemplate  # noqa: F401
from app.notifications.models import Notification  # noqa: F401
from app.organisations.models import Organisation, Representative  # noqa: F401
from app.outbox.models import OutboxMessage  # noqa: F401
from app.partnerships.models import PartnerCall, Partnership  # noqa: F401
from app.privacy.models import DataExport  # noqa: F401
from app.volunteering.models import SignUp, VolunteerRole  # noqa: F401
