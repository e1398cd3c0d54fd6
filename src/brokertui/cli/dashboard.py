"""`brokertui dashboard`: the TUI's home (RAOCE obligations and expiring temporary-import
lots) as rows, in the same order and with the same filters."""

from __future__ import annotations

from datetime import date

import click

from brokertui.cli.base import (
    FORMATS,
    YEAR,
    Env,
    emit,
    main,
    of_client,
    parse_date_option,
    pass_env,
    search_option,
)
from brokertui.core import dashboard

COLUMNS = [
    "severidad",
    "rfc",
    "programa",
    "estado",
    "proximo",
    "fecha",
    "dias",
    "dias_habiles",
    "razon_social",
    "pedimento",
    "detalle",
]
TABLE_COLUMNS = [c for c in COLUMNS if c not in ("razon_social", "pedimento")]
# A row's severity as a table says it, as --urgent's help does (JSON and CSV keep
# deadlines.SEVERITY_ORDER's words).
SEVERITY_ES = {
    "critical": "crítico",
    "lost": "cancelado",
    "warning": "aviso",
    "info": "info",
    "ok": "en orden",
}


@main.command("dashboard")
@click.option(
    "--today", "on", callback=parse_date_option, help="Toma esta fecha (AAAA-MM-DD) como hoy."
)
@click.option("--year", type=YEAR, help="Año de presentación del RAOCE (por omisión, el de hoy).")
@click.option("--rfc", help="Sólo este cliente.")
@click.option(
    "--program",
    type=click.Choice(dashboard.PROGRAMS, case_sensitive=False),
    help=f"Sólo los renglones de este programa ({dashboard.TEMPORARY}: lotes temporales).",
)
@click.option("--urgent", is_flag=True, help="Sólo los renglones urgentes (críticos y de aviso).")
@search_option
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def dashboard_cmd(
    env: Env,
    on: date | None,
    year: int | None,
    rfc: str | None,
    program: str | None,
    urgent: bool,
    search: str | None,
    fmt: str,
) -> None:
    """Obligaciones RAOCE e importaciones temporales por vencer, la más urgente primero."""
    today = on or env.today
    board = dashboard.load(
        env.db, today, year=year, rfc=rfc, program=program, urgent_only=urgent, search=search
    )
    rows = [row.as_dict() for row in board.rows]
    if fmt == "table":
        for row in rows:
            row["severidad"] = SEVERITY_ES.get(row["severidad"], row["severidad"])
    emit(
        rows,
        COLUMNS if fmt != "table" else TABLE_COLUMNS,
        fmt,
        title=f"Tablero al {today} · RAOCE {year or today.year}",
        empty=f"El tablero al {today} (RAOCE {year or today.year}) no tiene renglones"
        + (" urgentes" if urgent else "")
        + of_client(rfc)
        + (f" con --program {program}" if program else ""),
        search=search,
    )
