"""Flask-WTF forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange


class ProgressForm(FlaskForm):
    """The watch-progress slider: a plain POST form, enhanced by static/guide.js."""

    horizon = IntegerField(
        "Watched through",
        validators=[InputRequired(message="Choose how far you have watched.")],
    )
    submit = SubmitField("Save my progress")

    def __init__(self, episode_count: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.horizon.validators = [
            *self.horizon.validators,
            NumberRange(
                min=0, max=episode_count,
                message=f"Pick a number from 0 (not started) to {episode_count}.",
            ),
        ]
