"""The pages a public body must publish (privacy notice, terms, accessibility, contact, cookies) and consents to them."""

from flask import Blueprint

bp = Blueprint("legal", __name__)
