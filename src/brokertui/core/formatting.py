"""How pedimento numbers, quantities, money, counts and stored times read on every screen,
toast and export header: one place, so every screen shows them alike (issue 16, item 8).
Values are exact (Decimal); only their text changes."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from brokertui.core import dates

CENT = Decimal("0.01")


def pedimento(numero: object) -> str:
    """A pedimento number as F4 shows it: '25 07 3953 5000959' (año, aduana, patente, número);
    anything that is not 15 digits is shown as given."""
    text = "" if numero is None else str(numero)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) != 15:
        return text
    return f"{digits[:2]} {digits[2:4]} {digits[4:8]} {digits[8:]}"


def quantity(value: object) -> str:
    """A quantity with thousands separators and only its significant decimals: '1,800',
    '4,810.5', '0.000125'; a stored value that is no number is shown as it is."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    return f"{number:,f}" if number.is_finite() else str(value)


def amount(value: object) -> str:
    """Money without its currency (a column headed USD or MXN): '5,191,256.83'."""
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP):,f}"


def money(value: object, currency: str = "USD") -> str:
    """Money with its currency: 'USD 5,191,256.83'."""
    shown = amount(value)
    return f"{currency} {shown}" if shown else ""


def count(number: int) -> str:
    """A count of rows or records: '3,011'."""
    return f"{number:,}"


def moment(stamp: str) -> str:
    """A stored UTC timestamp in Mexico City time: '2026-11-22 09:05'."""
    return dates.local_time(stamp)


def period(desde: date | None, hasta: date | None) -> str:
    """A period as a report's screen and its export header write it: 'del 2026-01-01 al
    2026-03-31'; an open end reads 'desde el inicio' or 'hasta hoy'."""
    start = f"del {desde.isoformat()}" if desde else "desde el inicio"
    end = f"al {hasta.isoformat()}" if hasta else "hasta hoy"
    return f"{start} {end}"


def heading(razon_social: str, rfc: str, title: str, when: str) -> list[tuple[str, str]]:
    """The lines that head every export (label, value): who, which report, which period."""
    return [("Razón social", razon_social), ("RFC", rfc), ("Reporte", title), ("Periodo", when)]
