"""Pydantic building blocks: one annotated type per concept, and one-line field-named errors."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from brokertui.core import identifiers, text
from brokertui.core.errors import InvalidInput

ENTRY = {"entry": True}  # validation context of what a user or a file supplies (build, check_field)


class Record(BaseModel):
    """Base for domain models: strips strings, forbids unknown fields, and refuses control
    characters in what is entered (stored rows read back are not checked again)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _clean_entry(cls, data: object, info: ValidationInfo) -> object:
        """Every entered field at once, before any field's own validator runs: a subclass's
        before-validator runs ahead of `_clean_text` and could echo a lone surrogate, which
        pydantic cannot even report. InvalidInput names the field."""
        if (info.context or {}).get("entry") and isinstance(data, dict):
            for name, value in data.items():
                try:
                    _check_entered(str(name), value)
                except ValueError as exc:
                    raise InvalidInput(str(name), str(exc)) from None
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: object, info: ValidationInfo) -> object:
        if (info.context or {}).get("entry"):
            _check_entered(info.field_name, value)
        return value


def _check_entered(name: str | None, value: object) -> None:
    """No control characters in an entered value or its items (a tab only in free text)."""
    free = name in text.FREE_TEXT
    for item in value if isinstance(value, list | tuple) else (value,):
        if isinstance(item, str):
            text.check_text(item, free_text=free)


M = TypeVar("M", bound=Record)


def _plain(value: str, limit: int = 120) -> str:
    value = re.sub(r"\s+", " ", value or "").strip()
    if len(value) > limit:
        raise ValueError(f"admite a lo más {limit} caracteres")
    return value


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


Lowered = BeforeValidator(_lower)
PlainText = Annotated[str, AfterValidator(_plain)]
RequiredText = Annotated[str, AfterValidator(_plain), AfterValidator(text.required)]
LongText = Annotated[str, AfterValidator(lambda v: _plain(v, 254)), AfterValidator(text.required)]
CodigoPostal = Annotated[str, AfterValidator(identifiers.parse_codigo_postal)]
Entidad = Annotated[str, AfterValidator(identifiers.parse_entidad)]
RfcText = Annotated[str, AfterValidator(lambda v: identifiers.parse_rfc(v).value)]
IsoDate = Annotated[date, BeforeValidator(identifiers.parse_date)]


class BajaData(Record):
    """The fecha de baja a user gives (a client, an Anexo 24 catalog record)."""

    baja_date: IsoDate


# pydantic's own checks of a value's type, in Spanish (a JSON capture can give any type).
_TYPE_RULES = {
    "string_type": "debe ser texto",
    "dict_type": "debe ser un objeto JSON ({...})",
    "model_type": "debe ser un objeto JSON ({...})",
    "list_type": "debe ser una lista",
    "extra_forbidden": "no es un campo de este registro",
}


def first_problem(exc: ValidationError) -> InvalidInput:
    """The first pydantic error as an InvalidInput naming the field and the rule."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "datos"
    if error["type"] == "missing":
        return InvalidInput(field, "es obligatorio")
    if error["type"] == "literal_error":
        expected = error["ctx"]["expected"].replace("'", "").replace(" or ", " o ")
        return InvalidInput(field, f"debe ser {expected}")
    if error["type"] in _TYPE_RULES:
        return InvalidInput(field, _TYPE_RULES[error["type"]])
    if error["type"] != "value_error":  # another of pydantic's checks: its words are English
        return InvalidInput(field, "no es un valor válido")
    return InvalidInput(field, str(error["msg"]).removeprefix("Value error, "))


def build(model: type[M], data: dict) -> M:
    """Validate `data` into `model`, raising InvalidInput on the first bad field."""
    try:
        return model.model_validate(data, context=ENTRY)
    except ValidationError as exc:
        raise first_problem(exc) from None


def check_field(model: type[Record], name: str, value: object) -> object:
    """Validate one field of `model` on its own (forms call this as the user leaves a field)."""
    try:
        checked = model.__pydantic_validator__.validate_assignment(
            model.model_construct(), name, value, context=ENTRY
        )
    except ValidationError as exc:
        raise first_problem(exc) from None
    return getattr(checked, name)
