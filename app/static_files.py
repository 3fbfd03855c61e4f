"""Static files: addresses that name their content, a year of caching for those, gzip, /favicon.ico, /robots.txt.

Every `url_for('static', filename=…)` carries the file's content hash (`?v=<12 hex of sha256>`): after an
upgrade the address of a changed stylesheet or script changes too, so a browser (or nginx) that keeps
static files for a year never serves the old one. The hash is computed once per file and kept for the
process; outside production the file's modification time is checked on each use, so an edited stylesheet
gets a new address at once. No build step and no copy of the folder: the files stay where they are.

A request naming the current hash is answered `public, max-age=31536000, immutable`. One without a hash
(Leaflet's CSS asks for images/marker-icon.png relatively) or with an old one is kept an hour and then
revalidated with its ETag (the content hash too, so that several servers agree). Stylesheets, scripts and
SVG are gzipped for a client that accepts it, compressed at the first request and kept in memory.
"""

import gzip
import hashlib
import mimetypes
import os
import threading
from pathlib import Path

from flask import abort, current_app, request, send_file
from werkzeug.security import safe_join

VERSION_ARGUMENT = "v"
VERSION_LENGTH = 12
#: for an address naming the file's content: it can never change, so it is kept as long as HTTP allows
CACHE_FOREVER = "public, max-age=31536000, immutable"
#: for an address without the hash, or with an old one: kept an hour, then revalidated with the ETag
CACHE_A_WHILE = "public, max-age=3600"
#: for /favicon.ico and /robots.txt, whose addresses browsers and robots fix
CACHE_A_DAY = "public, max-age=86400"
COMPRESSIBLE = frozenset({".css", ".js", ".svg"})
FAVICON = "img/favicon.ico"  # made once from img/favicon.svg (16, 32 and 48 pixels)

#: what robots may read: the public pages; not the personal pages, forms, account links or actions
ROBOTS_TXT = """\
User-agent: *
Disallow: /me
Disallow: /admin
Disallow: /moderation
Disallow: /login
Disallow: /register
Disallow: /reset-password
Disallow: /confirm
Disallow: /consent
Disallow: /unsubscribe
Disallow: /search
Disallow: /notifications
Disallow: /ideas/kept-photo
Disallow: /*/new
Disallow: /*/edit
Disallow: /*/delete
Disallow: /*/report
Disallow: /*/hide
Disallow: /*/restore
Disallow: /*/keep-hidden
Disallow: /*/promote
Disallow: /*/cancel
Disallow: /*/complete
Disallow: /*/outcome
Disallow: /*/attendance
Disallow: /*/registrations
Disallow: /*/register-class
Disallow: /*/signups
Disallow: /*/invite
Disallow: /*/represent
Disallow: /*/representatives
Disallow: /*/offer-partnership
Disallow: /*/volunteer-messages
Disallow: /volunteer-messages
Disallow: /comments
Allow: /
"""


class StaticFiles:
    """The content hash and the gzipped body of each static file, computed once and kept for the process.

    With `watch`, a file whose modification time or size changed is hashed (and compressed) again.
    """

    def __init__(self, folder, watch):
        self.folder = folder
        self.watch = watch
        self._versions = {}  # path → ((mtime, size), hash)
        self._gzipped = {}  # path → (hash, body)
        self._lock = threading.Lock()

    def path_of(self, filename):
        """The file's path inside the folder, or None for a name leading out of it or to no file."""
        path = safe_join(self.folder, filename) if self.folder else None
        return path if path and os.path.isfile(path) else None

    def version_of(self, path):
        """The first 12 hex digits of the file's sha256, or None when there is no such file."""
        known = self._versions.get(path)
        if known and not self.watch:
            return known[1]
        try:
            stat = os.stat(path)
        except (OSError, TypeError, ValueError):
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        if known and known[0] == stamp:
            return known[1]
        version = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:VERSION_LENGTH]
        with self._lock:
            self._versions[path] = (stamp, version)
        return version

    def gzipped(self, path, version):
        """The file's content gzipped, compressed once for each version."""
        known = self._gzipped.get(path)
        if known and known[0] == version:
            return known[1]
        body = gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)
        with self._lock:
            self._gzipped[path] = (version, body)
        return body


def register_static_files(app):
    """Hash static addresses, serve static files with their caching and gzip, and answer /favicon.ico, /robots.txt."""
    watch = app.config.get("STATIC_FILES_WATCH", app.config.get("ENV_NAME") != "production")
    app.extensions["static_files"] = StaticFiles(app.static_folder, watch=watch)
    app.url_defaults(add_content_version)
    app.view_functions["static"] = serve_static_file
    app.add_url_rule("/favicon.ico", "favicon", serve_favicon)
    app.add_url_rule("/robots.txt", "robots_txt", serve_robots_txt)


def add_content_version(endpoint, values):
    """Give every static address its file's content hash (unless the caller named a version itself)."""
    if endpoint != "static" or VERSION_ARGUMENT in values or "filename" not in values:
        return
    files = current_app.extensions["static_files"]
    path = files.path_of(values["filename"])
    version = files.version_of(path) if path else None
    if version:
        values[VERSION_ARGUMENT] = version


def serve_static_file(filename):
    """A static file: gzipped when the client accepts it, kept a year when asked for by its current hash."""
    files = current_app.extensions["static_files"]
    path = files.path_of(filename)
    if path is None:
        abort(404)
    version = files.version_of(path)
    compressible = os.path.splitext(path)[1].lower() in COMPRESSIBLE
    if compressible and request.accept_encodings.quality("gzip") > 0:
        response = gzipped_response(files, path, version)
    else:
        response = send_file(path, etag=version, conditional=True, max_age=None)
    if compressible:
        response.vary.add("Accept-Encoding")
    current = request.args.get(VERSION_ARGUMENT) == version
    response.headers["Cache-Control"] = CACHE_FOREVER if current else CACHE_A_WHILE
    return response


def gzipped_response(files, path, version):
    """The file gzipped, with its own ETag (a gzipped body is another representation) and 304 when unchanged."""
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = current_app.response_class(files.gzipped(path, version), mimetype=mimetype)
    response.headers["Content-Encoding"] = "gzip"
    response.set_etag(f"{version}-gzip")
    return response.make_conditional(request)


def serve_favicon():
    """/favicon.ico, which browsers ask for by themselves: a real ICO, not every browser understands SVG icons."""
    response = send_file(os.path.join(current_app.static_folder, FAVICON), mimetype="image/vnd.microsoft.icon")
    response.headers["Cache-Control"] = CACHE_A_DAY
    return response


def serve_robots_txt():
    """/robots.txt: robots may read the public pages, not the personal ones, forms or actions."""
    response = current_app.response_class(ROBOTS_TXT, mimetype="text/plain")
    response.headers["Cache-Control"] = CACHE_A_DAY
    return response
