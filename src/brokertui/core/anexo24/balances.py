"""The kept balances (migrations 0023, 0024): each lot's (lot_balances: what the allocations in
force took from it, and whether that used it up) and each part number's and fracción's
(part_balances: its lots with a balance and their sum, in the client's ledger mode), which the
saldos reports read by index. The one writer of both tables: the entries add their new lots
(`adding_lots`, around every statement of entries.py that stores entradas), the ledger moves
them with each run and undo (`move`) and rebuilds a client's part balances when its mode
changes (`rebuild_parts`). Triggers follow an entrada updated or deleted (0023, 0024); one
stored gets its balances set-based, per statement, not per row (migration 0035: the per-row
triggers were a third of the copy of an entradas import, issue 14 item 4).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlite_utils import Database

# A lot's amount in its client's ledger mode (descargo_modo; 'pedimento' discharges by value).
AMOUNT = {"cantidad": "cantidad_micro", "valor": "valor_micro"}
# The kept balances of the client's lots with ids above `:after` (those a statement stored),
# read by rowid range: on a table without statistics the planner preferred a whole scan of an
# index of entradas, per statement (tests/core/anexo24/test_balances.py checks the plans).
NEW_LOTS = (
    "INSERT INTO lot_balances (entrada_id, client_id, fecha_entrada, pedimento, partida) "
    "SELECT id, client_id, fecha_entrada, pedimento, partida FROM entradas WHERE id > :after"
)
NEW_PARTS = (
    "INSERT INTO part_balances (client_id, numero_parte, fraccion, lotes, saldo_micro) "
    "SELECT client_id, numero_parte, fraccion, count(*), sum({amount}) FROM entradas NOT INDEXED "
    "WHERE id > :after AND {amount} > 0 GROUP BY client_id, numero_parte, fraccion "
    "ON CONFLICT (client_id, numero_parte, fraccion) DO UPDATE SET "
    "lotes = lotes + excluded.lotes, saldo_micro = saldo_micro + excluded.saldo_micro"
)


@contextlib.contextmanager
def adding_lots(db: Database, client_id: int) -> Iterator[None]:
    """Around statements that store new entradas of the client, inside their write
    transaction: the new lots' kept balances after them (nothing taken from them yet), their
    amounts in the client's mode. New rows get ids above every id there was (INTEGER PRIMARY
    KEY), so they are those above the highest before."""
    assert db.conn.in_transaction, "the lots and their balances are stored together"
    after = db.execute("SELECT coalesce(max(id), 0) FROM entradas").fetchone()[0]
    yield
    modo = db.execute("SELECT descargo_modo FROM clients WHERE id = ?", [client_id]).fetchone()[0]
    stored = {"after": after}
    assert not db.execute(
        "SELECT 1 FROM entradas WHERE id > :after AND client_id <> :client",
        {**stored, "client": client_id},
    ).fetchone(), "a statement stores the lots of one client"
    db.execute(NEW_LOTS, stored)
    db.execute(NEW_PARTS.format(amount=AMOUNT[modo]), stored)


def move(db: Database) -> None:
    """Inside the write transaction that commits or undoes a run: each part number's lots with
    a balance and their sum (temp.part_deltas) and each lot's balance (temp.moved), as the
    ledger computed them (ledger.balance_deltas.prepare_balances; keyed writes only)."""
    db.execute(
        "INSERT INTO part_balances (client_id, numero_parte, fraccion, lotes, saldo_micro) "
        "SELECT * FROM temp.part_deltas WHERE true "
        "ON CONFLICT (client_id, numero_parte, fraccion) DO UPDATE SET "
        "lotes = lotes + excluded.lotes, saldo_micro = saldo_micro + excluded.saldo_micro"
    )
    db.execute(
        "UPDATE lot_balances SET used_micro = m.now, agotado = m.now > 0 AND m.now >= m.amount "
        "FROM temp.moved m WHERE lot_balances.entrada_id = m.entrada_id"
    )


def rebuild_parts(db: Database, client_id: int, amount: str) -> None:
    """A client's part_balances from its lots' balances, each lot's amount being the SQL
    `amount` of its entrada `e` (its new ledger mode's)."""
    db.execute("DELETE FROM part_balances WHERE client_id = ?", [client_id])
    db.execute(
        "INSERT INTO part_balances (client_id, numero_parte, fraccion, lotes, saldo_micro) "
        f"SELECT e.client_id, e.numero_parte, e.fraccion, count(*), sum({amount} - b.used_micro) "
        "FROM entradas e JOIN lot_balances b ON b.entrada_id = e.id "
        f"WHERE e.client_id = :client AND {amount} > b.used_micro "
        "GROUP BY e.client_id, e.numero_parte, e.fraccion",
        {"client": client_id},
    )
