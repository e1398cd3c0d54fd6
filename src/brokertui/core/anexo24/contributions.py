"""The contribuciones a cambio de régimen owes, as the salidas report shows them (issue 15,
item 2): the value of the lots it discharges and their IGI at each partida's tasa.

A temporary import changed to definitive (claves F4, F5, A3: kind `cambio de régimen`) pays
the taxes it was spared. Anexo 24 records per entry the "Tasa del impuesto de importación
aplicable a la mercancía, indicando el tipo de tasa" (anexo24-rgce-2024.txt, Apartado B, módulo
de aduanas, inciso a), numeral 5): brokertui has it from Data Stage member 556 (tasas de
partida, ClaveContribucion 6 = IGI, formats.md §3.6), for the lot's pedimento and partida. The
value is the lot's USD value in proportion to the quantity discharged (by value, the amount
discharged itself). The IGI shown is that value times the ad-valorem tasa (556 TipoTasa 1 or
empty [inferred: Apéndice 18's percentage rate]) in USD: an estimate for the broker, not the
pedimento's own determination (in pesos, at the rates of its date).
"""

from __future__ import annotations

import sqlite3
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from brokertui.core.quantities import SCALE

# The IGI rate (percent, as Data Stage writes it) of the entry `e`'s pedimento and partida,
# from its 556 row, else the captured pedimento's partida (partidas.tasa_igi, typed at
# capture), else the one the entradas interface gave (entradas.tasa_igi); NULL when there is
# none or it is not ad valorem.
TASA_IGI = """coalesce((SELECT t.tasa FROM pedimentos p
  JOIN ds_tasas_partida t ON t.pedimento_id = p.id AND t.secuencia = e.partida
   AND t.clave IN ('6', '06') AND t.tipo_tasa IN ('', '1') AND t.tasa <> ''
  WHERE p.numero = e.pedimento AND p.client_id = e.client_id AND p.source = 'datastage'
  ORDER BY p.id DESC LIMIT 1),
  (SELECT nullif(x.tasa_igi, '') FROM pedimentos p
  JOIN partidas x ON x.pedimento_id = p.id AND x.secuencia = e.partida
  WHERE p.numero = e.pedimento AND p.client_id = e.client_id AND p.source = 'captura'),
  nullif(e.tasa_igi, ''))"""

# An allocation `a` of lot `e`'s value in USD millionths, per ledger mode.
ALLOCATED_VALUE = {
    "cantidad": "muldiv(e.valor_micro, a.cantidad_micro, e.cantidad_micro)",
    "valor": "a.cantidad_micro",
}


def columns(modo: str) -> str:
    """SQL columns valor_usd, tasa_igi and igi_usd of the exit `s` (of a salidas report): its
    allocations in force summed when it is a cambio de régimen, else NULL. The IGI is NULL when
    a lot has no known tasa or a part of the exit found no lot (a shortfall)."""
    value = ALLOCATED_VALUE[modo]
    per_lot = f"""SELECT {value} AS valor, {TASA_IGI} AS tasa FROM active_allocations a
      LEFT JOIN entradas e ON e.id = a.entrada_id WHERE a.salida_id = s.id"""
    igi = "muldiv(valor, micro(tasa), 100 * 1000000)"
    return ", ".join(
        f"CASE WHEN s.tipo_salida = 'cambio de régimen' THEN (SELECT {expr} FROM ({per_lot})) "
        f"END AS {name}"
        for name, expr in (
            ("valor_usd", "sum(valor)"),
            ("tasa_igi", "group_concat(DISTINCT coalesce(tasa, 'sin tasa'))"),
            ("igi_usd", f"CASE WHEN count(*) = count({igi}) THEN sum({igi}) END"),
        )
    )


def register(conn: sqlite3.Connection) -> None:
    """The exact arithmetic `columns` uses, as SQL functions of the connection."""
    conn.create_function("muldiv", 3, _muldiv, deterministic=True)
    conn.create_function("micro", 1, _micro, deterministic=True)


def _muldiv(a: int | None, b: int | None, c: int | None) -> int | None:
    """a × b / c rounded half up, exactly (NULL when any is NULL or c is 0)."""
    if a is None or b is None or not c:
        return None
    return (a * b * 2 + c) // (2 * c)


def _micro(text: str | None) -> int | None:
    """A decimal text in millionths, rounded half up (NULL when it is not a number)."""
    try:
        number = Decimal(str(text)) * SCALE
        return int(number.quantize(Decimal(1), ROUND_HALF_UP)) if number.is_finite() else None
    except (InvalidOperation, ValueError):
        return None
