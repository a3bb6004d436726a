"""Flask-WTF forms for signing in and for editing story entities.

Every edit form carries `version_token`, the fingerprint of the entity as it was when the
form was rendered (see ballard.editor.changes), and turns its input into a snapshot-shaped
dict with `to_data()`. Limits mirror the content pack schema (ballard/content/schema.py),
so whatever a form accepts also makes a valid pack.

Stamped rows (bios, statuses, aliases) are lists of small sub-forms. A row whose episode
is "—" and whose text is empty is ignored, which is how blank rows for adding work; the
"Remove" box drops a row.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ballard.editor.accounts import MAX_PASSWORD_LENGTH
from ballard.editor.entities import Catalogue
from ballard.models import CaseStatus, Confidence, SpoilerLevel

SHORT = 200  # ShortText in the pack schema
MAX_TEXT = 4000  # prose: a plot point, a bio, a summary
MAX_ROWS = 60  # stamped rows per list
BLANK_ROWS = 2  # empty rows offered for adding
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CHOOSE_EPISODE = "Choose an episode from the list."


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def no_control_characters(_form, field) -> None:
    """Text may hold line breaks and tabs, not NUL and friends (PostgreSQL refuses NUL)."""
    if isinstance(field.data, str) and _CONTROL.search(field.data):
        raise ValidationError("Remove the control characters (such as NUL) from this text.")


def _or_none(value: str | None) -> str | None:
    return value or None


def words(text: str | None) -> list[str]:
    """'Ballard, Renée' -> ['Ballard', 'Renée']."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _choices(values) -> list[SelectChoice]:
    return [SelectChoice(str(v.value if hasattr(v, "value") else v)) for v in values]


# --- fields -----------------------------------------------------------------------------------


def _stamp(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if not re.fullmatch(r"0|[1-9][0-9]{0,4}", str(value)):
        raise ValueError(CHOOSE_EPISODE)
    return int(value)


class StampField(SelectField):
    """An episode stamp picked from the show's episodes: "1 · S1E1 Library of Lost Souls".

    With `optional`, the first choice is "—" (no stamp): a question not answered yet, or
    a blank row.
    """

    def __init__(self, label: str | None = None, validators=None, optional: bool = False,
                 none_label: str = "—", **kwargs):
        super().__init__(label, validators, coerce=_stamp, invalid_value_message=CHOOSE_EPISODE,
                         invalid_choice_message=CHOOSE_EPISODE, **kwargs)
        self.optional = optional
        self.none_label = none_label

    def set_stamps(self, stamps: list[tuple[int, str]]) -> None:
        none = [SelectChoice("", self.none_label)] if self.optional else []
        self.choices = none + [SelectChoice(str(value), label) for value, label in stamps]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _StopOnBadInput:
    """A value that could not be read gets one message, not that plus a range error."""

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()


class WholeNumberField(_StopOnBadInput, IntegerField):
    def process_formdata(self, valuelist: list[str]) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            if not re.fullmatch(r"[0-9]{1,6}", text):
                raise ValueError("Enter a whole number, such as 45.")
            self.data = int(text)


class PlainDateField(_StopOnBadInput, DateField):
    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata([valuelist[0].strip()])
        except ValueError:
            self.data = None
            raise ValueError("Enter a date as YYYY-MM-DD, such as 2025-07-09.") from None


def _text(label: str, required: bool = False, limit: int = SHORT, area: bool = False, **kwargs):
    # DataRequired: checks the stripped text, so "   " is as empty as "".
    first = DataRequired(message=f"{label} is required.") if required else Optional()
    field = TextAreaField if area else StringField
    return field(label, filters=[strip], validators=[
        first, Length(max=limit, message=f"Keep it to {limit} characters or fewer."),
        no_control_characters], **kwargs)


def _prose(label: str, required: bool = True, **kwargs):
    return _text(label, required=required, limit=MAX_TEXT, area=True, **kwargs)


def _word_list(label: str, **kwargs):
    """Comma-separated entries (short names, sources), each a short text."""

    def each_short(_form, field) -> None:
        if any(len(w) > SHORT for w in words(field.data)):
            raise ValidationError(f"Each entry must be {SHORT} characters or fewer.")

    return StringField(label, filters=[strip], validators=[
        Length(max=4000, message="That list is too long."), no_control_characters, each_short],
        **kwargs)


# --- signing in -------------------------------------------------------------------------------


class LoginForm(FlaskForm):
    email = StringField("Email", filters=[strip], validators=[
        DataRequired(message="Enter your email address."),
        Length(max=254, message="That is too long for an email address."),
        no_control_characters])
    password = PasswordField("Password", validators=[
        DataRequired(message="Enter your password."),
        Length(max=MAX_PASSWORD_LENGTH, message="That is too long for a password.")])
    next = HiddenField()
    submit = SubmitField("Sign in")


# --- stamped rows -----------------------------------------------------------------------------


class _Row(Form):
    """One stamped row. Blank rows (no episode, no text) are ignored; so are removed ones."""

    revealed_in = StampField("Shown from", optional=True)
    remove = BooleanField("Remove")
    TEXT: tuple[str, ...] = ()  # the fields a row is about
    REQUIRED: tuple[tuple[str, str], ...] = ()  # (field, message) for a kept row

    def is_blank(self) -> bool:
        typed = any(self[name].data for name in self.TEXT)
        return bool(self.remove.data) or (self.revealed_in.data is None and not typed)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_blank():
            for field in self:
                field.errors = []
            return True
        if self.revealed_in.data is None and not self.revealed_in.errors:
            self.revealed_in.errors.append("Choose the episode this row is shown from.")
            ok = False
        for name, message in self.REQUIRED:
            if not self[name].data and not self[name].errors:
                self[name].errors.append(message)
                ok = False
        return ok


class BioRow(_Row):
    text = _prose("Bio", required=False)
    TEXT = ("text",)
    REQUIRED = (("text", "Write the bio, or set the episode to — to drop the row."),)

    def to_data(self) -> dict[str, Any]:
        return {"revealed_in": self.revealed_in.data, "text": self.text.data}


class CharacterStatusRow(_Row):
    status = _text("Status", limit=60)
    note = _prose("Note", required=False)
    TEXT = ("status", "note")
    REQUIRED = (("status", "Give a short status, such as active."),)

    def to_data(self) -> dict[str, Any]:
        return {"revealed_in": self.revealed_in.data, "status": self.status.data,
                "note": _or_none(self.note.data)}


class AliasRow(_Row):
    alias = _text("Alias")
    TEXT = ("alias",)
    REQUIRED = (("alias", "Write the alias, or set the episode to — to drop the row."),)

    def to_data(self) -> dict[str, Any]:
        return {"revealed_in": self.revealed_in.data, "alias": self.alias.data}


class StorylineStatusRow(_Row):
    status = SelectField("Status", choices=_choices(CaseStatus),
                         invalid_choice_message="Choose open, solved or closed.")
    note = _prose("Note", required=False)
    TEXT = ("note",)

    def to_data(self) -> dict[str, Any]:
        return {"revealed_in": self.revealed_in.data, "status": self.status.data,
                "note": _or_none(self.note.data)}


def _rows(field: FieldList) -> list[dict[str, Any]]:
    return [entry.form.to_data() for entry in field if not entry.form.is_blank()]


# --- editing ----------------------------------------------------------------------------------


_MISSING_TOKEN = "This form has no version token; reload the page and make the change again."


def _token_field():
    return HiddenField(validators=[DataRequired(message=_MISSING_TOKEN),
                                   Length(max=64, message=_MISSING_TOKEN)])


class EntityForm(FlaskForm):
    """Shared by the edit forms: the version token, and stamps from the show's episodes."""

    version_token = _token_field()
    ROW_LISTS: tuple[str, ...] = ()  # FieldLists of stamped rows

    def __init__(self, catalogue: Catalogue, *args, creating: bool = False,
                 taken: frozenset[str] = frozenset(), **kwargs):
        self.catalogue, self.creating, self.taken = catalogue, creating, taken
        super().__init__(*args, **kwargs)
        self.set_choices()

    def set_choices(self) -> None:
        for name in self.ROW_LISTS:
            for entry in self[name]:
                entry.form.revealed_in.set_stamps(self.catalogue.stamp_choices())

    def add_blank_rows(self) -> None:
        """Offer empty rows for adding (on GET; a re-rendered POST keeps what was sent)."""
        for name in self.ROW_LISTS:
            for _ in range(BLANK_ROWS):
                if len(self[name]) < MAX_ROWS:
                    self[name].append_entry()
        self.set_choices()

    def to_data(self) -> dict[str, Any]:
        """The input as a snapshot-shaped dict (see ballard.editor.entities)."""
        raise NotImplementedError

    @staticmethod
    def initial(snapshot: dict[str, Any]) -> dict[str, Any]:
        """A snapshot as form data: lists of words as comma-separated text, dates as dates."""
        data = dict(snapshot)
        for name in ("short_names", "sources"):
            if name in data:
                data[name] = ", ".join(data[name])
        if data.get("release_date"):
            data["release_date"] = dt.date.fromisoformat(data["release_date"])
        return data

    def validate_slug(self, field) -> None:
        """For forms with a slug: only when creating, and unused in the show."""
        if not self.creating:
            return
        if not field.data:
            raise ValidationError("A slug is required: lowercase words joined by hyphens.")
        if len(field.data) > 80:
            raise ValidationError("Keep the slug to 80 characters or fewer.")
        if not SLUG.match(field.data):
            raise ValidationError(
                "Use lowercase letters, digits and single hyphens only, such as ted-rawls.")
        if field.data in self.taken:
            raise ValidationError(f"The slug {field.data} is already used in this show.")


class EpisodeForm(EntityForm):
    title = _text("Title", description="Leave empty while the title is not established.")
    release_date = PlainDateField("Release date", validators=[Optional()],
                                  description="YYYY-MM-DD; leave empty when unknown.")
    runtime_minutes = WholeNumberField("Runtime (minutes)", validators=[
        Optional(), NumberRange(min=1, max=600, message="Give a runtime from 1 to 600 minutes.")])
    writer = _text("Written by")
    director = _text("Directed by")
    submit = SubmitField("Save episode")

    def to_data(self) -> dict[str, Any]:
        date = self.release_date.data
        return {
            "title": _or_none(self.title.data),
            "release_date": date.isoformat() if date else None,
            "runtime_minutes": self.runtime_minutes.data,
            "writer": _or_none(self.writer.data),
            "director": _or_none(self.director.data),
        }


class StorylineForm(EntityForm):
    slug = StringField("Slug", filters=[strip],
                       description="Part of every link to it; it cannot change later.")
    title = _text("Title", required=True)
    summary = _prose("Summary", description="One sentence, safe for a viewer at its stamp.")
    introduced_in = StampField("Introduced in")
    statuses = FieldList(FormField(StorylineStatusRow), label="Case status",
                         max_entries=MAX_ROWS)
    submit = SubmitField("Save storyline")
    ROW_LISTS = ("statuses",)

    def set_choices(self) -> None:
        self.introduced_in.set_stamps(self.catalogue.stamp_choices())
        super().set_choices()

    def to_data(self) -> dict[str, Any]:
        return {"title": self.title.data, "summary": self.summary.data,
                "introduced_in": self.introduced_in.data, "statuses": _rows(self.statuses)}


class CharacterForm(EntityForm):
    slug = StringField("Slug", filters=[strip],
                       description="Part of every link to them; it cannot change later.")
    name = _text("Name", required=True)
    short_names = _word_list(
        "Short names", description="Comma-separated spellings the spoiler lint looks for, "
                                   "such as Ballard, Renée. Never shown to viewers.")
    introduced_in = StampField("Introduced in")
    role = _text("Role", required=True, limit=300, description="Short, safe at the stamp above.")
    actor = _text("Played by")
    bios = FieldList(FormField(BioRow), label="Bio, in stages", max_entries=MAX_ROWS)
    statuses = FieldList(FormField(CharacterStatusRow), label="Status", max_entries=MAX_ROWS)
    aliases = FieldList(FormField(AliasRow), label="Aliases", max_entries=MAX_ROWS)
    submit = SubmitField("Save character")
    ROW_LISTS = ("bios", "statuses", "aliases")

    def set_choices(self) -> None:
        self.introduced_in.set_stamps(self.catalogue.stamp_choices())
        super().set_choices()

    def to_data(self) -> dict[str, Any]:
        return {
            "name": self.name.data, "short_names": words(self.short_names.data),
            "introduced_in": self.introduced_in.data, "role": self.role.data,
            "actor": _or_none(self.actor.data), "bios": _rows(self.bios),
            "statuses": _rows(self.statuses), "aliases": _rows(self.aliases),
        }


class PlotPointForm(EntityForm):
    storyline = SelectField("Storyline", invalid_choice_message="Choose a storyline from the list.")
    level = SelectField("Spoiler level", choices=_choices(SpoilerLevel),
                        invalid_choice_message="Choose minor, major or twist.",
                        description="Twists carry a marker; the condensed story shows major and twist.")
    text = _prose("Text", description="Our own words, safe for a viewer at its stamp.")
    characters = MultiCheckboxField(
        "Characters", invalid_choice_message="Pick characters from the list (%(value)s is not on it).")
    revealed_in = StampField("Shown from", description="Never before the episode that tells it.")
    confidence = SelectField("Confidence", choices=_choices(Confidence),
                             invalid_choice_message="Choose sure, likely or unplaced.")
    sources = _word_list("Sources", description="Comma-separated fact sheet keys, such as D1, M1.")
    submit = SubmitField("Save plot point")

    def __init__(self, catalogue: Catalogue, *args, episode_position: int,
                 storylines: list[tuple[str, str]], characters: list[tuple[str, str]], **kwargs):
        self.episode_position = episode_position
        self._storylines, self._characters = storylines, characters
        super().__init__(catalogue, *args, **kwargs)

    def set_choices(self) -> None:
        self.storyline.choices = [SelectChoice(slug, title) for slug, title in self._storylines]
        self.characters.choices = [SelectChoice(slug, name) for slug, name in self._characters]
        self.revealed_in.set_stamps(self.catalogue.stamp_choices(minimum=self.episode_position))

    def to_data(self) -> dict[str, Any]:
        order = [slug for slug, _name in self._characters]
        chosen = set(self.characters.data or [])
        return {
            "storyline": self.storyline.data, "level": self.level.data,
            "characters": [slug for slug in order if slug in chosen], "text": self.text.data,
            "confidence": self.confidence.data, "sources": words(self.sources.data),
            "revealed_in": self.revealed_in.data,
        }


class QuestionForm(EntityForm):
    slug = StringField("Slug", filters=[strip],
                       description="Part of every link to it; it cannot change later.")
    text = _prose("Question")
    raised_in = StampField("Raised in")
    answered_in = StampField("Answered in", optional=True, none_label="— not answered yet —")
    answer = _prose("Answer", required=False, description="Give it together with the episode.")
    confidence = SelectField("Confidence", choices=_choices(Confidence),
                             invalid_choice_message="Choose sure, likely or unplaced.")
    sources = _word_list("Sources", description="Comma-separated fact sheet keys, such as D1, M1.")
    submit = SubmitField("Save question")

    def set_choices(self) -> None:
        self.raised_in.set_stamps(self.catalogue.stamp_choices(minimum=1))
        self.answered_in.set_stamps(self.catalogue.stamp_choices(minimum=1))

    def validate_answered_in(self, field) -> None:
        raised = self.raised_in.data
        if field.data is not None and raised is not None and field.data < raised:
            raise ValidationError(f"It cannot be answered before it is raised (E{raised}).")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Here rather than in validate_answer: Optional() skips those when it is empty.
        if (self.answered_in.data is None) != (not self.answer.data) and not self.answer.errors:
            self.answer.errors.append(
                "Give the answer and the episode that answers it together, or neither.")
            ok = False
        return ok

    def to_data(self) -> dict[str, Any]:
        return {
            "text": self.text.data, "raised_in": self.raised_in.data,
            "answered_in": self.answered_in.data, "answer": _or_none(self.answer.data),
            "confidence": self.confidence.data, "sources": words(self.sources.data),
        }


class DeleteForm(FlaskForm):
    version_token = _token_field()
    submit = SubmitField("Delete")


class RestoreForm(FlaskForm):
    """One per revision on the history page, which writes these as hidden inputs itself."""

    revision = StringField()
    which = StringField()
    version_token = StringField(validators=[DataRequired(message=_MISSING_TOKEN),
                                            Length(max=64, message=_MISSING_TOKEN)])
    submit = SubmitField("Restore")

    def validate_revision(self, field) -> None:
        if not re.fullmatch(r"[1-9][0-9]{0,8}", field.data or ""):
            raise ValidationError("That is not a revision number.")

    def validate_which(self, field) -> None:
        if field.data not in ("before", "after"):
            raise ValidationError("Choose the version before or after the change.")
