from flask import Blueprint

bp = Blueprint("centres", __name__)
