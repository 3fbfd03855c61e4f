from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.centres.models import Centre
from app.extensions import db
from app.timeutil import utcnow


class ReasonTemplate(db.Model):
    """A reusable reason text a centre's moderators pick when deciding on an idea."""

    __tablename__ = "reason_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    #: the decision it is for: published, changes_requested or declined
    decision: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    centre: Mapped[Centre] = relationship()
