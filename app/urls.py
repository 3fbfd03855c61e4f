"""Safe redirects: `next` may only lead to a path on this site."""
from urllib.parse import urlsplit

from flask import request, url_for


def is_local_path(target):
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(ch) < 32 for ch in target)


def next_url(default_endpoint="main.home"):
    """The local `next` address from the form or query string, else the default page."""
    target = request.form.get("next") or request.args.get("next")
    return target if is_local_path(target) else url_for(default_endpoint)
