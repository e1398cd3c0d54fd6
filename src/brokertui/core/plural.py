"""Counts in words: every message that says how many of something writes the number with
thousands separators and its noun in the singular for one ('1 diferencia', '3,011
diferencias'). The lowest base module, so that errors and limits say counts alike too."""

from __future__ import annotations


def counted(number: int, one: str, many: str | None = None) -> str:
    """A count and its noun phrase, singular for one: '1 fila', '3,011 filas', and with the
    plural given: '1 salida queda pendiente', '2 salidas quedan pendientes'. Without `many`,
    the plural is `one` + 's'."""
    return f"{number:,} {one if number == 1 else many or one + 's'}"


def singular(many: str) -> str:
    """The singular of a Spanish plural noun of the lists: 'filas' 'fila', 'obligaciones'
    'obligación', 'materiales' 'material', 'meses' 'mes', 'bienes' 'bien'."""
    if many.endswith("ciones"):
        return many[:-6] + "ción"
    if many.endswith(("les", "nes", "ses")):
        return many[:-2]
    return many.removesuffix("s")
