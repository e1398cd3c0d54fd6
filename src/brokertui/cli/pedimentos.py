"""Pedimento commands: Data Stage import, listing, capture from JSON, reconciliation,
per-client rules and catalogs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from brokertui.cli.base import (
    FORMATS,
    Env,
    during,
    emit,
    expect_version_option,
    import_group,
    main,
    matching,
    of_client,
    pass_env,
    period,
    period_options,
    reconcile_group,
    search_option,
)
from brokertui.core import catalogs, export, limits
from brokertui.core.errors import InvalidInput
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import reconcile, restricted
from brokertui.core.pedimentos import rules as pedimento_rules
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import batch as datastage_batch
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.pedimentos.datastage import member_tables
from brokertui.core.plural import counted
from brokertui.core.progress import Progress
from brokertui.core.registry import clients
from brokertui.core.text import shown_name

PEDIMENTO_COLUMNS = [
    "numero",
    "rfc",
    "clave",
    "tipo_operacion",
    "fecha_pago",
    "partidas",
    "origen",
    "rectifica",
    "rectificado_por",
]


@import_group.command("datastage")
@click.argument("path", metavar="ZIP_O_CARPETA", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--rfc", help="Importa sólo los pedimentos de este cliente (el resto queda en el zip)."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_env
def import_datastage(env: Env, path: Path, rfc: str | None, fmt: str) -> None:
    """Importa un zip de Data Stage ({folio}_Solicitudes.zip) o los zips de una carpeta, cada
    uno todo o nada; cada pedimento va al cliente de su RFC y los de RFC no registrados se
    apartan hasta registrar el cliente."""
    if path.is_dir():
        if rfc:
            raise InvalidInput("--rfc", "no se usa con una carpeta: se importan todos los RFC")
        summary = datastage_batch.import_folder(env.db, path, progress=_progress_line())
        if fmt == "json":
            click.echo(export.to_json(summary.as_dict()))
            return
        click.echo(summary.read(path))
        for line in summary.lines():
            click.echo(line)
        return
    result = datastage.import_zip(env.db, path, rfc=rfc)
    if fmt == "json":
        click.echo(export.to_json(result.as_dict()))
        return
    for line in datastage_batch.zip_lines(shown_name(path), result):
        click.echo(line)


def _progress_line() -> Progress | None:
    """The percentage done on one line of a terminal's stderr while a folder imports (none
    when stderr is not a terminal)."""
    if not sys.stderr.isatty():
        return None
    shown = [-1]

    def report(done: int, total: int, stage: str) -> None:
        percent = 100 * done // max(total, 1)
        if percent != shown[0]:
            shown[0] = percent
            click.echo(f"\r{percent:3}%", err=True, nl=percent == 100)

    return report


@main.group("pedimento")
def pedimento_group() -> None:
    """Pedimentos: listar, mostrar, capturar desde un archivo JSON."""


@pedimento_group.command("list")
@click.option("--rfc", help="Sólo este cliente.")
@period_options
@search_option
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def pedimento_list(
    env: Env,
    rfc: str | None,
    desde: str | None,
    hasta: str | None,
    search: str | None,
    fmt: str,
) -> None:
    """Cada pedimento, rectificados incluidos, el más reciente primero."""
    start, end = period(desde, hasta)
    rows = pedimentos.list_pedimentos(env.db, rfc=rfc, desde=start, hasta=end, search=search)
    emit(
        [{k: r[k] for k in PEDIMENTO_COLUMNS} for r in rows],
        PEDIMENTO_COLUMNS,
        fmt,
        title="Pedimentos",
        empty=f"No hay pedimentos{of_client(rfc)}{during(start, end)}",
        search=search,
    )


@pedimento_group.command("show")
@click.argument("numero", metavar="NÚMERO")
@click.option(
    "--source",
    type=click.Choice(["captura", "datastage"]),
    help="El capturado o el de Data Stage (por omisión, el de Data Stage si lo hay).",
)
@pass_env
def pedimento_show(env: Env, numero: str, source: str | None) -> None:
    """Un pedimento con sus facturas, identificadores y partidas, y los demás miembros de Data
    Stage que trae (transporte, guías, permisos, observaciones…), en JSON."""
    ped = pedimentos.get_pedimento(env.db, numero, source)
    ped["miembros"] = member_tables.for_pedimento(env.db, ped["id"])
    click.echo(export.to_json(ped))


# A captured pedimento as JSON: thousands of partidas fit in a few MB.
MAX_CAPTURE_BYTES = 16 << 20
_CAPTURE_SHAPE = 'debe ser un objeto JSON ({"encabezado": {...}, "partidas": [...]})'


def _capture_values(path: Path) -> dict:
    """The JSON object of a capture file (`-`: standard input), UTF-8 with or without a BOM;
    its numbers as the digits written (`18.00120` stays exact text). InvalidInput otherwise."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(MAX_CAPTURE_BYTES + 1)
    else:
        limits.check_regular(path, InvalidInput)
        with path.open("rb") as stream:
            data = stream.read(MAX_CAPTURE_BYTES + 1)
    if len(data) > MAX_CAPTURE_BYTES:
        raise InvalidInput("archivo", f"tiene más de {MAX_CAPTURE_BYTES >> 20} MB")
    try:
        values = json.loads(
            data.decode("utf-8-sig"), parse_float=str, parse_int=str, parse_constant=str
        )
    except UnicodeDecodeError:
        raise InvalidInput("archivo", "no está en UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput("archivo", f"no es JSON válido (línea {exc.lineno})") from None
    except RecursionError:
        raise InvalidInput("archivo", "no es JSON válido (anida demasiados niveles)") from None
    if not isinstance(values, dict):
        raise InvalidInput("archivo", _CAPTURE_SHAPE)
    return values


@pedimento_group.command("add")
@click.argument(
    "file",
    metavar="ARCHIVO",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
)
@click.option("--force", is_flag=True, help="Acepta los avisos.")
@click.option("--replace", is_flag=True, help="Sobrescribe el pedimento capturado con ese número.")
@expect_version_option
@pass_env
def pedimento_add(
    env: Env, file: Path, force: bool, replace: bool, expected_version: int | None
) -> None:
    """Captura un pedimento desde JSON: {"encabezado": {...}, "partidas": [...], ...}."""
    ped = pedimento_model.parse(_capture_values(file))
    problems = pedimentos.save(
        env.db,
        ped,
        today=env.today,
        force=force,
        replace=replace,
        expected_version=expected_version,
    )
    click.echo(
        f"Pedimento {ped.encabezado.numero} guardado con {counted(len(ped.partidas), 'partida')}."
    )
    for problem in problems:
        click.echo(f"{'Nota' if problem.level == 'info' else 'Aviso'}: {problem}")


@reconcile_group.command("pedimentos")
@click.option("--rfc", required=True)
@period_options
@search_option
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def reconcile_pedimentos(
    env: Env, rfc: str, desde: str | None, hasta: str | None, search: str | None, fmt: str
) -> None:
    """Pedimentos capturados contra Data Stage: lo que falta o difiere (también
    `reconcile --rfc RFC` a secas)."""
    start, end = period(desde, hasta)
    rows = reconcile.differences(env.db, rfc, desde=start, hasta=end, search=search)
    columns = ["numero", "tipo", "partida", "campo", "captura", "datastage"]
    emit(
        rows,
        columns,
        fmt,
        title="Conciliación captura vs Data Stage",
        empty=f"Sin diferencias entre los pedimentos capturados{of_client(rfc)} y Data Stage"
        + during(start, end),
        search=search,
    )
    if fmt == "table":
        s = reconcile.summary(env.db, rfc, desde=start, hasta=end)
        click.echo(
            f"Capturados {s['captura']}, en Data Stage {s['datastage']}, "
            f"diferencias {s['diferencias']}."
        )


@main.command("rules")
@click.option("--rfc", required=True)
@click.option("--on", "turn_on", multiple=True, help=", ".join(restricted.RULES))
@click.option("--off", "turn_off", multiple=True, help=", ".join(restricted.RULES))
@click.option(
    "--patron-parte",
    "pattern",
    help="Expresión regular del número de parte en las observaciones de partida (558).",
)
@pass_env
def rules_cmd(
    env: Env,
    rfc: str,
    turn_on: tuple[str, ...],
    turn_off: tuple[str, ...],
    pattern: str | None,
) -> None:
    """Muestra o cambia las reglas de pedimento del cliente (sensibles, garantia,
    petroliferos, textiles) y su patrón de número de parte."""
    state = pedimento_rules.client_rules(env.db, clients.get_client(env.db, rfc).id)
    if pattern is not None:
        pedimento_rules.set_part_pattern(env.db, rfc, pattern)
    for names, enabled in ((turn_on, True), (turn_off, False)):
        for name in names:
            state = pedimento_rules.set_client_rule(env.db, rfc, name, enabled)
    labels = restricted.config()["rules"]
    for name, enabled in state.items():
        click.echo(f"{name:13} {'sí' if enabled else 'no':3} {labels[name]['label']}")
    click.echo(f"patron_parte  {pedimento_rules.part_pattern(env.db, rfc)}")


@main.group("catalog")
def catalog_group() -> None:
    """Catálogos del Anexo 22 incluidos en brokertui (el usuario puede reemplazarlos)."""


@catalog_group.command("list")
@search_option
@click.option("--format", "fmt", type=FORMATS, default="table")
def catalog_list(search: str | None, fmt: str) -> None:
    """Cada catálogo con su fuente, su fecha y de dónde se cargó."""
    rows = []
    for name in catalogs.NAMES:
        c = catalogs.load(name)
        rows.append(
            {
                "name": name,
                "entries": len(c.entries),
                "as_of": c.as_of,
                "origin": c.origin,
                "source": c.source,
            }
        )
    rows = matching(rows, search, "as_of")
    emit(
        rows,
        ["name", "entries", "as_of", "origin", "source"],
        fmt,
        title="Catálogos",
        empty="No hay catálogos",
        search=search,
    )
    if fmt == "table":
        click.echo(f"Reemplazos del usuario: {catalogs.user_dir()}/NOMBRE.json")
