"""A database full of hostile text, written with SQL straight into the tables so that it is
past every input check (as an old database or a Data Stage delivery could hold it): markup,
terminal escapes, C1 controls, bidi overrides, wide and combining characters and a
10,000-character name. tests/tui/test_hostile.py opens every screen over it."""

from __future__ import annotations

import json
from datetime import date
from itertools import cycle

from sqlite_utils import Database

from brokertui.core.anexo24 import activo_fijo, ajustes, interfaces
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.db import now, os_user
from brokertui.core.demo import clients as demo
from brokertui.core.pedimentos import store as pedimentos

ESC, BEL = "\x1b", "\x07"
VALUES = (
    "Cierre [/] suelto",
    "[bold]x[/bold",
    "[link=file:///etc/passwd]x[/link]",
    "[@click=app.quit]clic[/]",
    "[$accent]tema[/] $accent",
    f"{ESC}]52;c;cm0gLXJmIH4={BEL}",  # OSC 52: `rm -rf ~` into the viewer's clipboard
    f"{ESC}[2J{ESC}[H borrado",  # clears the screen
    "C1 \x9b31m \x9d0;título\x9c \x85fin \x90q\x9c",
    "bidi \u202egnp.exe\u202c \u2066aislado\u2069",
    "宽字符 ＡＢＣ 🇲🇽 👩‍👩‍👧 emoji",
    "combinación e\u0301\u0301\u0301 Z\u0336\u0335\u0334",
    "tab\tnul\x00del\x7fcr\rlf\nbs\x08vt\x0bff\x0c",
)
# One value holding every attack, for the client every screen shows (its razón social).
ALL = " ".join(VALUES)
LONG = ("Ñandú 宽 [b] " * 1000)[:10_000]  # a 10,000-character name
RFC = "MNB050315K70"  # the demo client with pedimentos, inventory and discharges
LONG_RFC = "CEB110902QWA"  # the demo PROSEC client, given the 10,000-character name


def build(db: Database, today: date) -> None:
    """The demo data after a discharge run and an ajuste, its free text made hostile."""
    demo.load(db, today)
    ajustes.add_ajustes(
        db,
        RFC,
        [
            (
                1,
                {
                    "fecha": today.isoformat(),
                    "tipo": "merma",
                    "numero_parte": "INT-4471",
                    "cantidad": "1",
                    "motivo": "inventario",
                },
            )
        ],
        "formulario",
    )
    discharge.run(db, RFC, hasta=today)
    _fixed_asset(db)
    values = cycle(VALUES)
    for table, columns in {
        "clients": (
            "razon_social",
            "calle",
            "numero_exterior",
            "numero_interior",
            "colonia",
            "municipio",
        ),
        "sites": ("nombre", "calle", "numero", "colonia"),
        "facturas": ("numero", "proveedor", "id_fiscal"),
        "identificadores": ("complemento1", "complemento2", "complemento3"),
        "partidas": ("descripcion",),
        "materiales": ("descripcion",),
        "productos": ("descripcion",),
        "salidas": ("documento", "numero_acta", "rfc_receptor"),
        "ajustes": ("motivo",),
        "activo_fijo_movimientos": ("documento", "motivo"),
    }.items():
        ids = [row[0] for row in db.execute(f"SELECT id FROM {table}")]
        for id_ in ids:
            sets = ", ".join(f"{c} = ?" for c in columns)
            db.execute(
                f"UPDATE {table} SET {sets} WHERE id = ?",
                [*(f"{next(values)} {id_}" for _ in columns), id_],  # keys stay unique
            )
    _part_numbers(db)
    db.execute("UPDATE clients SET razon_social = ? WHERE rfc = ?", [ALL, RFC])
    db.execute("UPDATE clients SET razon_social = ? WHERE rfc = ?", [LONG, LONG_RFC])
    client_id = db.execute("SELECT id FROM clients WHERE rfc = ?", [RFC]).fetchone()[0]
    for n, value in enumerate(VALUES):
        db.execute(
            "INSERT INTO raoce_bienes (client_id, filing_year, sector, fraccion, descripcion, "
            "unidad, volumen) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [client_id, today.year, value, f"8538909{n % 10}", value, value, value],
        )
    form = pedimentos.form_values(pedimentos.get_pedimento(db, captured(db), "captura"))
    draft = {block: _spoiled(rows) for block, rows in form.items()}
    for value in VALUES:
        db.execute(
            "INSERT INTO pedimento_drafts (os_user, client_id, numero, data, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [os_user(), client_id, value, json.dumps(draft, ensure_ascii=False), now()],
        )
    db.conn.commit()


def _fixed_asset(db: Database) -> None:
    """An AF import of the client, moved to one of its plants and partly returned (the
    activo fijo screen, report and form: their text is made hostile with the rest)."""
    row = ["26 07 3953 7000001", "1", "AF", "2026-01-12", "INT-4471", "4", "6", "900", "", "DEU"]
    columns = interfaces.COLUMNS["entradas"]
    interfaces.import_rows(
        db, "entradas", [(2, dict(zip(columns, row, strict=True)))], RFC, "af.csv", "hostile"
    )
    plant = db.execute(
        "SELECT s.nombre FROM sites s JOIN clients c ON c.id = s.client_id WHERE c.rfc = ?", [RFC]
    ).fetchone()[0]
    asset = {"pedimento": row[0], "partida": "1"}
    for move in (
        {"fecha": "2026-02-01", "tipo": "cambio_domicilio", "domicilio": plant},
        {"fecha": "2026-03-01", "tipo": "retorno", "cantidad": "1", "documento": row[0]},
    ):
        activo_fijo.add_movement(db, RFC, asset | move)


def _part_numbers(db: Database) -> None:
    """Every part number replaced by a hostile one, the same in every table that holds it."""
    columns = {
        "materiales": ("numero_parte",),
        "productos": ("numero_parte",),
        "bom": ("producto", "material"),
        "partidas": ("numero_parte",),
        "entradas": ("numero_parte",),
        "salidas": ("numero_parte",),
        "allocations": ("numero_parte",),
        "ajustes": ("numero_parte",),
    }
    parts = sorted(
        {
            row[0]
            for t, cs in columns.items()
            for c in cs
            for row in db.execute(f"SELECT {c} FROM {t}")
        }
        - {None, ""}
    )
    for value, part in zip(cycle(VALUES), parts):
        for table, cs in columns.items():
            for column in cs:
                db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE {column} = ?", [value + part, part]
                )


def _spoiled(rows):
    """The form's values with every non-empty text field hostile (drafts hold raw text)."""
    values = cycle(VALUES)
    if isinstance(rows, dict):
        return {k: next(values) if v else v for k, v in rows.items()}
    return [{k: next(values) if v else v for k, v in row.items()} for row in rows]


def captured(db: Database) -> str:
    """The number of a pedimento of the hostile client that has a captured copy."""
    return db.execute(
        "SELECT numero FROM pedimentos WHERE source = 'captura' ORDER BY numero LIMIT 1"
    ).fetchone()[0]
