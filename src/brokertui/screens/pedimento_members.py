"""A pedimento's Data Stage members with tables of their own (members.OWN_TABLES) as lines of
its detail: one line per delivered row, "Título: etiqueta valor · etiqueta valor", empty
values left out; stored text always plain (screens/text.py)."""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content

from brokertui.core.pedimentos.datastage.members import OWN_TABLES, Member
from brokertui.screens.text import markup

LABELS = {  # a stored column's label; "" shows the value alone
    "nombre": "",
    "texto": "",
    "rfc": "RFC",
    "curp": "CURP",
    "pais": "país",
    "identificador": "identificador",
    "numero": "número",
    "tipo": "tipo",
    "institucion": "institución",
    "cuenta": "cuenta",
    "folio": "constancia",
    "fecha": "fecha",
    "tipo_cuenta": "tipo de cuenta",
    "clave": "clave",
    "valor_unitario": "valor unitario",
    "total": "total",
    "cantidad": "cantidad",
    "titulos": "títulos",
    "tasa": "tasa",
    "tipo_tasa": "tipo de tasa",
    "forma_pago": "forma de pago",
    "importe": "importe",
    "secuencia_obs": "núm.",
    "patente_original": "patente",
    "pedimento_original": "pedimento",
    "seccion_original": "sección",
    "clave_original": "clave",
    "fecha_original": "fecha",
    "fraccion_original": "fracción",
    "unidad": "unidad",
    "numero_original": "original",
    "id_fiscal": "ID fiscal",
    "calle": "calle",
    "num_interior": "int.",
    "num_exterior": "ext.",
    "cp": "CP",
    "municipio": "municipio",
    "vin_serie": "VIN/serie",
    "kilometraje": "km",
    "firma_descargo": "firma de descargo",
    "valor_usd": "USD",
    "cantidad_umt": "cantidad UMT",
    "remesa": "remesa",
    "seleccion": "selección",
    "fecha_inicio": "inicio",
    "hora_inicio": "",
    "fecha_fin": "fin",
    "hora_fin": "",
    "fraccion": "fracción",
    "secuencia": "partida",
    "tipo_operacion": "operación",
    "grado": "grado",
    "fecha_seleccion": "seleccionado",
    "hora": "",
    "semaforo": "semáforo",
}
# Shown with the pedimento, in this order (702 goes with the rectification, see `diferencias`).
PEDIMENTO = ("502", "503", "504", "520", "508", "509", "510", "511", "512", "SEL", "INCI")
PARTIDA = ("552", "553", "556", "555", "558")  # shown with the highlighted partida


def row_text(member: Member, row: dict) -> str:
    """One stored row as "label value · label value" (the partida's own key left out)."""
    hidden = {"fraccion", "secuencia"} if member.level == "partida" else set()
    parts = []
    for name in member.names:
        value = row[name]
        if name in hidden or value in ("", None):
            continue
        label = LABELS.get(name, name)
        parts.append(f"{label} {value}" if label else str(value))
    return " · ".join(parts)


def _lines(
    blocks: dict[str, list[dict]],
    tipos: tuple[str, ...],
    rows_of: Callable[[list[dict]], list[dict]],
) -> list[Content]:
    lines = []
    for tipo in tipos:
        member = OWN_TABLES[tipo]
        for row in rows_of(blocks.get(tipo, [])):
            lines.append(
                markup("[b]$title:[/] $text", title=member.title, text=row_text(member, row))
            )
    return lines


def pedimento_lines(blocks: dict[str, list[dict]]) -> list[Content]:
    """The pedimento-level members' rows (transporte, guías, contenedores, destinatarios,
    garantías, tasas, contribuciones, observaciones, descargos, selección, incidencias)."""
    return _lines(blocks, PEDIMENTO, lambda rows: rows)


def diferencias(blocks: dict[str, list[dict]]) -> list[Content]:
    """702: the differences of contribuciones a rectification paid or left in favour."""
    return _lines(blocks, ("702",), lambda rows: rows)


def partida_lines(blocks: dict[str, list[dict]], secuencia: int) -> list[Content]:
    """One partida's rows of the partida-level members (mercancías, permisos, tasas,
    garantías, observaciones)."""
    return _lines(blocks, PARTIDA, lambda rows: [r for r in rows if r["secuencia"] == secuencia])
