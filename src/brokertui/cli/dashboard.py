"""`brokertui dashboard`: the TUI's home (RAOCE obligations and expiring temporary-import
lots) as rows, in the same order and with the same filters."""

from __future__ import annotations

from datetime import date

import click

from brokertui.cli.base import (
    FORMATS,
    YEAR,
    Env,
    Words,
    emit,
    main,
    of_client,
    parse_date_option,
    pass_env,
    search_option,
)
from brokertui.core import dashboard
from brokertui.core.registry.programs import PROGRAM_TYPES

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


# The --program words, each for its rows' label in the dashboard (what a table and the TUI
# show: 'Temp.'); the label itself is accepted too, the spelling of older scripts.
PROGRAMS = {
    **{kind.lower(): kind for kind in PROGRAM_TYPES},
    "temporal": dashboard.TEMPORARY,
    "oficio": dashboard.OFICIO,
    "datastage": dashboard.DATASTAGE,
    "activo-fijo": dashboard.ACTIVO_FIJO,
    "24h": dashboard.LATE_DATA,
}
WORDS = {label: word for word, label in PROGRAMS.items()}


@main.command("dashboard")
# The same as the group's `brokertui --today D dashboard` (which also pins the day for the
# whole process; the dashboard only reads): kept for the scripts that pass it after the
# command, hidden so that help offers one --today.
@click.option("--today", "on", callback=parse_date_option, hidden=True)
@click.option("--year", type=YEAR, help="Año de presentación del RAOCE (por omisión, el de hoy).")
@click.option("--rfc", help="Sólo este cliente.")
@click.option(
    "--program",
    type=Words(PROGRAMS),
    help="Sólo los renglones de: un programa (immex, prosec, altex, ecex); temporal, las "
    "importaciones temporales por vencer; oficio, los oficios de matriz de seguridad; "
    "datastage, las entregas de Data Stage atrasadas; activo-fijo, los activos fijos por "
    "vencer su permanencia; 24h, las operaciones cuya información del sistema "
    "corporativo llegó más de 24 horas después.",
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
        empty=f"Tablero al {today} · RAOCE {year or today.year}: no hay renglones"
        + (" urgentes" if urgent else "")
        + of_client(rfc)
        + (f" con --program {WORDS[program]}" if program else ""),
        search=search,
    )
