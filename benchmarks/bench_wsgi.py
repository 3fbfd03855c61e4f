"""The app as gunicorn serves it (wsgi:app), plus /bench-static/<file> for the static-file baseline.

The baseline files are served by Werkzeug's SharedDataMiddleware from $BENCH_STATIC_DIR, by the same
gunicorn workers, so "the app's page" and "a static file of the same size" are measured on one server.
"""

import os

from werkzeug.middleware.shared_data import SharedDataMiddleware

from wsgi import app as flask_app

app = SharedDataMiddleware(flask_app, {"/bench-static": os.environ["BENCH_STATIC_DIR"]}, cache=False)
