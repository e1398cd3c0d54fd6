"""The discharge ledger: runs of the FIFO engine (anexo24/fifo.py) over a client's entries and
exits, their append-only allocation rows, undo, and re-running from a date.

Balances are derived from the ledger: a lot's balance is its quantity minus the allocations in
force (`active_allocations`: of committed runs, not reversed by a committed run, found by index
through `allocations.reversed_by`, with no lookup per row among the runs, so that reads cost the
same however many runs were committed (migration 0036); `allocation_reversals` keeps the
history). A run writes its
reversals in turns before its commit, which flips its status with `pending_marks` set: its
reversals hide their rows until it has written `reversed_by` on them, in turns after (migration
0031). An undo sets the flag again, clears `reversed_by` in turns, then flips the status, and
marks the run's own rows reversed_by = their run, out of the index of rows in force. Marks an
interrupted commit or undo (or one a colleague's run raced) left to write are written by the
next commit or undo (`_tidy_client`), so the index holds only the rows in force once they are
done. Each lot's balance is also kept
(lot_balances: what the allocations in force took from it, and whether that used it up), moved
by `_balance` in the transaction that commits or undoes a run, so the saldos reports read their
pages by index; check() compares it with the allocations it sums. A run
from a date first reverses every allocation in force of exits on or after that date, then
discharges them again with everything before it, so a late entry or exit ends as if it had come
in order. A run without a date finds that date itself when late data needs it.

A client's ledger is in one of three modes (`Client.ledger_mode`): `cantidad`, the quantity
per part number, `valor`, the USD value per fracción arancelaria (Anexo 24, Apartado A,
módulo de salidas, the paragraph on certified companies), or `pedimento`, the USD value a
nivel pedimento (Apartado B, módulo de procesos, proceso de descargos, numeral 5). By value
each material consumed is priced at the weighted-average unit value of its temporary entries up
to the exit's date (an open question: neither Anexo 24 nor the issue fixes the rule), the
values of an exit are summed per fracción (or, a nivel pedimento, into one amount), and the
engine discharges them from the oldest lots of that fracción (or the oldest pedimento), whose
amount is the entry's `valor_usd`. A nivel pedimento, "el saldo en pedimentos de importación se
interpretará que corresponde a las mercancías con tasa arancelaria mayor, contenida en el
pedimento" (the paragraph after numeral 5): so within a pedimento its partidas are discharged
lowest IGI rate first (contributions.TASA_IGI; an unknown rate counts as the highest), and what is
left of it is the value of the goods with the highest rate. An exit with a material that has no
valued entry yet stays pending, whole, and is reported.

A run never holds the write lock for long (issue 12): it claims the client (its row, status
'escribiendo', one run per client at a time), computes from one snapshot outside any write
transaction, writes its rows in turns of short transactions (db.turns; nothing reads a run
that is not committed), and commits in a last short transaction that checks the client's data
did not change meanwhile (else the rows are discarded and the run computed again).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import islice

import numpy as np
from sqlite_utils import Database

from brokertui.core import collector, leases, log, paging
from brokertui.core import search as find
from brokertui.core.anexo24 import balances, contributions, entries, fifo, interfaces, scope
from brokertui.core.anexo24.scope import LOT_KEY
from brokertui.core.db import now, os_user, snapshot, transaction, turns, write
from brokertui.core.errors import Conflict, InvalidInput, NotFound
from brokertui.core.plural import counted
from brokertui.core.quantities import SCALE, text_sql, times, to_text
from brokertui.core.registry import clients

Progress = Callable[[int, int, str], None]
# Entries (as e) and exits (as s) the discharge reads: not of an interface import still being
# written, and no fixed asset's exit (scope.LOADED_S).
LOADED_E, LOADED_S = interfaces.loaded("e"), scope.LOADED_S
BATCH = 50_000
STEP = 1_000  # rows a run writes per statement (as many as fit in a turn, db.turns)
SMALL = 3  # statements a run writes in its commit rather than in turns before it
ATTEMPTS = 3  # computations of a run whose client's data changed meanwhile, before refusing
MODES = ("cantidad", "valor", "pedimento")
EXPORT_COLUMNS = {
    "cantidad": [
        "documento",
        "numero_parte",
        "pedimento",
        "partida",
        "fecha_entrada",
        "cantidad",
        "vencido",
    ],
    "valor": [
        "documento",
        "fraccion",
        "pedimento",
        "partida",
        "fecha_entrada",
        "valor_usd",
        "vencido",
    ],
    "pedimento": ["documento", "pedimento", "partida", "fecha_entrada", "valor_usd", "vencido"],
}


@dataclass
class RunResult:
    run_id: int | None
    desde: str | None
    hasta: str
    demands: int = 0
    allocations: int = 0
    shortfalls: int = 0
    vencidos: int = 0
    reversed: int = 0
    entries_added: int = 0
    dry_run: bool = False
    shortfall_parts: list[str] = field(default_factory=list)
    modo: str = "cantidad"
    sin_valor: int = 0  # value mode: exits left pending, a material without a valued entry
    sin_valor_parts: list[str] = field(default_factory=list)
    # A dry run: the first PREVIEW rows it would write, shaped as allocations() rows
    preview: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        """What the run did, in Spanish (the CLI and F5 say the same)."""
        head = "Vista previa (nada se guardó)" if self.dry_run else f"Corrida {self.run_id}"
        since = f" desde {self.desde}" if self.desde else ""
        return (
            f"{head}: {counted(self.demands, 'demanda')}, "
            f"{counted(self.allocations, 'asignación', 'asignaciones')}, "
            f"{counted(self.shortfalls, 'faltante')}, "
            f"{counted(self.vencidos, 'de lote vencido', 'de lotes vencidos')}, "
            f"{counted(self.reversed, 'revertida')} (salidas hasta {self.hasta}{since})."
        )

    def pending(self) -> str:
        """The exits that value mode left pending, and the materials without a valued entry
        that held them ('' when none)."""
        if not self.sin_valor:
            return ""
        left = counted(self.sin_valor, "salida queda pendiente", "salidas quedan pendientes")
        return f"{left}: sin entradas con valor_usd de " + ", ".join(self.sin_valor_parts)


class _Changed(Exception):
    """Raised inside a run's last transaction to roll it back: its inputs changed."""


def mode(db: Database, client_id: int) -> str:
    """The client's ledger mode: 'cantidad', 'valor' or 'pedimento' (Client.ledger_mode)."""
    modo, nivel = db.execute(
        "SELECT descargo_modo, descargo_nivel FROM clients WHERE id = ?", [client_id]
    ).fetchone()
    return "pedimento" if modo == "valor" and nivel == "pedimento" else modo


def set_mode(db: Database, rfc: str, modo: str) -> str:
    """Switch the client's ledger mode. Refused while allocations are in force: quantity and
    value allocations cannot share balances (undo the runs first)."""
    if modo not in MODES:
        raise InvalidInput("modo", "debe ser cantidad, valor o pedimento")
    client = clients.get_client(db, rfc)
    with write(db, "discharge.mode", "client", client.rfc, {"modo": modo}):
        current = mode(db, client.id)
        in_force = count_allocations(db, client.rfc)
        if modo != current and in_force:
            raise InvalidInput(
                "modo",
                f"{client.rfc} tiene {counted(in_force, 'asignación', 'asignaciones')} por "
                f"{current} en vigor; deshaga sus corridas antes de descargar por {modo}",
            )
        clients.set_descargo_modo(db, client.id, modo)
        # Nothing is in force: the lots' balances are their amounts in the new mode.
        balances.rebuild_parts(db, client.id, LOT_AMOUNT[modo])
    return modo


LOT_AMOUNT = {
    "cantidad": "e.cantidad_micro",
    "valor": "e.valor_micro",
    "pedimento": "e.valor_micro",
}

# Activo fijo lots (entries.fixed_asset) are no material's: no exit takes them, no price uses them.
FIXED_ASSET = entries.fixed_asset("e")

# The lots of the dirty keys, oldest first, with their balance once the run's candidates are
# taken back (each lot's allocations in force summed by index).
_LOTS_SQL = f"""
SELECT e.id, {{key}} AS lot_key, e.fecha_entrada,
       {{amount}} - coalesce((SELECT sum(a.cantidad_micro) FROM active_allocations a
                             WHERE a.entrada_id = e.id
                               AND a.id NOT IN (SELECT id FROM temp.candidates)), 0),
       e.vence
FROM {{source}}
WHERE e.client_id = :client AND {{amount}} IS NOT NULL AND {LOADED_E}
  AND NOT {FIXED_ASSET}
ORDER BY lot_key, e.fecha_entrada, e.pedimento, {{within}} e.partida
"""
# A nivel pedimento, a pedimento's partidas lowest IGI rate first (an unknown rate last), so
# what is left of it is the goods with the highest rate (module doc).
_WITHIN_PEDIMENTO = {"pedimento": f"CAST({contributions.TASA_IGI} AS REAL) NULLS LAST,"}
_LOT_SOURCE = {
    # by index: the entries of each dirty part number, the few dirty keys outermost
    "cantidad": "temp.dirty_keys d CROSS JOIN entradas e ON e.client_id = :client "
    "AND e.numero_parte = d.key",
    "valor": f"entradas e JOIN temp.dirty_keys d ON d.key = {LOT_KEY['valor']}",
    "pedimento": f"entradas e JOIN temp.dirty_keys d ON d.key = {LOT_KEY['pedimento']}",
}

# Every exit pending (or, for the check, discharged), exploded through the BOM.
_EXIT_DEMANDS_SQL = scope.EXPLODED.format(
    source="salidas s",
    where="s.fecha <= :hasta AND {discharged} EXISTS (SELECT 1 FROM active_allocations a "
    "WHERE a.salida_id = s.id)",
)

# The valued material entries of the parts demanded, for the average unit value of each material.
_ENTRIES_SQL = f"""
SELECT e.numero_parte, e.fecha_entrada, e.cantidad_micro, e.valor_micro FROM entradas e
WHERE e.client_id = :client AND e.valor_micro IS NOT NULL AND {LOADED_E}
  AND NOT {FIXED_ASSET} {{parts}}
ORDER BY e.numero_parte, e.fecha_entrada
"""


def _demands(rows) -> Iterator[fifo.Demand]:
    """Quantity demands from (exit, part, fecha, quantity, BOM factor) rows sorted by part."""
    for sid, part, fecha, qty, factor in rows:
        yield fifo.Demand(sid, part, fecha, sid, qty if factor is None else times(qty, factor))


class _Keys:
    """Keys (part numbers, fracciones) as small integers shared by a run's lots and demands,
    so that a million rows keep no string each."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def __call__(self, values: tuple) -> np.ndarray:
        codes = self.codes
        return np.array([codes.setdefault(v, len(codes)) for v in values], dtype=np.int64)

    def names(self) -> np.ndarray:
        return np.array(list(self.codes), dtype=object)


def _ids(values: tuple) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _numbers(values: tuple) -> np.ndarray:
    return np.array(values, dtype=object)  # Python integers, None kept


def _integers(values: tuple) -> np.ndarray:
    """int64 when every value is an integer (SQLite's fit), else Python objects as they came
    (fifo.exact decides): a million amounts take 8 bytes each, not a Python integer each."""
    column = np.array(values)
    return column if column.dtype == np.int64 else _numbers(values)


def _columns(cursor, kinds: tuple) -> list[np.ndarray]:
    """The cursor's rows as columns, each made by its kind from BATCH rows at a time."""
    parts: list[list[np.ndarray]] = [[] for _ in kinds]
    while batch := cursor.fetchmany(BATCH):
        for column, kind, values in zip(parts, kinds, zip(*batch, strict=True), strict=True):
            column.append(kind(values))
    return [np.concatenate(c) if c else kind(()) for c, kind in zip(parts, kinds, strict=True)]


def _demand_columns(cursor, keys: _Keys) -> tuple[np.ndarray, fifo.Demands]:
    """Each demand's exit id and the demands, from (exit, part, fecha, quantity, BOM factor)
    rows in the engine's order (the quantity times the factor)."""
    kinds = (_ids, keys, fifo.days, _integers, _integers)
    ids, part, fecha, quantity, factor = _columns(cursor, kinds)
    if quantity.dtype != object and factor.dtype != object and len(quantity):
        top = max(abs(int(quantity.min())), int(quantity.max()))
        if top * max(abs(int(factor.min())), int(factor.max())) >= 2**63 - SCALE:
            quantity = quantity.astype(object)  # their products need Python integers
    return ids, fifo.Demands(part, fecha, fifo.exact(times(quantity, factor)))


def _discharged_demands(db: Database, params: dict) -> Iterator[fifo.Demand]:
    """The materials the discharged exits consume, sorted by part (what the check expects)."""
    sql = _EXIT_DEMANDS_SQL.format(discharged="") + " ORDER BY part, s.fecha, s.id"
    return _demands(db.execute(sql, params))


def _priced(db: Database, params: dict, modo: str, demands: Iterator[fifo.Demand]):
    """(demand, key, USD millionths or None) for each material demand by value, its key the
    material's fracción (or, a nivel pedimento, scope.PEDIMENTO_KEY; None: not a material),
    priced with the valued entries of the client by the reference valuation (the check's)."""
    keys = _fracciones(db, params, modo)
    entry_rows = db.execute(_ENTRIES_SQL.format(parts=""), params)
    entries = (fifo.Entry(*row) for row in entry_rows)
    try:
        for demand, value in fifo.valued(entries, demands):
            yield demand, keys.get(demand.part), value
    finally:
        entry_rows.close()  # entries of parts no exit needs are left unread


def _value_demands(
    db: Database, params: dict, result: RunResult, keys: _Keys
) -> tuple[np.ndarray, fifo.Demands]:
    """The demands by value: each exit's material values (of the dirty parts, priced by
    fifo.prices over columns) summed per fracción (or a nivel pedimento), in the engine's order
    (fracción, fecha, exit). Exits with a material that cannot be priced are left out, whole,
    and counted in `result`."""
    parts = _Keys()
    demand_ids, material = _demand_columns(db.execute(scope.DIRTY_DEMANDS, params), parts)
    entries_sql = _ENTRIES_SQL.format(
        parts="AND e.numero_parte IN (SELECT part FROM temp.dirty_parts)"
    )
    part, fecha, quantity, value = _columns(
        db.execute(entries_sql, params), (parts, fifo.days, _numbers, _numbers)
    )
    priced = fifo.prices(
        fifo.Entries(part, fecha, fifo.exact(quantity), fifo.exact(value)), material
    )
    names = parts.names()
    fracciones = _fracciones(db, params, result.modo)
    fraccion = np.array([fracciones.get(name) for name in names], dtype=object)[material.key]
    # A value of 0 counts for nothing; a material with no price yet or no fracción leaves its
    # whole exit out.
    valued = priced != 0
    unpriced = valued & ((priced == None) | (fraccion == None))  # noqa: E711 (elementwise)
    unvalued, first = np.unique(demand_ids[unpriced], return_index=True)
    result.sin_valor = len(unvalued)
    result.sin_valor_parts = sorted(set(names[material.key[unpriced][first]]))[:20]
    kept = np.flatnonzero(valued & ~np.isin(demand_ids, unvalued))
    text, rank = np.unique(fraccion[kept].astype(str), return_inverse=True)
    ids, day = demand_ids[kept], material.fecha[kept]
    order = np.lexsort((ids, day, rank))
    ids, day, rank, amount = ids[order], day[order], rank[order], priced[kept][order]
    # One demand per fracción and exit: the sum of its materials' values.
    starts = np.flatnonzero(np.diff(rank, prepend=-1) | np.diff(ids, prepend=-1))
    total = np.add.reduceat(amount, starts) if len(starts) else amount
    return ids[starts], fifo.Demands(
        keys(tuple(text[rank[starts]].tolist())), day[starts], fifo.exact(total)
    )


def _fracciones(db: Database, params: dict, modo: str) -> dict[str, str]:
    """Each material's key by value: its fracción, or a nivel pedimento scope.PEDIMENTO_KEY."""
    keys = dict(
        db.execute(
            "SELECT numero_parte, fraccion FROM materiales WHERE client_id = :client", params
        ).fetchall()
    )
    return dict.fromkeys(keys, scope.PEDIMENTO_KEY) if modo == "pedimento" else keys


def run(
    db: Database,
    rfc: str,
    *,
    hasta: date,
    desde: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Discharge every pending exit up to `hasta` (re-discharging from `desde` when given or
    when late data needs it) as one run, which readers see whole or not at all. A dry run
    only computes. Another run of the client in progress is refused with who runs it."""
    with _scratch_in_memory(db):
        return _run(db, rfc, hasta=hasta, desde=desde, dry_run=dry_run, progress=progress)


@contextmanager
def _scratch_in_memory(db: Database) -> Iterator[None]:
    """The connection's temporary tables in memory meanwhile, not in a temporary file: a run's
    scratch holds its million computed rows, and at scale 1 writing and reading that file was
    2.2 of the run's 2.8 s of system CPU (peak RSS +3 MB: the engine's columns are gone by
    then). SQLite takes the setting only outside a transaction and drops the connection's
    temporary tables when it changes (a run's own are made inside); it is put back after."""
    if db.conn.in_transaction:
        yield
        return
    before = db.execute("PRAGMA temp_store").fetchone()[0]
    db.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        db.execute(f"PRAGMA temp_store = {int(before)}")


def _run(
    db: Database,
    rfc: str,
    *,
    hasta: date,
    desde: date | None,
    dry_run: bool,
    progress: Progress | None,
) -> RunResult:
    report = progress or (lambda done, total, stage: None)
    client = clients.get_client(db, rfc)
    if dry_run:
        result = _new_result(desde, hasta, dry_run=True)
        try:
            with snapshot(db):
                _compute(db, client.id, result, report)
                result.preview = _rows(db.query(_PREVIEW_SELECT, [PREVIEW]))
        finally:
            _drop_scratch(db)
        return result
    claim, taken_over = _claim(db, client, hasta)
    try:
        if taken_over:
            _purge(db, claim)
        with transaction(db):
            added = entries.sync_from_pedimentos(db, client.id)
        for _ in range(ATTEMPTS):
            result = _new_result(desde, hasta)
            result.entries_added = added
            with snapshot(db):
                inputs = _inputs(db, client.id)
                params = _compute(db, client.id, result, report)
            result.run_id = claim.run_id
            _write(db, claim, result, report)
            if _commit(db, client, claim, result, params, inputs):
                _tidy_client(db, client.id)
                report(result.demands, result.demands or 1, "Listo")
                return result
            _purge(db, claim)
        raise Conflict(
            "rfc",
            f"los datos de {client.rfc} cambiaron {ATTEMPTS} veces mientras se calculaba el "
            "descargo (importaciones o ajustes de otros usuarios); nada se guardó, córralo de "
            "nuevo",
        )
    except BaseException:
        _abandon(db, claim)
        raise
    finally:
        leases.drop(claim.holder)
        _drop_scratch(db)


def _new_result(desde: date | None, hasta: date, *, dry_run: bool = False) -> RunResult:
    return RunResult(None, desde.isoformat() if desde else None, hasta.isoformat(), dry_run=dry_run)


@dataclass(frozen=True)
class _Claim:
    run_id: int
    holder: str


def _claim(db: Database, client: clients.Client, hasta: date) -> tuple[_Claim, bool]:
    """The client's discharge, claimed in a short transaction by a new run in 'escribiendo'
    or by taking over one whose process died (True: its rows must be purged). Conflict when a
    live one holds it."""
    holder = leases.take()
    try:
        with transaction(db):
            row = db.execute(
                "SELECT id, os_user, started_at, holder, heartbeat FROM discharge_runs "
                "WHERE client_id = ? AND status = 'escribiendo'",
                [client.id],
            ).fetchone()
            if row and leases.alive(row[3], row[4]):
                raise Conflict(
                    "rfc",
                    f"descargo de {client.rfc} en curso por {row[1]} desde "
                    f"{leases.since(row[2])}; espere a que termine",
                )
            values = [now(), os_user(), hasta.isoformat(), holder, leases.stamp()]
            if row:
                db.execute(
                    "UPDATE discharge_runs SET started_at = ?, os_user = ?, hasta = ?, "
                    "holder = ?, heartbeat = ? WHERE id = ?",
                    [*values, row[0]],
                )
                run_id = row[0]
            else:
                run_id = db.execute(
                    "INSERT INTO discharge_runs (client_id, started_at, os_user, hasta, "
                    "holder, heartbeat, params, status) "
                    "VALUES (?, ?, ?, ?, ?, ?, '{}', 'escribiendo')",
                    [client.id, *values],
                ).lastrowid
    except BaseException:
        leases.drop(holder)
        raise
    return _Claim(run_id, holder), row is not None


def _renew(db: Database, claim: _Claim) -> None:
    """Inside a write transaction: the run's heartbeat, after checking it is still ours."""
    if not db.execute(
        "UPDATE discharge_runs SET heartbeat = ? WHERE id = ? AND holder = ?",
        [leases.stamp(), claim.run_id, claim.holder],
    ).rowcount:
        raise Conflict(
            "rfc",
            "otro proceso tomó este descargo por abandonado (no dio señales en "
            f"{leases.STALE.seconds // 60} min); nada se guardó, córralo de nuevo",
        )


def _inputs(db: Database, client_id: int) -> tuple:
    """What a run reads of the client, summed up through where it comes from, so that the
    check holds the lock for milliseconds even on a million rows: entries and exits are only
    ever added, by an interface import when it is done, an ajuste or a pedimento stored
    (entries.py, interfaces.py); the allocations in force change with a run committed or
    undone; then the mode. Any of them since a run read its data changes this."""
    return db.execute(
        "SELECT (SELECT count(*) || ':' || coalesce(max(id), 0) FROM interface_imports "
        "WHERE client_id = :c AND estado = 'hecho'), "
        "(SELECT count(*) || ':' || coalesce(max(id), 0) FROM ajustes WHERE client_id = :c), "
        "(SELECT count(*) || ':' || coalesce(max(id), 0) FROM pedimentos WHERE client_id = :c), "
        "(SELECT count(*) || ':' || coalesce(max(id), 0) FROM discharge_runs "
        "WHERE client_id = :c AND status = 'committed'), "
        "(SELECT descargo_modo || descargo_nivel FROM clients WHERE id = :c)",
        {"c": client_id},
    ).fetchone()


def _compute(db: Database, client_id: int, result: RunResult, report: Progress) -> dict:
    """Inside one snapshot: the run's reversals (temp.reversed) and allocations
    (temp.new_allocations), counted in `result`; returns the run's params. Only the keys the
    new data can affect are redone, from their dates (core/anexo24/scope.py), and of what they
    had in force only what changes is replaced: an exit's rows of a key, whole."""
    report(0, 1, "Preparando")
    result.modo = mode(db, client_id)
    marks = scope.marks(db, client_id, result.hasta)
    _drop_scratch(db)
    earliest = scope.mark(db, client_id, result.modo, result.hasta, result.desde)
    result.desde = result.desde or earliest
    params = {"client": client_id, "hasta": result.hasta}
    # The engine's rows (created first: a change to the temporary schema would abort the
    # queries being read).
    db.execute(
        "CREATE TEMP TABLE computed (salida_id INTEGER, numero_parte TEXT, "
        "entrada_id INTEGER, cantidad_micro INTEGER, vencido INTEGER)"
    )
    _discharge(db, params, result, report)
    _changes(db, result)
    _prepare_balances(db, result.modo, _RUN_CHANGES, use=_CANDIDATES_USE)
    for scratch in ("computed", "changed"):
        db.execute(f"DROP TABLE IF EXISTS temp.{scratch}")
    return marks | {"modo": result.modo}


def _discharge(db: Database, params: dict, result: RunResult, report: Progress) -> None:
    """The engine over the dirty keys' demands and lots, read as columns; its rows into
    temp.computed."""
    with collector.paused():  # a million rows read hold no cycles
        keys = _Keys()
        if result.modo != "cantidad":
            demand_ids, demands = _value_demands(db, params, result, keys)
        else:
            demand_ids, demands = _demand_columns(db.execute(scope.DIRTY_DEMANDS, params), keys)
        lots_sql = _LOTS_SQL.format(
            key=LOT_KEY[result.modo],
            amount=LOT_AMOUNT[result.modo],
            source=_LOT_SOURCE[result.modo],
            within=_WITHIN_PEDIMENTO.get(result.modo, ""),
        )
        kinds = (_ids, keys, fifo.days, _integers, fifo.days)
        lot_ids, lot_key, lot_fecha, balance, vence = _columns(db.execute(lots_sql, params), kinds)
        report(0, 1, "Descargando")
        lots = fifo.Lots(lot_key, lot_fecha, fifo.exact(balance), vence)
        result.demands = len(demand_ids)
        taken = fifo.allocate(lots, demands)
        names, lot_ids = keys.names(), np.append(lot_ids.astype(object), [None])  # None: short
        _count_use(db, params["client"], taken, demands, names)
        # In the engine's order, key by key: the order the ledger is written in (_changes).
        for start in range(0, len(taken.demand), BATCH):
            rows = slice(start, start + BATCH)
            demand = taken.demand[rows]
            db.conn.executemany(
                "INSERT INTO temp.computed VALUES (?, ?, ?, ?, ?)",
                zip(
                    demand_ids[demand].tolist(),
                    names[demands.key[demand]].tolist(),
                    lot_ids[taken.lot[rows]].tolist(),
                    taken.quantity[rows].tolist(),
                    taken.vencido[rows].astype(np.int64).tolist(),
                    strict=True,
                ),
            )


def _count_use(
    db: Database, client_id: int, taken: fifo.Taken, demands: fifo.Demands, names: np.ndarray
) -> None:
    """What the engine's rows add to each key's use in the month of their exits (part_use),
    summed over columns into temp.use_deltas: from lots, short, and the exits (a demand is one
    exit's need of one key, so each demand with rows is one exit counted)."""
    db.execute(
        "CREATE TEMP TABLE use_deltas (client_id INTEGER, mes TEXT, numero_parte TEXT, "
        "descargado INTEGER, faltante INTEGER, salidas INTEGER)"
    )
    if not len(taken.demand):
        return
    month = demands.fecha.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    span = month.max() - month.min() + 1
    group = (demands.key * span + month - month.min())[taken.demand]
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.diff(group[order], prepend=-1))
    short = taken.lot[order] < 0
    quantity = taken.quantity[order]
    zero = np.zeros_like(quantity)
    first = np.diff(taken.demand, prepend=-1)[order] != 0  # a demand's first row
    at = order[starts]
    db.conn.executemany(
        "INSERT INTO temp.use_deltas VALUES (?, ?, ?, ?, ?, ?)",
        zip(
            [client_id] * len(starts),
            np.datetime_as_string(month[taken.demand[at]].astype("datetime64[M]")).tolist(),
            names[demands.key[taken.demand[at]]].tolist(),
            np.add.reduceat(np.where(short, zero, quantity), starts).tolist(),
            np.add.reduceat(np.where(short, quantity, zero), starts).tolist(),
            np.add.reduceat(first.astype(np.int64), starts).tolist(),
            strict=True,
        ),
    )


def _changes(db: Database, result: RunResult) -> None:
    """What the run writes: of the candidates (the rows in force it recomputed), the exits'
    rows of a key that come out different are reversed (temp.reversed) and replaced by the new
    ones (temp.new_allocations); the rows that come out the same stay. New rows go in the
    engine's order, key by key, each exit's rows of a key together and in its order (what the
    ledger's readers order by after the exit): a turn's rows then fall together in the
    indexes by key and by lot (one place per key instead of one per key and turn: half the
    pages a commit writes, at scale 0.3 the writing took half the time), only the index by
    exit taking them here and there."""
    db.execute("CREATE TEMP TABLE reversed (allocation_id INTEGER)")
    if not db.execute("SELECT 1 FROM temp.candidates LIMIT 1").fetchone():
        db.execute("ALTER TABLE temp.computed RENAME TO new_allocations")  # in write order
    else:
        same = (
            "{a}.salida_id = {b}.salida_id AND {a}.numero_parte = {b}.numero_parte AND "
            "{a}.entrada_id IS {b}.entrada_id AND {a}.cantidad_micro = {b}.cantidad_micro AND "
            "{a}.vencido = {b}.vencido"
        )
        db.execute("CREATE INDEX temp.computed_key ON computed (salida_id, numero_parte)")
        db.execute("CREATE INDEX temp.candidates_key ON candidates (salida_id, numero_parte)")
        db.execute(
            "CREATE TEMP TABLE changed AS "
            "SELECT salida_id, numero_parte FROM temp.candidates c WHERE NOT EXISTS "
            f"(SELECT 1 FROM temp.computed n WHERE {same.format(a='n', b='c')}) "
            "UNION SELECT salida_id, numero_parte FROM temp.computed n WHERE NOT EXISTS "
            f"(SELECT 1 FROM temp.candidates c WHERE {same.format(a='c', b='n')})"
        )
        db.execute("CREATE INDEX temp.changed_key ON changed (salida_id, numero_parte)")
        in_changed = (
            "EXISTS (SELECT 1 FROM temp.changed g WHERE g.salida_id = {t}.salida_id "
            "AND g.numero_parte = {t}.numero_parte)"
        )
        result.reversed = db.execute(
            "INSERT INTO temp.reversed SELECT c.id FROM temp.candidates c "
            f"WHERE {in_changed.format(t='c')} ORDER BY c.id"
        ).rowcount
        db.execute(
            "CREATE TEMP TABLE new_allocations AS SELECT n.* FROM temp.computed n "
            f"WHERE {in_changed.format(t='n')} ORDER BY n.rowid"
        )
    shortfall_parts = set()
    for part, faltante, vencido, count in db.execute(
        "SELECT numero_parte, entrada_id IS NULL, vencido, count(*) FROM temp.new_allocations "
        "GROUP BY 1, 2, 3"
    ):
        result.allocations += count
        if faltante:
            result.shortfalls += count
            shortfall_parts.add(part)
        elif vencido:
            result.vencidos += count
    result.shortfall_parts = sorted(shortfall_parts)[:20]


# The rows a run changes (sign 1: its new allocations; -1: those it reverses), or an undo (the
# other way round; read before the run's reversals are cleared). Of a run's use per month, the
# rows it recomputed are counted by the engine (_count_use) and those it had in force (its
# candidates, replaced or kept alike) here: their difference is the change.
_RUN_CHANGES = (
    "SELECT salida_id, numero_parte, entrada_id, cantidad_micro, 1 AS sign "
    "FROM temp.new_allocations UNION ALL "
    "SELECT a.salida_id, a.numero_parte, a.entrada_id, a.cantidad_micro, -1 "
    "FROM temp.reversed r JOIN allocations a ON a.id = r.allocation_id"
)
_CANDIDATES_USE = (
    "SELECT salida_id, numero_parte, entrada_id, cantidad_micro, -1 AS sign FROM temp.candidates"
)
_UNDO_CHANGES = (
    "SELECT salida_id, numero_parte, entrada_id, cantidad_micro, -1 AS sign "
    "FROM allocations WHERE run_id = :run UNION ALL "
    "SELECT a.salida_id, a.numero_parte, a.entrada_id, a.cantidad_micro, 1 "
    "FROM allocation_reversals v JOIN allocations a ON a.id = v.allocation_id "
    "WHERE v.run_id = :run"
)


def _lot_deltas(changes: str) -> str:
    """SQL: what `changes` move each lot's balance (lot_balances.used_micro) by."""
    return (
        "SELECT entrada_id, sum(sign * cantidad_micro) AS delta FROM "
        f"({changes}) WHERE entrada_id IS NOT NULL GROUP BY entrada_id HAVING delta <> 0"
    )


def _use_deltas(changes: str) -> str:
    """SQL: what `changes` move each key's use in the month of its exits (part_use) by: an
    exit's rows of a key are replaced whole (_changes), so its exits counted are those it
    gains less those it loses."""
    return (
        "SELECT s.client_id, substr(s.fecha, 1, 7) AS mes, c.numero_parte, "
        "sum(CASE WHEN c.entrada_id IS NULL THEN 0 ELSE c.sign * c.cantidad_micro END) "
        "AS descargado, sum(CASE WHEN c.entrada_id IS NULL THEN c.sign * c.cantidad_micro "
        "ELSE 0 END) AS faltante, count(DISTINCT CASE WHEN c.sign > 0 THEN c.salida_id END) "
        "- count(DISTINCT CASE WHEN c.sign < 0 THEN c.salida_id END) AS salidas "
        f"FROM ({changes}) c JOIN salidas s ON s.id = c.salida_id GROUP BY 1, 2, 3"
    )


def _prepare_balances(
    db: Database, modo: str, changes: str, params: dict | None = None, *, use: str | None = None
) -> None:
    """Outside the write lock, in the snapshot a run or an undo read: what `changes`
    (_RUN_CHANGES, _UNDO_CHANGES) make of the kept balances, for _balance to write: each key's
    use per month (temp.use_deltas; a run's engine counted its own rows there, `use` are the
    rows that change it further), each lot's new balance (temp.moved: its balance before,
    still the one in force when written, since a run or undo committed meanwhile makes the
    writer compute again) and each part number's lots with a balance and their sum
    (temp.part_deltas)."""
    if use is None:
        db.execute(f"CREATE TEMP TABLE use_deltas AS {_use_deltas(changes)}", params or {})
    else:
        db.execute(f"INSERT INTO temp.use_deltas {_use_deltas(use)}", params or {})
    db.execute(
        "CREATE TEMP TABLE moved AS SELECT d.entrada_id, e.client_id, e.numero_parte, "
        "e.fraccion, b.used_micro AS used, b.used_micro + d.delta AS now, "
        f"coalesce({LOT_AMOUNT[modo]}, 0) AS amount FROM ({_lot_deltas(changes)}) d "
        "JOIN entradas e ON e.id = d.entrada_id JOIN lot_balances b ON b.entrada_id = d.entrada_id "
        "ORDER BY d.entrada_id",
        params or {},
    )
    db.execute(
        "CREATE TEMP TABLE part_deltas AS SELECT client_id, numero_parte, fraccion, "
        "sum((amount > now) - (amount > used)) AS lotes, "
        "sum(max(amount - now, 0) - max(amount - used, 0)) AS saldo_micro "
        "FROM temp.moved GROUP BY client_id, numero_parte, fraccion"
    )


def _balance(db: Database) -> None:
    """Inside the write transaction that commits or undoes a run: the kept balances as
    _prepare_balances computed them (keyed writes only): each key's use per month
    (part_use), each part number's lots with a balance and their sum (part_balances), each
    lot's balance (lot_balances, part_balances: balances.move). Every run and undo goes
    through here."""
    db.execute(
        "INSERT INTO part_use (client_id, mes, numero_parte, descargado, faltante, salidas) "
        "SELECT * FROM temp.use_deltas WHERE true ON CONFLICT (client_id, mes, numero_parte) "
        "DO UPDATE SET descargado = descargado + excluded.descargado, "
        "faltante = faltante + excluded.faltante, salidas = salidas + excluded.salidas"
    )
    balances.move(db)


def _steps(result: RunResult) -> list[tuple[str, int]]:
    """The statements that write the run's reversals and allocations, in the order computed,
    STEP rows each (parameters: the run, the step's start)."""
    return [
        (sql, start)
        for count, sql in (
            (
                result.reversed,
                "INSERT INTO allocation_reversals (run_id, allocation_id) SELECT ?, "
                "allocation_id FROM temp.reversed WHERE rowid > ? AND rowid <= ?",
            ),
            (
                result.allocations,
                "INSERT INTO allocations (run_id, salida_id, numero_parte, entrada_id, "
                "cantidad_micro, vencido) SELECT ?, * FROM temp.new_allocations "
                "WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
            ),
        )
        for start in range(0, count, STEP)
    ]


def _do(db: Database, claim: _Claim, step: tuple[str, int]) -> None:
    db.execute(step[0], [claim.run_id, step[1], step[1] + STEP])


def _write(db: Database, claim: _Claim, result: RunResult, report: Progress) -> None:
    """The run's rows in turns of short transactions (db.turns) that first check the claim is
    still ours; none when they are few (SMALL), which its commit writes. They reference the
    run's own claimed row, the allocations in force it reverses and exits and lots of its
    snapshot, none of which is ever deleted (only the rows of an unfinished import are, which
    no run reads): SQLite's lookups of them, row by row, are left out (`_known_references`)."""
    steps = _steps(result)
    report(0, len(steps) or 1, "Guardando")
    if len(steps) <= SMALL:
        return
    write_step = lambda step: _do(db, claim, step)  # noqa: E731
    with _known_references(db):
        for done in turns(db, steps, write_step, first=lambda: _renew(db, claim)):
            report(done, len(steps), "Guardando")


@contextmanager
def _known_references(db: Database) -> Iterator[None]:
    """The connection's foreign key checks off meanwhile (outside a transaction, where SQLite
    takes the setting): a million allocations spent 2 of their 5 s of CPU looking up their
    exit, lot and run."""
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        db.execute("PRAGMA foreign_keys = ON")


def _commit(
    db: Database,
    client: clients.Client,
    claim: _Claim,
    result: RunResult,
    params: dict,
    inputs: tuple,
) -> bool:
    """The run's last short transaction: committed, with its audit row, if the client's data
    is as the run read it; False (nothing changed) when it is not."""
    try:
        with write(db, "discharge.run", "client", client.rfc, {"hasta": result.hasta}):
            _renew(db, claim)
            if _inputs(db, client.id) != inputs:
                raise _Changed
            if len(steps := _steps(result)) <= SMALL:  # a correction's few rows (_write)
                for step in steps:
                    _do(db, claim, step)
            db.execute(
                "UPDATE discharge_runs SET status = 'committed', desde = ?, params = ?, "
                "demands = ?, allocations = ?, shortfalls = ?, reversed = ?, holder = NULL, "
                "heartbeat = NULL, pending_marks = ? WHERE id = ?",
                [
                    result.desde,
                    json.dumps(params),
                    result.demands,
                    result.allocations,
                    result.shortfalls,
                    result.reversed,
                    int(result.reversed > 0),
                    claim.run_id,
                ],
            )
            _balance(db)  # its reversals hide their rows from now on (pending_marks)
    except _Changed:
        return False
    return True


def _purge(db: Database, claim: _Claim) -> None:
    """Delete what the run wrote, STEP rows per statement, in turns (it is still ours)."""
    for table, delete in (
        (
            "allocation_reversals",
            "DELETE FROM allocation_reversals WHERE rowid IN (SELECT rowid FROM "
            "allocation_reversals WHERE run_id = ? LIMIT ?)",
        ),
        (
            "allocations",
            "DELETE FROM allocations WHERE id IN (SELECT id FROM allocations "
            "WHERE run_id = ? LIMIT ?)",
        ),
    ):
        count = db.execute(f"SELECT count(*) FROM {table} WHERE run_id = ?", [claim.run_id])

        def step(_: int, delete: str = delete) -> None:
            db.execute(delete, [claim.run_id, STEP])

        for _ in turns(
            db, range(0, count.fetchone()[0], STEP), step, first=lambda: _renew(db, claim)
        ):
            pass


# After a commit, or before and after an undo, what reversed_by says is written in turns, a
# window of STEP ids (of allocation_reversals, or of the run's allocations) per statement,
# while the run's status and pending_marks still call for it (migration 0031):
_MARK = (  # the rows its reversals hide get reversed_by, then the flag is cleared
    "UPDATE allocations SET reversed_by = :run WHERE id IN (SELECT allocation_id "
    "FROM allocation_reversals WHERE run_id = :run AND rowid >= :low AND rowid < :low + :step) "
    "AND EXISTS (SELECT 1 FROM discharge_runs WHERE id = :run AND status = 'committed' "
    "AND pending_marks = 1)",
    "allocation_reversals",
    "UPDATE discharge_runs SET pending_marks = 0 WHERE id = :run AND pending_marks = 1",
)
_UNMARK = (  # an undo: hidden by pending_marks = 2 meanwhile
    "UPDATE allocations SET reversed_by = NULL WHERE id IN (SELECT allocation_id "
    "FROM allocation_reversals WHERE run_id = :run AND rowid >= :low AND rowid < :low + :step) "
    "AND reversed_by = :run",
    "allocation_reversals",
    None,
)
_RETIRE = (  # an undone run's own rows leave the index of rows in force (flag 1 meanwhile)
    "UPDATE allocations SET reversed_by = :run WHERE id >= :low AND id < :low + :step "
    "AND run_id = :run AND reversed_by IS NULL AND EXISTS (SELECT 1 FROM discharge_runs "
    "WHERE id = :run AND status = 'undone')",
    "allocations",
    "UPDATE discharge_runs SET pending_marks = 0 WHERE id = :run AND status = 'undone'",
)


def _tidy(
    db: Database,
    run_id: int,
    how: tuple[str, str, str | None],
    first: Callable[[], object] = lambda: None,
) -> None:
    """Write `how` over the run's rows in turns (`first` opens each)."""
    step, table, last = how
    params = {"run": run_id, "step": STEP}
    low, high = db.execute(
        f"SELECT min(rowid), max(rowid) FROM {table} WHERE run_id = :run", params
    ).fetchone()
    windows = range(low, high + 1, STEP) if low is not None else range(0)
    for _ in turns(db, windows, lambda low: db.execute(step, params | {"low": low}), first=first):
        pass
    if last:
        with transaction(db):
            db.execute(last, params)


def _tidy_client(db: Database, client_id: int) -> None:
    """After a commit or an undo: the marks every run of the client still owes, written (its
    own, or those of an earlier commit or undo that was interrupted): a committed run's
    reversals (pending_marks 1), an undone run's own rows (1), and a committed run whose undo
    set 2 and is no longer alive (it failed, died, or found a colleague's run committed
    meanwhile and undid that one instead): its reversals are marked again. A failure is only
    logged: the flags keep the rows right meanwhile, and the next commit or undo tries again."""
    try:
        owed = db.execute(
            "SELECT id, status, pending_marks, holder, heartbeat FROM discharge_runs "
            "WHERE client_id = ? AND pending_marks <> 0 AND status IN ('committed', 'undone') "
            "ORDER BY id",
            [client_id],
        ).fetchall()
        for run_id, status, flag, holder, heartbeat in owed:
            if status == "undone":
                _tidy(db, run_id, _RETIRE)
                continue
            if flag == 2:  # its undo's: marked again unless it is still under way
                if leases.alive(holder, heartbeat):
                    continue
                with transaction(db):
                    if not db.execute(
                        "UPDATE discharge_runs SET pending_marks = 1, holder = NULL, "
                        "heartbeat = NULL WHERE id = ? AND status = 'committed' "
                        "AND pending_marks = 2 AND holder IS ?",
                        [run_id, holder],
                    ).rowcount:
                        continue
            _tidy(db, run_id, _MARK)
    except Exception as exc:
        log.log_trace(exc, "descargo: marcas de corridas quedan por escribir")


def _abandon(db: Database, claim: _Claim) -> None:
    """After a failure: the run's rows and row deleted if it is still ours. If that fails too,
    the claim is left to the next run, which finds it dead (leases.alive) and cleans it."""
    try:
        _purge(db, claim)
        with transaction(db):
            db.execute(
                "DELETE FROM discharge_runs WHERE id = ? AND holder = ?",
                [claim.run_id, claim.holder],
            )
    except Exception as exc:  # the user is told of the first failure; this one is logged
        log.log_trace(exc, f"descargo: la corrida {claim.run_id} queda para la siguiente")


def _drop_scratch(db: Database) -> None:
    for scratch in (
        "reversed",
        "computed",
        "new_allocations",
        "changed",
        "dirty_keys",
        "dirty_parts",
        "candidates",
        "use_deltas",
        "moved",
        "part_deltas",
    ):
        db.execute(f"DROP TABLE IF EXISTS temp.{scratch}")


_LAST_RUN = (
    "SELECT id, started_at, allocations FROM discharge_runs WHERE client_id = ? "
    "AND status = 'committed' ORDER BY id DESC LIMIT 1"
)


def undo_last(db: Database, rfc: str) -> dict:
    """Undo the client's last committed run: its allocations and reversals stop counting.
    What that changes in the kept balances is summed outside the write lock (a first run has
    a million rows); the write transaction checks the run is still the last one (else sums
    again for the one that is now), so two undos at once undo two runs."""
    client = clients.get_client(db, rfc)
    holder = leases.take()  # while it holds a run's flag 2 (_tidy_client)
    try:
        for _ in range(ATTEMPTS):
            with snapshot(db):
                row = db.execute(_LAST_RUN, [client.id]).fetchone()
                if row is None:
                    raise NotFound(f"rfc: {client.rfc} no tiene descargos que deshacer")
                _drop_scratch(db)
                run = {"run": row[0], "holder": holder}
                _prepare_balances(db, mode(db, client.id), _UNDO_CHANGES, run)

            def alive(run: dict = run) -> None:
                db.execute(
                    "UPDATE discharge_runs SET heartbeat = :beat WHERE id = :run "
                    "AND holder = :holder",
                    run | {"beat": leases.stamp()},
                )

            with transaction(db):  # its reversals hide their rows while unmarked
                db.execute(
                    "UPDATE discharge_runs SET pending_marks = 2, holder = :holder "
                    "WHERE id = :run AND status = 'committed'",
                    run,
                )
                alive()
            _tidy(db, row[0], _UNMARK, first=alive)
            with transaction(db):
                if db.execute(_LAST_RUN, [client.id]).fetchone() != row:
                    continue  # its flag 2 is tidied below, once this undo is done
                with write(db, "discharge.undo", "client", client.rfc, {"run_id": row[0]}):
                    _balance(db)
                    db.execute(  # any its commit's marking wrote meanwhile
                        "UPDATE allocations SET reversed_by = NULL WHERE reversed_by = :run "
                        "AND run_id <> :run",
                        run,
                    )
                    db.execute(  # its own rows are retired (flag 1) by _tidy_client
                        "UPDATE discharge_runs SET status = 'undone', pending_marks = 1, "
                        "holder = NULL, heartbeat = NULL WHERE id = :run",
                        run,
                    )
            leases.drop(holder)
            _tidy_client(db, client.id)
            return {"run_id": row[0], "started_at": row[1], "allocations": row[2]}
    finally:
        leases.drop(holder)
        _drop_scratch(db)
    _tidy_client(db, client.id)
    raise Conflict(
        "rfc",
        f"otros usuarios deshicieron o corrieron descargos de {client.rfc} mientras se "
        "deshacía el último; nada se deshizo, inténtelo de nuevo",
    )


def runs(db: Database, rfc: str) -> list[dict]:
    client = clients.get_client(db, rfc)
    return [
        dict(r)
        for r in db.query(
            "SELECT id, started_at, os_user, desde, hasta, status, demands, allocations, "
            "shortfalls, reversed FROM discharge_runs WHERE client_id = ? ORDER BY id DESC",
            [client.id],
        )
    ]


# The ledger's order: exits by date and import order, each one's rows by key (part number or
# fracción) and then as the engine wrote them (oldest lot first, the shortfall last). A
# correction rewrites an exit's rows of a key together, so this is the order of a full rerun.
ALLOCATION_ORDER = "s.fecha, s.id, a.numero_parte, a.id"

_ALLOC_COLUMNS = """a.id, s.documento, s.fecha, s.tipo_bien, s.numero_parte AS salida_parte,
       a.numero_parte, e.pedimento, e.partida, e.fecha_entrada, a.cantidad_micro, a.vencido,
       s.id AS salida_id, s.tipo_salida, e.saldo_inicial, a.entrada_id IS NULL AS faltante"""


def _alloc_tables(allocations: str = "active_allocations") -> str:
    """A client's allocations (those in force, or `allocations`) with their exits and lots."""
    return (
        f"\nFROM {allocations} a\nJOIN salidas s ON s.id = a.salida_id\n"
        "LEFT JOIN entradas e ON e.id = a.entrada_id\nWHERE s.client_id = :client\n"
    )


_ALLOC_SELECT = f"SELECT {_ALLOC_COLUMNS}{_alloc_tables()}"


# What a dry run shows (RunResult.preview): the rows it computed, as _ALLOC_SELECT's, in the
# ledger's order (ALLOCATION_ORDER).
PREVIEW = 1000
_PREVIEW_SELECT = """
SELECT n.rowid AS id, s.documento, s.fecha, s.tipo_bien, s.numero_parte AS salida_parte,
       n.numero_parte, e.pedimento, e.partida, e.fecha_entrada, n.cantidad_micro, n.vencido,
       s.id AS salida_id, s.tipo_salida, e.saldo_inicial, n.entrada_id IS NULL AS faltante
FROM temp.new_allocations n
JOIN salidas s ON s.id = n.salida_id
LEFT JOIN entradas e ON e.id = n.entrada_id
ORDER BY s.fecha, s.id, n.numero_parte, n.rowid LIMIT ?
"""


# The columns a list of allocations sorts by, as the F5 screen names them; the discharge's
# own order breaks ties.
ALLOCATION_SORTS = {
    "fecha": "s.fecha",
    "documento": "s.documento",
    "tipo_salida": "s.tipo_salida",
    "numero_parte": "a.numero_parte",
    "cantidad": "a.cantidad_micro",
    "estado": "(a.entrada_id IS NULL) * 2 + a.vencido",
    "pedimento": "e.pedimento",
    "partida": "e.partida",
    "fecha_entrada": "e.fecha_entrada",
    "origen": "e.saldo_inicial",
}
# The sorts an index gives in the client's ledger (salidas by client and fecha or documento):
# any other sorts every allocation in force before its first row (seconds at a million).
INDEXED_SORTS = ("fecha", "documento")
_ALLOCATION_SEARCH = find.Fields(
    text=("a.numero_parte", "s.documento", "s.tipo_salida"), digits=("e.pedimento",), date="s.fecha"
)


def _alloc_filters(filters: dict) -> tuple[str, dict]:
    """Only those matching `search` (core/search.py: part or fracción, documento, pedimento,
    a date range of the exit), and only shortfalls and vencidos with `faltantes`."""
    where, params = find.where(find.parse(filters.get("search")), _ALLOCATION_SEARCH)
    if filters.get("faltantes"):
        where.append("(a.entrada_id IS NULL OR a.vencido = 1)")
    return "".join(f" AND {condition}" for condition in where), params


def allocations(
    db: Database,
    rfc: str,
    *,
    offset: int = 0,
    limit: int | None = None,
    sort: str | None = None,
    descending: bool = False,
    after: tuple | None = None,
    **filters,
) -> list[dict]:
    """Allocations in force, in discharge order (or by a column of ALLOCATION_SORTS), paged
    from `offset` or after the row whose `_after` is given (core/paging.py); filters: search,
    faltantes (only shortfalls and vencidos)."""
    client = clients.get_client(db, rfc)
    where, params = _alloc_filters(filters)
    order = paging.ordering(sort, descending, ALLOCATION_SORTS, ALLOCATION_ORDER)
    page = paging.Page(order, offset, limit, after)
    (seek, seeking), (tail, paged) = page.where(), page.tail()
    select = f"SELECT {_ALLOC_COLUMNS}{page.columns}{_alloc_tables()}"
    found = db.query(
        f"{select}{where}{seek}{tail}", {"client": client.id, **params} | seeking | paged
    )
    return page.keyed(_rows(found))


def _rows(found) -> list[dict]:
    rows = []
    for r in found:
        row = dict(r)
        row["cantidad"] = to_text(row.pop("cantidad_micro"))
        rows.append(row)
    return rows


def count_allocations(db: Database, rfc: str, **filters) -> int:
    client = clients.get_client(db, rfc)
    where, params = _alloc_filters(filters)
    return db.execute(
        f"SELECT count(*) FROM ({_ALLOC_SELECT}{where})", {"client": client.id, **params}
    ).fetchone()[0]


def export_columns(db: Database, rfc: str) -> list[str]:
    """The export's columns for the client's ledger mode."""
    return EXPORT_COLUMNS[mode(db, clients.get_client(db, rfc).id)]


# The allocations in force right after a run (:run), from the history: of the committed runs
# up to it, not reversed by one of them.
_AS_OF = """(SELECT a.* FROM allocations a
  JOIN discharge_runs r ON r.id = a.run_id AND r.status = 'committed' AND r.id <= :run
  WHERE NOT EXISTS (SELECT 1 FROM allocation_reversals v JOIN discharge_runs rr
                    ON rr.id = v.run_id AND rr.status = 'committed' AND rr.id <= :run
                    WHERE v.allocation_id = a.id))"""


# Each export column as SQL over _ALLOC_SELECT's tables, as the export writes it: a shortfall
# has no pedimento, partida or fecha_entrada (""); the amount as text (exact); by value the
# part is the fracción (a nivel pedimento there is none) and the amount is USD.
_EXPORT_VALUES = {
    "documento": "s.documento",
    "numero_parte": "a.numero_parte",
    "fraccion": "a.numero_parte",
    "pedimento": "coalesce(e.pedimento, '')",
    "partida": "coalesce(e.partida, '')",
    "fecha_entrada": "coalesce(e.fecha_entrada, '')",
    "cantidad": text_sql("a.cantidad_micro"),
    "valor_usd": text_sql("a.cantidad_micro"),
    "vencido": "CASE WHEN a.vencido THEN 'si' ELSE 'no' END",
}


def export_table(
    db: Database, rfc: str, *, as_of_run: int | None = None, as_text: bool = False
) -> tuple[list[str], Iterator[tuple]]:
    """The export's columns and, streamed from the cursor, a row of them for every allocation
    in force; or (`as_of_run`) for those in force right after that run, as it showed then.
    `as_text`: every value a str (the partida's digits), as CSV writes it."""
    client = clients.get_client(db, rfc)
    columns = EXPORT_COLUMNS[mode(db, client.id)]
    tables = _alloc_tables() if as_of_run is None else _alloc_tables(_AS_OF)
    values = [_EXPORT_VALUES[c] for c in columns]
    if as_text:
        values = [f"CAST({value} AS TEXT)" for value in values]
    sql = f"SELECT {', '.join(values)} {tables}"
    cursor = db.execute(
        f"{sql} ORDER BY {ALLOCATION_ORDER}", {"client": client.id, "run": as_of_run}
    )
    return columns, cursor


def export_rows(db: Database, rfc: str, *, as_of_run: int | None = None) -> Iterator[dict]:
    """export_table's rows as dicts of its columns."""
    columns, rows = export_table(db, rfc, as_of_run=as_of_run)
    return (dict(zip(columns, row, strict=True)) for row in rows)


_PENDING_SQL = f"""
SELECT s.id, s.documento, s.fecha, s.tipo_bien, s.numero_parte, s.cantidad_micro, s.tipo_salida
FROM salidas s WHERE s.client_id = :client AND s.fecha <= :hasta AND {LOADED_S}
  AND NOT EXISTS (SELECT 1 FROM active_allocations a WHERE a.salida_id = s.id)
"""


PENDING_SORTS = {
    "fecha": "s.fecha",
    "documento": "s.documento",
    "tipo_salida": "s.tipo_salida",
    "numero_parte": "s.numero_parte",
    "cantidad": "s.cantidad_micro",
    "pedimento": "s.tipo_bien",
}
_PENDING_SEARCH = find.Fields(
    text=("s.documento", "s.numero_parte", "s.tipo_salida"), date="s.fecha"
)


def _pending_sql(search: str | None) -> tuple[str, dict]:
    where, params = find.where(find.parse(search), _PENDING_SEARCH)
    return _PENDING_SQL + "".join(f" AND {condition}" for condition in where), params


def pending(
    db: Database,
    rfc: str,
    hasta: date,
    *,
    offset: int = 0,
    limit: int | None = None,
    search: str | None = None,
    sort: str | None = None,
    descending: bool = False,
) -> list[dict]:
    """Exits up to `hasta` not discharged yet, in the order a run takes them (or by a column
    of PENDING_SORTS), those matching `search` (documento, part, a range of dates) only."""
    client = clients.get_client(db, rfc)
    sql, params = _pending_sql(search)
    sql += f" ORDER BY {find.order_by(sort, descending, PENDING_SORTS, 's.fecha, s.id')}"
    params |= {"client": client.id, "hasta": hasta.isoformat()}
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params |= {"limit": limit, "offset": offset}
    return [
        {
            "id": r[0],
            "documento": r[1],
            "fecha": r[2],
            "tipo_bien": r[3],
            "numero_parte": r[4],
            "cantidad": to_text(r[5]),
            "tipo_salida": r[6],
        }
        for r in db.execute(sql, params)
    ]


def count_pending(db: Database, rfc: str, hasta: date, *, search: str | None = None) -> int:
    client = clients.get_client(db, rfc)
    sql, params = _pending_sql(search)
    params |= {"client": client.id, "hasta": hasta.isoformat()}
    return db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def summary(db: Database, rfc: str, hasta: date) -> dict:
    """Pending exits, entries, exits and runs in force, counted in one snapshot."""
    client = clients.get_client(db, rfc)
    counts = db.execute(
        f"SELECT (SELECT count(*) FROM entradas e WHERE e.client_id = :c AND {LOADED_E}), "
        f"(SELECT count(*) FROM salidas s WHERE s.client_id = :c AND {LOADED_S}), "
        "(SELECT count(*) FROM discharge_runs WHERE client_id = :c AND status = 'committed'), "
        "(SELECT count(*) FROM salidas s WHERE s.client_id = :c AND s.fecha <= :hasta AND "
        f"{LOADED_S} AND NOT EXISTS (SELECT 1 FROM active_allocations a WHERE a.salida_id = s.id))",
        {"c": client.id, "hasta": hasta.isoformat()},
    ).fetchone()
    pending = counts[3]
    return {
        "pendientes": pending,
        "entradas": counts[0],
        "salidas": counts[1],
        "corridas": counts[2],
    }


def check(db: Database, rfc: str | None = None) -> list[str]:
    """Invariants of the ledger: no lot discharged beyond its quantity (or value); no activo
    fijo lot discharged at all (entries.fixed_asset); every
    discharged exit fully accounted for (allocations + shortfall = its demand, exploded through
    the BOM, priced in value mode); each lot's kept balance equal to its allocations in force.
    Streams through a scratch table, so a ledger of millions of
    rows is checked in bounded memory, and reads one snapshot, so runs and undos committed
    meanwhile cannot make it see half of a run. Returns the problems found (empty when sound)."""
    with snapshot(db):
        return _check(db, rfc)


def _check(db: Database, rfc: str | None) -> list[str]:
    client_ids = (
        [clients.get_client(db, rfc).id]
        if rfc
        else [r[0] for r in db.execute("SELECT id FROM clients")]
    )
    problems = []
    for client_id in client_ids:
        modo = mode(db, client_id)
        problems += [
            f"entrada {pedimento} partida {partida} {parte}: descargado {to_text(used)} de "
            f"{to_text(amount or 0)}"
            for pedimento, partida, parte, amount, used in db.execute(
                f"SELECT e.pedimento, e.partida, e.numero_parte, {LOT_AMOUNT[modo]} AS amount, "
                "sum(a.cantidad_micro) FROM entradas e JOIN active_allocations a "
                "ON a.entrada_id = e.id WHERE e.client_id = ? GROUP BY e.id "
                "HAVING sum(a.cantidad_micro) > coalesce(amount, 0)",
                [client_id],
            )
        ]
        problems += [
            f"entrada {pedimento} partida {partida} {parte}: activo fijo descargado por "
            f"salidas de materiales ({counted(count, 'asignación', 'asignaciones')})"
            for pedimento, partida, parte, count in db.execute(
                "SELECT e.pedimento, e.partida, e.numero_parte, count(*) FROM entradas e "
                f"JOIN active_allocations a ON a.entrada_id = e.id WHERE e.client_id = ? "
                f"AND {FIXED_ASSET} GROUP BY e.id",
                [client_id],
            )
        ]
        problems += _unbalanced_exits(db, client_id, modo)
        problems += _stale_balances(db, client_id, modo)
    return problems


def _stale_balances(db: Database, client_id: int, modo: str) -> list[str]:
    """Lots whose kept balance (lot_balances) is not what their allocations in force add up
    to, or that have none; part numbers whose kept balance (part_balances) is not their lots';
    keys whose use kept per month (part_use) is not their allocations in force."""
    rows = db.execute(
        f"""
        SELECT e.pedimento, e.partida, e.numero_parte, b.used_micro, coalesce(u.used, 0)
        FROM entradas e LEFT JOIN lot_balances b ON b.entrada_id = e.id
        LEFT JOIN (SELECT a.entrada_id, sum(a.cantidad_micro) AS used FROM active_allocations a
                   JOIN entradas x ON x.id = a.entrada_id WHERE x.client_id = :client
                   GROUP BY a.entrada_id) u ON u.entrada_id = e.id
        WHERE e.client_id = :client AND (b.entrada_id IS NULL
          OR b.used_micro IS NOT coalesce(u.used, 0) OR b.agotado IS NOT
             (coalesce(u.used, 0) > 0 AND coalesce(u.used, 0) >= coalesce({LOT_AMOUNT[modo]}, 0))
          OR b.client_id IS NOT e.client_id OR b.fecha_entrada IS NOT e.fecha_entrada
          OR b.pedimento IS NOT e.pedimento OR b.partida IS NOT e.partida)
        """,
        {"client": client_id},
    )
    problems = [
        f"entrada {pedimento} partida {partida} {parte}: saldo guardado con "
        f"{'nada' if stored is None else to_text(stored)} descargado; las asignaciones "
        f"en vigor suman {to_text(used)}"
        for pedimento, partida, parte, stored, used in rows
    ]
    amount = LOT_AMOUNT[modo]
    want = (
        f"SELECT e.numero_parte, e.fraccion, count(*), sum({amount} - b.used_micro) "
        "FROM entradas e JOIN lot_balances b ON b.entrada_id = e.id "
        f"WHERE e.client_id = :client AND {amount} > b.used_micro GROUP BY 1, 2"
    )
    have = (
        "SELECT numero_parte, fraccion, lotes, saldo_micro FROM part_balances "
        "WHERE client_id = :client AND (lotes <> 0 OR saldo_micro <> 0)"
    )
    differ = db.execute(
        f"SELECT * FROM ({want} EXCEPT {have}) UNION SELECT * FROM ({have} EXCEPT {want}) "
        "ORDER BY 1, 2",
        {"client": client_id},
    )
    problems += [
        f"número de parte {parte} fracción {fraccion or '(sin fracción)'}: el saldo por parte "
        "guardado no es la suma de sus lotes"
        for parte, fraccion in dict.fromkeys((r[0], r[1]) for r in differ)
    ]
    want = (
        "SELECT substr(s.fecha, 1, 7), a.numero_parte, "
        "sum(CASE WHEN a.entrada_id IS NULL THEN 0 ELSE a.cantidad_micro END), "
        "sum(CASE WHEN a.entrada_id IS NULL THEN a.cantidad_micro ELSE 0 END), "
        "count(DISTINCT a.salida_id) FROM active_allocations a "
        "JOIN salidas s ON s.id = a.salida_id WHERE s.client_id = :client GROUP BY 1, 2"
    )
    have = (
        "SELECT mes, numero_parte, descargado, faltante, salidas FROM part_use "
        "WHERE client_id = :client AND (descargado <> 0 OR faltante <> 0 OR salidas <> 0)"
    )
    differ = db.execute(
        f"SELECT * FROM ({want} EXCEPT {have}) UNION SELECT * FROM ({have} EXCEPT {want}) "
        "ORDER BY 1, 2",
        {"client": client_id},
    )
    problems += [
        f"{parte} en {mes}: lo descargado por mes guardado no es la suma de sus asignaciones"
        for mes, parte in dict.fromkeys((r[0], r[1]) for r in differ)
    ]
    return problems


def _unbalanced_exits(db: Database, client_id: int, modo: str) -> list[str]:
    """Discharged exits whose allocations in force differ from their demand, per key."""
    params = {"client": client_id, "hasta": "9999-12-31"}
    if modo != "cantidad":
        demands = (
            (d.salida_id, key, value)
            for d, key, value in _priced(db, params, modo, _discharged_demands(db, params))
            if value
        )
    else:
        demands = ((d.salida_id, d.part, d.quantity) for d in _discharged_demands(db, params))
    db.execute("DROP TABLE IF EXISTS temp.expected")
    db.execute("CREATE TEMP TABLE expected (salida_id INTEGER, key TEXT, amount INTEGER)")
    while batch := list(islice(demands, BATCH)):
        db.conn.executemany("INSERT INTO temp.expected VALUES (?, ?, ?)", batch)
    rows = db.execute(
        """
        WITH want AS (SELECT salida_id, key, sum(amount) AS amount FROM temp.expected
                      GROUP BY salida_id, key),
             have AS (SELECT a.salida_id, a.numero_parte AS key, sum(a.cantidad_micro) AS amount
                      FROM active_allocations a JOIN salidas s ON s.id = a.salida_id
                      WHERE s.client_id = :client GROUP BY a.salida_id, a.numero_parte)
        SELECT w.salida_id, s.documento, w.key, coalesce(h.amount, 0), w.amount FROM want w
        JOIN salidas s ON s.id = w.salida_id
        LEFT JOIN have h ON h.salida_id = w.salida_id AND h.key = w.key
        WHERE coalesce(h.amount, 0) <> w.amount
        UNION ALL
        SELECT h.salida_id, s.documento, h.key, h.amount, NULL FROM have h
        JOIN salidas s ON s.id = h.salida_id
        WHERE NOT EXISTS (SELECT 1 FROM want w WHERE w.salida_id = h.salida_id
                          AND w.key = h.key)
        ORDER BY 1, 3
        """,
        params,
    ).fetchall()
    db.execute("DROP TABLE temp.expected")
    return [
        f"salida {documento} {key}: asignado {to_text(have)} de {to_text(want)}"
        if want is not None
        else f"salida {documento} {key}: asignación sin demanda"
        for _, documento, key, have, want in rows
    ]
