"""The ledger's export: a row per allocation in force, or as it was right after any past run
(the append-only history)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlite_utils import Database

from brokertui.core.anexo24.ledger.in_force import ALLOCATION_ORDER, alloc_tables
from brokertui.core.anexo24.ledger.modes import mode
from brokertui.core.quantities import text_sql
from brokertui.core.registry import clients

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


# Each export column as SQL over ALLOC_SELECT's tables, as the export writes it: a shortfall
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
    tables = alloc_tables() if as_of_run is None else alloc_tables(_AS_OF)
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
