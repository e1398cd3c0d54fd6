"""Exact quantities for the inventory: integers in millionths of a unit (Anexo 24 discharges
balance to the unit; 6 decimals is the precision the issue asks allocations to hold)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SCALE = 1_000_000
PLACES = 6


def to_micro(text: object, *, allow_zero: bool = False) -> int:
    """'12.5' -> 12500000. ValueError (Spanish) on anything that is not a positive number with
    at most 6 decimals."""
    raw = str(text if text is not None else "").strip().replace(",", "")
    if not raw:
        raise ValueError("es obligatoria")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"«{raw}» no es un número") from None
    if not number.is_finite():
        raise ValueError(f"«{raw}» no es un número")
    if number < 0 or (number == 0 and not allow_zero):
        raise ValueError("debe ser mayor que cero")
    if decimal_places(number) > PLACES:
        raise ValueError(f"admite a lo más {PLACES} decimales")
    return int(number * SCALE)


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


def factor_micro(cantidad: str, merma_pct: str) -> int:
    """cantidad × (1 + merma/100) in millionths, rounded half up (the BOM's consumption)."""
    value = Decimal(cantidad) * (1 + Decimal(merma_pct or "0") / 100) * SCALE
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def times(quantity_micro: int, factor: int) -> int:
    """quantity × factor, both in millionths, rounded half up to a millionth."""
    return (quantity_micro * factor + SCALE // 2) // SCALE
