from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class Centre(db.Model):
    """A community resource centre serving one municipality."""

    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable short name used in URLs and configuration, e.g. "preili"
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    municipality: Mapped[str] = mapped_column(String(120))
    #: the centre on the map: where maps of its ideas and activities open (optional)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    #: inactive centres keep their history but are not offered in pickers
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __repr__(self):
        return f"<Centre {self.slug}>"
