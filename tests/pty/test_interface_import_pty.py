"""Importar interfaces del ERP on a real terminal (issue 16, item 3): a folder whose file names
are not UTF-8 or hold escape sequences is completed with Tab, a file previewed and imported,
and nothing the disk holds reaches the terminal as control (no traceback either)."""

from __future__ import annotations

import csv
import os
import sqlite3

from tests.pty.harness import keys

GOOD = [["NP-100", "Lámina nueva", "72085101", "1", "1", "1", "directo"]]
COLUMNS = ("numero_parte", "descripcion", "fraccion", "umc", "umt", "factor_umt", "tipo")


def test_a_file_is_completed_previewed_and_imported_on_a_pty(demo_path, terminal, tmp_path):
    folder = tmp_path / "erp"
    folder.mkdir()
    for name in ("materiales.csv", os.fsdecode(b"mat\xe9rias.csv"), "ma\x1b[2Jx.csv"):
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([COLUMNS, *GOOD])
    term = terminal(demo_path)
    term.wait_for("F3 Clientes")
    term.send(keys("ctrl+p"), "MNB050315K70")
    term.wait_for("Manufacturas del Norte")
    term.send(keys("enter"))
    term.wait_for(lambda s: "MNB050315K70" in s.splitlines()[0])
    term.press("f5")
    term.wait_for("Descargos PEPS")
    term.press("i")
    term.wait_for("Importar interfaces del ERP")
    term.send(f"{folder}/ma", keys("tab"))
    screen = term.wait_for("3 coinciden")
    assert "mat�rias.csv" in screen and "ma�[2Jx.csv" in screen
    term.send("teriales", keys("tab", "enter"))
    term.wait_for("materiales.csv: 1 fila, sin errores")
    term.press("ctrl+s")
    term.wait_for("1 fila de materiales, 1 nueva")
    with sqlite3.connect(demo_path) as db:
        stored = db.execute("SELECT descripcion FROM materiales WHERE numero_parte = 'NP-100'")
        assert stored.fetchone() == ("Lámina nueva",)
    assert b"\x1b[2Jx" not in term.raw_output
    assert term.close() == 0
