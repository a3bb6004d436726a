"""WTForms fields the editor's forms are built from: stamps picked from the show's
episodes, checkbox lists, whole numbers and plain dates that explain a bad value."""

from __future__ import annotations

import re
from typing import Any

from wtforms import DateField, IntegerField, SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

CHOOSE_EPISODE = "Choose an episode from the list."


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def words(text: str | None) -> list[str]:
    """'Ballard, Renée' -> ['Ballard', 'Renée']."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


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
    a blank row. `minimum` is the earliest stamp offered.
    """

    def __init__(
        self,
        label: str | None = None,
        validators=None,
        optional: bool = False,
        none_label: str = "—",
        minimum: int = 0,
        **kwargs,
    ):
        super().__init__(
            label,
            validators,
            coerce=_stamp,
            invalid_value_message=CHOOSE_EPISODE,
            invalid_choice_message=CHOOSE_EPISODE,
            **kwargs,
        )
        self.optional = optional
        self.none_label = none_label
        self.minimum = minimum

    def set_stamps(self, stamps: list[tuple[int, str]]) -> None:
        none = [SelectChoice("", self.none_label)] if self.optional else []
        self.choices = none + [
            SelectChoice(str(value), label) for value, label in stamps if value >= self.minimum
        ]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _StopOnBadInput:
    """A value that could not be read gets one message, not that plus a range error."""

    process_errors: list[str]  # the field's (this is mixed into a wtforms Field)

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


def enum_choices(values) -> list[SelectChoice]:
    """One choice per value, labelled in words where the enum has them (`choice_label`)."""
    choices = []
    for v in values:
        value = str(v.value if hasattr(v, "value") else v)
        choices.append(SelectChoice(value, getattr(v, "choice_label", value)))
    return choices


def choose_one_of(values: list[str]) -> str:
    """'Choose open, solved or closed.'"""
    return f"Choose {', '.join(values[:-1])} or {values[-1]}." if len(values) > 1 else f"Choose {values[0]}."
