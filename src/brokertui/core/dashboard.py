"""The dashboard (home, F2, `brokertui dashboard`): every client's RAOCE obligations and the
temporary-import lots whose permanence ends soon, merged in one urgency order, filtered and
counted. `build` is pure; `load` reads the database and calls it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlite_utils import Database

from brokertui.core import search as find
from brokertui.core.anexo24 import activo_fijo, timeliness
from brokertui.core.dates import MEXICO
from brokertui.core.pedimentos.datastage import schedule
from brokertui.core.pedimentos.numero import Numero
from brokertui.core.plural import counted
from brokertui.core.quantities import to_text
from brokertui.core.registry import clients, deadlines
from brokertui.core.registry.programs import PROGRAM_TYPES

TEMPORARY = "Temp."  # permanence of temporary imports (rules.md §2), shown with RAOCE rows
OFICIO = "Oficio"  # the oficio de matriz de seguridad's expiry (anam-pedimento-data-request.txt)
DATASTAGE = "DStage"  # clients whose monthly Data Stage delivery is late (datastage/schedule.py)
ACTIVO_FIJO = "AF"  # fixed assets near the end of their permanence (anexo24/activo_fijo.py)
LATE_DATA = "24h"  # clients whose corporate data came more than 24 h late (anexo24/timeliness.py)
# what the program filter accepts
PROGRAMS = (*PROGRAM_TYPES, TEMPORARY, OFICIO, DATASTAGE, ACTIVO_FIJO, LATE_DATA)
URGENT = ("critical", "warning")
STATUS_ES = {
    "not_open": "por abrir",
    "open": "abierto",
    "suspended": "suspendido",
    "cancelled": "cancelado",
    "filed": "presentado",
    "not_required": "no aplica",
}
EVENT_ES = {
    "opens": "abre",
    "due": "vence",
    "final": "último día",
    "correction_window_ends": "fin corrección",
    "reactivation": "reactivación",
}


@dataclass(frozen=True)
class Row:
    """One dashboard line: a program's RAOCE obligation or a temporary-import lot."""

    key: str  # unique: rfc:program, or rfc:Temp.:pedimento:expiry
    severity: str  # deadlines.SEVERITY_ORDER
    rfc: str
    program: str  # a program type, or TEMPORARY for a lot
    status: str  # Spanish: the obligation's status or the lot's bucket
    event: str  # Spanish: the next event ("—" when none), "permanencia" for a lot
    event_date: date | None
    days_left: int | None
    business_days_left: int | None
    razon_social: str
    pedimento: str | None  # a lot's pedimento
    detail: str  # what the screen shows: razón social, or pedimento · categoría · partidas

    def as_dict(self) -> dict:
        """Export row with Spanish column names."""
        return {
            "severidad": self.severity,
            "rfc": self.rfc,
            "programa": self.program,
            "estado": self.status,
            "proximo": self.event,
            "fecha": self.event_date.isoformat() if self.event_date else None,
            "dias": self.days_left,
            "dias_habiles": self.business_days_left,
            "razon_social": self.razon_social,
            "pedimento": self.pedimento,
            "detalle": self.detail,
        }


@dataclass(frozen=True)
class Summary:
    """The counts above the table: obligations by status, lots by days to expiry. They cover
    every row of the client filter, whatever the urgent and program filters hide."""

    open: int
    suspended: int
    due_this_week: int
    cancelled: int
    filed: int
    expired: int
    within_30: int
    within_60: int
    within_90: int


@dataclass(frozen=True)
class Dashboard:
    rows: list[Row]
    summary: Summary


def bucket(days_left: int) -> tuple[str, str]:
    """(label, severity) of a lot by the days left to its expiry."""
    if days_left < 0:
        return "vencido", "critical"
    if days_left <= 30:
        return "≤30 días", "critical"
    if days_left <= 60:
        return "≤60 días", "warning"
    return "≤90 días", "info"


def obligation_row(ob: deadlines.Obligation) -> Row:
    return Row(
        key=f"{ob.rfc}:{ob.program}",
        severity=ob.severity,
        rfc=ob.rfc,
        program=ob.program,
        status=STATUS_ES[ob.status],
        event=EVENT_ES[ob.next_event] if ob.next_event else "—",
        event_date=ob.next_event_date,
        days_left=ob.days_left,
        business_days_left=ob.business_days_left,
        razon_social=ob.razon_social,
        pedimento=None,
        detail=ob.razon_social,
    )


def countdown_row(
    *,
    key: str,
    rfc: str,
    razon_social: str,
    program: str,
    event: str,
    limit: date,
    today: date,
    pedimento: str | None,
    detail: str,
    flag: tuple[str, str] | None = None,
) -> Row:
    """A row counting the days from `today` to `limit`; its (status, severity) is `flag`, or
    by `bucket` of the days left."""
    days_left = (limit - today).days
    label, severity = flag or bucket(days_left)
    return Row(
        key=key,
        severity=severity,
        rfc=rfc,
        program=program,
        status=label,
        event=event,
        event_date=limit,
        days_left=days_left,
        business_days_left=None,
        razon_social=razon_social,
        pedimento=pedimento,
        detail=detail,
    )


def lot_row(lot: dict, today: date) -> Row:
    """A lot from `expiring_lots` as of `today`."""
    return countdown_row(
        key=f"{lot['rfc']}:{TEMPORARY}:{lot['numero']}:{lot['vence_alerta']}",
        rfc=lot["rfc"],
        razon_social=lot["razon_social"],
        program=TEMPORARY,
        event="permanencia",
        limit=date.fromisoformat(lot["vence_alerta"]),
        today=today,
        pedimento=lot["numero"],
        detail=f"{Numero(lot['numero']).spaced()} · {lot['categoria']} · {lot['partidas']} part.",
    )


def oficio_row(client: schedule.ClientDeliveries, today: date) -> Row | None:
    """The countdown to the renewal of a client's latest oficio, from 90 days before its
    expiry on (and once expired: ANAM sends nothing without a vigente one)."""
    oficio = client.oficio()
    if oficio is None or (oficio.vence - today).days > 90:
        return None
    return countdown_row(
        key=f"{client.rfc}:{OFICIO}",
        rfc=client.rfc,
        razon_social=client.razon_social,
        program=OFICIO,
        event="renovar oficio",
        limit=oficio.vence,
        today=today,
        pedimento=None,
        detail=f"Oficio {oficio.numero} · {client.razon_social}",
    )


def late_row(client: schedule.ClientDeliveries, today: date) -> Row | None:
    """A client's months whose Data Stage delivery is late, dated by the oldest's due day."""
    late = client.late[::-1]  # oldest first
    if not late:
        return None
    shown = ", ".join(m.month.strftime("%Y-%m") for m in late[:4])
    return countdown_row(
        key=f"{client.rfc}:{DATASTAGE}",
        rfc=client.rfc,
        razon_social=client.razon_social,
        program=DATASTAGE,
        event="entrega",
        limit=late[0].due,
        today=today,
        pedimento=None,
        detail=f"{counted(len(late), 'mes', 'meses')} sin entrega: "
        f"{shown}{'…' if len(late) > 4 else ''}",
        flag=("atrasada", "critical"),
    )


def late_data_row(client: clients.Client, counts: list[dict], today: date) -> Row | None:
    """A client's operations of this month and the last whose corporate data (entradas, salidas,
    ajustes) arrived more than 24 hours after them (timeliness.counts), per month and kind,
    dated by the first such operation (like the DStage row by its oldest late month)."""
    late = [c for c in counts if c["tardias"] and c["tipo"] in timeliness.CORPORATE]
    if not late:
        return None
    first = date.fromisoformat(min(c["primera_tardia"] for c in late))
    shown = ", ".join(f"{c['mes']} {c['tipo']}s {c['tardias']}" for c in late)
    n = sum(c["tardias"] for c in late)
    return countdown_row(
        key=f"{client.rfc}:{LATE_DATA}",
        rfc=client.rfc,
        razon_social=client.razon_social,
        program=LATE_DATA,
        event="datos > 24 h",
        limit=first,
        today=today,
        pedimento=None,
        detail=f"{counted(n, 'operación', 'operaciones')} con datos de más de 24 h: {shown}",
        flag=("tardía", "warning"),
    )


def late_data_rows(db: Database, today: date, *, rfc: str | None = None) -> list[Row]:
    """late_data_row of each client (or `rfc`) with data arrived since the first of last month,
    as of `today` (data stamped after its end in Mexico City is not counted)."""
    desde = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    until = datetime.combine(today + timedelta(days=1), time(), MEXICO).astimezone(UTC)
    since = datetime.combine(desde, time(), MEXICO).astimezone(UTC).isoformat()
    candidates = db.execute(
        "SELECT rfc FROM clients c WHERE c.baja_date IS NULL AND (:rfc IS NULL OR c.rfc = :rfc) "
        "AND (EXISTS (SELECT 1 FROM interface_imports i WHERE i.client_id = c.id "
        "AND i.imported_at >= :since) OR EXISTS (SELECT 1 FROM ajustes a "
        "WHERE a.client_id = c.id AND a.created_at >= :since)) ORDER BY rfc",
        {"rfc": rfc, "since": since},
    ).fetchall()
    rows = []
    for (code,) in candidates:
        counts = timeliness.counts(db, code, desde, today, until=until)
        row = late_data_row(clients.get_client(db, code), counts, today)
        if row:
            rows.append(row)
    return rows


def delivery_rows(clients_: list[schedule.ClientDeliveries], today: date) -> list[Row]:
    """The oficio and late-delivery rows of each client that has one."""
    rows = [oficio_row(c, today) for c in clients_] + [late_row(c, today) for c in clients_]
    return [row for row in rows if row is not None]


def fixed_asset_row(found: dict, today: date) -> Row:
    """The countdown of a fixed asset with a balance to its permanence limit (an entry of
    `activo_fijo.expiring`): 60 days after its IMMEX program ends (rules.md §2.4)."""
    asset, term = found["asset"], found["term"]
    return countdown_row(
        key=f"{found['rfc']}:{ACTIVO_FIJO}:{asset.pedimento}:{asset.partida}:{asset.numero_parte}",
        rfc=found["rfc"],
        razon_social=found["razon_social"],
        program=ACTIVO_FIJO,
        event="retorno AF",
        limit=term.limite,
        today=today,
        pedimento=asset.pedimento,
        detail=f"{Numero(asset.pedimento).spaced()} · {asset.numero_parte} · saldo "
        f"{to_text(asset.saldo_micro)} · {term.nota}",
    )


def _lot_urgency(row: Row) -> tuple:
    return (deadlines.SEVERITY_ORDER.index(row.severity), row.event_date, row.rfc, row.pedimento)


def summarize(obligations: list[deadlines.Obligation], lots: list[Row], today: date) -> Summary:
    week_end = today + timedelta(days=6 - today.weekday())
    count = {status: sum(o.status == status for o in obligations) for status in deadlines.STATUSES}
    days = [lot.days_left for lot in lots if lot.days_left is not None]  # every lot has them
    return Summary(
        open=count["open"],
        suspended=count["suspended"],
        due_this_week=sum(o.status == "open" and o.due_date <= week_end for o in obligations),
        cancelled=count["cancelled"],
        filed=count["filed"],
        expired=sum(d < 0 for d in days),
        within_30=sum(0 <= d <= 30 for d in days),
        within_60=sum(30 < d <= 60 for d in days),
        within_90=sum(60 < d <= 90 for d in days),
    )


def build(
    obligations: list[deadlines.Obligation],
    lots: list[dict],
    today: date,
    *,
    program: str | None = None,
    urgent_only: bool = False,
    search: str | None = None,
    deliveries: list[Row] | None = None,
) -> Dashboard:
    """Obligations, lots and `deliveries` (delivery_rows) in one list, most urgent first
    (severity, then date), keeping only
    `program`'s rows (TEMPORARY: the lots), if `urgent_only` critical and warning ones, and
    those matching `search` (core/search.py: RFC, razón social, program, status, pedimento, a
    range of the next event's date)."""
    wanted = find.parse(search)
    lot_rows = [lot_row(lot, today) for lot in lots]
    ranked = [(deadlines.urgency(ob), obligation_row(ob)) for ob in obligations]
    ranked += [(_lot_urgency(row), row) for row in [*lot_rows, *(deliveries or [])]]
    ranked.sort(key=lambda pair: pair[0])
    rows = [
        row
        for _, row in ranked
        if (program is None or row.program == program)
        and (not urgent_only or row.severity in URGENT)
        and (not wanted or find.matches(_searched(row), wanted, row.event_date))
    ]
    return Dashboard(rows, summarize(obligations, lot_rows, today))


def _searched(row: Row) -> tuple:
    return (row.rfc, row.razon_social, row.program, row.status, row.event, row.detail)


def load(
    db: Database,
    today: date,
    *,
    year: int | None = None,
    rfc: str | None = None,
    program: str | None = None,
    urgent_only: bool = False,
    search: str | None = None,
) -> Dashboard:
    """The dashboard as of `today` for RAOCE filing `year` (default today's), of one client
    (`rfc`) or all."""
    if rfc:
        rfc = clients.get_client(db, rfc).rfc  # a clear error for an unknown RFC
    obligations = deadlines.obligations(db, year or today.year, today, rfc=rfc)
    lots = expiring_lots(db, today, rfc=rfc)
    deliveries = delivery_rows(schedule.load(db, today, rfc=rfc), today)
    deliveries += [fixed_asset_row(f, today) for f in activo_fijo.expiring(db, today, rfc=rfc)]
    deliveries += late_data_rows(db, today, rfc=rfc)
    return build(
        obligations,
        lots,
        today,
        program=program,
        urgent_only=urgent_only,
        search=search,
        deliveries=deliveries,
    )


_EXPIRING_SQL = """
SELECT c.rfc, c.razon_social, p.numero, p.clave, x.categoria, x.vence_alerta, x.vence_legal,
       count(*) AS partidas
FROM partidas x
JOIN pedimentos p ON p.id = x.pedimento_id
JOIN clients c ON c.id = p.client_id
WHERE x.vence_alerta BETWEEN :desde AND :hasta AND c.baja_date IS NULL
  AND (p.source = 'datastage' OR NOT EXISTS (SELECT 1 FROM pedimentos d
       WHERE d.numero = p.numero AND d.source = 'datastage'))
  AND NOT EXISTS (SELECT 1 FROM pedimentos r WHERE r.rectifica = p.numero)
  -- once discharged to zero by the FIFO ledger, a lot no longer needs attention
  AND NOT EXISTS (
      SELECT 1 FROM entradas e WHERE e.client_id = p.client_id AND e.pedimento = p.numero
        AND e.partida = x.secuencia
        AND CASE c.descargo_modo WHEN 'valor' THEN e.valor_micro ELSE e.cantidad_micro END <= (
            SELECT coalesce(sum(a.cantidad_micro), 0) FROM active_allocations a
            WHERE a.entrada_id = e.id))
"""


def expiring_lots(
    db: Database, on: date, *, within: int = 90, back: int = 90, rfc: str | None = None
) -> list[dict]:
    """Temporary-import lots (partidas grouped by pedimento and expiry) whose permanence ends
    within `within` days or ended in the last `back` days, soonest first.

    A partida discharged to zero by the FIFO ledger is left out; one that is not an inventory
    entry (no part number of the client's materials) counts whole.
    """
    sql = _EXPIRING_SQL
    params = {
        "desde": (on - timedelta(days=back)).isoformat(),
        "hasta": (on + timedelta(days=within)).isoformat(),
    }
    if rfc:
        sql += " AND c.rfc = :rfc"
        params["rfc"] = rfc.strip().upper()
    sql += " GROUP BY p.id, x.vence_alerta, x.categoria ORDER BY x.vence_alerta, p.numero"
    return list(db.query(sql, params))
