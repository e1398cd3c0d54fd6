"""Data Stage 512 descargos against brokertui's own discharge ledger, for the same exits (issue
13, item 6). Member 512 links an exit pedimento to the entry pedimentos it discharges
(`formats.md` §1.5); for IMMEX it is normally empty (§1.9), so only the exits that have 512 rows
are compared. An exit is matched to the client's salidas whose documento is that pedimento's
number (any written form); the ledger's allocations in force give, per original pedimento and
fracción, the quantity in the entries' UMC and in UMT (times the material's factor_umt).

A difference is one row per (exit, original pedimento, fracción): discharged on one side only,
a unit of 512 that is neither the UMC nor the UMT of the lots, or a quantity that differs (in
the unit 512 gives, the ledger's UMT rounded to 512's decimals, at least 3). A client that
discharges by value has no quantities to compare (`ValueMode`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlite_utils import Database

from brokertui.core.anexo24 import ledger
from brokertui.core.anexo24.crosscheck import UMT_MIN_PLACES, decimal_or_none, number_text
from brokertui.core.db import snapshot
from brokertui.core.errors import InvalidInput
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.quantities import SCALE
from brokertui.core.registry import clients

COLUMNS = ["salida", "original", "fraccion", "tipo", "unidad", "datastage", "ledger"]
KINDS = {
    "solo_datastage": "descargo en Data Stage 512, no en el descargo de brokertui",
    "solo_ledger": "descargo de brokertui, no en Data Stage 512",
    "unidad": "la unidad de 512 no es la UMC ni la UMT de las entradas",
    "cantidad": "cantidad descargada distinta",
}

_DATASTAGE = """
SELECT p.numero, d.numero_original, d.fraccion_original, d.unidad, d.cantidad
FROM ds_descargos d JOIN pedimentos p ON p.id = d.pedimento_id
WHERE p.client_id = ? AND p.source = 'datastage'
  AND NOT EXISTS (SELECT 1 FROM pedimentos r WHERE r.rectifica = p.numero)
"""
_LEDGER = """
SELECT s.documento, e.pedimento, coalesce(nullif(e.fraccion, ''), m.fraccion), e.umc, m.umt,
       m.factor_umt, sum(a.cantidad_micro)
FROM active_allocations a JOIN salidas s ON s.id = a.salida_id
JOIN entradas e ON e.id = a.entrada_id
LEFT JOIN materiales m ON m.client_id = e.client_id AND m.numero_parte = e.numero_parte
WHERE s.client_id = ?
GROUP BY 1, 2, 3, 4, 5, 6
"""


class ValueMode(InvalidInput):
    def __init__(self) -> None:
        super().__init__("modo", "el cliente descarga por valor: 512 se compara por cantidad")


def _exit_number(documento: str) -> str | None:
    try:
        return pedimento_numero.parse(documento).value
    except ValueError:
        return None


def differences(db: Database, rfc: str) -> list[dict]:
    """The differences of the exits that have 512 rows, by exit, original and fracción."""
    client = clients.get_client(db, rfc)
    with snapshot(db):
        if ledger.mode(db, client.id) != "cantidad":
            raise ValueMode
        ds_rows = db.execute(_DATASTAGE, [client.id]).fetchall()
        ledger_rows = db.execute(_LEDGER, [client.id]).fetchall()
    ds: dict[tuple, dict] = {}
    for salida, original, fraccion, unidad, cantidad in ds_rows:
        line = ds.setdefault((salida, original, fraccion), {"units": set(), "qty": Decimal(0)})
        line["units"].add(unidad)
        line["qty"] += decimal_or_none(cantidad) or Decimal(0)
    exits = {key[0] for key in ds}
    mine: dict[tuple, dict[str, Decimal]] = {}
    for documento, original, fraccion, umc, umt, factor, micro in ledger_rows:
        salida = _exit_number(documento)
        if salida not in exits:
            continue
        qty = Decimal(micro) / SCALE
        line = mine.setdefault((salida, original, fraccion), {})
        line[umc] = line.get(umc, Decimal(0)) + qty
        if umt and (f := decimal_or_none(factor)) is not None and umt != umc:
            line[umt] = line.get(umt, Decimal(0)) + qty * f
    return [
        row
        for key in sorted(ds.keys() | mine.keys())
        if (row := _compare(key, ds.get(key), mine.get(key))) is not None
    ]


def _compare(key: tuple, theirs: dict | None, ours: dict[str, Decimal] | None) -> dict | None:
    salida, original, fraccion = key
    row = {"salida": salida, "original": original, "fraccion": fraccion}
    if theirs is None:
        assert ours is not None, "a key comes from one side at least"
        return row | {
            "tipo": "solo_ledger",
            "unidad": None,
            "datastage": None,
            "ledger": ", ".join(f"{number_text(q)} ({u})" for u, q in sorted(ours.items())),
        }
    unit = ", ".join(sorted(theirs["units"]))
    row |= {"unidad": unit, "datastage": number_text(theirs["qty"])}
    if ours is None:
        return row | {"tipo": "solo_datastage", "ledger": None}
    if unit not in ours:
        return row | {"tipo": "unidad", "ledger": ", ".join(sorted(ours))}
    places = max(UMT_MIN_PLACES, -int(theirs["qty"].as_tuple().exponent))
    step = Decimal(1).scaleb(-places)
    if ours[unit].quantize(step, ROUND_HALF_UP) == theirs["qty"].quantize(step):
        return None
    return row | {"tipo": "cantidad", "ledger": number_text(ours[unit])}
