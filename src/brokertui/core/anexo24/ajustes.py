"""Ajustes to the Anexo 24 inventory (Apartado B: faltantes, mermas, sobrantes and desensamble
recoveries), owner of table ajustes. Each one is recorded with the exit (through the
interfaces' salidas) or the lot (through the entries) it brings to the discharge ledger."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated

from pydantic import AfterValidator
from sqlite_utils import Database

from brokertui.core import limits, text
from brokertui.core.anexo24 import entries, interfaces, preview
from brokertui.core.anexo24.preview import Problem
from brokertui.core.db import now, os_user, write
from brokertui.core.errors import InvalidInput
from brokertui.core.models import Record, build
from brokertui.core.quantities import to_micro
from brokertui.core.registry import clients

AJUSTE_TIPOS = ("faltante", "merma", "sobrante", "desensamble")
AJUSTE_COLUMNS = ("fecha", "tipo", "numero_parte", "cantidad", "pedimento", "partida", "motivo")
AJUSTE_HEADERS = ("fecha", "tipo", "numero_parte", "cantidad", "motivo")  # a file must have


def _checked(check: Callable[[str], object], *, optional: bool = False) -> AfterValidator:
    """Checks a form field (text in, text out) with one of the interface checks; only an
    optional field may be left empty (an empty fecha is refused: 'es obligatoria')."""
    return AfterValidator(lambda v: "" if optional and not v else str(check(v)))


class AjusteData(Record):
    """One ajuste as typed (form, CLI or a row of a file)."""

    fecha: Annotated[str, _checked(interfaces.event_date)]
    tipo: Annotated[str, _checked(interfaces.one_of({t: t for t in AJUSTE_TIPOS}))]
    numero_parte: Annotated[str, AfterValidator(text.required)]
    cantidad: Annotated[str, _checked(interfaces.decimal_text)]
    pedimento: Annotated[str, _checked(interfaces.pedimento_number, optional=True)] = ""
    partida: Annotated[str, _checked(interfaces.partida_number, optional=True)] = ""
    motivo: Annotated[str, AfterValidator(text.required)]


def add_ajustes(db: Database, rfc: str, rows: Iterable[tuple[int, dict]], name: str) -> int:
    """Record ajustes (Anexo 24 Apartado B), all or nothing. Faltantes and mermas become exits
    (documento AJ-<id>) that the FIFO run discharges; sobrantes and desensamble recoveries
    become lots of the pedimento and partida given. Rows are recorded as they are checked, in
    one transaction rolled back when any is bad. Returns how many were recorded."""
    client = clients.get_client(db, rfc)
    check = row_check(db, client.id)
    errors = limits.ErrorList()
    detail: dict[str, object] = {"file": name}  # the audit row, written at the end
    count = 0
    with write(db, "inventory.ajustes", "client", client.rfc, detail):
        for values in preview.good_rows(rows, check, errors):
            _record(db, client.id, values)
            count += 1
        interfaces.refuse_unless_recorded(name, errors, count, AJUSTE_COLUMNS)
        detail["rows"] = count
    return count


def row_check(db: Database, client_id: int) -> preview.RowCheck:
    """The check of one ajuste (a row of a file, or as typed) of the client."""
    known = interfaces.part_numbers(db, client_id, "materiales")
    return lambda raw, number: _checked_row(raw, known)


def _checked_row(raw: dict, known: set[str]) -> tuple[dict, list[Problem]]:
    """One ajuste's values, and its problems as (campo, regla)."""
    try:
        data = build(AjusteData, {k: str(raw.get(k) or "") for k in AJUSTE_COLUMNS})
    except InvalidInput as exc:
        return {}, [(exc.field, exc.message)]
    values = data.model_dump() | {
        "cantidad": to_micro(data.cantidad),
        "partida": int(data.partida) if data.partida else None,
    }
    if values["numero_parte"] not in known:
        return values, [
            ("numero_parte", f"{limits.clip(values['numero_parte'])} no está en materiales")
        ]
    if values["tipo"] in ("sobrante", "desensamble") and not (
        values["pedimento"] and values["partida"]
    ):
        return values, [
            (
                "pedimento y partida",
                "un sobrante o una recuperación entra al inventario con el pedimento que la ampara",
            )
        ]
    return values, []


def _record(db: Database, client_id: int, v: dict) -> None:
    """One checked ajuste, with the exit or the lot it brings."""
    ajuste_id = db.execute(
        "INSERT INTO ajustes (client_id, fecha, tipo, numero_parte, cantidad_micro, "
        "pedimento, partida, motivo, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            client_id,
            v["fecha"],
            v["tipo"],
            v["numero_parte"],
            v["cantidad"],
            v["pedimento"],
            v["partida"],
            v["motivo"],
            now(),
            os_user(),
        ],
    ).lastrowid
    if v["tipo"] in ("faltante", "merma"):
        link = interfaces.add_ajuste_exit(
            db,
            client_id,
            documento=f"AJ-{ajuste_id}",
            fecha=v["fecha"],
            numero_parte=v["numero_parte"],
            cantidad_micro=v["cantidad"],
        )
        db.execute("UPDATE ajustes SET salida_id = ? WHERE id = ?", [link, ajuste_id])
    else:
        link = entries.add_ajuste_lot(
            db,
            client_id,
            pedimento=v["pedimento"],
            partida=v["partida"],
            fecha=v["fecha"],
            numero_parte=v["numero_parte"],
            cantidad_micro=v["cantidad"],
            ajuste=f"AJ-{ajuste_id}",
        )
        db.execute("UPDATE ajustes SET entrada_id = ? WHERE id = ?", [link, ajuste_id])
