"""Anexo 24 commands: interface imports, ajustes and bajas, the FIFO discharge, the ledger
check and the reports."""

from __future__ import annotations

import contextlib
import csv
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

import click
from click.decorators import FC

from brokertui.cli.base import (
    FORMATS,
    Env,
    Names,
    checked_date,
    during,
    emit,
    import_group,
    main,
    matching,
    of_client,
    pass_env,
    period,
    period_options,
    reconcile_group,
    required_period,
    rfc_shown,
    search_option,
)
from brokertui.core import export, files, formatting
from brokertui.core.anexo24 import (
    ajustes,
    bajas,
    conciliacion,
    crosscheck,
    descargos_check,
    interface_kinds,
    interfaces,
    reports,
)
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.errors import BrokerError
from brokertui.core.plural import counted
from brokertui.core.progress import Progress
from brokertui.core.registry import clients


def _output(env: Env, output: Path | None) -> AbstractContextManager[IO[Any]]:
    """Where a command writes: the -o file, created private (files.py), or standard output."""
    if output is None:
        return contextlib.nullcontext(sys.stdout)
    return files.private_open(output, "w", like=env.db_path, newline="", encoding="utf-8")


def _interface_command(interface: interface_kinds.Interface) -> None:
    kind, name = interface.kind, interface.name
    columns = ",".join(interface.columns)
    if interface.optional:
        columns += "; opcionales: " + ", ".join(interface.optional)

    @import_group.command(name, help=f"Importa la interfaz de {name} (CSV o XLSX): {columns}.")
    @click.argument(
        "file", metavar="ARCHIVO", type=click.Path(exists=True, dir_okay=False, path_type=Path)
    )
    @click.option("--rfc", required=True)
    @pass_env
    def command(env: Env, file: Path, rfc: str) -> None:
        click.echo(interface_kinds.load(env.db, kind, file, rfc, progress=_told_when_waiting()))


def _told_when_waiting() -> Progress:
    """A progress that says once, on standard error, that the import waits for a colleague's
    write (interfaces.WAITING); the CLI shows no other progress."""
    told = False

    def progress(done: int, total: int, stage: str) -> None:
        nonlocal told
        if stage == interfaces.WAITING and not told:
            click.echo(f"{stage}…", err=True)
            told = True

    return progress


for _interface in interface_kinds.INTERFACES.values():
    _interface_command(_interface)


def output_option(*, required_for_xlsx: bool = False) -> Callable[[FC], FC]:
    """-o FILE: where a command writes instead of standard output."""
    help_text = (
        "Escribe en este archivo (obligatorio para xlsx)."
        if required_for_xlsx
        else "Escribe en este archivo en vez de la salida estándar."
    )
    return click.option(
        "-o", "output", type=click.Path(dir_okay=False, path_type=Path), help=help_text
    )


@main.group("discharge")
def discharge_group() -> None:
    """Descargo PEPS de las importaciones temporales (Anexo 24)."""


@discharge_group.command("run")
@click.option("--rfc", required=True)
@click.option("--until", "hasta", help="Salidas hasta esta fecha (por omisión, hoy).")
@click.option("--from", "desde", help="Vuelve a descargar cada salida desde esta fecha.")
@click.option("--dry-run", is_flag=True, help="Muestra lo que se descargaría; no guarda nada.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_env
def discharge_run(
    env: Env, rfc: str, hasta: str | None, desde: str | None, dry_run: bool, fmt: str
) -> None:
    """Descarga las salidas pendientes, de la importación temporal más antigua primero."""
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
    click.echo(result.summary())
    if result.shortfall_parts:
        click.echo("Faltantes en: " + ", ".join(result.shortfall_parts))
    if result.sin_valor:
        click.echo(result.pending())


@discharge_group.command("mode")
@click.option("--rfc", required=True)
@click.argument("modo", metavar="MODO", required=False)
@pass_env
def discharge_mode(env: Env, rfc: str, modo: str | None) -> None:
    """Muestra o cambia el modo de descargo del cliente: cantidad (por número de parte), valor
    (USD por fracción, para empresas certificadas) o pedimento (USD a nivel pedimento: el saldo
    es de las mercancías con tasa arancelaria mayor). Se niega mientras haya asignaciones
    vigentes."""
    if modo is None:
        client = clients.get_client(env.db, rfc)
        click.echo(f"{client.rfc}: descargo por {client.ledger_mode}")
        return
    discharge.set_mode(env.db, rfc, modo.strip().lower())
    click.echo(f"{rfc.upper()}: descargo por {modo.strip().lower()} desde la próxima corrida.")


@discharge_group.command("undo")
@click.option("--rfc", required=True)
@pass_env
def discharge_undo(env: Env, rfc: str) -> None:
    """Deshace la última corrida de descargo del cliente."""
    undone = discharge.undo_last(env.db, rfc)
    left = counted(undone["allocations"], "asignación ya no cuenta", "asignaciones ya no cuentan")
    started = formatting.moment(undone["started_at"])
    click.echo(f"Corrida {undone['run_id']} ({started}) deshecha: {left}.")


# A run's columns (ledger.runs' keys; a table names them in Spanish, base.HEADERS) and the
# state a table shows: in force, undone, still being written, or interrupted (its process died
# while writing it, and the next run takes it over; who ran it and since when are its os_user
# and started_at). JSON and CSV keep the stored status and `interrupted`.
RUN_COLUMNS = [
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
    "interrupted",
]
RUN_STATES = {"committed": "vigente", "undone": "deshecha", "escribiendo": "en curso"}


def _shown_state(run: dict) -> dict:
    """The run as a table shows it: its state in Spanish, its start in Mexico City time."""
    state = "interrumpida" if run["interrupted"] else RUN_STATES.get(run["status"], run["status"])
    return {**run, "status": state, "started_at": formatting.moment(run["started_at"])}


@discharge_group.command("runs")
@click.option("--rfc", required=True)
@search_option
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def discharge_runs(env: Env, rfc: str, search: str | None, fmt: str) -> None:
    """Las corridas de descargo del cliente, la más reciente primero."""
    rows = discharge.runs(env.db, rfc)
    if fmt == "table":  # the state in Spanish, what --search finds in the table too
        rows = [_shown_state(run) for run in rows]
    columns = [c for c in RUN_COLUMNS if fmt != "table" or c != "interrupted"]
    emit(
        matching(rows, search, "started_at"),
        columns,
        fmt,
        title="Corridas de descargo",
        empty=f"{rfc_shown(rfc)} no tiene corridas de descargo",
        search=search,
    )


@discharge_group.command("export")
@click.option("--rfc", required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@output_option()
@pass_env
def discharge_export(env: Env, rfc: str, fmt: str, output: Path | None) -> None:
    """Cada asignación vigente (un faltante no tiene pedimento, partida ni fecha_entrada)."""
    columns, rows = discharge.export_table(env.db, rfc, as_text=fmt == "csv")
    with _output(env, output) as stream:
        if fmt == "csv":
            # Every cell inert as text (export.write_rows); the quantity is the ledger's text of
            # a positive amount (CHECK cantidad_micro > 0), so no quote ever lands on a number.
            csv.writer(stream, lineterminator="\n").writerow(columns)
            export.write_rows(stream, rows, [True] * len(columns))
        else:
            stream.write("[")
            for n, row in enumerate(rows):
                values = dict(zip(columns, row, strict=True))
                stream.write(("," if n else "") + "\n  " + export.json_text(values))
            stream.write("\n]\n")


@main.command("check")
@click.option("--rfc", help="Sólo este cliente.")
@pass_env
def check_cmd(env: Env, rfc: str | None) -> None:
    """Verifica el libro de descargos (ningún lote descargado de más, cada salida contada)."""
    problems = discharge.check(env.db, rfc)
    if problems:
        for problem in problems[:50]:
            click.echo(problem)
        raise BrokerError(f"check: {counted(len(problems), 'problema')} en el libro de descargos")
    click.echo("Libro de descargos correcto.")


REPORT_NAMES = Names(reports.NAMES)


@main.command(
    "report",
    help="Un reporte del Anexo 24, encabezado con la razón social, el RFC y el periodo del "
    f"cliente.\n\nREPORTE: {REPORT_NAMES.listed()}.",
)
@click.argument("name", metavar="REPORTE", type=REPORT_NAMES)
@click.option("--rfc", required=True)
@click.option("--from", "desde", help="Inicio del periodo (AAAA-MM-DD; por omisión, 1 de enero).")
@click.option("--to", "hasta", help="Fin del periodo (AAAA-MM-DD; por omisión, hoy).")
@click.option("--on", "on", help="Fecha de corte de los saldos (por omisión, --to u hoy).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default="csv")
@output_option(required_for_xlsx=True)
@pass_env
def report_cmd(
    env: Env,
    name: str,
    rfc: str,
    desde: str | None,
    hasta: str | None,
    on: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    start, to = period(desde, hasta)
    to = to or env.today
    heading = reports.heading(
        env.db,
        name,
        rfc,
        desde=start,
        hasta=to,
        on=checked_date("--on", on) if on else to,
    )
    if fmt == "xlsx":
        if output is None:
            raise BrokerError("-o: el formato xlsx se escribe a un archivo (-o REPORTE.xlsx)")
        reports.write_xlsx(env.db, heading, output)
        rows = counted(reports.count(env.db, heading), "fila")
        click.echo(f"{heading.report.title}: {rows} en {output}")
        return
    with _output(env, output) as stream:
        (reports.write_csv if fmt == "csv" else reports.write_json)(env.db, heading, stream)


@main.command("ajuste")
@click.option("--rfc", required=True)
@click.option("--fecha", required=True, help="Fecha del ajuste (AAAA-MM-DD).")
@click.option(
    "--tipo", required=True, type=click.Choice(ajustes.AJUSTE_TIPOS), help="Tipo de ajuste."
)
@click.option("--parte", "numero_parte", required=True, help="Número de parte del material.")
@click.option("--cantidad", required=True, help="Cantidad ajustada, en la unidad del material.")
@click.option("--pedimento", default="", help="Sobrante o desensamble: el pedimento.")
@click.option("--partida", default="", help="Sobrante o desensamble: su partida.")
@click.option("--motivo", required=True, help="Por qué se ajusta (p. ej. el acta de merma).")
@pass_env
def ajuste_cmd(env: Env, rfc: str, **values: str) -> None:
    """Registra un ajuste: faltante, merma, sobrante o recuperación por desensamble."""
    ajustes.add_ajustes(env.db, rfc, [(1, values)], "ajuste")
    click.echo(f"Ajuste {values['tipo']} registrado; el próximo descargo lo aplica.")


@main.command("baja")
@click.option("--rfc", required=True)
@click.option(
    "--catalogo",
    required=True,
    type=Names(bajas.BAJA_TABLES),
    help="El catálogo del Anexo 24 del registro.",
)
@click.option("--clave", required=True, help="Número de parte o clave del catálogo.")
@click.option("--date", "on", help="Fecha de baja (por omisión, hoy).")
@pass_env
def baja_cmd(env: Env, rfc: str, catalogo: str, clave: str, on: str | None) -> None:
    """Da de baja un registro de un catálogo del Anexo 24; se conserva con su fecha de baja."""
    when = checked_date("--date", on) if on else env.today
    bajas.baja(env.db, rfc, catalogo, clave, when)
    click.echo(f"{clave} dado de baja en {catalogo} el {when}; el registro se conserva.")


@reconcile_group.command("entradas")
@click.option("--rfc", required=True)
@period_options
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table"
)
@output_option(required_for_xlsx=True)
@pass_env
def reconcile_entradas(
    env: Env, rfc: str, desde: str | None, hasta: str | None, fmt: str, output: Path | None
) -> None:
    """Las entradas del Anexo 24 contra el 551 de Data Stage, por pedimento y partida: lo que
    falta de cada lado y las diferencias de fracción, UMC, cantidades UMC/UMT y valor USD (el
    valor, más allá de la tolerancia: `reconcile tolerancia`)."""
    start, end = period(desde, hasta)
    if fmt == "xlsx":
        if output is None:
            raise BrokerError("-o: el formato xlsx se escribe a un archivo (-o CRUCE.xlsx)")
        count = crosscheck.write_xlsx(env.db, rfc, output, desde=start, hasta=end, like=env.db_path)
        click.echo(f"Cruce de entradas: {counted(count, 'diferencia')} en {output}")
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
    emit(
        rows,
        crosscheck.COLUMNS,
        "table",
        title="Cruce Anexo 24 (entradas) vs Data Stage",
        empty=f"Sin diferencias entre las entradas del Anexo 24{of_client(rfc)} y Data Stage"
        + during(start, end),
    )
    s = crosscheck.summary(found)
    click.echo(
        f"Diferencias {s['diferencias']}: sólo en el Anexo 24 {s['solo_anexo24']}, sólo en "
        f"Data Stage {s['solo_datastage']}, partidas sólo en el Anexo 24 "
        f"{s['partida_solo_anexo24']}, sólo en Data Stage {s['partida_solo_datastage']}, "
        f"campos distintos {s['partida']}."
    )


@reconcile_group.command("tolerancia")
@click.argument("valor", metavar="VALOR", required=False)
@click.option("--rfc", help="Sólo este cliente (por omisión, toda la oficina).")
@pass_env
def reconcile_tolerance(env: Env, valor: str | None, rfc: str | None) -> None:
    """Muestra o cambia la tolerancia en valor USD del cruce de entradas."""
    if valor is not None:
        crosscheck.set_tolerance(env.db, valor, rfc)
    who = f"de {rfc_shown(rfc)}" if rfc else "de la oficina"
    click.echo(f"Tolerancia en valor USD {who}: {crosscheck.tolerance(env.db, rfc)}")


@reconcile_group.command("partes")
@click.option("--rfc", required=True)
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def reconcile_parts(env: Env, rfc: str, fmt: str) -> None:
    """Las partidas temporales cuyo número de parte (del 551 o de las observaciones 558) no
    está en los materiales del cliente: no se vuelven entradas y se listan aquí."""
    listed, counts = crosscheck.unknown_parts(env.db, rfc)
    emit(
        listed,
        crosscheck.PART_COLUMNS,
        fmt,
        title="Números de parte sin catálogo",
        empty=f"{rfc_shown(rfc)} no tiene partidas temporales con número de parte sin catálogo",
    )
    if fmt == "table":
        click.echo(
            f"Partidas con número de parte del 551 {counts['551']}, de observaciones "
            f"{counts['558']}, capturado {counts['captura']}, sin número (lo da la interfaz "
            f"de entradas) {counts['ninguno']}; sin catálogo {counts['desconocidos']}."
        )


@reconcile_group.command("descargos")
@click.option("--rfc", required=True)
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def reconcile_descargos(env: Env, rfc: str, fmt: str) -> None:
    """Los descargos 512 de Data Stage (donde vienen) contra el descargo PEPS de brokertui de
    las mismas salidas: lo que sólo está de un lado, la unidad y la cantidad."""
    rows = descargos_check.differences(env.db, rfc)
    emit(
        rows,
        descargos_check.COLUMNS,
        fmt,
        title="Descargos 512 vs descargo de brokertui",
        empty=f"Sin diferencias entre los descargos 512{of_client(rfc)} y los de brokertui",
    )
    if fmt == "table":
        click.echo(f"Diferencias {len(rows)}.")


@reconcile_group.command("inventario")
@click.option("--rfc", required=True)
@click.option("--from", "desde", required=True, help="Inicio del periodo declarado (AAAA-MM-DD).")
@click.option("--to", "hasta", required=True, help="Fin del periodo declarado (AAAA-MM-DD).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table"
)
@output_option(required_for_xlsx=True)
@click.option(
    "--ajustar",
    is_flag=True,
    help="Registra como ajustes (faltante o sobrante) las diferencias propuestas.",
)
@pass_env
def reconcile_inventario(
    env: Env, rfc: str, desde: str, hasta: str, fmt: str, output: Path | None, ajustar: bool
) -> None:
    """Concilia el inventario inicial y final que declaró el sistema corporativo para un
    periodo (interfaz inventarios) con la información aduanera, por material: inicial +
    entradas - salidas - ajustes contra el inventario final declarado y contra el saldo de
    brokertui; las diferencias se proponen como ajustes (Anexo 24, Apartado B, módulo de
    procesos)."""
    start, end = required_period(desde, hasta)
    if ajustar:
        count = conciliacion.confirm(env.db, rfc, start, end)
        click.echo(
            counted(
                count, "ajuste de conciliación registrado", "ajustes de conciliación registrados"
            )
            + "; el próximo descargo los aplica."
            if count
            else "Sin diferencias que ajustar."
        )
        return
    if fmt == "xlsx":
        if output is None:
            raise BrokerError("-o: el formato xlsx se escribe a un archivo (-o CONCILIACION.xlsx)")
        count = conciliacion.write_xlsx(env.db, rfc, start, end, output, like=env.db_path)
        click.echo(
            f"Conciliación de inventario: {counted(count, 'material', 'materiales')} en {output}"
        )
        return
    lines = conciliacion.conciliate(env.db, rfc, start, end)
    rows = [line.as_dict() for line in lines]
    if fmt in ("json", "csv"):
        with _output(env, output) as stream:
            stream.write(
                export.to_json(rows) + "\n"
                if fmt == "json"
                else export.to_csv(rows, conciliacion.COLUMNS)
            )
        return
    shown = [
        "numero_parte",
        "inventario_inicial",
        "entradas",
        "salidas",
        "ajustes",
        "inventario_final",
        "diferencia",
        "saldo_brokertui",
        "propuesta",
        "estado",
    ]
    emit(
        rows,
        shown,
        "table",
        title="Conciliación de inventario (sistema corporativo)",
        empty=f"{rfc_shown(rfc)} no tiene materiales que conciliar{during(start, end)}",
    )
    proposed = conciliacion.proposals(lines, start, end)
    undeclared = sum(1 for x in lines if not x.declarado)
    click.echo(
        f"Materiales {len(lines)}, con diferencia {sum(1 for x in lines if x.diferencia)}"
        + (f", {conciliacion.UNDECLARED} {undeclared}" if undeclared else "")
        + f"; ajustes propuestos {len(proposed)}"
        + ("; regístrelos con --ajustar." if proposed else ".")
    )
