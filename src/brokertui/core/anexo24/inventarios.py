"""The corporate system's inventory per material and period (Anexo 24, Apartado B, módulo de
procesos, "Módulo de proceso de movimientos y ajustes de manufactura", numeral 1: "las
cantidades del inventario inicial y final para un periodo específico de cada material"), as the
`inventarios` interface brings it: owner of table inventarios. The conciliation that reads it
is conciliacion.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database


def apply(db: Database, client_id: int, import_id: int, rows: list[dict]) -> int:
    """Checked rows of the inventarios interface: a material's inventory of a period replaces
    the one declared before for that same period (the corporate system corrected it)."""
    db.conn.executemany(
        "INSERT INTO inventarios (client_id, numero_parte, periodo_inicio, periodo_fin, "
        "inicial_micro, final_micro, import_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (client_id, periodo_inicio, periodo_fin, numero_parte) DO UPDATE SET "
        "inicial_micro = excluded.inicial_micro, final_micro = excluded.final_micro, "
        "import_id = excluded.import_id",
        [
            (
                client_id,
                r["numero_parte"],
                r["periodo_inicio"],
                r["periodo_fin"],
                r["inventario_inicial"],
                r["inventario_final"],
                import_id,
            )
            for r in rows
        ],
    )
    return len(rows)


@dataclass(frozen=True)
class Period:
    desde: date
    hasta: date
    materiales: int

    @property
    def label(self) -> str:
        return f"{self.desde.isoformat()} a {self.hasta.isoformat()}"


def periods(db: Database, client_id: int) -> list[Period]:
    """The periods the client's corporate system declared, the latest first."""
    rows = db.execute(
        "SELECT periodo_inicio, periodo_fin, count(*) FROM inventarios WHERE client_id = ? "
        "GROUP BY 1, 2 ORDER BY 2 DESC, 1 DESC",
        [client_id],
    )
    return [Period(date.fromisoformat(a), date.fromisoformat(b), n) for a, b, n in rows]


def declared(db: Database, client_id: int, desde: date, hasta: date) -> dict[str, tuple[int, int]]:
    """Part number -> (initial, final) in millionths of the period `desde`..`hasta`."""
    rows = db.execute(
        "SELECT numero_parte, inicial_micro, final_micro FROM inventarios WHERE client_id = ? "
        "AND periodo_inicio = ? AND periodo_fin = ? ORDER BY numero_parte",
        [client_id, desde.isoformat(), hasta.isoformat()],
    )
    return {part: (inicial, final) for part, inicial, final in rows}
