"""The inventory conciliation (Anexo 24, Apartado B, módulo de procesos, "Módulo de proceso de
movimientos y ajustes de manufactura", numeral 3: the corporate system's inventory of a period
"conciliará ... y hará la comparación con la información aduanera registrada"; the módulo de
procesos itself: "conciliar el inventario del sistema corporativo ... contra el inventario
contenido en el sistema").

Per material the corporate system declared for the period (inventarios.py), in its UMC:
calculado = inventario inicial + entradas − salidas − ajustes, where
- entradas are the temporary-import lots dated in the period (activo fijo, ajuste lots and
  opening balances left out: the first are no material's, the others are counted below or are
  the starting point);
- salidas are what the period's exits consume of the material (a product's through its BOM, with
  merma, rounded per exit as the discharge rounds it), ajuste exits left out;
- ajustes are the period's faltantes and mermas less its sobrantes and desensamble recoveries.
A material with entradas, salidas or ajustes in the period that the corporate system did not
declare is listed too, in the state `sin inventario declarado`, with those figures and its saldo
(no calculado, diferencia or proposal: it has no declared starting point or end), so that what
the corporate system left out shows; a declared material shows even with no movement.
The diferencia is the final inventory declared less calculado: below zero the corporate system
holds less than the customs movements leave (a faltante), above it more (a sobrante). It is also
compared with brokertui's saldo at the period's end (the lots' balances in the discharge ledger,
by quantity; a ledger by value has no balance per material). A diferencia is proposed as an
ajuste dated the period's last day, which the user confirms (`confirm`: ajustes.add_ajustes,
all or nothing); recorded, it enters the ajustes and the diferencia becomes zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlite_utils import Database

from brokertui.core import export, formatting
from brokertui.core.anexo24 import ajustes, entries, interfaces, inventarios, scope
from brokertui.core.errors import InvalidInput
from brokertui.core.quantities import times, to_text
from brokertui.core.registry import clients

COLUMNS = [
    "numero_parte",
    "descripcion",
    "umc",
    "inventario_inicial",
    "entradas",
    "salidas",
    "ajustes",
    "calculado",
    "inventario_final",
    "diferencia",
    "saldo_brokertui",
    "diferencia_saldo",
    "propuesta",
    "pedimento",
    "partida",
    "estado",
]
_LOADED_E, _LOADED_S = interfaces.loaded("e"), interfaces.loaded("s")
_AF = entries.fixed_asset("e")
UNDECLARED = "sin inventario declarado"  # the state of a material moved but not declared


@dataclass(frozen=True)
class Line:
    """One material of the conciliation; quantities in millionths of its UMC."""

    numero_parte: str
    descripcion: str
    umc: str
    inicial: int | None  # the declared inventories; None: not declared (UNDECLARED)
    entradas: int
    salidas: int
    ajustes: int
    final: int | None
    saldo: int | None  # brokertui's balance at the period's end; None by value
    pedimento: str = ""  # a sobrante's lot: the material's latest entry up to the period's end
    partida: int | None = None

    @property
    def declarado(self) -> bool:
        return self.inicial is not None and self.final is not None

    @property
    def estado(self) -> str:
        """UNDECLARED, or how the declared final compares: cuadra or con diferencia."""
        if not self.declarado:
            return UNDECLARED
        return "con diferencia" if self.diferencia else "cuadra"

    @property
    def calculado(self) -> int | None:
        if self.inicial is None:
            return None
        return self.inicial + self.entradas - self.salidas - self.ajustes

    @property
    def diferencia(self) -> int | None:
        if self.final is None or self.calculado is None:
            return None
        return self.final - self.calculado

    @property
    def propuesta(self) -> str:
        """The ajuste the diferencia asks for: faltante, sobrante, or none."""
        if not self.diferencia:
            return ""
        return "faltante" if self.diferencia < 0 else "sobrante"

    def as_dict(self) -> dict:
        """Typed for export (quantities as Decimal)."""

        def qty(micro: int | None) -> Decimal | None:
            return None if micro is None else Decimal(to_text(micro))

        sobrante = self.propuesta == "sobrante"
        return {
            "numero_parte": self.numero_parte,
            "descripcion": self.descripcion,
            "umc": self.umc,
            "estado": self.estado,
            "inventario_inicial": qty(self.inicial),
            "entradas": qty(self.entradas),
            "salidas": qty(self.salidas),
            "ajustes": qty(self.ajustes),
            "calculado": qty(self.calculado),
            "inventario_final": qty(self.final),
            "diferencia": qty(self.diferencia),
            "saldo_brokertui": qty(self.saldo),
            "diferencia_saldo": (
                None if self.saldo is None or self.final is None else qty(self.final - self.saldo)
            ),
            "propuesta": self.propuesta,
            "pedimento": self.pedimento if sobrante else "",
            "partida": self.partida if sobrante else None,
        }


def conciliate(db: Database, rfc: str, desde: date, hasta: date) -> list[Line]:
    """The conciliation of every material the client declared for exactly `desde`..`hasta`,
    and of every other one with entradas, salidas or ajustes in it (UNDECLARED), by part
    number. InvalidInput naming the declared periods when there is none for it."""
    client = clients.get_client(db, rfc)
    declared = inventarios.declared(db, client.id, desde, hasta)
    if not declared:
        known = ", ".join(p.label for p in inventarios.periods(db, client.id)[:6])
        raise InvalidInput(
            "periodo",
            f"{client.rfc} no tiene inventarios declarados del {desde.isoformat()} al "
            f"{hasta.isoformat()}"
            + (f"; periodos declarados: {known}" if known else "; importe la interfaz inventarios"),
        )
    params = {"client": client.id, "desde": desde.isoformat(), "hasta": hasta.isoformat()}
    received = _sums(db, _ENTRADAS, params)
    adjusted = _sums(db, _AJUSTES, params)
    consumed = _consumed(db, params)
    saldos = None if client.descargo_modo == "valor" else _saldos(db, params)
    moved = (received.keys() | adjusted.keys() | consumed.keys()) - declared.keys()
    undeclared: dict[str, tuple[int | None, int | None]] = dict.fromkeys(moved, (None, None))
    lines = []
    for part, (inicial, final) in sorted((declared | undeclared).items()):
        descripcion, umc = db.execute(
            "SELECT descripcion, umc FROM materiales WHERE client_id = ? AND numero_parte = ?",
            [client.id, part],
        ).fetchone() or ("", "")
        pedimento, partida = _latest_lot(db, params | {"part": part})
        lines.append(
            Line(
                part,
                descripcion,
                umc,
                inicial,
                received.get(part, 0),
                consumed.get(part, 0),
                adjusted.get(part, 0),
                final,
                None if saldos is None else saldos.get(part, 0),
                pedimento,
                partida,
            )
        )
    return lines


# The period's temporary-import lots per material (ajuste lots, opening balances and activo fijo
# left out).
_ENTRADAS = f"""
SELECT e.numero_parte, sum(e.cantidad_micro) FROM entradas e
WHERE e.client_id = :client AND e.fecha_entrada BETWEEN :desde AND :hasta
  AND e.source <> 'ajuste' AND e.saldo_inicial = 0 AND NOT {_AF} AND {_LOADED_E}
GROUP BY 1
"""
# The period's ajustes per material: what they take away (faltantes, mermas) less what they add.
_AJUSTES = """
SELECT numero_parte, sum(CASE WHEN tipo IN ('faltante', 'merma') THEN cantidad_micro
                              ELSE -cantidad_micro END)
FROM ajustes WHERE client_id = :client AND fecha BETWEEN :desde AND :hasta GROUP BY 1
"""
# The period's exits (ajuste exits left out) exploded into the materials they consume.
_EXITS = scope.EXPLODED.format(
    source="salidas s",
    where="s.fecha BETWEEN :desde AND :hasta AND s.id NOT IN (SELECT salida_id FROM ajustes "
    "WHERE client_id = :client AND salida_id IS NOT NULL)",
)
# The materials' balances in the ledger at the period's end: their lots up to then less what the
# allocations in force of exits up to then take (activo fijo lots are no material's). When no
# exit after the period is discharged, what each lot has given is the ledger's kept
# lot_balances.used_micro (ledger.py); else it is summed from the allocations.
_DISCHARGED_AFTER = """
SELECT 1 FROM salidas s WHERE s.client_id = :client AND s.fecha > :hasta
  AND EXISTS (SELECT 1 FROM active_allocations a WHERE a.salida_id = s.id) LIMIT 1
"""
_SALDOS = f"""
SELECT e.numero_parte, sum(e.cantidad_micro - coalesce({{used}}, 0)) FROM entradas e
{{join}}
WHERE e.client_id = :client AND e.fecha_entrada <= :hasta AND NOT {_AF} AND {_LOADED_E}
GROUP BY 1
"""
_KEPT = {"used": "b.used_micro", "join": "LEFT JOIN lot_balances b ON b.entrada_id = e.id"}
_SUMMED = {
    "used": "u.used",
    "join": "LEFT JOIN (SELECT a.entrada_id, sum(a.cantidad_micro) AS used "
    "FROM active_allocations a JOIN salidas s ON s.id = a.salida_id "
    "WHERE s.client_id = :client AND s.fecha <= :hasta AND a.entrada_id IS NOT NULL "
    "GROUP BY a.entrada_id) u ON u.entrada_id = e.id",
}
# By the part's lots (entradas_parte): the planner would rather read the client's lots back
# from :hasta by date until one is of the part.
_LATEST_LOT = f"""
SELECT e.pedimento, e.partida FROM entradas e INDEXED BY entradas_parte
WHERE e.client_id = :client AND e.numero_parte = :part AND e.fecha_entrada <= :hasta
  AND e.source <> 'ajuste' AND NOT {_AF} AND {_LOADED_E}
ORDER BY e.fecha_entrada DESC, e.pedimento DESC, e.partida DESC LIMIT 1
"""


def _sums(db: Database, sql: str, params: dict) -> dict[str, int]:
    return {part: total for part, total in db.execute(sql, params)}


def _consumed(db: Database, params: dict) -> dict[str, int]:
    """Material -> what the period's exits consume of it (each exit's need rounded as the
    discharge rounds it: quantities.times)."""
    totals: dict[str, int] = {}
    for _, part, _, quantity, factor in db.execute(_EXITS, params):
        need = quantity if factor is None else times(quantity, factor)
        totals[part] = totals.get(part, 0) + need
    return totals


def _saldos(db: Database, params: dict) -> dict[str, int]:
    """Material -> its balance in the ledger at the period's end (by quantity)."""
    later = db.execute(_DISCHARGED_AFTER, params).fetchone()
    return _sums(db, _SALDOS.format(**(_SUMMED if later else _KEPT)), params)


def _latest_lot(db: Database, params: dict) -> tuple[str, int | None]:
    row = db.execute(_LATEST_LOT, params).fetchone()
    return (row[0], row[1]) if row else ("", None)


def proposals(lines: list[Line], desde: date, hasta: date) -> list[dict]:
    """The ajustes the diferencias ask for (ajustes.AJUSTE_COLUMNS), dated the period's last
    day. A sobrante enters with the material's latest lot; one without any lot up to then is
    left out (the user records it with the pedimento that covers it)."""
    rows = []
    for line in lines:
        if not line.propuesta or (line.propuesta == "sobrante" and not line.pedimento):
            continue
        assert line.final is not None and line.calculado is not None and line.diferencia
        sobrante = line.propuesta == "sobrante"
        rows.append(
            {
                "fecha": hasta.isoformat(),
                "tipo": line.propuesta,
                "numero_parte": line.numero_parte,
                "cantidad": to_text(abs(line.diferencia)),
                "pedimento": line.pedimento if sobrante else "",
                "partida": str(line.partida) if sobrante else "",
                "motivo": (
                    f"Conciliación de inventario del {desde.isoformat()} al {hasta.isoformat()}: "
                    f"final declarado {to_text(line.final)}, calculado {to_text(line.calculado)}"
                ),
            }
        )
    return rows


def confirm(db: Database, rfc: str, desde: date, hasta: date, parts: set[str] | None = None) -> int:
    """Record the proposed ajustes (of `parts` only, when given), all or nothing; how many."""
    lines = conciliate(db, rfc, desde, hasta)
    rows = [
        r for r in proposals(lines, desde, hasta) if parts is None or r["numero_parte"] in parts
    ]
    if not rows:
        return 0
    return ajustes.add_ajustes(db, rfc, enumerate(rows, start=1), "conciliación de inventario")


def heading(db: Database, rfc: str, desde: date, hasta: date) -> list[tuple[str, str]]:
    """The lines that head an export."""
    client = clients.get_client(db, rfc)
    title = "Conciliación del inventario del sistema corporativo (Anexo 24)"
    when = formatting.period(desde, hasta)
    return formatting.heading(client.razon_social, client.rfc, title, when)


def write_xlsx(
    db: Database,
    rfc: str,
    desde: date,
    hasta: date,
    path: Path | str,
    *,
    like: Path | str | None = None,
) -> int:
    """The conciliation as a workbook (export.write_xlsx: inert cells); how many materials."""
    rows = [line.as_dict() for line in conciliate(db, rfc, desde, hasta)]
    return export.write_xlsx(
        path,
        sheet="conciliacion",
        heading=heading(db, rfc, desde, hasta),
        columns=COLUMNS,
        rows=rows,
        like=like,
    )
