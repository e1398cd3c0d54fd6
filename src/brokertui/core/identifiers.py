"""Validators for identifiers: RFC, código postal, entidad federativa, dates.

Each validator returns the normalized value or raises ValueError with a Spanish message naming
the rule; callers attach the field name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from brokertui.core import catalogs

# formats.md §4.1 (phpcfdi/rfc RfcParser): letters, YYMMDD, homoclave, check character.
_RFC_SHAPE = re.compile(r"^([A-ZÑ&]{3,4})([0-9]{6})([A-Z0-9]{2})([A0-9])$")
GENERIC_RFCS = {
    "XAXX010101000": "RFC genérico de público en general",
    "XEXX010101000": "RFC genérico de residentes en el extranjero",
}


@dataclass(frozen=True)
class Rfc:
    value: str
    persona: str  # "moral" (12 characters) or "física" (13)
    check_digit_ok: bool

    @property
    def warning(self) -> str | None:
        if self.check_digit_ok:
            return None
        from stdnum.mx import rfc as stdnum_rfc  # imported on use: it costs a cold start 10 ms

        expected = stdnum_rfc.calc_check_digit(self.value[:-1])
        return (
            f"el dígito verificador de {self.value} no coincide (se esperaba {expected}); "
            "algunos RFC reales lo traen mal: confirme que está bien escrito"
        )


def parse_rfc(text: str, *, allow_generic: bool = False) -> Rfc:
    """Validate an RFC (formats.md §4). Structure, length and date are errors; a check-digit
    mismatch is not (about 1.5 % of real RFCs carry one): see `Rfc.check_digit_ok`."""
    value = re.sub(r"[\s-]", "", text or "").upper()
    if not value:
        raise ValueError("es obligatorio")
    if value in GENERIC_RFCS:
        if allow_generic:
            return Rfc(value, "moral" if len(value) == 12 else "física", True)
        raise ValueError(f"{value} es el {GENERIC_RFCS[value]}; un cliente necesita su RFC propio")
    if len(value) not in (12, 13):
        raise ValueError(
            f"debe tener 12 caracteres (persona moral) o 13 (persona física); tiene {len(value)}"
        )
    match = _RFC_SHAPE.match(value)
    letters = 3 if len(value) == 12 else 4
    if not match or len(match[1]) != letters:
        raise ValueError(
            f"formato inválido: se esperan {letters} letras, fecha AAMMDD, homoclave de 2 "
            "caracteres y dígito verificador (0-9 o A)"
        )
    if not _real_yymmdd(match[2]):
        raise ValueError(f"la fecha {match[2]} (AAMMDD) no existe")
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.mx import rfc as stdnum_rfc

    try:
        stdnum_rfc.validate(value)
    except StdnumError as exc:  # e.g. the SAT's list of inconvenient words
        raise ValueError("el SAT no asigna RFC con esas letras iniciales") from exc
    check_ok = stdnum_rfc.calc_check_digit(value[:-1]) == value[-1]
    return Rfc(value, "moral" if len(value) == 12 else "física", check_ok)


def _real_yymmdd(digits: str) -> bool:
    year, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
            return True
        except ValueError:
            continue
    return False


def parse_codigo_postal(text: str) -> str:
    value = (text or "").strip()
    if value and not re.fullmatch(r"[0-9]{5}", value):
        raise ValueError("el código postal son 5 dígitos")
    return value


def parse_entidad(text: str) -> str:
    """A federal entity given by SAT code or name; returns the code ('' when empty)."""
    if not (text or "").strip():
        return ""
    code = catalogs.load("entidades").lookup(text)
    if code is None:
        raise ValueError(f"«{text.strip()}» no es una entidad federativa (p. ej. NLE o Nuevo León)")
    return code


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
# Every date the app records (program authorizations, pedimento payments and entries, RAOCE
# filings, Anexo 24 movements, bajas, días inhábiles) falls in this window. No program it
# handles predates 1990 (ALTEX and PITEX decrees of 1990; ECEX 1997, PROSEC 2002, IMMEX 2006),
# and 2100 leaves decades for the terms computed ahead (permanence, deadlines) while keeping
# date arithmetic far from date.max (9999-12-31), where adding a term overflowed (issue 11).
DATE_WINDOW = (date(1990, 1, 1), date(2100, 12, 31))


# A time of day after a date (`2026-10-01 00:00:00`, `2026-10-01T14:32`): ERP and database
# exports write date columns so; the date is what is kept.
_TIME_OF_DAY = re.compile(r"[ T]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?\Z")


def date_part(text: str) -> str:
    """`text` without a time of day after its date."""
    time = _TIME_OF_DAY.search(text)
    return text[: time.start()] if time else text


def parse_date(text: object) -> date:
    """A real date within DATE_WINDOW written AAAA-MM-DD (also DD/MM/AAAA, DD-MM-AAAA), maybe
    followed by a time of day, with ASCII digits; ValueError (Spanish) otherwise."""
    if isinstance(text, date):
        return in_window(text.date() if isinstance(text, datetime) else text)
    value = str(text if text is not None else "").strip()
    if not value:
        raise ValueError("es obligatoria (AAAA-MM-DD)")
    for fmt in DATE_FORMATS if value.isascii() else ():
        try:
            parsed = datetime.strptime(date_part(value), fmt).date()
        except ValueError:
            continue
        return in_window(parsed)
    raise ValueError(f"«{value[:40]}» no es una fecha válida (AAAA-MM-DD)")


def in_window(day: date) -> date:
    """`day` when it is within DATE_WINDOW; ValueError (Spanish) otherwise."""
    first, last = DATE_WINDOW
    if not first <= day <= last:
        raise ValueError(f"{day.isoformat()} está fuera de las fechas admitidas ({first} a {last})")
    return day
