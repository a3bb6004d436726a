"""Flask-WTF forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from ballard.redirects import safe_local_path


class ReaderForm(FlaskForm):
    """A reader's form: no CSRF token, so the pages that show it can be cached for every
    reader; ballard/origin_check.py refuses cross-site posts to it instead."""

    class Meta:
        csrf = False


class ProgressForm(ReaderForm):
    """The watch-progress slider: a plain POST form, enhanced by static/guide.js."""

    horizon = IntegerField(
        "Watched through",
        validators=[InputRequired(message="Choose how far you have watched.")],
    )
    # Where to go after saving (the share guard sends readers back to the shared page).
    next = HiddenField()
    # Set by the "I have watched S1E4" buttons: a saved horizon further on is kept (they
    # never move a reader back; only the picker and the slider do, deliberately).
    forward = HiddenField()
    submit = SubmitField("Save my progress")

    def __init__(self, episode_count: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.horizon.validators = [
            *self.horizon.validators,
            NumberRange(
                min=0,
                max=episode_count,
                message=f"Pick a number from 0 (not started) to {episode_count}.",
            ),
        ]

    def safe_next(self, show_slug: str) -> str | None:
        """`next` only when it is a path inside this show's guide (no open redirects)."""
        return safe_local_path(self.next.data, f"/{show_slug}/at/")


class UpcomingTitlesForm(ReaderForm):
    """Opt-in: show the titles of episodes the viewer has not watched yet."""

    enabled = BooleanField("Show titles of episodes I have not watched yet")
    submit = SubmitField("Save preference")
