"""Fuzz: hostile Data Stage deliveries, mutations of a valid one built with datastage/build.py.

Member edits (a field set to a hostile value: huge or overflowing numbers, odd dates, markup
and control characters; rows repeated or removed; columns dropped, added or renamed; trailing
pipes lost or doubled; a member emptied or removed), then the encoding and line ends, then the
zip (unknown, traversing or mixed-folio members, flipped bytes, a cut). Every delivery is
imported or refused with a clean message, and a refused one writes nothing."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given
from hypothesis import strategies as st

from brokertui.core.pedimentos.datastage import build, importer
from tests import builders
from tests.fuzz.guard import attempt, fuzz_settings
from tests.fuzz.values import DATES, HOSTILE, NUMBERS, mostly

EXAMPLES = 2000
FOLIO = "1875724"
PEDIMENTOS = [
    builders.pedimento(
        partidas=[builders.partida(), builders.partida(parte="P-2", gi=("123", "45.00"))]
    ),
    builders.pedimento(
        "262439536000120",
        pagado="2026-01-09 10:00:00",
        entrada=None,
        rectifica="262439536000098",
        rectifica_pagado="2026-01-05 17:48:15",
    ),
    builders.pedimento("264739536000200", clave="A1", entrada=None),
]
MEMBERS = build.members_for(PEDIMENTOS)
VALUES = (*HOSTILE, *NUMBERS, *DATES, "3953", "6000098", "240", "1", "2", "IN", "RT")


@st.composite
def member_rows(draw, tipo: str) -> list[list[str]]:
    """The member's header and rows after a few edits."""
    rows = [build.HEADERS[tipo].split("|"), *(list(r) for r in MEMBERS[tipo])]
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(mostly("set", "repeat", "remove", "column", "rename"))
        at = draw(st.integers(1, max(1, len(rows) - 1)))
        if edit == "set" and len(rows) > 1:
            row = rows[at]
            row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(VALUES))
        elif edit == "repeat" and len(rows) > 1:
            rows.insert(at, list(rows[at]))
        elif edit == "remove" and len(rows) > 1:
            rows.pop(at)
        elif edit == "column":  # a column dropped from the header, or from one row
            where = draw(st.integers(0, len(rows) - 1))
            if rows[where]:
                rows[where].pop(draw(st.integers(0, len(rows[where]) - 1)))
        elif edit == "rename":
            header = rows[0]
            header[draw(st.integers(0, len(header) - 1))] = draw(st.sampled_from(HOSTILE))
    return rows


def _text(rows: list[list[str]], pipe: str, newline: str) -> str:
    return "".join("|".join(row) + pipe + newline for row in rows)


@st.composite
def delivery(draw) -> bytes:
    encoding = draw(mostly("latin-1", "utf-8", "utf-8-sig", "utf-16"))
    newline = draw(mostly("\r\n", "\n", "\r"))
    changed = draw(st.sets(st.sampled_from(sorted(MEMBERS)), min_size=1, max_size=3))
    members = {}
    for tipo in MEMBERS:
        rows = draw(member_rows(tipo)) if tipo in changed else None
        pipe = draw(mostly("|", "", "||")) if tipo in changed else "|"
        rows = rows or [build.HEADERS[tipo].split("|"), *MEMBERS[tipo]]
        members[f"{FOLIO}_{tipo}.asc"] = _text(rows, pipe, newline)
    change = draw(mostly("none", "empty", "drop", "extra", "folio", "path"))
    name = draw(st.sampled_from(sorted(members)))
    if change == "empty":
        members[name] = ""
    elif change == "drop":
        del members[name]
    elif change == "extra":
        members[f"{FOLIO}_999.asc"] = draw(st.sampled_from(HOSTILE))
    elif change == "folio":
        members[name.replace(FOLIO, "1875725")] = members.pop(name)
    elif change == "path":
        members["../" + name] = members.pop(name)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, text in members.items():
            archive.writestr(member, text.encode(encoding, errors="replace"))
    data = out.getvalue()
    damage = draw(mostly("none", "flip", "cut"))
    if damage == "flip":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif damage == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    return data


def test_hostile_deliveries_are_imported_or_refused_cleanly(inventory_db, tmp_path):
    path = tmp_path / f"{FOLIO}_Solicitudes.zip"

    @fuzz_settings(EXAMPLES)
    @given(data=delivery())
    def check(data: bytes) -> None:
        path.write_bytes(data)
        attempt("datastage", inventory_db, lambda: importer.import_zip(inventory_db, path))

    check()
