"""Safe redirects (`next` may only lead to a path on this site) and absolute links for mail and feeds."""

from urllib.parse import quote, urlsplit

from flask import current_app, request, url_for


def is_local_path(target):
    """Whether a `next` address is a path on this site (not another host, not //, no backslash or control character)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(ch) < 32 for ch in target)


def next_url(default_endpoint="main.home"):
    """The local `next` address from the form or query string, else the default page."""
    target = request.form.get("next") or request.args.get("next")
    return target if is_local_path(target) else url_for(default_endpoint)


def external_url(endpoint, _anchor=None, **values):
    """An absolute link for a mail or a calendar program, always on BASE_URL.

    Never on the Host (or X-Forwarded-Host) a request came with: whoever sends a reset request with
    `Host: evil.example` would otherwise receive the owner's reset token at their own server when the
    owner clicks the link. Works the same in a request, in a command and in a test.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    current_app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{quote(_anchor, safe='')}" if _anchor else url
