"""A person's own data: the download of everything Kopiena holds about them, and deleting their account."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
