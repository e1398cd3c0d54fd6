"""RAOCE commands: record a filing, the worksheet's figures and PROSEC goods, show it as VUCEM
asks for it."""

from __future__ import annotations

import click

from brokertui.cli.base import YEAR, Env, expect_version_option, main, pass_env
from brokertui.core import export
from brokertui.core.raoce import worksheet as raoce
from brokertui.core.registry import deadlines


@main.group("raoce")
def raoce_group() -> None:
    """RAOCE (reporte anual): hoja de trabajo y presentaciones."""


@raoce_group.command("file")
@click.option("--rfc", required=True)
@click.option("--program", "program_type", required=True, help="IMMEX, PROSEC, ALTEX o ECEX.")
@click.option(
    "--year",
    type=YEAR,
    required=True,
    help="Año de presentación (el reporte cubre el año anterior).",
)
@click.option("--folio", required=True, help="El folio de 25 dígitos del acuse de VUCEM.")
@click.option("--date", "filed_on", required=True, help="Fecha de presentación (AAAA-MM-DD).")
@pass_env
def raoce_file(env: Env, rfc: str, program_type: str, year: int, folio: str, filed_on: str) -> None:
    """Registra un RAOCE presentado."""
    ob = deadlines.record_filing(env.db, rfc, program_type, year, folio, filed_on, today=env.today)
    click.echo(
        f"RAOCE {year} de {ob.program} {ob.program_number} ({ob.rfc}) presentado el {ob.filed_on}"
    )
    click.echo(f"  corrección de errores: hasta el {ob.correction_until} (5 días hábiles)")
    if ob.reactivation_on:
        click.echo(f"  presentado en suspensión: reactivación esperada el {ob.reactivation_on}")


@raoce_group.command("set")
@click.option("--rfc", required=True)
@click.option(
    "--year",
    type=YEAR,
    required=True,
    help="Año de presentación (el reporte cubre el año anterior).",
)
@click.option("--ventas", required=True, help="Ventas totales (a), miles de pesos.")
@click.option("--exportaciones", required=True, help="Total exportaciones (b), miles de pesos.")
@click.option("--importaciones", help="Total importaciones (c), miles de pesos (sólo PROSEC).")
@click.option("--tipo-cambio", help="Tipo de cambio promedio (MXN por USD) del ejercicio.")
@expect_version_option
@pass_env
def raoce_set(
    env: Env, rfc: str, year: int, expected_version: int | None, **figures: str | None
) -> None:
    """Registra las cifras de la hoja RAOCE; el saldo y el porcentaje se calculan."""
    sheet = raoce.set_worksheet(env.db, rfc, year, expected_version=expected_version, **figures)
    click.echo(
        f"Saldo b-c {sheet['saldo']} · porcentaje de exportación "
        f"{sheet['porcentaje_exportacion']} % (versión {sheet['version']})"
    )


@raoce_group.command("add-bien")
@click.option("--rfc", required=True)
@click.option("--year", type=YEAR, required=True, help="Año de presentación del RAOCE.")
@click.option("--sector", required=True, help="Sector PROSEC, p. ej. XIX.")
@click.option("--fraccion", required=True, help="Fracción arancelaria del bien.")
@click.option("--descripcion", required=True, help="Descripción del bien.")
@click.option("--unidad", required=True, help="Unidad del Apéndice 7, clave o nombre.")
@click.option("--volumen", required=True, help="Volumen producido, en esa unidad.")
@pass_env
def raoce_add_bien(env: Env, rfc: str, year: int, **bien: str) -> None:
    """Agrega un bien a la relación de bienes producidos del PROSEC."""
    raoce.add_bien(env.db, rfc, year, **bien)
    click.echo("Bien producido agregado.")


@raoce_group.command("show")
@click.option("--rfc", required=True)
@click.option("--year", type=YEAR, required=True, help="Año de presentación del RAOCE.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_env
def raoce_show(env: Env, rfc: str, year: int, fmt: str) -> None:
    """La hoja como la pide VUCEM, con el cruce contra pedimentos y las revisiones de umbrales."""
    sheet = raoce.show(env.db, rfc, year)
    if fmt == "json":
        click.echo(export.to_json(sheet))
        return
    for label, key in raoce.VUCEM_FIELDS:
        value = sheet[key]
        click.echo(f"{label:38} {'' if value is None else value}")
    for check in sheet["checks"]:
        mark = {True: "✓", False: "✗", None: "?"}[check["passed"]]
        click.echo(f"{mark} {check['rule']}: {check['detail']}")
