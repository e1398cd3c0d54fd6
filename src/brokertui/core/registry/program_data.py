"""What a user types to register a program, checked by pydantic (core/models.py); imported
only where a program is entered (programs.py reads programs back as stored.py's records)."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import ValidationInfo, field_validator

from brokertui.core import catalogs, identifiers
from brokertui.core.errors import InvalidInput
from brokertui.core.models import Record
from brokertui.core.registry.stored import MODALIDADES
from brokertui.core.text import fold

ProgramType = Literal["IMMEX", "PROSEC", "ALTEX", "ECEX"]
Status = Literal["vigente", "suspendido", "cancelado"]


class ProgramData(Record):
    """What a user types to register a program."""

    type: ProgramType
    number: str
    authorized_on: date
    status: Status = "vigente"
    modalidad: str | None = None
    sectors: str = ""

    @field_validator("type", "status", "modalidad", mode="before")
    @classmethod
    def _case(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str):
            value = value.strip()
            value = value.upper() if info.field_name == "type" else value.lower()
            return value or None if info.field_name == "modalidad" else value
        return value

    @field_validator("number")
    @classmethod
    def _number(cls, value: str) -> str:
        value = re.sub(r"\s+", " ", value).strip().upper()
        if not value:
            raise ValueError("es obligatorio")
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9 ./-]{0,39}", value):
            raise ValueError("sólo letras, dígitos, espacios, '-', '/' y '.' (hasta 40)")
        return value

    @field_validator("authorized_on", mode="before")
    @classmethod
    def _date(cls, value: object) -> date:
        return identifiers.parse_date(value)

    @field_validator("modalidad")
    @classmethod
    def _modalidad(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = fold(value).lower().replace("ó", "o")
        if value not in MODALIDADES:
            raise ValueError(f"debe ser una de: {', '.join(MODALIDADES)}")
        return value

    @field_validator("sectors", mode="before")
    @classmethod
    def _sectors(cls, value: object) -> str:
        if isinstance(value, list | tuple):
            value = ",".join(value)
        text = "" if value is None else str(value)  # a face may pass a number
        parts = [p for p in re.split(r"[\s,;]+", text.upper()) if p]
        known = catalogs.load("prosec_sectores").entries
        for part in parts:
            if part not in known:
                raise ValueError(f"«{part}» no es un sector PROSEC (I a XXIV)")
        return ",".join(dict.fromkeys(parts))


def check_combination(program: ProgramData) -> None:
    """Rules across fields: modalidad only (and always) for IMMEX, sectors for PROSEC."""
    if program.type == "IMMEX" and not program.modalidad:
        raise InvalidInput("modalidad", f"un IMMEX requiere modalidad ({', '.join(MODALIDADES)})")
    if program.type != "IMMEX" and program.modalidad:
        raise InvalidInput("modalidad", "sólo los programas IMMEX tienen modalidad")
    if program.type == "PROSEC" and not program.sectors:
        raise InvalidInput("sectors", "un PROSEC requiere al menos un sector (I a XXIV)")
    if program.type != "PROSEC" and program.sectors:
        raise InvalidInput("sectors", "sólo los programas PROSEC tienen sectores")
