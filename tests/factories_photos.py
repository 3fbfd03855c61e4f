"""Factories for the photo tests (issue 13 item 5, `flask purge`'s unused uploads): real files in an upload folder."""

import os
import secrets
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.pictures import picture

RIGA = ZoneInfo("Europe/Riga")


def stored_photo(folder, days_old=0, name=None):
    """A JPEG file in the upload folder under a name as save_photo gives, last changed days_old days ago; its name."""
    folder.mkdir(parents=True, exist_ok=True)
    name = name or f"{secrets.token_hex(16)}.jpg"
    path = folder / name
    path.write_bytes(picture())
    if days_old:
        moment = time.time() - days_old * 86400
        os.utime(path, (moment, moment))
    return name


def activity_form(**overrides):
    """The fields of the activity form (new, edit or promote), starting in 20 days, as a browser sends them."""
    day = (datetime.now(RIGA) + timedelta(days=20)).date()
    data = {
        "title": "Puķu podu apgleznošana",
        "description": "Krāsosim **podus**.",
        "place": "Preiļu KRC",
        "starts_at": f"{day.isoformat()}T10:00",
        "ends_at": f"{day.isoformat()}T13:00",
        "leader_name": "Inese",
        "capacity": "12",
    }
    data.update(overrides)
    return data
