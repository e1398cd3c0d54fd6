"""Registry commands: clients and their sites, programs, RAOCE deadlines, the business-day
calendar (the RAOCE filings are in raoce.py)."""

from __future__ import annotations

from typing import Any

import click

from brokertui.cli.base import (
    FORMATS,
    YEAR,
    Decorated,
    Env,
    checked_date,
    emit,
    emit_record,
    expect_version_option,
    given,
    header,
    main,
    matching,
    of_client,
    pass_env,
    search_option,
)
from brokertui.core import export
from brokertui.core.registry import calendar, clients, deadlines, programs, stored

# --- clients ---------------------------------------------------------------------------------

CLIENT_COLUMNS = ["rfc", "razon_social", "entidad_federativa", "programas", "baja_date"]


def address_options(command: Decorated) -> Decorated:
    for name in reversed(clients.ADDRESS_FIELDS):
        words = header(name)
        command = click.option(
            f"--{name.replace('_', '-')}", name, help=f"Domicilio fiscal: {words}."
        )(command)
    return command


@main.group("client")
def client_group() -> None:
    """Clientes (contribuyentes)."""


@client_group.command("add")
@click.option("--rfc", required=True)
@click.option("--razon-social", required=True, help="Razón social del cliente.")
@address_options
@click.option("--force", is_flag=True, help="Acepta un RFC cuyo dígito verificador no coincide.")
@pass_env
def client_add(env: Env, force: bool, **values: str | None) -> None:
    """Registra un cliente (e importa sus pedimentos apartados en entregas de Data Stage)."""
    from brokertui.core.pedimentos.datastage import batch as datastage_batch

    client = clients.add_client(env.db, given(**values), force=force)
    note = (
        " (dígito verificador no coincide; aceptado con --force)"
        if client.rfc_check_warning
        else ""
    )
    click.echo(f"Cliente {client.rfc} registrado{note}")
    waiting = datastage_batch.import_waiting(env.db, client.rfc)
    if waiting.zips or waiting.rechazados:
        click.echo(waiting.waited(client.rfc))
        for line in waiting.lines():
            click.echo(line)


@client_group.command("edit")
@click.option("--rfc", required=True)
@click.option("--razon-social", help="La nueva razón social.")
@address_options
@expect_version_option
@pass_env
def client_edit(env: Env, rfc: str, expected_version: int | None, **values: str | None) -> None:
    """Cambia la razón social o el domicilio fiscal de un cliente."""
    client = clients.update_client(env.db, rfc, given(**values), expected_version=expected_version)
    click.echo(f"Cliente {client.rfc} actualizado (versión {client.version})")


@client_group.command("baja")
@click.option("--rfc", required=True)
@click.option("--date", "on", help="Fecha de baja (por omisión, hoy).")
@expect_version_option
@pass_env
def client_baja(env: Env, rfc: str, on: str | None, expected_version: int | None) -> None:
    """Registra la baja de un cliente (el registro se conserva)."""
    when = env.today if on is None else checked_date("date", on)
    client = clients.baja_client(env.db, rfc, when, expected_version=expected_version)
    click.echo(f"Cliente {client.rfc} dado de baja el {client.baja_date}")


@client_group.command("list")
@search_option
@click.option("--all", "include_baja", is_flag=True, help="Incluye los clientes dados de baja.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def client_list(env: Env, search: str | None, include_baja: bool, fmt: str) -> None:
    """Lista los clientes."""
    rows = [
        stored.as_json(c)
        for c in clients.list_clients(env.db, search=search, include_baja=include_baja)
    ]
    registered = "registrados" if include_baja else "vigentes"
    empty = f"No hay clientes {registered}"
    emit(rows, CLIENT_COLUMNS, fmt, title="Clientes", empty=empty, search=search)


@client_group.command("show")
@click.option("--rfc", required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_env
def client_show(env: Env, rfc: str, fmt: str) -> None:
    """Muestra un cliente con sus plantas, bodegas y programas."""
    client = clients.get_client(env.db, rfc)
    detail: dict[str, Any] = {"rfc": client.rfc, "razon_social": client.razon_social}
    detail |= stored.as_json(client, exclude={"id"})
    detail["sites"] = [stored.as_json(s, exclude={"id"}) for s in clients.list_sites(env.db, rfc)]
    detail["programs"] = [
        stored.as_json(p, exclude={"id", "rfc", "razon_social"})
        for p in programs.list_programs(env.db, rfc=rfc)
    ]
    if fmt == "json":
        click.echo(export.to_json(detail))
        return
    emit_record({k: v for k, v in detail.items() if not isinstance(v, list)})
    click.echo()
    emit(
        detail["sites"],
        ["kind", "nombre", "entidad_federativa", "baja_date"],
        "table",
        "Plantas y bodegas",
        empty=f"{client.rfc} no tiene plantas ni bodegas registradas",
    )
    emit(
        detail["programs"],
        PROGRAM_COLUMNS[2:],
        "table",
        "Programas",
        empty=f"{client.rfc} no tiene programas registrados",
    )


@client_group.command("add-site")
@click.option("--rfc", required=True)
@click.option(
    "--kind", type=click.Choice(["planta", "bodega"]), required=True, help="Planta o bodega."
)
@click.option("--nombre", required=True, help="Nombre de la planta o bodega.")
@click.option("--calle", help="Domicilio: calle.")
@click.option("--numero", help="Domicilio: número.")
@click.option("--colonia", help="Domicilio: colonia.")
@click.option("--codigo-postal", help="Domicilio: código postal.")
@click.option("--entidad-federativa", help="Domicilio: entidad federativa.")
@pass_env
def client_add_site(env: Env, rfc: str, **values: str | None) -> None:
    """Registra una planta o bodega de un cliente."""
    site = clients.add_site(env.db, rfc, given(**values))
    click.echo(f"{site.kind.capitalize()} «{site.nombre}» registrada para {rfc.upper()}")


# --- programs --------------------------------------------------------------------------------

PROGRAM_COLUMNS = [
    "rfc",
    "razon_social",
    "type",
    "number",
    "authorized_on",
    "status",
    "modalidad",
    "sectors",
]


@main.group("program")
def program_group() -> None:
    """Programas de comercio exterior (IMMEX, PROSEC, ALTEX, ECEX)."""


@program_group.command("add")
@click.option("--rfc", required=True)
@click.option("--type", "type_", required=True, help="IMMEX, PROSEC, ALTEX o ECEX.")
@click.option("--number", required=True, help="Número del programa (el de su autorización).")
@click.option("--authorized", required=True, help="Fecha de autorización (AAAA-MM-DD).")
@click.option("--modalidad", help="IMMEX: " + ", ".join(programs.MODALIDADES))
@click.option("--sectors", help="Sectores PROSEC, p. ej. 'I,XIX'.")
@click.option("--status", default="vigente", help=", ".join(programs.STATUSES))
@pass_env
def program_add(
    env: Env,
    rfc: str,
    type_: str,
    number: str,
    authorized: str,
    modalidad: str | None,
    sectors: str | None,
    status: str,
) -> None:
    """Registra un programa de un cliente."""
    data = given(
        type=type_,
        number=number,
        authorized_on=authorized,
        modalidad=modalidad,
        sectors=sectors,
        status=status,
    )
    program = programs.add_program(env.db, rfc, data, today=env.today)
    click.echo(f"{program.type} {program.number} registrado para {program.rfc}")


@program_group.command("status")
@click.option("--rfc", required=True)
@click.option("--type", "type_", required=True, help="IMMEX, PROSEC, ALTEX o ECEX.")
@click.option("--status", required=True, help=", ".join(programs.STATUSES))
@click.option("--authorized", help="Corrige la fecha de autorización (AAAA-MM-DD).")
@expect_version_option
@pass_env
def program_status(
    env: Env,
    rfc: str,
    type_: str,
    status: str,
    authorized: str | None,
    expected_version: int | None,
) -> None:
    """Registra el estado del programa de un cliente (y, si se da, su fecha de autorización)."""
    found = programs.find_program(env.db, rfc, type_)
    program = programs.update_program(
        env.db,
        found.id,
        status=status,
        authorized_on=authorized,
        today=env.today,
        expected_version=expected_version,
    )
    click.echo(
        f"{program.type} {program.number} de {program.rfc}: {program.status}, autorizado el "
        f"{program.authorized_on} (versión {program.version})"
    )


@program_group.command("list")
@click.option("--rfc", help="Sólo los programas de este cliente.")
@search_option
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def program_list(env: Env, rfc: str | None, search: str | None, fmt: str) -> None:
    """Lista los programas."""
    rows = [stored.as_json(p, exclude={"id"}) for p in programs.list_programs(env.db, rfc=rfc)]
    emit(
        matching(rows, search, "authorized_on"),
        PROGRAM_COLUMNS,
        fmt,
        title="Programas",
        empty=f"No hay programas registrados{of_client(rfc)}",
        search=search,
    )


# --- deadlines -------------------------------------------------------------------------------

DEADLINE_COLUMNS = [
    "rfc",
    "razon_social",
    "program",
    "program_number",
    "filing_year",
    "fiscal_year",
    "status",
    "opens_date",
    "due_date",
    "suspension_date",
    "final_date",
    "cancellation_date",
    "days_left",
    "business_days_left",
    "next_event",
    "next_event_date",
    "filed_on",
    "folio",
    "filed_via",
    "correction_until",
    "reactivation_on",
    "severity",
    "note",
]
TABLE_DEADLINE_COLUMNS = [
    "rfc",
    "program",
    "status",
    "due_date",
    "final_date",
    "next_event",
    "next_event_date",
    "days_left",
]


@main.command("deadlines")
@click.option("--year", type=YEAR, help="Año de presentación (por omisión, el de hoy).")
@click.option("--rfc", help="Sólo este cliente.")
@search_option
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def deadlines_cmd(
    env: Env, year: int | None, rfc: str | None, search: str | None, fmt: str
) -> None:
    """Obligaciones RAOCE de cada cliente al día de hoy, la más urgente primero."""
    if rfc:
        clients.get_client(env.db, rfc)  # a clear error for an unknown RFC
    rows = [
        o.as_dict()
        for o in deadlines.obligations(env.db, year or env.today.year, env.today, rfc=rfc)
    ]
    if fmt == "table":  # its states and events in Spanish, as the dashboard says them
        from brokertui.core.dashboard import EVENT_ES, STATUS_ES

        for row in rows:
            row["status"] = STATUS_ES.get(row["status"], row["status"])
            row["next_event"] = EVENT_ES.get(row["next_event"], row["next_event"])
    emit(
        matching(rows, search, "next_event_date"),  # what the user reads: 'suspendido' in a table
        DEADLINE_COLUMNS if fmt != "table" else TABLE_DEADLINE_COLUMNS,
        fmt,
        title=f"RAOCE {year or env.today.year} al {env.today}",
        empty=f"No hay obligaciones RAOCE {year or env.today.year}{of_client(rfc)}",
        search=search,
    )


@main.group("calendar")
def calendar_group() -> None:
    """Calendario de días hábiles: días inhábiles adicionales."""


@calendar_group.command("add-inhabil")
@click.argument("day", metavar="DÍA")
@click.option("--reason", required=True, help="P. ej. el acuerdo del DOF que lo declara.")
@click.option("--authority", default="ALL", help="ALL (todas), SE, SAT o ANAM.")
@pass_env
def calendar_add(env: Env, day: str, reason: str, authority: str) -> None:
    """Registra un día inhábil adicional."""
    row = calendar.add_inhabil(env.db, day, reason, authority)
    click.echo(f"{row['day']} inhábil para {row['authority']}: {row['reason']}")


@calendar_group.command("list")
@click.option("--year", type=YEAR, help="Lista también los días festivos de ley de ese año.")
@search_option
@click.option("--format", "fmt", type=FORMATS, default="table")
@pass_env
def calendar_list(env: Env, year: int | None, search: str | None, fmt: str) -> None:
    """Lista los días inhábiles adicionales (y los festivos de ley de un año)."""
    rows = matching(calendar.list_inhabiles(env.db, year), search, "day")
    holidays = f" ni festivos de ley de {year}" if year else ""
    emit(
        rows,
        ["day", "authority", "reason", "source"],
        fmt,
        title="Días inhábiles",
        empty=f"No hay días inhábiles adicionales registrados{holidays}",
        search=search,
    )
