"""Data Stage deliveries: `brokertui datastage entregas|apartados` (which months came per
client, which are late, the RFCs kept aside) and `brokertui oficio add|list` (the oficio de
matriz de seguridad without which ANAM sends nothing)."""

from __future__ import annotations

import click

from brokertui.cli.base import FORMATS, Env, emit, main, of_client, pass_env, rfc_shown
from brokertui.core.pedimentos.datastage import oficios, routes, schedule
from brokertui.core.registry import clients


@main.group("datastage")
def datastage_group() -> None:
    """Entregas de Data Stage por cliente y mes, y los RFC apartados."""


@datastage_group.command("entregas")
@click.option("--rfc", help="Sólo este cliente.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def entregas(env: Env, rfc: str | None, fmt: str) -> None:
    """Los meses de cada cliente: recibida, por llegar, atrasada (ANAM envía cada mes en los
    primeros 15 días del siguiente) o sin oficio vigente."""
    if rfc:
        clients.get_client(env.db, rfc)  # a clear error for an unknown RFC
    rows = []
    for c in schedule.load(env.db, env.today, rfc=rfc):
        oficio = c.oficio()
        for m in c.months:
            rows.append(
                {
                    "rfc": c.rfc,
                    "mes": m.month.strftime("%Y-%m"),
                    "estado": m.estado,
                    "limite": m.due.isoformat(),
                    "pedimentos": m.pedimentos,
                    "entregas": ", ".join(m.entregas),
                    "oficio": oficio.numero if oficio else "",
                }
            )
    columns = ["rfc", "mes", "estado", "limite", "pedimentos", "entregas", "oficio"]
    empty = f"No hay entregas de Data Stage esperadas ni recibidas{of_client(rfc)}"
    emit(rows, columns, fmt, title="Entregas de Data Stage", empty=empty)


@datastage_group.command("apartados")
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def apartados(env: Env, fmt: str) -> None:
    """RFC de entregas guardadas que no son clientes: al registrarlos se importan."""
    rows = routes.kept_aside(env.db)
    emit(
        rows,
        ["rfc", "razon_social", "pedimentos", "entregas"],
        fmt,
        title="RFC apartados",
        empty="No hay RFC apartados: cada entrega guardada es de un cliente registrado",
    )


@main.group("oficio")
def oficio_group() -> None:
    """Oficios de matriz de seguridad de ANAM (sin uno vigente no llega Data Stage)."""


@oficio_group.command("add")
@click.option("--rfc", required=True)
@click.option("--numero", required=True, help="Número del oficio.")
@click.option("--fecha", required=True, help="Fecha del oficio (AAAA-MM-DD).")
@click.option("--vence", required=True, help="Fecha en que vence (AAAA-MM-DD).")
@pass_env
def oficio_add(env: Env, rfc: str, numero: str, fecha: str, vence: str) -> None:
    """Registra el oficio de un cliente (una renovación es un oficio nuevo)."""
    oficio = oficios.record(env.db, rfc, numero, fecha, vence)
    click.echo(
        f"Oficio {oficio.numero} registrado para {rfc_shown(rfc)}: vence el "
        f"{oficio.vence.isoformat()} ({oficio.countdown(env.today)})."
    )


@oficio_group.command("list")
@click.option("--rfc", help="Sólo este cliente.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def oficio_list(env: Env, rfc: str | None, fmt: str) -> None:
    """Los oficios de cada cliente, el de vencimiento más lejano primero."""
    rows = []
    for c in schedule.load(env.db, env.today, rfc=rfc):
        for o in c.oficios:
            state = "vigente" if o.vigente(env.today) else "vencido"
            if o.fecha > env.today:
                state = "futuro"
            rows.append({"rfc": c.rfc, **o.as_dict(), "estado": state})
    emit(
        rows,
        ["rfc", "numero", "fecha", "vence", "estado"],
        fmt,
        title="Oficios",
        empty=f"No hay oficios de matriz de seguridad registrados{of_client(rfc)}",
    )
