"""Nuevo ajuste (F6 → a): a faltante, merma, sobrante or desensamble recovery of the current
client, checked field by field; the next discharge run applies it."""

from __future__ import annotations

from datetime import date
from typing import Any

from brokertui.core.anexo24 import ajustes
from brokertui.screens.form import FormScreen
from brokertui.screens.widgets import FieldSpec


class AjusteFormScreen(FormScreen):
    model = ajustes.AjusteData

    def __init__(self, rfc: str, today: date, parts: list[str]) -> None:
        self.rfc = rfc
        self.fields = [
            FieldSpec("fecha", "Fecha", "AAAA-MM-DD"),
            FieldSpec(
                "tipo", "Tipo", "faltante, merma, sobrante, desensamble", ajustes.AJUSTE_TIPOS
            ),
            FieldSpec("numero_parte", "Número de parte", "material del cliente", parts),
            FieldSpec("cantidad", "Cantidad", "en la UMC del material"),
            FieldSpec("pedimento", "Pedimento", "sobrante o desensamble: el que lo ampara"),
            FieldSpec("partida", "Partida", "sobrante o desensamble"),
            FieldSpec("motivo", "Motivo", "p. ej. inventario físico de junio"),
        ]
        super().__init__({"fecha": today.isoformat()})
        self.title = f"Nuevo ajuste · {rfc}"

    def submit(self, values: dict[str, str], force: bool) -> Any:
        return ajustes.add_ajustes(self.app.db, self.rfc, [(1, values)], "formulario")
