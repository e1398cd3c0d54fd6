"""Data Stage deliveries per client and month: which months came, which are late.

ANAM e-mails each month's data "dentro de los primeros 15 días naturales" of the next month to
a client with a vigente oficio de matriz de seguridad, and without one sends nothing
(anam-pedimento-data-request.txt §2; formats.md §1.1). So month M is due on the 15th of M+1:

- `recibida`: a stored delivery covers M for the client (its period, from the Resumen or the
  payment dates of its 501, holds M and it carried the client's pedimentos, was asked for by
  the client's RFC, or by a broker whose deliveries carry them);
- `por llegar`: not yet, and today is on or before the 15th of M+1;
- `atrasada`: not received after the 15th of M+1 while an oficio was vigente: a dashboard item
  (a month asked again is a reprocess of about 30 business days, §3 of the same text);
- `sin oficio`: not received, and no oficio was vigente when it would have been sent.

The months shown run from the first delivered or oficio month [inferred: an oficio authorised
in month M brings M's data] to the month before today.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from brokertui.core.pedimentos.datastage.oficios import Oficio, by_client

RECEIVED, DUE, LATE, NO_OFICIO = "recibida", "por llegar", "atrasada", "sin oficio"
SEND_BY_DAY = 15  # "dentro de los primeros 15 días naturales de cada mes"


def first_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def due(month: date) -> date:
    """The last day ANAM sends month `month`: the 15th of the next month."""
    return next_month(month).replace(day=SEND_BY_DAY)


def expected(month: date, oficios: list[Oficio]) -> bool:
    """Whether an oficio covers `month`: issued by its end, still vigente when the next month
    (ANAM's sending window) begins."""
    start = next_month(month)
    return any(first_of(o.fecha) <= month and o.vence >= start for o in oficios)


@dataclass(frozen=True)
class Month:
    month: date  # its first day
    estado: str
    due: date
    entregas: tuple[str, ...]  # the zips covering it
    pedimentos: int  # the client's Data Stage pedimentos paid in it


@dataclass(frozen=True)
class ClientDeliveries:
    client_id: int
    rfc: str
    razon_social: str
    oficios: list[Oficio]  # the latest expiry first
    months: list[Month]  # newest first

    def oficio(self) -> Oficio | None:
        return self.oficios[0] if self.oficios else None

    @property
    def late(self) -> list[Month]:
        return [m for m in self.months if m.estado == LATE]


def months_of(
    received: dict[date, list[str]], counts: dict[date, int], oficios: list[Oficio], today: date
) -> list[Month]:
    """Every month from the first delivered or oficio month to the month before `today`,
    newest first, with its state (module docstring)."""
    starts = [*received, *(first_of(o.fecha) for o in oficios)]
    last = first_of(today)
    out: list[Month] = []
    month = min(starts, default=last)
    while month < last:
        if month in received:
            estado = RECEIVED
        elif not expected(month, oficios):
            estado = NO_OFICIO
        else:
            estado = DUE if today <= due(month) else LATE
        out.append(
            Month(month, estado, due(month), tuple(received.get(month, ())), counts.get(month, 0))
        )
        month = next_month(month)
    return out[::-1]


def _months(desde: str, hasta: str) -> list[date]:
    month, end = first_of(date.fromisoformat(desde)), first_of(date.fromisoformat(hasta))
    out: list[date] = []
    while month <= end and len(out) < 600:  # 50 years: a bound, never reached
        out.append(month)
        month = next_month(month)
    return out


def load(db: Database, today: date, rfc: str | None = None) -> list[ClientDeliveries]:
    """The deliveries of every client (or of `rfc`) by month, as of `today`; bajas left out."""
    imports = {
        row["id"]: row
        for row in db.query(
            "SELECT i.id, i.filename, i.solicitante, "
            "coalesce(i.periodo_desde, (SELECT min(fecha_pago) FROM pedimentos p "
            "WHERE p.import_id = i.id)) AS desde, "
            "coalesce(i.periodo_hasta, (SELECT max(fecha_pago) FROM pedimentos p "
            "WHERE p.import_id = i.id)) AS hasta FROM datastage_imports i"
        )
    }
    carried: dict[str, set[int]] = defaultdict(set)  # RFC -> the deliveries carrying it
    for import_id, route_rfc in db.execute("SELECT import_id, rfc FROM datastage_routes"):
        carried[route_rfc].add(import_id)
    for import_id, client_rfc in db.execute(
        "SELECT DISTINCT p.import_id, c.rfc FROM pedimentos p JOIN clients c "
        "ON c.id = p.client_id WHERE p.source = 'datastage' AND p.import_id IS NOT NULL"
    ):
        carried[client_rfc].add(import_id)
    by_asker: dict[str, set[int]] = defaultdict(set)
    for import_id, delivery in imports.items():
        if delivery["solicitante"]:
            by_asker[delivery["solicitante"]].add(import_id)
    counts: dict[int, dict[date, int]] = defaultdict(dict)
    for client_id, month, n in db.execute(
        "SELECT client_id, substr(fecha_pago, 1, 7), count(*) FROM pedimentos "
        "WHERE source = 'datastage' GROUP BY 1, 2"
    ):
        counts[client_id][date.fromisoformat(f"{month}-01")] = n
    oficios = by_client(db)
    sql = "SELECT id, rfc, razon_social FROM clients WHERE baja_date IS NULL"
    params: list = []
    if rfc:
        sql += " AND rfc = ?"
        params.append(rfc.strip().upper())
    out = []
    for client_id, client_rfc, razon in db.execute(sql + " ORDER BY rfc", params):
        mine = set(carried[client_rfc]) | by_asker[client_rfc]
        for asker in {imports[i]["solicitante"] for i in carried[client_rfc] if i in imports}:
            if asker:  # a broker's deliveries cover its clients' months, with or without them
                mine |= by_asker[asker]
        received: dict[date, list[str]] = defaultdict(list)
        for import_id in sorted(mine):
            row = imports.get(import_id)
            if row and row["desde"] and row["hasta"]:
                for month in _months(row["desde"], row["hasta"]):
                    received[month].append(row["filename"])
        mine_oficios = oficios.get(client_id, [])
        months = months_of(received, counts[client_id], mine_oficios, today)
        out.append(ClientDeliveries(client_id, client_rfc, razon, mine_oficios, months))
    return out
