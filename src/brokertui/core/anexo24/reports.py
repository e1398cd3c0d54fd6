"""Anexo 24 reports (anexo24-rgce-2024.txt, módulo de reportes): entradas, salidas, saldos per
lot and per fracción in UMT, materiales utilizados and descargos. Every report is headed with
the client's razón social and RFC and its period, paged from SQLite, and exported as CSV, XLSX
or JSON. Balances come from the discharge ledger (allocations in force of exits up to the date):
each lot's balance the ledger keeps (lot_balances), read by index, when no exit after the date
is discharged, else the allocations summed.
A client whose ledger is by value gets the balance and discharge reports in USD per fracción,
or a nivel pedimento with each lot's IGI rate; every report's title names the mode.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlite_utils import Database

from brokertui.core import clock, files, formatting, paging
from brokertui.core import search as find
from brokertui.core.anexo24 import activo_fijo, contributions, timeliness
from brokertui.core.anexo24.entries import fixed_asset
from brokertui.core.anexo24.interfaces import loaded
from brokertui.core.anexo24.scope import LOT_KEY
from brokertui.core.db import file_path
from brokertui.core.export import csv_row, json_text, text, write_rows, xlsx_row
from brokertui.core.quantities import text_sql, to_text
from brokertui.core.registry import clients


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    kind: str = "text"  # text, int, qty (millionths), money (decimal text), date
    width: int = 12


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    columns: tuple[Col, ...]
    sql: str  # parameters :client, :desde, :hasta (range) or :on (as of)
    order: str
    as_of: bool = False  # a balance on a date instead of a period
    per_fraccion: bool = False  # rows are summed per fracción and UMT after the query
    # The same rows from each lot's maintained balance (lot_balances), read by index: used when
    # the balances on :on are the ledger's present ones (_maintained). A lot report's also
    # takes {tipo}, the condition of insumo or activo fijo lots, for its pages in order, and
    # {lots}, its tables (_lots).
    maintained: str = ""
    # The order's columns (of the SELECT) are unique together: a page is read after the last
    # row shown (core/paging.py), not by skipping every row before it (OFFSET).
    keyed: bool = False
    # Its page sums every operation of the period before its first row (no index gives it):
    # hundreds of ms on a big client's year.
    costly: bool = False


_USED_UNTIL = """(SELECT a.entrada_id, sum(a.cantidad_micro) AS used FROM active_allocations a
  JOIN salidas s ON s.id = a.salida_id WHERE s.client_id = :client AND s.fecha <= :on
  AND a.entrada_id IS NOT NULL GROUP BY a.entrada_id)"""


# Activo fijo lots are no insumo balance (Anexo 24 follows them in its módulo de activo fijo):
# the saldos per lot list them after the insumos, marked, and the saldos per fracción leave
# them out (entries.fixed_asset).
_ACTIVO = fixed_asset("e")
_TIPO = f"CASE WHEN {_ACTIVO} THEN 'activo fijo' ELSE 'insumo' END"
_MATERIAL = f"NOT {_ACTIVO}"
# Where a lot came from: the interfaz, a pedimento, an ajuste, or the balance a company brought
# from its former system (saldo inicial: entries.add_opening), which every report names.
_ORIGEN = "CASE WHEN e.saldo_inicial = 1 THEN 'saldo inicial' ELSE e.source END"
_ORIGEN_COL = Col("origen", "Origen", width=13)


# Balances on :on are the ledger's present ones (lot_balances, part_balances) unless an
# allocation in force is of an exit dated after it, a lot was entered after it (both few after
# the usual date, today; by index) or an import is still being written.
_NOT_PRESENT = """SELECT 1 FROM salidas s WHERE s.client_id = :client AND s.fecha > :on
  AND EXISTS (SELECT 1 FROM active_allocations a WHERE a.salida_id = s.id)
UNION ALL SELECT 1 FROM entradas WHERE client_id = :client AND fecha_entrada > :on
UNION ALL SELECT 1 FROM interface_imports WHERE client_id = :client AND estado = 'cargando'
LIMIT 1"""


# The lots with a balance on :on, from lot_balances by its index of open lots ({lots}:
# _lots() puts the tables in, in the order the planner is to read them).
_OPEN_LOTS = (
    "FROM {lots} ON e.id = b.entrada_id WHERE b.client_id = :client AND e.client_id = :client "
    f"AND b.agotado = 0 AND b.fecha_entrada <= :on AND {loaded('e')}"
)
_ALL_LOTS = "lot_balances b JOIN entradas e"
# The activo fijo lots, few, by entradas_clave first: left to itself the planner reads every
# open lot of the client (lot_balances_open) and keeps the few (330 ms at 500,000 lots).
_FIXED_LOTS = "entradas e INDEXED BY entradas_clave CROSS JOIN lot_balances b"
_LOT_ORDER = "fecha_entrada, pedimento, partida"
# The same as lot_balances' index of open lots gives it, its rowid (the lot) last: unique.
_LOT_KEY = [(f"b.{c}", False) for c in ("fecha_entrada", "pedimento", "partida", "entrada_id")]


def _parts_with_balance(amount: str, join: str = "") -> str:
    """FROM part_balances p: the client's part numbers and fracciones with lots that have a
    balance, and (f) their activo fijo lots, which part_balances counts in and the saldos per
    fracción leave out (few: by entradas_clave, named, as the planner would rather read every
    lot in part order; nothing is ever taken from them)."""
    return (
        f"FROM part_balances p {join} LEFT JOIN (SELECT e.numero_parte, e.fraccion, "
        f"count(*) AS lotes, sum({amount}) AS saldo FROM entradas e INDEXED BY entradas_clave "
        "WHERE e.client_id = :client "
        f"AND {_ACTIVO} AND {amount} > 0 GROUP BY 1, 2) f "
        "ON f.numero_parte = p.numero_parte AND f.fraccion = p.fraccion "
        "WHERE p.client_id = :client AND p.lotes - coalesce(f.lotes, 0) > 0"
    )


def _saldos(amount_key: str, amount: str, unit: str, tasa: tuple[Col, ...] = ()) -> Report:
    label = "Cantidad" if amount_key == "cantidad" else "Valor USD"
    rate = f"{contributions.TASA_IGI} AS tasa_igi, " if tasa else ""
    # an insumo lot is discharged by the ledger, a fixed asset by its movements (activo_fijo.py)
    fixed = activo_fijo.discharged_until(amount_key != "cantidad")
    used = "(coalesce(u.used, 0) + coalesce(f.used, 0))"
    kept = "(b.used_micro + coalesce(f.used, 0))"
    return Report(
        "saldos",
        f"Saldos por pedimento (lote){unit}",
        (
            Col("pedimento", "Pedimento", width=16),
            Col("partida", "Partida", "int", 7),
            Col("numero_parte", "Número de parte", width=16),
            Col("fraccion", "Fracción"),
            Col("fecha_entrada", "Fecha entrada", "date"),
            Col(amount_key, label, "qty"),
            Col("descargado", "Descargado", "qty"),
            Col("saldo", "Saldo", "qty"),
            Col("fecha_vencimiento", "Vencimiento", "date"),
            Col("tipo", "Tipo", width=11),
            _ORIGEN_COL,
            *tasa,
        ),
        "SELECT e.pedimento, e.partida, e.numero_parte, e.fraccion, e.fecha_entrada, "
        f"{rate}{amount} AS {amount_key}, {used} AS descargado, "
        f"{amount} - {used} AS saldo, e.vence AS fecha_vencimiento, "
        f"{_TIPO} AS tipo, {_ORIGEN} AS origen "
        f"FROM entradas e LEFT JOIN {_USED_UNTIL} u ON u.entrada_id = e.id "
        f"LEFT JOIN {fixed} f ON f.entrada_id = e.id "
        "WHERE e.client_id = :client AND e.fecha_entrada <= :on "
        f"AND {amount} > {used} AND {loaded('e')}",
        f"tipo = 'activo fijo', {_LOT_ORDER}",
        as_of=True,
        maintained="SELECT b.pedimento AS pedimento, b.partida AS partida, e.numero_parte, "
        f"e.fraccion, b.fecha_entrada AS fecha_entrada, {rate}{amount} AS {amount_key}, "
        f"{kept} AS descargado, {amount} - {kept} AS saldo, e.vence AS "
        f"fecha_vencimiento, {_TIPO} AS tipo, {_ORIGEN} AS origen, b.entrada_id AS eid "
        + _OPEN_LOTS.replace(" WHERE ", f" LEFT JOIN {fixed} f ON f.entrada_id = e.id WHERE ", 1)
        + f" AND {amount} > {kept} "
        "AND {tipo}",
    )


def _saldos_fraccion_umt() -> Report:
    return Report(
        "saldos_fraccion",
        "Saldos por fracción arancelaria (UMT)",
        (
            Col("fraccion", "Fracción"),
            Col("umt", "UMT", width=5),
            Col("lotes", "Lotes", "int", 6),
            Col("saldo_umt", "Saldo en UMT", "qty"),  # a quantity: "10", not "10.00"
        ),
        # Per part number here; converted to UMT and summed per fracción exactly in Python.
        "SELECT e.fraccion, m.umt, m.factor_umt, count(*) AS lotes, "
        "sum(e.cantidad_micro - coalesce(u.used, 0)) AS saldo "
        f"FROM entradas e LEFT JOIN {_USED_UNTIL} u ON u.entrada_id = e.id "
        "JOIN materiales m ON m.client_id = e.client_id AND m.numero_parte = e.numero_parte "
        "WHERE e.client_id = :client AND e.fecha_entrada <= :on "
        f"AND e.cantidad_micro > coalesce(u.used, 0) AND {loaded('e')} AND {_MATERIAL} "
        "GROUP BY e.fraccion, m.umt, m.factor_umt",
        "fraccion, umt",
        as_of=True,
        per_fraccion=True,
        maintained="SELECT p.fraccion, m.umt, m.factor_umt, p.lotes - coalesce(f.lotes, 0) "
        "AS lotes, p.saldo_micro - coalesce(f.saldo, 0) AS saldo "
        + _parts_with_balance(
            "e.cantidad_micro",
            "JOIN materiales m ON m.client_id = p.client_id AND m.numero_parte = p.numero_parte",
        ),
    )


def _saldos_fraccion_usd() -> Report:
    return Report(
        "saldos_fraccion",
        "Saldos por fracción arancelaria (USD)",
        (
            Col("fraccion", "Fracción"),
            Col("lotes", "Lotes", "int", 6),
            Col("saldo_usd", "Saldo USD", "qty"),
        ),
        f"SELECT {LOT_KEY['valor']} AS fraccion, count(*) AS lotes, "
        "sum(e.valor_micro - coalesce(u.used, 0)) AS saldo_usd "
        f"FROM entradas e LEFT JOIN {_USED_UNTIL} u ON u.entrada_id = e.id "
        "WHERE e.client_id = :client AND e.fecha_entrada <= :on "
        f"AND e.valor_micro > coalesce(u.used, 0) AND {loaded('e')} AND {_MATERIAL} "
        "GROUP BY 1",
        "fraccion",
        as_of=True,
        maintained="SELECT coalesce(nullif(p.fraccion, ''), (SELECT m.fraccion FROM materiales m "
        "WHERE m.client_id = p.client_id AND m.numero_parte = p.numero_parte), '') AS fraccion, "
        "sum(p.lotes - coalesce(f.lotes, 0)) AS lotes, "
        "sum(p.saldo_micro - coalesce(f.saldo, 0)) AS saldo_usd "
        f"{_parts_with_balance('e.valor_micro')} GROUP BY 1",
    )


# A nivel pedimento the ledger's key is one for all (scope.PEDIMENTO_KEY): its reports show
# the lot's pedimento, or its IGI rate, instead.
_BY_PEDIMENTO = "LEFT JOIN entradas e ON e.id = a.entrada_id"
_USED = (
    "sum(CASE WHEN a.entrada_id IS NULL THEN 0 ELSE a.cantidad_micro END) AS descargado, "
    "sum(CASE WHEN a.entrada_id IS NULL THEN a.cantidad_micro ELSE 0 END) AS faltante, "
    "count(DISTINCT a.salida_id) AS salidas "
    "FROM active_allocations a JOIN salidas s ON s.id = a.salida_id {join} "
    "WHERE s.client_id = :client AND "
)


def _utilizados(key: str, label: str, title: str, key_sql: str = "a.numero_parte") -> Report:
    by_lot = _BY_PEDIMENTO if key_sql.startswith("e.") else ""
    return Report(
        "materiales_utilizados",
        title,
        (
            Col(key, label, width=16),
            Col("descargado", "Descargado", "qty"),
            Col("faltante", "Faltante", "qty"),
            Col("salidas", "Salidas", "int", 7),
        ),
        f"SELECT {key_sql} AS {key}, {_USED.format(join=by_lot)} "
        f"s.fecha BETWEEN :desde AND :hasta GROUP BY {key_sql}",
        key,
        # The whole months of the period from the use the ledger keeps per month and key
        # (part_use), the days before and after them from the allocations (_params:
        # :mes_desde ...); not a nivel pedimento, whose rows are per lot's pedimento.
        maintained=""
        if by_lot
        else f"SELECT {key}, sum(descargado) AS descargado, sum(faltante) AS faltante, "
        "sum(salidas) AS salidas FROM (SELECT numero_parte AS "
        f"{key}, descargado, faltante, salidas FROM part_use WHERE client_id = :client "
        "AND mes BETWEEN :mes_desde AND :mes_hasta UNION ALL "
        f"SELECT a.numero_parte, {_USED.format(join='')} (s.fecha BETWEEN :desde AND :antes "
        "OR s.fecha BETWEEN :despues AND :hasta) GROUP BY a.numero_parte) "
        f"GROUP BY {key} HAVING sum(salidas) > 0",
    )


def _descargos(
    key: str,
    label: str,
    amount_key: str,
    amount_label: str,
    how: str = "",
    key_sql: str = "a.numero_parte",
) -> Report:
    return Report(
        "descargos",
        "Descargos (asignaciones PEPS)" + how,
        (
            Col("documento", "Documento", width=14),
            Col("fecha", "Fecha salida", "date"),
            Col("tipo_salida", "Tipo de salida", width=17),
            Col(key, label, width=16),
            Col("pedimento", "Pedimento", width=16),
            Col("partida", "Partida", "int", 7),
            Col("fecha_entrada", "Fecha entrada", "date"),
            Col(amount_key, amount_label, "qty"),
            Col("vencido", "Vencido", width=7),
            _ORIGEN_COL,
        ),
        f"SELECT s.documento, s.fecha, s.tipo_salida, {key_sql} AS {key}, e.pedimento, "
        "e.partida, "
        f"e.fecha_entrada, a.cantidad_micro AS {amount_key}, CASE WHEN a.entrada_id IS NULL "
        "THEN 'faltante' WHEN a.vencido THEN 'si' ELSE 'no' END AS vencido, "
        f"CASE WHEN a.entrada_id IS NULL THEN '' ELSE {_ORIGEN} END AS origen, s.id AS sid, "
        "a.id AS aid FROM active_allocations a JOIN salidas s ON s.id = a.salida_id "
        "LEFT JOIN entradas e ON e.id = a.entrada_id "
        "WHERE s.client_id = :client AND s.fecha BETWEEN :desde AND :hasta",
        # ledger.ALLOCATION_ORDER (a nivel pedimento its key is one for all)
        f"fecha, sid, {key}, aid" if key_sql == "a.numero_parte" else "fecha, sid, aid",
        keyed=True,
    )


def _salidas(modo: str) -> Report:
    return Report(
        "salidas",
        "Salidas",
        (
            Col("documento", "Documento", width=14),
            Col("clave", "Clave", width=5),
            Col("fecha", "Fecha", "date"),
            Col("tipo_salida", "Tipo de salida", width=17),
            Col("bien", "Bien", width=11),
            Col("numero_parte", "Número de parte", width=16),
            Col("cantidad", "Cantidad", "qty"),
            Col("activo_fijo", "Activo fijo", width=11),
            Col("rfc_receptor", "RFC receptor", width=13),
            Col("pedimento_receptor", "Pedimento receptor", width=16),
            Col("folio_cfdi", "Folio CFDI", width=36),
            Col("fecha_cfdi", "Fecha CFDI", "date"),
            Col("numero_acta", "Acta", width=12),
            Col("fecha_acta", "Fecha acta", "date"),
            Col("periodo", "Periodo", width=7),
            Col("valor_usd", "Valor USD descargado", "qty"),
            Col("tasa_igi", "Tasa IGI %", width=10),
            Col("igi_usd", "IGI USD (estimado)", "qty"),
        ),
        # Every row names its kind (exit_kinds.py) and its good (desperdicio included, and a
        # fixed asset's exit: activo_fijo.discharge_exits); a cambio de régimen its lots' value
        # and IGI (contributions.py).
        "SELECT documento, clave, fecha, tipo_salida, CASE tipo_bien WHEN 'M' THEN "
        "'material' WHEN 'P' THEN 'producto' ELSE 'desperdicio' END AS bien, numero_parte, "
        "cantidad_micro AS cantidad, iif(activo_fijo, 'sí', '') AS activo_fijo, rfc_receptor, "
        "pedimento_receptor, folio_cfdi, "
        f"fecha_cfdi, numero_acta, fecha_acta, periodo, {contributions.columns(modo)}, "
        "id AS sid FROM salidas s WHERE client_id = :client AND fecha BETWEEN :desde AND "
        f":hasta AND {loaded('s')}",
        "fecha, sid",
        keyed=True,
    )


REPORTS = {
    r.name: r
    for r in (
        Report(
            "entradas",
            "Entradas (importaciones temporales)",
            (
                Col("pedimento", "Pedimento", width=16),
                Col("partida", "Partida", "int", 7),
                Col("clave", "Clave", width=5),
                Col("fecha_entrada", "Fecha entrada", "date"),
                Col("numero_parte", "Número de parte", width=16),
                Col("fraccion", "Fracción"),
                Col("cantidad", "Cantidad", "qty"),
                Col("umc", "UMC", width=5),
                Col("valor_usd", "Valor USD", "money"),
                Col("pais_origen", "País", width=5),
                Col("fecha_vencimiento", "Vencimiento", "date"),
                _ORIGEN_COL,
            ),
            "SELECT pedimento, partida, clave, fecha_entrada, numero_parte, fraccion, "
            "cantidad_micro AS cantidad, umc, valor_usd, pais_origen, vence AS "
            f"fecha_vencimiento, {_ORIGEN} AS origen, id AS eid FROM entradas e WHERE "
            f"client_id = :client AND fecha_entrada BETWEEN :desde AND :hasta AND {loaded('e')}",
            "fecha_entrada, pedimento, partida, eid",  # entradas_fecha's order
            keyed=True,
        ),
        _salidas("cantidad"),
        _saldos("cantidad", "e.cantidad_micro", ""),
        _saldos_fraccion_umt(),
        _utilizados("numero_parte", "Número de parte", "Materiales utilizados"),
        Report(
            "ajustes",
            "Ajustes (faltantes, sobrantes, mermas, desensamble)",
            (
                Col("fecha", "Fecha", "date"),
                Col("tipo", "Tipo", width=11),
                Col("numero_parte", "Número de parte", width=16),
                Col("cantidad", "Cantidad", "qty"),
                Col("pedimento", "Pedimento", width=16),
                Col("partida", "Partida", "int", 7),
                Col("motivo", "Motivo", width=30),
            ),
            "SELECT fecha, tipo, numero_parte, cantidad_micro AS cantidad, pedimento, partida, "
            "motivo, id AS aid FROM ajustes WHERE client_id = :client AND fecha BETWEEN :desde "
            "AND :hasta",
            "fecha, aid",
            keyed=True,
        ),
        _descargos("numero_parte", "Número de parte", "cantidad", "Cantidad"),
        Report(
            "activo_fijo",
            "Activo fijo (importaciones y movimientos)",
            (
                Col("fecha", "Fecha", "date"),
                Col("movimiento", "Movimiento", width=19),
                Col("pedimento", "Pedimento", width=16),
                Col("partida", "Partida", "int", 7),
                Col("numero_parte", "Número de parte", width=16),
                Col("cantidad", "Cantidad", "qty"),
                Col("saldo", "Saldo", "qty"),
                Col("domicilio", "Domicilio", width=16),
                Col("serie", "Número de serie", width=16),
                Col("marca", "Marca", width=14),
                Col("modelo", "Modelo", width=14),
                Col("documento", "Documento", width=16),
                Col("motivo", "Motivo", width=20),
            ),
            activo_fijo.REPORT_SQL,
            activo_fijo.REPORT_ORDER,
        ),
        # Apartado B, numeral 4: the corporate data within 24 hours (timeliness.py)
        Report(
            "recepcion_tardia",
            "Recepción tardía (datos recibidos más de 24 horas después de la operación)",
            (
                Col("mes", "Mes", width=7),
                Col("tipo", "Tipo", width=9),
                Col("origen", "Origen", width=24),
                Col("recibido", "Recibido", width=16),
                Col("fecha_desde", "Operación desde", "date"),
                Col("fecha_hasta", "Operación hasta", "date"),
                Col("operaciones", "Operaciones", "int", 11),
            ),
            timeliness.LATE_SQL,
            timeliness.LATE_ORDER,
            costly=True,
        ),
    )
}
# Anexo 24 (Apartado B, módulo de reportes, last paragraph): a company that discharges by value
# has its reports issued by value.
VALUE_REPORTS = REPORTS | {
    r.name: r
    for r in (
        _salidas("valor"),
        _saldos("valor_usd", "e.valor_micro", " en USD"),
        _saldos_fraccion_usd(),
        _utilizados("fraccion", "Fracción", "Valor utilizado por fracción arancelaria (USD)"),
        _descargos("fraccion", "Fracción", "valor_usd", "Valor USD", " por valor"),
    )
}
# By value a nivel pedimento (Apartado B, módulo de procesos, proceso de descargos, numeral 5 and
# the paragraph after it): the saldos show each lot's IGI rate (what is left of a pedimento is
# its highest-rate goods), the value used is per pedimento, the descargos show the rate.
PEDIMENTO_REPORTS = VALUE_REPORTS | {
    r.name: r
    for r in (
        _saldos(
            "valor_usd",
            "e.valor_micro",
            " en USD, descargo a nivel pedimento",
            (Col("tasa_igi", "Tasa IGI %", width=8),),
        ),
        _utilizados(
            "pedimento",
            "Pedimento",
            "Valor utilizado por pedimento (USD, descargo a nivel pedimento)",
            "e.pedimento",
        ),
        _descargos(
            "tasa_igi",
            "Tasa IGI %",
            "valor_usd",
            "Valor USD",
            " por valor a nivel pedimento",
            contributions.TASA_IGI,
        ),
    )
}
REPORTS_BY_MODE = {"cantidad": REPORTS, "valor": VALUE_REPORTS, "pedimento": PEDIMENTO_REPORTS}
NAMES = tuple(REPORTS)


@dataclass(frozen=True)
class Heading:
    razon_social: str
    rfc: str
    report: Report
    desde: date
    hasta: date
    on: date
    client_id: int  # the client's row, read once by heading()

    @property
    def period(self) -> str:
        if self.report.as_of:
            return f"al {self.on.isoformat()}"
        return formatting.period(self.desde, self.hasta)

    def lines(self) -> list[tuple[str, str]]:
        return formatting.heading(self.razon_social, self.rfc, self.report.title, self.period)


def part_numbers(db: Database, rfc: str) -> list[str]:
    """The client's part numbers in force (materiales not dados de baja), sorted: what a new
    ajuste can name."""
    sql = (
        "SELECT m.numero_parte FROM materiales m JOIN clients c ON c.id = m.client_id "
        "WHERE c.rfc = ? AND m.baja_date IS NULL ORDER BY m.numero_parte"
    )
    return [row[0] for row in db.execute(sql, [rfc.strip().upper()])]


def heading(
    db: Database,
    name: str,
    rfc: str,
    *,
    desde: date | None = None,
    hasta: date | None = None,
    on: date | None = None,
) -> Heading:
    if name not in REPORTS:
        from brokertui.core.errors import InvalidInput

        raise InvalidInput("reporte", f"debe ser uno de {', '.join(NAMES)}")
    client = clients.get_client(db, rfc)
    report = REPORTS_BY_MODE[client.ledger_mode][name]
    today = on or hasta or clock.today()
    return Heading(
        client.razon_social,
        client.rfc,
        report,
        desde or date(today.year, 1, 1),
        hasta or today,
        on or hasta or today,
        client.id,
    )


def _params(db: Database, h: Heading) -> dict:
    contributions.register(db.conn)  # the exact arithmetic of the salidas report
    timeliness.register(db.conn)  # the 24-hour rule of recepcion_tardia
    return {
        "client": h.client_id,
        "desde": h.desde.isoformat(),
        "hasta": h.hasta.isoformat(),
        "on": h.on.isoformat(),
    } | _months(h.desde, h.hasta)


def _months(desde: date, hasta: date) -> dict:
    """The whole months within desde..hasta (:mes_desde..:mes_hasta, YYYY-MM), and the days
    before (desde..:antes) and after (:despues..hasta) them; with none, every day is before."""
    first = desde if desde.day == 1 else (desde.replace(day=28) + timedelta(days=4)).replace(day=1)
    after = hasta + timedelta(days=1)
    last = hasta if after.day == 1 else hasta.replace(day=1) - timedelta(days=1)
    if first > last:
        return {"mes_desde": "9", "mes_hasta": "0", "antes": hasta.isoformat(), "despues": "9"}
    return {
        "mes_desde": first.isoformat()[:7],
        "mes_hasta": last.isoformat()[:7],
        "antes": (first - timedelta(days=1)).isoformat(),
        "despues": (last + timedelta(days=1)).isoformat(),
    }


def _search_fields(report: Report) -> find.Fields:
    """A report's rows are found by their text columns (número de parte, fracción, documento,
    tipo, motivo...), pedimento digits and their first date column: a scan of the report's
    own rows, which its query already bounds to one client and period."""
    texts = [f"r.{c.key}" for c in report.columns if c.kind == "text"]
    dates = [f"r.{c.key}" for c in report.columns if c.kind == "date"]
    return find.Fields(text=texts, digits=texts, date=dates[0] if dates else None)


def _source(db: Database, h: Heading, params: dict) -> str:
    """The report's SELECT: from the maintained balances when they are those of :on."""
    present = not (h.report.as_of and db.execute(_NOT_PRESENT, params).fetchone())
    if h.report.maintained and present:
        return _lots(h.report)
    return h.report.sql


def _lots(report: Report, tipo: str = "1") -> str:
    """The report's maintained SELECT of the lots that meet `tipo` (a lot report's)."""
    lots = _FIXED_LOTS if tipo == _ACTIVO else _ALL_LOTS
    return report.maintained.replace("{tipo}", tipo).replace("{lots}", lots)


def _found(
    h: Heading, source: str, search: str | None, page: paging.Page | None = None
) -> tuple[str, dict]:
    """The report's SELECT (`source`) with `search` applied (and the rows after `page`'s
    key, with its key columns), and its extra parameters."""
    where, params = find.where(find.parse(search), _search_fields(h.report))
    columns = ""
    if page is not None:
        seek, seeking = page.where()
        where += [seek.removeprefix(" AND ")] if seek else []
        params |= seeking
        columns = page.columns
    condition = " WHERE " + " AND ".join(where) if where else ""
    return f"SELECT *{columns} FROM ({source}) r{condition}", params


def _query(
    h: Heading, source: str, search: str | None, sort: str | None, descending: bool
) -> tuple:
    """_found's SELECT ordered (by `sort`, a column key, then the report's order)."""
    sql, params = _found(h, source, search)
    sorts = {c.key: f"r.{c.key}" for c in h.report.columns}
    order = find.order_by(sort, descending, sorts, h.report.order) if sort else h.report.order
    return f"{sql} ORDER BY {order}", params


def count(db: Database, h: Heading, *, search: str | None = None) -> int:
    params = _params(db, h)
    if h.report.per_fraccion:
        return len(_per_fraccion(db, h, params, search))
    sql, extra = _found(h, _source(db, h, params), search)  # unordered: nothing to sort
    return db.execute(f"SELECT count(*) FROM ({sql})", params | extra).fetchone()[0]


def _per_fraccion(db: Database, h: Heading, params: dict, search: str | None) -> list[dict]:
    """Balances in UMT per fracción: Σ saldo (UMC) × factor UMC→UMT, exactly (those whose
    fracción or UMT match `search`)."""
    totals: dict[tuple, dict] = {}
    sql = f"SELECT * FROM ({_source(db, h, params)}) ORDER BY {h.report.order}"
    for fraccion, umt, factor, lotes, saldo in db.execute(sql, params):
        row = totals.setdefault(
            (fraccion, umt), {"fraccion": fraccion, "umt": umt, "lotes": 0, "saldo_umt": Decimal(0)}
        )
        row["lotes"] += lotes
        row["saldo_umt"] += Decimal(to_text(saldo)) * Decimal(factor)
    wanted = find.parse(search)
    return [row for row in totals.values() if find.matches((row["fraccion"], row["umt"]), wanted)]


def records(
    db: Database,
    h: Heading,
    *,
    offset: int = 0,
    limit: int | None = None,
    search: str | None = None,
    sort: str | None = None,
    descending: bool = False,
    after: tuple | None = None,
) -> Iterator[dict]:
    """Rows as dicts of the report's columns, values typed for export (quantities as
    Decimal, dates as date, counts as int); those matching `search` (core/search.py), in the
    report's order or by the column `sort`. A keyed report's page (`limit`) carries each
    row's `_after`, and the next one is read `after` the last (core/paging.py)."""
    end = None if limit is None else offset + limit
    params = _params(db, h)
    if h.report.per_fraccion:
        rows = _per_fraccion(db, h, params, search)
        find.sort_rows(rows, sort, descending, [c.key for c in h.report.columns])
        for row in rows[offset:end]:
            yield {c.key: _typed(c, row.get(c.key)) for c in h.report.columns}
        return
    source = _source(db, h, params)
    lots_in_order = "{tipo}" in h.report.maintained and not (search or sort)
    if lots_in_order and limit is not None and source != h.report.sql:
        yield from _typed_rows(h, _lot_page(db, h, params, offset, limit, after))
        return
    if h.report.keyed:
        page = paging.Page(_order(h.report, sort, descending), offset, limit, after)
        sql, extra = _found(h, source, search, page)
        tail, paged = page.tail()
        rows = page.keyed(_dicts(db.execute(sql + tail, params | extra | paged)))
        yield from _typed_rows(h, rows)
        return
    sql, extra = _query(h, source, search, sort, descending)
    params |= extra
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params |= {"limit": limit, "offset": offset}
    yield from _typed_rows(h, _dicts(db.execute(sql, params)))


def _dicts(cursor: sqlite3.Cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


def _typed_rows(h: Heading, rows: Iterable[dict]) -> Iterator[dict]:
    for row in rows:
        typed = {c.key: _typed(c, row.get(c.key)) for c in h.report.columns}
        yield typed | ({"_after": row["_after"]} if "_after" in row else {})


def _order(report: Report, sort: str | None, descending: bool) -> paging.Order:
    """A keyed report's order: by the column `sort`, then its own (unique) order."""
    tie = report.order
    if sort is None:
        return [(column.strip(), False) for column in tie.split(",")]
    return paging.ordering(sort, descending, {c.key: c.key for c in report.columns}, tie)


def _lot_page(
    db: Database, h: Heading, params: dict, offset: int, limit: int, after: tuple | None
) -> list[dict]:
    """A page of the lots with a balance, in the report's order (insumos, then activo fijo
    lots, each by date of entry), each kind read in the order of lot_balances' index of open
    lots: no sort of every open lot. The activo fijo lots, few, are found by entradas_clave
    (_FIXED_LOTS).
    Each row carries its `_after` (activo fijo or not, then the index's order); a page
    `after` one is read from it in the index (core/paging.py), not by skipping rows."""

    def arm(tipo: str, at: int, size: int, key: tuple | None = None) -> list[dict]:
        sql = _lots(h.report, tipo)
        seek, seeking = ("", {}) if key is None else paging.after(_LOT_KEY, key)
        where = f" AND {seek}" if seek else ""
        page = f"{sql}{where} ORDER BY {paging.order_sql(_LOT_KEY)} LIMIT :limit OFFSET :offset"
        rows = _dicts(db.execute(page, params | seeking | {"limit": size, "offset": at}))
        for row in rows:
            fixed = int(row["tipo"] == "activo fijo")
            row["_after"] = (
                fixed,
                row["fecha_entrada"],
                row["pedimento"],
                row["partida"],
                row["eid"],
            )
        return rows

    if after is not None:
        if after[0]:  # within the activo fijo lots
            return arm(_ACTIVO, 0, limit, after[1:])
        rows = arm(_MATERIAL, 0, limit, after[1:])
        return rows + arm(_ACTIVO, 0, limit - len(rows)) if len(rows) < limit else rows
    rows = arm(_MATERIAL, offset, limit)
    if len(rows) < limit:
        insumos = offset + len(rows)
        if not rows and offset:  # a page past the insumos: how many there are
            sql = _lots(h.report, _MATERIAL)
            insumos = db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
        rows += arm(_ACTIVO, max(0, offset - insumos), limit - len(rows))
    return rows


def _typed(col: Col, value: Any) -> object:
    if value is None or value == "":
        return None
    if col.kind == "qty":  # millionths, or a Decimal already (a sum per fracción in UMT)
        return value if isinstance(value, Decimal) else Decimal(to_text(int(value)))
    if col.kind == "money":
        return value if isinstance(value, Decimal) else Decimal(str(value))
    if col.kind == "date":
        return date.fromisoformat(value)
    if col.kind == "int":
        return int(value)
    return value


def _export_value(col: Col, as_text: bool) -> str:
    """A column of the report's row (r) as `_export_rows` gives it: a quantity as text written
    by SQLite (exact, quantities.text_sql), anything else as stored, "" as NULL (None) as
    `_typed` reads it; `as_text`, every value as CSV text (a count as its digits, none as
    "")."""
    column = f"r.{col.key}"
    if col.kind == "qty":
        value = text_sql(column)
    elif not as_text:
        return f"nullif({column}, '')"
    else:
        value = f"CAST({column} AS TEXT)" if col.kind == "int" else column
    return f"coalesce({value}, '')" if as_text else value


def _export_rows(db: Database, h: Heading, *, as_text: bool = False) -> Iterator[Sequence]:
    """Every row of the report in its order, each value as `records` types it but written
    (export.write_rows): quantities and money as text, dates as stored (ISO), counts as int
    (`as_text`: see _export_value); streamed from the cursor (a report per fracción, a row
    per fracción and UMT, from `records`)."""
    if h.report.per_fraccion:
        for record in records(db, h):
            typed = [text(v) if isinstance(v, Decimal) else v for v in record.values()]
            yield [text(v) for v in typed] if as_text else typed
        return
    params = _params(db, h)
    values = ", ".join(_export_value(c, as_text) for c in h.report.columns)
    cursor = db.execute(
        f"SELECT {values} FROM ({_source(db, h, params)}) r ORDER BY {h.report.order}", params
    )
    money = [n for n, c in enumerate(h.report.columns) if c.kind == "money"]
    if not money:
        yield from cursor
        return
    for found in cursor:
        row = list(found)
        for n in money:
            if row[n] not in (None, ""):
                row[n] = text(Decimal(str(row[n])))
        yield row


def write_csv(db: Database, h: Heading, stream: IO[str]) -> None:
    """The header block as `#` lines, then the column names and the rows, every cell inert
    (export.write_rows, as export.csv_row of the typed values: numbers stay numbers and text
    cannot be a formula). A header line is one CSV cell too, quoted when the razón social
    holds a comma or a quote."""
    writer = csv.writer(stream, lineterminator="\n")
    for label, value in h.lines():
        writer.writerow(csv_row([f"# {label}: {value}"]))
    writer.writerow([c.key for c in h.report.columns])
    text_columns = [c.kind == "text" for c in h.report.columns]
    write_rows(stream, _export_rows(db, h, as_text=True), text_columns)


def write_json(db: Database, h: Heading, stream: IO[str]) -> None:
    head = {
        "razon_social": h.razon_social,
        "rfc": h.rfc,
        "reporte": h.report.name,
        "titulo": h.report.title,
        "periodo": h.period,
    }
    stream.write(json_text(head)[:-1] + ', "filas": [')
    keys = [c.key for c in h.report.columns]
    for n, row in enumerate(_export_rows(db, h)):
        stream.write(("," if n else "") + "\n  " + json_text(dict(zip(keys, row, strict=True))))
    stream.write("\n]}\n")


def write_xlsx(db: Database, h: Heading, path: Path) -> None:
    """Header block, typed numeric and date cells, frozen header row, column widths; text
    cells are inert strings (export.xlsx_row) and the file is private (files.private_open)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook(write_only=False)
    sheet = book.active
    assert isinstance(sheet, Worksheet), "a new workbook starts with one worksheet"
    sheet.title = h.report.name[:31]
    for label, value in h.lines():
        xlsx_row(sheet, [label, value])[0].font = Font(bold=True)
    sheet.append([])
    sheet.append([c.label for c in h.report.columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{header_row + 1}"  # a string: touching the cell would add a row
    for record in records(db, h):
        cells = xlsx_row(sheet, list(record.values()))
        for col, cell in zip(h.report.columns, cells, strict=True):
            if col.kind == "date" and cell.value is not None:
                cell.number_format = "yyyy-mm-dd"
            elif col.kind in ("qty", "money"):
                cell.number_format = "0.######"
    for index, col in enumerate(h.report.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(col.width, len(col.label)) + 2
    with files.private_open(path, "wb", like=file_path(db)) as out:
        book.save(out)
