"""One gate per request, for the pages and answers whose URL names a show and a horizon.

A blueprint's `url_value_preprocessor` takes `show` and `h` out of the URL values (so
its views take only their own arguments) and keeps them in `g`; its `before_request`
hook then opens the gate once, into `g.gate`, where the views read it. The gate opens
in a hook, not in the preprocessor: Flask runs every preprocessor before any
`before_request` hook, and the app's hooks (the schema check, the request log's clock)
and the blueprint's earlier ones (the API's check of its query parameters) come first,
as they did when each view opened its own gate. Its `url_defaults` put the two values
back for url_for of the same blueprint's pages when they are not given, so a handler
that rebuilds the request's URL from `request.view_args` (a renamed slug's redirect,
the share guard's "at my horizon" link) builds the same URL as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, g, request

from ballard import horizon

PAGE_VALUES = ("show", "h")


def open_once_per_request(bp: Blueprint, open_gate: Callable[[str, str], horizon.Gate]) -> None:
    """Register the hooks on `bp`: routes with an `h` in their URL get `g.gate`,
    opened by `open_gate(show, h)` (which raises what the page answers instead: NotVisible,
    the share guard); routes without one (a show's front door, the forms' POSTs) are
    left alone."""

    @bp.url_value_preprocessor
    def pop_page_values(endpoint: str | None, values: dict[str, Any] | None) -> None:
        g.page_values = {name: values.pop(name) for name in PAGE_VALUES} if values and "h" in values else None

    @bp.teardown_request
    def forget_page_values(_exc: BaseException | None) -> None:
        # g outlives the request when the request ran inside an app context already
        # pushed (a test client under `with app.app_context()`): leave nothing behind.
        g.pop("page_values", None)
        g.pop("gate", None)

    @bp.before_request
    def open_page_gate() -> None:
        page = g.get("page_values")
        if page is None:
            return
        if request.method == "OPTIONS" and getattr(request.url_rule, "provide_automatic_options", False):
            return  # Flask answers it without the view: the URL's show and h are not read
        g.gate = open_gate(page["show"], page["h"])

    @bp.url_defaults
    def restore_page_values(endpoint: str, values: dict[str, Any]) -> None:
        page = g.get("page_values")
        if page is None or endpoint not in current_app.view_functions:
            return  # an unknown endpoint: url_for's BuildError, as without this hook
        for name in PAGE_VALUES:
            if name not in values and current_app.url_map.is_endpoint_expecting(endpoint, name):
                values[name] = page[name]
