"""Anexo 24 commands: interface imports, ajustes and bajas, the FIFO discharge, the ledger
check and the reports."""

from __future__ import annotations

import contextlib
import csv
import sys
from pathlib import Path

import click

from brokertui.cli.base import (
    FORMATS,
    Env,
    checked_date,
    emit,
    import_group,
    main,
    pass_env,
    period,
    period_options,
    reconcile_group,
)
from brokertui.core import export, files
from brokertui.core.anexo24 import ajustes, bajas, crosscheck, interfaces, reports
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.errors import BrokerError
from brokertui.core.registry import clients


def _output(env: Env, output: Path | None):
    """Where a command writes: the -o file, created private (files.py), or standard output."""
    if output is None:
        return contextlib.nullcontext(sys.stdout)
    return files.private_open(output, "w", like=env.db_path, newline="", encoding="utf-8")


def _interface_command(kind: str) -> None:
    columns = ",".join(interfaces.COLUMNS[kind])

    @import_group.command(kind, help=f"Import the {kind} interface (CSV or XLSX): {columns}.")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--rfc", required=True)
    @pass_env
    def command(env: Env, file: Path, rfc: str) -> None:
        result = interfaces.import_file(env.db, kind, file, rfc)
        skipped = f", {result['skipped']} ya existían" if result["skipped"] else ""
        click.echo(
            f"{file.name}: {result['rows']} filas de {kind}, {result['added']} nuevas{skipped}."
        )


for _kind in interfaces.KINDS:
    _interface_command(_kind)


@main.group("discharge")
def discharge_group() -> None:
    """FIFO (PEPS) discharge of temporary imports (Anexo 24)."""


@discharge_group.command("run")
@click.option("--rfc", required=True)
@click.option("--until", "hasta", help="Exits up to this date (default: today).")
@click.option("--from", "desde", help="Re-discharge every exit from this date.")
@click.option("--dry-run", is_flag=True, help="Show what would be discharged; write nothing.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_env
def discharge_run(env: Env, rfc, hasta, desde, dry_run, fmt) -> None:
    """Discharge the pending exits, oldest temporary import first."""
    result = discharge.run(
        env.db,
        rfc,
        hasta=checked_date("--until", hasta) if hasta else env.today,
        desde=checked_date("--from", desde) if desde else None,
        dry_run=dry_run,
    )
    if fmt == "json":
        click.echo(export.to_json(result.as_dict()))
        return
    head = "Vista previa (nada se guardó)" if dry_run else f"Corrida {result.run_id}"
    since = f" desde {result.desde}" if result.desde else ""
    click.echo(
        f"{head}: salidas hasta {result.hasta}{since}: {result.demands} demandas, "
        f"{result.allocations} asignaciones, {result.shortfalls} faltantes, "
        f"{result.vencidos} de lotes vencidos, {result.reversed} revertidas."
    )
    if result.shortfall_parts:
        click.echo("Faltantes en: " + ", ".join(result.shortfall_parts))
    if result.sin_valor:
        click.echo(
            f"{result.sin_valor} salidas quedan pendientes: sin entradas con valor_usd de "
            + ", ".join(result.sin_valor_parts)
        )


@discharge_group.command("mode")
@click.option("--rfc", required=True)
@click.argument("modo", required=False)
@pass_env
def discharge_mode(env: Env, rfc: str, modo: str | None) -> None:
    """Show or set the client's discharge mode: cantidad (per part number) or valor (USD per
    fracción, for certified companies). Refused while allocations are in force."""
    if modo is None:
        client = clients.get_client(env.db, rfc)
        click.echo(f"{client.rfc}: descargo por {client.descargo_modo}")
        return
    discharge.set_mode(env.db, rfc, modo.strip().lower())
    click.echo(f"{rfc.upper()}: descargo por {modo.strip().lower()} desde la próxima corrida.")


@discharge_group.command("undo")
@click.option("--rfc", required=True)
@pass_env
def discharge_undo(env: Env, rfc: str) -> None:
    """Undo the client's last discharge run."""
    undone = discharge.undo_last(env.db, rfc)
    click.echo(
        f"Corrida {undone['run_id']} ({undone['started_at']}) deshecha: "
        f"{undone['allocations']} asignaciones ya no cuentan."
    )


@discharge_group.command("runs")
@click.option("--rfc", required=True)
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def discharge_runs(env: Env, rfc: str, fmt: str) -> None:
    """The client's discharge runs, newest first."""
    rows = discharge.runs(env.db, rfc)
    emit(
        rows,
        [
            "id",
            "started_at",
            "os_user",
            "desde",
            "hasta",
            "status",
            "demands",
            "allocations",
            "shortfalls",
            "reversed",
        ],
        fmt,
        title="Corridas de descargo",
    )


@discharge_group.command("export")
@click.option("--rfc", required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option(
    "-o",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@pass_env
def discharge_export(env: Env, rfc: str, fmt: str, output: Path | None) -> None:
    """Every allocation in force (a shortfall has no pedimento, partida or fecha_entrada)."""
    rows = discharge.export_rows(env.db, rfc)
    with _output(env, output) as stream:
        if fmt == "csv":
            # Inert cells (export.csv_row); the quantity is the ledger's text of a positive
            # amount (CHECK cantidad_micro > 0), so no quote ever lands on a number.
            columns = discharge.export_columns(env.db, rfc)
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow(export.csv_row(row[c] for c in columns))
        else:
            stream.write("[")
            for n, row in enumerate(rows):
                stream.write(("," if n else "") + "\n  " + export.json_text(row))
            stream.write("\n]\n")


@main.command("check")
@click.option("--rfc", help="Only this client.")
@pass_env
def check_cmd(env: Env, rfc: str | None) -> None:
    """Verify the discharge ledger (no lot over-discharged, every exit accounted for)."""
    problems = discharge.check(env.db, rfc)
    if problems:
        for problem in problems[:50]:
            click.echo(problem)
        raise BrokerError(f"check: {len(problems)} problemas en el libro de descargos")
    click.echo("Libro de descargos correcto.")


@main.command("report")
@click.argument("name", type=click.Choice(reports.NAMES))
@click.option("--rfc", required=True)
@click.option("--from", "desde", help="Period start (AAAA-MM-DD; default 1 January).")
@click.option("--to", "hasta", help="Period end (AAAA-MM-DD; default today).")
@click.option("--on", "on", help="Balance date for saldos (default --to or today).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default="csv")
@click.option(
    "-o",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (required for xlsx).",
)
@pass_env
def report_cmd(env: Env, name, rfc, desde, hasta, on, fmt, output) -> None:
    """An Anexo 24 report, headed with the client's razón social, RFC and period."""
    to = checked_date("--to", hasta) if hasta else env.today
    heading = reports.heading(
        env.db,
        name,
        rfc,
        desde=checked_date("--from", desde) if desde else None,
        hasta=to,
        on=checked_date("--on", on) if on else to,
    )
    if fmt == "xlsx":
        if output is None:
            raise BrokerError("-o: el formato xlsx se escribe a un archivo (-o REPORTE.xlsx)")
        reports.write_xlsx(env.db, heading, output)
        click.echo(f"{heading.report.title}: {reports.count(env.db, heading)} filas en {output}")
        return
    with _output(env, output) as stream:
        (reports.write_csv if fmt == "csv" else reports.write_json)(env.db, heading, stream)


@import_group.command("ajustes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rfc", required=True)
@pass_env
def import_ajustes(env: Env, file: Path, rfc: str) -> None:
    """Import ajustes (CSV or XLSX): fecha,tipo,numero_parte,cantidad,pedimento,partida,motivo."""
    rows = interfaces.read_file(file, ajustes.AJUSTE_HEADERS)
    count = ajustes.add_ajustes(env.db, rfc, rows, file.name)
    click.echo(f"{file.name}: {count} ajustes registrados; el próximo descargo los aplica.")


@main.command("ajuste")
@click.option("--rfc", required=True)
@click.option("--fecha", required=True)
@click.option("--tipo", required=True, type=click.Choice(ajustes.AJUSTE_TIPOS))
@click.option("--parte", "numero_parte", required=True)
@click.option("--cantidad", required=True)
@click.option("--pedimento", default="", help="Sobrante / desensamble: the pedimento.")
@click.option("--partida", default="", help="Sobrante / desensamble: its partida.")
@click.option("--motivo", required=True)
@pass_env
def ajuste_cmd(env: Env, rfc: str, **values) -> None:
    """Record one ajuste: faltante, merma, sobrante or desensamble recovery."""
    ajustes.add_ajustes(env.db, rfc, [(1, values)], "ajuste")
    click.echo(f"Ajuste {values['tipo']} registrado; el próximo descargo lo aplica.")


@main.command("baja")
@click.option("--rfc", required=True)
@click.option("--catalogo", required=True, type=click.Choice(bajas.BAJA_TABLES))
@click.option("--clave", required=True, help="Part number or catalog key.")
@click.option("--date", "on", help="Fecha de baja (default: today).")
@pass_env
def baja_cmd(env: Env, rfc: str, catalogo: str, clave: str, on: str | None) -> None:
    """Deactivate an Anexo 24 catalog record; it is kept with its fecha de baja."""
    when = checked_date("--date", on) if on else env.today
    bajas.baja(env.db, rfc, catalogo, clave, when)
    click.echo(f"{clave} dado de baja en {catalogo} el {when}; el registro se conserva.")


@reconcile_group.command("entradas")
@click.option("--rfc", required=True)
@period_options
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table"
)
@click.option(
    "-o",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (required for xlsx).",
)
@pass_env
def reconcile_entradas(env: Env, rfc, desde, hasta, fmt, output) -> None:
    """The Anexo 24 entradas against Data Stage 551, per pedimento and partida: what is
    missing on either side, and fracción, UMC, cantidades UMC/UMT and valor USD differences
    (valor beyond the tolerance, `reconcile tolerancia`)."""
    start, end = period(desde, hasta)
    if fmt == "xlsx":
        if output is None:
            raise BrokerError("-o: el formato xlsx se escribe a un archivo (-o CRUCE.xlsx)")
        count = crosscheck.write_xlsx(env.db, rfc, output, desde=start, hasta=end, like=env.db_path)
        click.echo(f"Cruce de entradas: {count} diferencias en {output}")
        return
    found = crosscheck.differences(env.db, rfc, desde=start, hasta=end)
    rows = [d.as_dict() for d in found]
    if fmt in ("json", "csv"):
        with _output(env, output) as stream:
            stream.write(
                export.to_json(rows) + "\n"
                if fmt == "json"
                else export.to_csv(rows, [*crosscheck.COLUMNS, "descripcion"])
            )
        return
    emit(rows, crosscheck.COLUMNS, "table", title="Cruce Anexo 24 (entradas) vs Data Stage")
    s = crosscheck.summary(found)
    click.echo(
        f"Diferencias {s['diferencias']}: sólo en el Anexo 24 {s['solo_anexo24']}, sólo en "
        f"Data Stage {s['solo_datastage']}, partidas sólo en el Anexo 24 "
        f"{s['partida_solo_anexo24']}, sólo en Data Stage {s['partida_solo_datastage']}, "
        f"campos distintos {s['partida']}."
    )


@reconcile_group.command("tolerancia")
@click.argument("valor", required=False)
@click.option("--rfc", help="Only this client (default: the whole office).")
@pass_env
def reconcile_tolerance(env: Env, valor: str | None, rfc: str | None) -> None:
    """Show or set the valor USD tolerance of the entradas cross-check."""
    if valor is not None:
        crosscheck.set_tolerance(env.db, valor, rfc)
    who = f"de {rfc.strip().upper()}" if rfc else "de la oficina"
    click.echo(f"Tolerancia en valor USD {who}: {crosscheck.tolerance(env.db, rfc)}")
