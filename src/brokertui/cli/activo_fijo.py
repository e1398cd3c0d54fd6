"""Activo fijo commands (Anexo 24, módulo de activo fijo): the movements of the client's fixed
assets, typed one at a time or imported from a file, and the assets with their balance,
domicilio and permanence."""

from __future__ import annotations

from pathlib import Path

import click

from brokertui.cli.base import FORMATS, Env, checked_date, emit, import_group, main, pass_env
from brokertui.core.anexo24 import activo_fijo, interfaces
from brokertui.core.plural import counted
from brokertui.core.quantities import to_text
from brokertui.core.registry import clients
from brokertui.core.text import shown_name

COLUMNS = ",".join(activo_fijo.COLUMNS)
# `activo-fijo list`'s columns, in its rows' order
ASSET_COLUMNS = [
    "pedimento",
    "partida",
    "clave",
    "numero_parte",
    "fecha_entrada",
    "cantidad",
    "descargado",
    "saldo",
    "domicilio",
    "ultimo_movimiento",
    "serie",
    "marca",
    "modelo",
    "limite_permanencia",
]


@import_group.command("movimientos-activo-fijo")
@click.argument(
    "file", metavar="ARCHIVO", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--rfc", required=True)
@pass_env
def import_activo_fijo(env: Env, file: Path, rfc: str) -> None:
    """Importa movimientos de activo fijo (CSV o XLSX): fecha,tipo,pedimento,partida,
    numero_parte,cantidad,documento,domicilio,motivo y, opcionales, serie,marca,modelo."""
    rows = interfaces.read_file(file, activo_fijo.HEADERS)
    count = activo_fijo.add_movements(env.db, rfc, rows, shown_name(file))
    done = counted(
        count, "movimiento de activo fijo registrado", "movimientos de activo fijo registrados"
    )
    click.echo(f"{shown_name(file)}: {done}.")


@main.group("activo-fijo")
def activo_fijo_group() -> None:
    """Activo fijo: sus movimientos (retorno, transferencia, cambio de régimen, donación,
    destrucción, cambio de domicilio), saldos y permanencia."""


@activo_fijo_group.command("movimiento")
@click.option("--rfc", required=True)
@click.option("--fecha", required=True, help="Fecha del movimiento (AAAA-MM-DD).")
@click.option(
    "--tipo",
    required=True,
    help="retorno, transferencia, cambio_regimen, donacion, destruccion o cambio_domicilio.",
)
@click.option("--pedimento", required=True, help="El pedimento de importación del activo.")
@click.option("--partida", required=True, help="La partida del activo en ese pedimento.")
@click.option(
    "--parte",
    "numero_parte",
    default="",
    help="Número de parte, si la partida tiene varios activos.",
)
@click.option("--cantidad", default="", help="Lo que descarga (vacía en un cambio de domicilio).")
@click.option("--documento", default="", help="Pedimento de salida, o acta o acuse.")
@click.option("--domicilio", default="", help="Cambio de domicilio: la planta o bodega destino.")
@click.option("--motivo", default="", help="Por qué se hace el movimiento.")
@click.option("--serie", default="", help="Número de serie del bien (maquinaria y equipo).")
@click.option("--marca", default="", help="Marca del bien.")
@click.option("--modelo", default="", help="Modelo del bien.")
@pass_env
def movimiento_cmd(env: Env, rfc: str, **values: str) -> None:
    """Registra un movimiento de un activo fijo; descarga su saldo salvo un cambio de
    domicilio, que conserva su pedimento."""
    activo_fijo.add_movement(env.db, rfc, values)
    kind = activo_fijo.TIPOS[activo_fijo.tipo(values["tipo"])]
    click.echo(f"Activo fijo {values['pedimento']} partida {values['partida']}: {kind} registrado.")


@activo_fijo_group.command("list")
@click.option("--rfc", required=True)
@click.option("--on", "on", help="Fecha de corte (por omisión, hoy).")
@click.option("--todos", is_flag=True, help="También los ya descargados por completo.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def list_cmd(env: Env, rfc: str, on: str | None, todos: bool, fmt: str) -> None:
    """Los activos fijos del cliente con su saldo, domicilio y último movimiento."""
    when = checked_date("--on", on) if on else env.today
    client = clients.get_client(env.db, rfc)
    term = activo_fijo.permanence(env.db, client.rfc, when)
    rows = [
        {
            "pedimento": a.pedimento,
            "partida": a.partida,
            "clave": a.clave,
            "numero_parte": a.numero_parte,
            "fecha_entrada": a.fecha_entrada,
            "cantidad": to_text(a.cantidad_micro),
            "descargado": to_text(a.descargado_micro),
            "saldo": to_text(a.saldo_micro),
            "domicilio": a.domicilio,
            "ultimo_movimiento": a.ultimo,
            "serie": a.serie,
            "marca": a.marca,
            "modelo": a.modelo,
            "limite_permanencia": term.limite.isoformat() if term.limite else None,
        }
        for a in activo_fijo.assets(env.db, client.id, when, with_balance=not todos)
    ]
    held = "registrados" if todos else "con saldo"
    empty = f"{client.rfc} no tiene activos fijos {held} al {when}"
    emit(rows, ASSET_COLUMNS, fmt, "Activo fijo", empty=empty)
    if fmt == "table":
        click.echo(f"Permanencia: {term.nota}")
