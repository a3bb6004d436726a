"""Where a form may send the browser next: one rule against open redirects.

The sign-in form (`next` under /editor/) and the progress slider (`next` under
/<show>/at/) both take a target from the request and redirect to it. Both use
`safe_local_path`, so a trick refused by one is refused by the other.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def safe_local_path(target: str | None, prefix: str) -> str | None:
    """`target` when it is a path on this site starting with `prefix`, else None.

    Refused: a scheme (`https:`, `javascript:`; the prefix, starting with "/", rules
    them out), a host (`//x`) or any other `//`, a backslash (browsers read `/\\x` as
    `//x`), control or other invisible characters (they could split the Location header
    or hide what the link says), and `.` or `..` segments (they would climb out of
    `prefix` once the browser resolves them). The whole target, query included, is
    checked as given; the path is checked again percent-decoded, because browsers
    resolve `%2e%2e` as `..` too (a decoded query cannot change where the browser goes,
    so it is not decoded).
    """
    if not prefix.startswith("/") or not prefix.endswith("/"):
        # "/editor" would let "/editorial" through.
        raise ValueError(f"prefix must start and end with '/', not {prefix!r}")
    if not isinstance(target, str) or not target.startswith(prefix):
        return None
    decoded_path = unquote(urlsplit(target).path)
    if any("\\" in text or "//" in text or not text.isprintable() for text in (target, decoded_path)):
        return None
    # A raw ".." is still ".." decoded, so the decoded path covers both spellings.
    if any(segment in (".", "..") for segment in decoded_path.split("/")):
        return None
    return target
