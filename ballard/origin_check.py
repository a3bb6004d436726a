"""Cross-site POST protection for the reader's forms, without a token in the page.

The slider (and the share guard's "I have seen it" button) and the upcoming-titles
preference post to /<show>/progress and /<show>/preferences. A per-session CSRF token in
those forms would make every page that shows them a page for one reader alone, so they
are checked the way current frameworks check (Go's net/http CrossOriginProtection,
after the Fetch Metadata proposal) instead:

- `Sec-Fetch-Site` (every current browser sends it): `same-origin` or `none` (the
  reader's own navigation) passes; `same-site` and `cross-site` are refused;
- without it, `Origin` (older browsers): it must name this host; `null` or another
  host is refused;
- without either, the request did not come from a browser page (curl, a test client),
  which a cross-site attack cannot make a browser send: it passes.

A refused POST is a 403 page that says what happened and what to do. The editor and
the sign-in keep their Flask-WTF tokens; only the endpoints below are checked here
instead.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, render_template, request
from flask_wtf import CSRFProtect

# The reader's forms (endpoint -> its view's import path, for Flask-WTF's exemption).
CHECKED_ENDPOINTS = {
    "guide.set_progress": "ballard.views.guide.set_progress",
    "guide.set_preferences": "ballard.views.guide.set_preferences",
}
ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})
MESSAGE = (
    "This form was sent from another website, so it was not saved. Your progress can "
    "only be changed from this guide's own pages: go to the guide and use the slider there."
)


def is_same_origin(environ: dict) -> bool:
    """Does this request come from one of this site's own pages (or from no page)?"""
    fetch_site = environ.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site.strip().lower() in ALLOWED_FETCH_SITES
    origin = environ.get("HTTP_ORIGIN")
    if origin is None:
        return True
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    return origin != "null" and urlsplit(origin.strip()).netloc.lower() == host.lower()


def refuse_cross_site_posts():
    if request.method != "POST" or request.endpoint not in CHECKED_ENDPOINTS:
        return None
    if is_same_origin(request.environ):
        return None
    return render_template(
        "errors/error.html", code=403, title="Form not accepted", message=MESSAGE, detail=None
    ), 403


def init_app(app: Flask, csrf: CSRFProtect) -> None:
    """Check the reader's forms here, and only here (no token in their pages)."""
    for view in CHECKED_ENDPOINTS.values():
        csrf.exempt(view)
    app.before_request(refuse_cross_site_posts)
