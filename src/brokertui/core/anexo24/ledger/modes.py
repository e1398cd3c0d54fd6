"""A client's ledger mode (cantidad, valor, pedimento; the package doc) and its switch."""

from __future__ import annotations

from sqlite_utils import Database

from brokertui.core.anexo24 import balances
from brokertui.core.anexo24.ledger.in_force import count_allocations
from brokertui.core.db import write
from brokertui.core.errors import InvalidInput
from brokertui.core.plural import counted
from brokertui.core.registry import clients

MODES = ("cantidad", "valor", "pedimento")


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
