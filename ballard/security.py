"""Security headers on every response, and proxy awareness for production.

The Content-Security-Policy allows only this origin's own files: no inline script or
style anywhere in the templates, no third-party requests.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=63072000; includeSubDomains"


# A redirect whose view set no Cache-Control (the router's slash redirects, 308): where it
# points depends on the request's scheme and host, and may depend on cookies, so no cache
# keeps it.
REDIRECT_CACHE_CONTROL = "no-store"


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if 300 <= response.status_code < 400 and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = REDIRECT_CACHE_CONTROL
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    proxies = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if proxies:
        # Behind a load balancer: trust its X-Forwarded-For/-Proto so request.is_secure
        # (and with it HSTS and Secure cookies) reflects the client's connection. Only
        # those two: X-Forwarded-Host/-Port/-Prefix stay untrusted (x_host, x_port and
        # x_prefix 0), since a client can send them through a proxy that does not strip
        # them, and the host is in every absolute redirect (the proxy passes Host on).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0
        )
