"""Cache headers."""


def forbid_caching(response):
    """For pages with personal data or tokens: browsers and proxies must not keep a copy."""
    response.headers["Cache-Control"] = "no-store"
    return response
