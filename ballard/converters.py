"""URL converters for the arguments that name story things: `<slug:show>`,
`<slug:character>`, `<episode_code:episode>`...

The patterns are the write side's own (ballard/story/fields.py), so a URL can only name
what a pack or the editor could have stored. A value that fails its converter matches no
route, and so gets the same 404 as an unknown address (ballard/errors.py), which is also
what an unknown or not-yet-introduced slug gets: the answer never depends on the content.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

from ballard.story.fields import EPISODE_CODE_REGEX, SLUG_MAX_LENGTH, SLUG_REGEX


class SlugConverter(BaseConverter):
    """A show, character, storyline or question slug: `renee-ballard`."""

    regex = SLUG_REGEX

    def to_python(self, value: str) -> str:
        # The length limit is checked here: the pattern alone cannot bound the total
        # length, and a lookahead would assume the slug is a whole path segment.
        if len(value) > SLUG_MAX_LENGTH:
            raise ValidationError()
        return value


class EpisodeCodeConverter(BaseConverter):
    """An episode code in lower case: `s1e3` (not `S1E3`, `s1e03` or `s0e1`)."""

    regex = EPISODE_CODE_REGEX


CONVERTERS: dict[str, type[BaseConverter]] = {
    "slug": SlugConverter,
    "episode_code": EpisodeCodeConverter,
}


def init_app(app: Flask) -> None:
    """Register the converters; call before any blueprint adds its rules."""
    app.url_map.converters.update(CONVERTERS)
