from flask import Blueprint

bp = Blueprint("volunteering", __name__)
