"""The editor's forms, built from each story kind's pydantic model.

A kind's model (ballard/story/) is the one definition of its fields: their labels and
hints (`Editor`), which are stamps, which name other rows (`Ref`), and every limit. The
form classes here are generated from it, field by field, so a new field appears in the
editor without being written again. WTForms only reads what was typed (a stamp from
the list, a whole number, a date); the model then validates it all, and each of its
errors is put next to the field it names.

Every edit form carries `version_token`, the fingerprint of the entity as it was when the
form was rendered (see ballard.editor.changes), and turns its input into a
snapshot-shaped dict with `to_data()`.

Stamped rows (bios, statuses, aliases) are lists of small sub-forms. A row whose episode
is "—" and whose text is empty is ignored, which is how blank rows for adding work; the
"Remove" box drops a row.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Iterator
from typing import Any

from annotated_types import Ge, Le
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length
from wtforms.validators import ValidationError as WTFValidationError

from ballard.content.checks import stamp_fields
from ballard.editor.accounts import MAX_PASSWORD_LENGTH
from ballard.editor.catalogue import Catalogue
from ballard.editor.fields import (
    CHOOSE_EPISODE,
    MultiCheckboxField,
    PlainDateField,
    StampField,
    WholeNumberField,
    choose_one_of,
    enum_choices,
    strip,
    words,
)
from ballard.story.fields import (
    CONTROL_CHARACTERS_MESSAGE,
    MAX_ROWS,
    Editor,
    Ref,
    Row,
    error_message,
    has_control_characters,
    metadata,
)
from ballard.story.kinds import StoryKind

BLANK_ROWS = 2  # empty rows offered for adding
ROW_STAMP_MISSING = "Choose the episode this row is shown from."
SLUG_MISSING = "A slug is required: lowercase words joined by hyphens."
SLUG_PATTERN = "Use lowercase letters, digits and single hyphens only, such as ted-rawls."
_MISSING_TOKEN = "This form has no version token; reload the page and make the change again."


def no_control_characters(_form, field) -> None:
    if isinstance(field.data, str) and has_control_characters(field.data):
        raise WTFValidationError(CONTROL_CHARACTERS_MESSAGE)


# --- signing in -------------------------------------------------------------------------------


class LoginForm(FlaskForm):
    email = StringField(
        "Email",
        filters=[strip],
        validators=[
            DataRequired(message="Enter your email address."),
            Length(max=254, message="That is too long for an email address."),
            no_control_characters,
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(message="Enter your password."),
            Length(max=MAX_PASSWORD_LENGTH, message="That is too long for a password."),
        ],
    )
    next = HiddenField()
    submit = SubmitField("Sign in")


# --- reading a model's fields -----------------------------------------------------------------


class _Shape:
    """What the form needs to know of one model field."""

    def __init__(self, model: type[Row], name: str, stamps: tuple[str, ...]):
        info = model.model_fields[name]
        self.name = name
        self.editor = metadata(model, name, Editor) or Editor(name.replace("_", " ").capitalize())
        self.ref = metadata(model, name, Ref)
        self.stamp = name in stamps
        annotation, self.optional = _strip_none(info.annotation)
        self.limits = list(info.metadata)
        if typing.get_origin(annotation) is typing.Annotated:
            annotation, *inner = typing.get_args(annotation)
            for item in inner:
                self.limits += getattr(item, "metadata", [item])
        item = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else None
        if typing.get_origin(item) is typing.Annotated:
            item = typing.get_args(item)[0]  # list[ShortText] is a list of str
        self.list_of = item
        self.type = annotation

    def bound(self, kind: type) -> int | None:
        return next(
            (
                getattr(m, "ge", None) if kind is Ge else getattr(m, "le", None)
                for m in self.limits
                if isinstance(m, kind)
            ),
            None,
        )


def _strip_none(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], len(args) < len(typing.get_args(annotation))
    return annotation, False


def _wtforms_field(shape: _Shape, in_row: bool) -> Field:
    label, hint = shape.editor.label, shape.editor.hint
    if shape.stamp:
        none = "— not answered yet —" if shape.optional and not in_row else "—"
        return StampField(
            label,
            optional=shape.optional or in_row,
            none_label=none,
            minimum=shape.bound(Ge) or 0,
            description=hint,
        )
    if shape.ref is not None:
        if shape.list_of is not None:
            return MultiCheckboxField(
                label,
                description=hint,
                invalid_choice_message=f"Pick {shape.ref.kind}s from the list (%(value)s is not on it).",
            )
        return SelectField(
            label, description=hint, invalid_choice_message=f"Choose a {shape.ref.kind} from the list."
        )
    if isinstance(shape.type, type) and issubclass(shape.type, enum.Enum):
        values = [m.value for m in shape.type]
        return SelectField(
            label,
            choices=enum_choices(shape.type),
            description=hint,
            invalid_choice_message=choose_one_of(values),
        )
    if shape.type is dt.date:
        return PlainDateField(label, description=hint)
    if shape.type is int:
        return WholeNumberField(label, description=hint)
    if shape.list_of is not None and isinstance(shape.list_of, type) and issubclass(shape.list_of, Row):
        raise TypeError("lists of rows are built by _row_list")
    field = TextAreaField if shape.editor.lines else StringField
    return field(label, filters=[strip], description=hint)


def _row_form(model: type[Row], table: type) -> type[_RowForm]:
    stamps = stamp_fields(model, table)
    shapes = [_Shape(model, name, stamps) for name in model.model_fields]
    attrs: dict[str, Any] = {s.name: _wtforms_field(s, in_row=True) for s in shapes}
    attrs["remove"] = BooleanField("Remove")
    attrs["SHAPES"] = tuple(shapes)
    return type(f"{model.__name__}Form", (_RowForm,), attrs)


class _RowForm(Form):
    """One stamped row. Blank rows (no episode, no text) are ignored; so are removed ones."""

    SHAPES: tuple[_Shape, ...] = ()

    def is_blank(self) -> bool:
        typed = any(
            self[s.name].data
            for s in self.SHAPES
            if not s.stamp and isinstance(self[s.name], (StringField, TextAreaField))
        )
        stamped = any(self[s.name].data is not None for s in self.SHAPES if s.stamp)
        return bool(self.remove.data) or not (typed or stamped)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_blank():
            for field in self:
                field.errors = []
            return True
        return ok

    def to_data(self) -> dict[str, Any]:
        return {s.name: _value(s, self[s.name]) for s in self.SHAPES}


def _value(shape: _Shape, field: Field) -> Any:
    """A field's input in the model's terms."""
    data = field.data
    if shape.list_of is not None and shape.ref is None:
        return words(data)
    if isinstance(data, dt.date):
        return data.isoformat()
    if isinstance(data, str) and shape.optional and not data:
        return None
    return data


# --- the entity forms ---------------------------------------------------------------------------


def _token_field():
    return HiddenField(
        validators=[DataRequired(message=_MISSING_TOKEN), Length(max=64, message=_MISSING_TOKEN)]
    )


class EntityForm(FlaskForm):
    """An edit form for one story kind, built by `entity_form()` from the kind's model."""

    version_token = _token_field()
    KIND: StoryKind
    SHAPES: tuple[_Shape, ...] = ()
    ROW_LISTS: tuple[str, ...] = ()  # FieldLists of stamped rows
    ROW_SHAPES: dict[str, tuple[_Shape, ...]] = {}
    SLUGGED = False

    def __init__(
        self,
        catalogue: Catalogue,
        *args,
        creating: bool = False,
        taken: frozenset[str] = frozenset(),
        fixed: dict[str, Any] | None = None,
        choices: dict[str, list[tuple[str, str]]] | None = None,
        floors: dict[str, int] | None = None,
        **kwargs,
    ):
        """`fixed`: fields the URL decides (a slug, an episode number); `choices`: the
        rows a `Ref` field may name, as (slug, label); `floors`: the earliest stamp a
        stamp field offers (a plot point is never shown before its episode), which
        also makes the field required."""
        self.catalogue, self.creating, self.taken = catalogue, creating, taken
        self.fixed, self.ref_choices = fixed or {}, choices or {}
        self.floors = floors or {}
        super().__init__(*args, **kwargs)
        self.set_choices()

    @property
    def fields(self) -> list[Field]:
        """The model's fields, in the form's order, for the template."""
        return [self[s.name] for s in self.SHAPES]

    def lines(self, name: str) -> int | None:
        """How many lines a text area of this field shows (None: one-line input)."""
        return next((s.editor.lines for s in self.SHAPES if s.name == name), None)

    def columns(self, name: str) -> list[str]:
        """The fields of each stamped row in the list `name`, for the template."""
        return [s.name for s in self.ROW_SHAPES[name]]

    def set_choices(self) -> None:
        stamps = self.catalogue.stamp_choices()
        for shape in self.SHAPES:
            field = self[shape.name]
            if isinstance(field, StampField):
                if shape.name in self.floors:
                    field.minimum, field.optional = self.floors[shape.name], False
                field.set_stamps(stamps)
            elif shape.ref is not None:
                field.choices = [
                    SelectChoice(slug, label) for slug, label in self.ref_choices.get(shape.ref.kind, [])
                ]
        for name in self.ROW_LISTS:
            for entry in self[name]:
                for field in entry.form:
                    if isinstance(field, StampField):
                        field.set_stamps(stamps)

    def add_blank_rows(self) -> None:
        """Offer empty rows for adding (on GET; a re-rendered POST keeps what was sent)."""
        for name in self.ROW_LISTS:
            for _ in range(BLANK_ROWS):
                if len(self[name]) < MAX_ROWS:
                    self[name].append_entry()
        self.set_choices()

    def to_data(self) -> dict[str, Any]:
        """The input as a snapshot-shaped dict (see ballard.editor.entities)."""
        data: dict[str, Any] = {}
        for shape in self.SHAPES:
            field = self[shape.name]
            if shape.name in self.ROW_LISTS:
                data[shape.name] = [e.form.to_data() for e in field if not e.form.is_blank()]
            elif shape.ref is not None and shape.list_of is not None:
                chosen = set(field.data or [])  # in the order the choices list them
                data[shape.name] = [c.value for c in field.choices if c.value in chosen]
            else:
                data[shape.name] = _value(shape, field)
        return data

    @classmethod
    def initial(cls, snapshot: dict[str, Any]) -> dict[str, Any]:
        """A snapshot as form data: lists of words as comma-separated text, dates as dates."""
        data = dict(snapshot)
        for shape in cls.SHAPES:
            value = data.get(shape.name)
            if shape.list_of is str and shape.ref is None and isinstance(value, list):
                data[shape.name] = ", ".join(value)
            elif shape.type is dt.date and value:
                data[shape.name] = dt.date.fromisoformat(value)
        return data

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.SLUGGED and self.creating:
            ok = self._check_new_slug() and ok
        return self._validate_through_model() and ok

    def _check_new_slug(self) -> bool:
        slug = self.slug.data
        if not slug:
            self.slug.errors.append(SLUG_MISSING)
        elif slug in self.taken:
            self.slug.errors.append(f"The slug {slug} is already used in this show.")
        return not self.slug.errors

    def _validate_through_model(self) -> bool:
        """Validate the input with the kind's model; put each error next to its field."""
        data = {**self.to_data(), **self.fixed}
        if self.SLUGGED:
            data["slug"] = self.slug.data if self.creating else self.fixed.get("slug")
        try:
            self.KIND.schema.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                self._place(error)
            return False
        return True

    def _place(self, error: Any) -> None:
        """Put one of the model's errors next to the field (or the row's field) it names."""
        loc = list(error["loc"])
        name, rest = (str(loc[0]), loc[1:]) if loc else ("", [])
        if name not in self._fields:  # about the whole form, or a field the URL fixed
            self.form_errors.append(_message(error, None, False))
            return
        field = self[name]
        shape = next((s for s in (*self.SHAPES, *self._slug_shape()) if s.name == name), None)
        in_row = name in self.ROW_LISTS and len(rest) >= 2
        if in_row:
            row = [e.form for e in field if not e.form.is_blank()][int(rest[0])]
            field = row[str(rest[1])]
            shape = next(s for s in row.SHAPES if s.name == rest[1])
        if not field.errors:  # else already explained (a value WTForms could not read)
            field.errors = [*field.errors, _message(error, shape, in_row, entry=bool(rest) and not in_row)]

    def _slug_shape(self) -> Iterator[_Shape]:
        if self.SLUGGED:
            yield _Shape(self.KIND.schema, "slug", ())


def _message(error: dict[str, Any], shape: _Shape | None, in_row: bool, entry: bool = False) -> str:
    """A pydantic error in the words of the form."""
    kind, ctx = error["type"], error.get("ctx", {})
    label = shape.editor.label if shape else "This"
    if (
        shape is not None
        and shape.stamp
        and kind in ("int_type", "missing", "int_parsing", "greater_than_equal", "less_than_equal")
    ):
        return ROW_STAMP_MISSING if in_row else CHOOSE_EPISODE
    if kind in ("missing", "string_too_short", "string_type"):
        return shape.editor.missing if shape and shape.editor.missing else f"{label} is required."
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return (
            f"Each entry must be {limit} characters or fewer."
            if entry
            else f"Keep it to {limit} characters or fewer."
        )
    if kind == "string_pattern_mismatch" and shape is not None and shape.name == "slug":
        return SLUG_PATTERN
    if kind in ("greater_than_equal", "less_than_equal") and shape is not None:
        low, high = shape.bound(Ge), shape.bound(Le)
        if low is not None and high is not None:
            return f"Give a number from {low} to {high}."
        return f"Give a number of at least {low}." if low is not None else f"Give a number of at most {high}."
    if kind == "too_long":
        return f"At most {ctx.get('max_length')} rows."
    return error_message(error)


# Fields a form never shows: the URL decides the slug (a field of its own only when
# creating) and an episode's number; an episode's plot points have pages of their own.
NOT_IN_FORMS = ("slug", "number", "plot_points")


def entity_form(kind: StoryKind) -> type[EntityForm]:
    """The edit form of `kind`: every field of its model, those in its `lead` first (what
    an editor writes first), the rest in the model's order."""
    lead = kind.lead
    rest = [n for n in kind.schema.model_fields if n not in NOT_IN_FORMS and n not in lead]
    names = (*lead, *rest)
    stamps = stamp_fields(kind.schema, kind.model)
    shapes = tuple(_Shape(kind.schema, name, stamps) for name in names)
    attrs: dict[str, Any] = {
        "KIND": kind,
        "SHAPES": shapes,
        "ROW_LISTS": tuple(kind.children),
        "ROW_SHAPES": {},
    }
    for shape in shapes:
        if shape.name in kind.children:
            rows = _row_form(shape.list_of, kind.children[shape.name])
            attrs["ROW_SHAPES"][shape.name] = rows.SHAPES
            attrs[shape.name] = FieldList(FormField(rows), label=shape.editor.label, max_entries=MAX_ROWS)
        else:
            attrs[shape.name] = _wtforms_field(shape, in_row=False)
    if "slug" in kind.schema.model_fields:
        attrs["SLUGGED"] = True
        attrs["slug"] = StringField(
            "Slug", filters=[strip], description=("Part of every link to it; it cannot change later.")
        )
    attrs["submit"] = SubmitField(kind.submit)
    return type(f"{kind.schema.__name__.removesuffix('In')}Form", (EntityForm,), attrs)


# --- deleting and restoring -------------------------------------------------------------------


class DeleteForm(FlaskForm):
    version_token = _token_field()
    submit = SubmitField("Delete")


class RestoreForm(FlaskForm):
    """One per revision on the history page, which writes these as hidden inputs itself."""

    revision = StringField()
    which = StringField()
    version_token = StringField(
        validators=[DataRequired(message=_MISSING_TOKEN), Length(max=64, message=_MISSING_TOKEN)]
    )
    submit = SubmitField("Restore")

    def validate_revision(self, field) -> None:
        if not re.fullmatch(r"[1-9][0-9]{0,8}", field.data or ""):
            raise WTFValidationError("That is not a revision number.")

    def validate_which(self, field) -> None:
        if field.data not in ("before", "after"):
            raise WTFValidationError("Choose the version before or after the change.")
