from flask import Blueprint

bp = Blueprint("partnerships", __name__)
