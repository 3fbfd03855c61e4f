"""Rows for the tests of reporting ideas: a report, and an idea hidden after reports or by a moderator."""

from app.ideas.models import IdeaReport
from app.timeutil import utcnow
from tests.factories import make_user, saved


def make_idea_report(idea, reporter=None, reason="Reklāma"):
    """A person reports the idea (its count of open reports follows; nothing is hidden here)."""
    reporter = reporter or make_user()
    report = IdeaReport(idea_id=idea.id, reporter_id=reporter.id, reason=reason)
    idea.open_report_count += 1
    return saved(report)


def hide_after_reports(idea, reporters=None):
    """Three people's open reports on the idea, and the idea hidden waiting for a moderator (as the service does)."""
    for reporter in reporters or [make_user() for _ in range(3)]:
        make_idea_report(idea, reporter)
    idea.hidden_at = utcnow()
    idea.hidden_by_id = None
    idea.hidden_reason = ""
    return saved(idea)


def hide_by_moderator(idea, moderator, reason="Personas dati"):
    """The idea hidden by a moderator with a reason."""
    idea.hidden_at = utcnow()
    idea.hidden_by_id = moderator.id
    idea.hidden_reason = reason
    return saved(idea)
