"""`brokertui backup create|verify|restore|settings`: thin faces over core/backup.py."""

from __future__ import annotations

from pathlib import Path

import click

from brokertui.cli.base import Env, Whole, emit, main, pass_env
from brokertui.core import backup, export
from brokertui.core.errors import BrokerError
from brokertui.core.plural import counted

FILE = click.Path(dir_okay=False, path_type=Path)


@main.group("backup")
def backup_group() -> None:
    """Respaldos de la base de datos: crear, verificar, restaurar y el respaldo diario."""


@backup_group.command("create")
@click.argument("destino", required=False, type=click.Path(path_type=Path))
@pass_env
def create_cmd(env: Env, destino: Path | None) -> None:
    """Respalda la base mientras otros trabajan. DESTINO es un archivo o una carpeta; sin él,
    respaldos/ junto a la base, que conserva los N más recientes."""
    made = backup.create(env.db_path, destino)
    click.echo(f"Respaldo creado: {made} ({made.stat().st_size / 1e6:.1f} MB)")


@backup_group.command("verify")
@click.argument("archivo", type=FILE)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def verify_cmd(archivo: Path, fmt: str) -> None:
    """Revisa un respaldo: SHA-256, integridad, llaves foráneas, versión del esquema y filas
    por tabla. Sale con estado 1 si tiene problemas."""
    report = backup.verify(archivo)
    if fmt == "json":
        click.echo(export.to_json(_as_json(report)))
    else:
        click.echo(f"Archivo: {report.path}")
        click.echo(f"Esquema: {report.schema} (esta versión de brokertui: {report.newest})")
        click.echo(f"SHA-256: {report.checksum}")
        rows = [{"tabla": name, "filas": count} for name, count in report.counts.items()]
        emit(rows, ["tabla", "filas"], "table", empty="El respaldo no tiene tablas")
        for problem in report.problems:
            click.echo(f"Problema: {problem}")
    if not report.ok:
        raise BrokerError(
            f"{archivo}: el respaldo tiene {counted(len(report.problems), 'problema')}"
        )
    if fmt != "json":
        click.echo("Respaldo correcto.")


def _as_json(report: backup.Report) -> dict:
    return {
        "archivo": str(report.path),
        "correcto": report.ok,
        "problemas": report.problems,
        "esquema": report.schema,
        "esquema_brokertui": report.newest,
        "sha256": report.checksum,
        "filas": report.counts,
    }


@backup_group.command("restore")
@click.argument("archivo", type=FILE)
@pass_env
def restore_cmd(env: Env, archivo: Path) -> None:
    """Reemplaza la base con el respaldo ARCHIVO, si pasa la verificación. Se niega mientras
    otros tengan la base abierta; la base reemplazada se conserva a su lado."""
    done = backup.restore(archivo, env.db_path)
    click.echo(f"Base restaurada desde {done.source} en {env.db_path}")
    if done.aside:
        click.echo(f"La base anterior quedó en {done.aside}")


@backup_group.command("settings")
@click.option("--daily/--no-daily", default=None, help="Activa o desactiva el respaldo diario.")
@click.option(
    "--keep", type=Whole("keep", 0), help="Cuántos respaldos conserva respaldos/ (1 a 366)."
)
@pass_env
def settings_cmd(env: Env, daily: bool | None, keep: int | None) -> None:
    """Muestra o cambia el respaldo diario automático (lo hace el primer comando o la primera
    apertura de la TUI de cada día) y cuántos respaldos se conservan."""
    if daily is None and keep is None:
        rule = backup.policy(env.db)
    else:
        rule = backup.set_policy(env.db, daily=daily, keep=keep)
    click.echo(f"Respaldo diario: {'sí' if rule.daily else 'no'}")
    click.echo(f"Respaldos a conservar: {rule.keep} en {backup.folder(env.db_path)}")
