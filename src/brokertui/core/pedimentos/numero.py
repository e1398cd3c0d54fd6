"""The pedimento number (Anexo 22, field 1): parsing, checks and its written forms.

formats.md §2: 15 digits = year (2) + aduana (2) + patente (4) + year digit (1) + progressive
(6). Accepted as typed with single or double spaces or dashes; stored as the 15 digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from brokertui.core import catalogs
from brokertui.core.plural import counted

_SEPARATORS = re.compile(r"[\s\-]")
EXAMPLE = "26 24 3953 6000098"


@dataclass(frozen=True)
class Numero:
    value: str  # the 15 digits
    warnings: tuple[str, ...] = ()

    @property
    def year(self) -> int:
        return 2000 + int(self.value[:2])

    @property
    def aduana(self) -> str:
        return self.value[2:4]

    @property
    def patente(self) -> str:
        return self.value[4:8]

    @property
    def pedimento(self) -> str:
        """The 7 digits Data Stage calls Pedimento (year digit + progressive)."""
        return self.value[8:]

    def official(self) -> str:
        """The Anexo 22 / CFDI form, groups separated by two spaces (formats.md §2.2)."""
        v = self.value
        return f"{v[:2]}  {v[2:4]}  {v[4:8]}  {v[8:]}"

    def spaced(self) -> str:
        v = self.value
        return f"{v[:2]} {v[2:4]} {v[4:8]} {v[8:]}"


@cache
def aduanas_de_despacho() -> frozenset[str]:
    """The 2-digit aduanas of Apéndice 1 (the sección is not part of the number)."""
    return frozenset(code[:2] for code in catalogs.load("aduanas").entries)


def parse(text: str, *, today: date | None = None) -> Numero:
    """Check a pedimento number (formats.md §2.3); ValueError names the rule broken.

    Errors: not 15 digits, unknown aduana, patente 0000, progressive 000000. Warnings (kept on
    the result): the year digit does not match the year (rule 6; normal for a consolidated
    pedimento or the original of a rectification) and a year outside the last ten (rule 4).
    """
    digits = _SEPARATORS.sub("", text or "")
    if not digits:
        raise ValueError("es obligatorio")
    if not re.fullmatch(r"[0-9]{15}", digits):
        raise ValueError(
            f"son 15 dígitos: año, aduana, patente y número (p. ej. {EXAMPLE}); "
            f"tiene {counted(len(digits), 'carácter', 'caracteres')}"
        )
    number = Numero(digits)
    if number.aduana not in aduanas_de_despacho():
        raise ValueError(f"la aduana {number.aduana} no existe en el Apéndice 1")
    if number.patente == "0000":
        raise ValueError("la patente 0000 no existe")
    if digits[9:] == "000000":
        raise ValueError("el número progresivo empieza en 000001")
    warnings = []
    if int(digits[8]) != number.year % 10:
        warnings.append(
            f"el dígito de año {digits[8]} no corresponde a {number.year} (sólo en consolidados "
            "o en el original de una rectificación)"
        )
    if today and not today.year - 10 <= number.year <= today.year:
        warnings.append(f"el año {number.year} está fuera de los últimos diez")
    return Numero(digits, tuple(warnings))


_NUMBERS = re.compile(r"[0-9]{15}(?:\x00[0-9]{15})*")


def values(texts: list[str]) -> list[str]:
    """`parse(text).value` of each of `texts`, checked at once (an import's column of them);
    ValueError when one breaks a rule (`parse` of it says which)."""
    joined = "\x00".join(texts)
    spaced = joined.replace(" ", "")  # as typed, usually: the same as the separators removed
    joined = spaced if _NUMBERS.fullmatch(spaced) else _SEPARATORS.sub("", joined)
    digits = joined.split("\x00")
    if len(digits) != len(texts) or not _NUMBERS.fullmatch(joined):
        raise ValueError("no todos son números de pedimento")
    if (
        not {d[2:4] for d in digits} <= aduanas_de_despacho()
        or "0000" in {d[4:8] for d in digits}
        or "000000" in {d[9:] for d in digits}
    ):
        raise ValueError("no todos son números de pedimento")
    return digits


def rebuild(patente: str, pedimento: str, seccion: str, paid: date) -> tuple[str, str | None]:
    """The 15-digit number from Data Stage's three key columns (formats.md §1.7).

    The year is the latest year not after the payment year whose last digit is the
    pedimento's first digit; a warning is returned when it is not the payment year.
    """
    pedimento = pedimento.zfill(7)
    year = paid.year - ((paid.year - int(pedimento[0])) % 10)
    warning = None
    if year != paid.year:
        warning = f"año {year} del pedimento distinto del año de pago {paid.year}"
    return f"{year % 100:02d}{seccion.zfill(3)[:2]}{patente.zfill(4)}{pedimento}", warning
