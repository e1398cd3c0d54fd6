"""The Data Stage member tables (`ds_*`, one per member of members.OWN_TABLES): the only module
that writes them, and their reading for a pedimento's detail.

Rows are written by the importer's one store transaction, from its staged rows; they go with
their pedimento (ON DELETE CASCADE) when a later delivery replaces it (store.replace_datastage).
"""

from __future__ import annotations

from sqlite_utils import Database

from brokertui.core.pedimentos.datastage.members import OWN_TABLES, Member


def copy(db: Database, member: Member, select: str) -> int:
    """Store a member's rows from a SELECT giving (pedimento_id or import_id, *member.names);
    call inside the write transaction. How many."""
    owner = "import_id" if member.level == "entrega" else "pedimento_id"
    columns = ", ".join((owner, *member.names))
    return db.execute(f"INSERT INTO {member.table} ({columns}) {select}").rowcount


def for_pedimento(db: Database, pedimento_id: int) -> dict[str, list[dict]]:
    """The pedimento's rows of every member table, by member tipo, in delivery order (members
    with no rows left out)."""
    blocks = {}
    for tipo, member in OWN_TABLES.items():
        if member.level == "entrega":
            continue
        rows = [
            dict(r)
            for r in db.query(
                f"SELECT * FROM {member.table} WHERE pedimento_id = ? ORDER BY id", [pedimento_id]
            )
        ]
        if rows:
            blocks[tipo] = rows
    return blocks
