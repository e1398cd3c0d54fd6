"""Exact quantities for the inventory: integers in millionths of a unit (Anexo 24 discharges
balance to the unit; 6 decimals is the precision the issue asks allocations to hold), and the
one parser of typed and imported numbers (issue 11, item 4)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import numpy as np

SCALE = 1_000_000
PLACES = 6
INT64_MAX = 2**63 - 1  # SQLite's INTEGER is a signed 64-bit number
# Every entered amount or quantity may end up in millionths (cantidades, and valor_usd through
# entradas.valor_micro), so this is the exact range of those columns: 9,223,372,036,854.775807.
MAX_NUMBER = Decimal(INT64_MAX).scaleb(-PLACES)
# ASCII digits, '.' as the decimal point, ',' only between groups of three digits.
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]*)?", re.ASCII)
_INTEGER = re.compile(r"[0-9]+", re.ASCII)
# The usual written form, read without Decimal (to_micro): at most 12 whole digits and 6
# decimals, so always within MAX_NUMBER.
_PLAIN = re.compile(r"([0-9]{1,12})(?:\.([0-9]{1,6}))?", re.ASCII)
# A number as plain decimal text stores it (interfaces.decimal_text): no leading zero,
# separator or sign, at most 12 whole digits and 6 decimals (within MAX_NUMBER).
_DECIMAL = r"(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,6})?"
PLAIN_DECIMAL = re.compile(_DECIMAL, re.ASCII)
_PLAIN_DECIMALS = re.compile(rf"(?:{_DECIMAL})?(?:\x00(?:{_DECIMAL})?)*", re.ASCII)  # NUL apart
_SHOWN = 40  # characters of a refused value quoted back in the message


def _shown(raw: str) -> str:
    return raw if len(raw) <= _SHOWN else raw[:_SHOWN] + "…"


def parse_decimal(text: object, *, places: int = PLACES, positive: bool = False) -> Decimal:
    """The number typed or read from a file: '1,234.5', '.5' and '5.' are numbers; '1,5',
    '1_000', non-ASCII digits, exponents, 'nan' and 'inf' are not. Never negative (zero only
    unless `positive`), at most `places` decimals, at most MAX_NUMBER. ValueError (Spanish,
    the rule; callers attach the field) on anything else."""
    raw = str(text if text is not None else "").strip()
    if not raw:
        raise ValueError("es obligatorio")
    if not _NUMBER.fullmatch(raw) or not any("0" <= c <= "9" for c in raw):
        if "," in raw:
            raise ValueError(
                f"«{_shown(raw)}»: usa punto decimal; la coma no se admite "
                "(sólo separa miles: 1,234.5)"
            )
        if any(c.isdigit() and not c.isascii() for c in raw):
            raise ValueError(f"«{_shown(raw)}» no es un número: sólo dígitos 0-9")
        raise ValueError(f"«{_shown(raw)}» no es un número (p. ej. 1234.56)")
    number = Decimal(raw.replace(",", ""))
    return check_limits(number, places=places, positive=positive)


def check_limits(number: Decimal, *, places: int = PLACES, positive: bool = False) -> Decimal:
    """`number` when it is within the stored range (see parse_decimal); the Data Stage
    importer, which reads the ANAM's own number format, checks its numbers with this too."""
    if number < 0 or (positive and number == 0):
        raise ValueError("debe ser mayor que cero" if positive else "no puede ser negativo")
    if decimal_places(number) > places:
        raise ValueError(f"admite a lo más {places} decimales")
    if number > MAX_NUMBER:
        raise ValueError(f"excede el máximo admitido ({MAX_NUMBER:,})")
    return number


def parse_integer(text: object, *, minimum: int = 0, maximum: int = INT64_MAX) -> int:
    """A whole number of ASCII digits within [minimum, maximum]; ValueError (Spanish)."""
    raw = str(text if text is not None else "").strip()
    if not raw:
        raise ValueError("es obligatorio")
    if not _INTEGER.fullmatch(raw):
        raise ValueError(f"«{_shown(raw)}» no es un número entero (sólo dígitos 0-9)")
    if len(raw.lstrip("0")) > len(str(maximum)) or not minimum <= int(raw) <= maximum:
        raise ValueError(f"debe estar entre {minimum} y {maximum}")
    return int(raw)


def plain_decimals(values: list[str]) -> bool:
    """Whether every value is empty or plain decimal text (PLAIN_DECIMAL), tested at once: an
    import's column of them (mostly distinct, the usual case) is stored as read."""
    joined = "\x00".join(values)
    nul_inside = joined.count("\x00") >= max(len(values), 1)  # more than those joining them
    return not nul_inside and bool(_PLAIN_DECIMALS.fullmatch(joined))


def to_micro(text: object, *, allow_zero: bool = False) -> int:
    """'12.5' -> 12500000 (parse_decimal's rules, 6 decimals); ValueError (Spanish)."""
    plain = _PLAIN.fullmatch(text) if isinstance(text, str) else None
    if plain:  # an import reads one per row: the plain form skips Decimal, to the same result
        whole, decimals = plain.groups()
        micro = int(whole) * SCALE + (int(decimals.ljust(PLACES, "0")) if decimals else 0)
        if micro or allow_zero:
            return micro
    return int(parse_decimal(text, positive=not allow_zero) * SCALE)


def decimal_places(number: Decimal) -> int:
    """Decimals of a finite Decimal as written: '12.50' -> 2, '1E+2' -> -2."""
    exponent = number.as_tuple().exponent
    # Only NaN and the infinities carry the exponents 'n', 'N', 'F'; callers check is_finite().
    assert isinstance(exponent, int), "decimal_places needs a finite Decimal"
    return -exponent


def to_text(micro: int) -> str:
    """12500000 -> '12.5' (exact; no trailing zeros)."""
    sign = "-" if micro < 0 else ""
    whole, frac = divmod(abs(micro), SCALE)
    return f"{sign}{whole}" + (f".{frac:06d}".rstrip("0") if frac else "")


def text_sql(micro: str) -> str:
    """SQL writing the integer expression `micro` as `to_text` does ('12.5', '-0.000001', '3'),
    exactly, in integer arithmetic; NULL stays NULL. For exports that stream rows as SQLite
    gives them (the sign apart, since -0.5 has no whole part to carry it)."""
    return (
        f"(CASE WHEN {micro} < 0 THEN '-' ELSE '' END || (abs({micro}) / {SCALE}) || "
        f"CASE WHEN abs({micro}) % {SCALE} = 0 THEN '' "
        f"ELSE rtrim(printf('.%06d', abs({micro}) % {SCALE}), '0') END)"
    )


def factor_micro(cantidad: str, merma_pct: str) -> int:
    """cantidad × (1 + merma/100) in millionths, rounded half up (the BOM's consumption);
    ValueError when it does not fit the stored range."""
    value = Decimal(cantidad) * (1 + Decimal(merma_pct or "0") / 100) * SCALE
    if value >= INT64_MAX:
        raise ValueError(f"cantidad × merma excede el máximo admitido ({MAX_NUMBER:,})")
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


@overload
def times(quantity_micro: int, factor: int) -> int: ...
@overload
def times(quantity_micro: np.ndarray, factor: np.ndarray) -> np.ndarray: ...
def times(quantity_micro: Any, factor: Any) -> Any:
    """quantity × factor, both in millionths, rounded half up to a millionth (elementwise on
    arrays of Python integers: the discharge's columns)."""
    return (quantity_micro * factor + SCALE // 2) // SCALE
