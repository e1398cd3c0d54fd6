"""Fuzz: hostile CSV files into every Anexo 24 interface and the ajustes import.

Rows are mostly valid values with hostile ones mixed in (so they reach the deeper checks and
the writes), then the header, the encoding, the quoting, the line ends and the bytes are
mutated. Every file is imported or refused with a clean message, and a refused file writes
nothing (guard.attempt)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokertui.core.anexo24 import ajustes, interfaces
from tests.fuzz.conftest import RFC
from tests.fuzz.guard import attempt, fuzz_settings
from tests.fuzz.values import HOSTILE, field_value, mostly

VALID = {
    "numero_parte": ("M-1", "M-2", "M-9", "P-1"),
    "descripcion": ("Tornillo", "Arnés"),
    "fraccion": ("73181504", "7318.15.04"),
    "umc": ("6", "Pieza", "1"),
    "umt": ("6", "Kilo"),
    "factor_umt": ("1", "0.5"),
    "tipo": ("directo", "i", "faltante", "merma", "sobrante", "desensamble"),
    "producto": ("P-1", "P-2"),
    "material": ("M-1", "M-2"),
    "cantidad": ("2", "0.5", "1,000.25"),
    "merma_pct": ("0", "5", ""),
    "pedimento": ("262439536000098", "26 24 3953 6000098", ""),
    "partida": ("1", "2", ""),
    "clave": ("IN", "RT", "A1", "V1"),
    "fecha_entrada": ("2026-01-04",),
    "fecha": ("2026-03-01", "01/03/2026"),
    "valor_usd": ("100.5", ""),
    "pais_origen": ("USA", ""),
    "documento": ("F-2", "F-1"),
    "tipo_bien": ("M", "P", "d"),
    "motivo": ("inventario",),
    "nombre": ("Proveedor SA",),
}
# Where a kind's valid values differ from VALID's.
BY_KIND = {
    "materiales": {"numero_parte": ("M-1", "M-3", "M-4"), "tipo": ("directo", "i")},
    "productos": {"numero_parte": ("P-1", "P-2", "P-3")},
    "entradas": {"numero_parte": ("M-1", "M-2"), "pedimento": ("262439536000098",)},
    "salidas": {"numero_parte": ("M-1", "P-1"), "tipo_bien": ("M", "P")},
    "ajustes": {"numero_parte": ("M-1", "M-2"), "tipo": ajustes.AJUSTE_TIPOS},
}
KINDS = (*interfaces.KINDS, "ajustes")
EXAMPLES = {kind: 160 for kind in KINDS}


def columns(kind: str) -> tuple[str, ...]:
    return ajustes.AJUSTE_COLUMNS if kind == "ajustes" else interfaces.COLUMNS[kind]


@st.composite
def table(draw, kind: str) -> list[list[str]]:
    """A header (maybe with a column dropped, added, moved or renamed) and its rows."""
    header = list(columns(kind))
    change = draw(mostly("none", "drop", "extra", "shuffle", "case"))
    if change == "drop":
        header.pop(draw(st.integers(0, len(header) - 1)))
    elif change == "extra":
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(HOSTILE)))
    elif change == "shuffle":
        header = draw(st.permutations(header))
    elif change == "case":
        header = [f" {h.upper()} " for h in header]
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        valid = VALID | BY_KIND.get(kind, {})
        row = [draw(field_value(valid.get(h.strip().lower(), ("x",)))) for h in header]
        if draw(st.integers(0, 9)) == 0:  # a row with a missing or an extra field
            row = row[:-1] if draw(st.booleans()) else [*row, "extra"]
        rows.append(row)
    return [header, *rows]


@st.composite
def csv_bytes(draw, kind: str) -> bytes:
    """The table written as a CSV file, then perhaps damaged at the byte level."""
    rows = draw(table(kind))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, None]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if quoting is None:  # written by hand, no quoting: commas and quotes break the fields
        text = "".join(",".join(row) + newline for row in rows)
    else:
        out = io.StringIO()
        csv.writer(out, quoting=quoting, lineterminator=newline).writerows(rows)
        text = out.getvalue()
    encoding = draw(mostly("utf-8", "utf-8-sig", "cp1252", "utf-16"))
    data = text.encode(encoding, errors="replace")
    damage = draw(mostly("none", "flip", "cut", "nul", "huge", "junk"))
    if damage == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif damage == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "nul":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\x00" + data[at:]
    elif damage == "huge":  # a field past the csv module's field limit
        data += b'"' + b"x" * 140_000 + b"\n"
    elif damage == "junk":
        data += draw(st.binary(max_size=64))
    return data


def import_csv(db, kind: str, path):
    if kind == "ajustes":  # as `brokertui import ajustes` does
        return ajustes.add_ajustes(db, RFC, interfaces.read_file(path), path.name)
    return interfaces.import_file(db, kind, path, RFC)


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_csv_is_imported_or_refused_cleanly(inventory_db, tmp_path, kind):
    path = tmp_path / f"{kind}.csv"

    @fuzz_settings(EXAMPLES[kind])
    @given(data=csv_bytes(kind))
    def check(data: bytes) -> None:
        path.write_bytes(data)
        attempt("csv", inventory_db, lambda: import_csv(inventory_db, kind, path))

    check()
