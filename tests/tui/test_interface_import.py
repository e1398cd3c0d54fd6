"""Importar interfaces del ERP (F5, i; issue 16, item 3): a file picked by typing with Tab
completion, its preview (first rows, every error) before anything is written, the import in a
worker, recent folders kept per user, and hostile names and contents shown as plain text."""

import csv
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select

from brokertui.app import BrokerApp
from brokertui.core import clock, preferences
from brokertui.core.anexo24 import interface_kinds, interfaces, preview
from brokertui.screens.dialogs import ChoiceScreen
from brokertui.screens.discharges import DischargeScreen
from brokertui.screens.interface_import import InterfaceImportScreen
from brokertui.screens.path_picker import PathPicker, complete
from tests.conftest import TODAY
from tests.tui.conftest import cells, settle, type_text

RFC = "MNB050315K70"  # the demo IMMEX client, with materiales INT-4471, SOP-220…
MATERIALES = interfaces.COLUMNS["materiales"]
GOOD = [
    ["NP-100", "Lámina nueva", "72085101", "1", "1", "1", "directo"],
    ["NP-200", "Tornillo nuevo", "73181599", "6", "1", "0.01", "directo"],
]
BAD = [
    ["NP-300", "Sin fracción", "7208", "1", "1", "1", "directo"],
    ["NP-400", "Tipo raro", "72085101", "1", "1", "1", "otro"],
]


def write(path: Path, rows, header=MATERIALES, encoding="utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def written(db) -> tuple:
    """What an import could have written."""
    tables = ("materiales", "productos", "bom", "entradas", "salidas", "ajustes")
    counts = tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)
    return (*counts, db.execute("SELECT count(*) FROM interface_imports").fetchone()[0])


def part(db, numero_parte: str):
    return db.execute(
        "SELECT descripcion FROM materiales WHERE numero_parte = ?", [numero_parte]
    ).fetchone()


async def open_screen(app, pilot) -> InterfaceImportScreen:
    app.open_client(RFC)
    await pilot.pause()
    await pilot.press("f5", "i")
    await pilot.pause()
    assert isinstance(app.screen, InterfaceImportScreen)
    return app.screen


async def check(app, pilot, name: str) -> None:
    """Type `name` in Archivo and check it (Intro), the preview done."""
    await type_text(pilot, name)
    await pilot.press("enter")
    await settle(pilot)


async def confirm(app, pilot) -> None:
    """Ctrl+S: import the file checked, the import done."""
    await pilot.press("ctrl+s")
    await settle(pilot)


def status(screen) -> str:
    return str(screen.query_one("#if-status").render())


def hint(screen) -> str:
    return str(screen.query_one(".path-hint").render())


# -- completion, without the screen -------------------------------------------------------------


def test_tab_completes_as_far_as_the_names_agree(tmp_path, monkeypatch):
    for name in ("materiales-2026.csv", "materiales-2025.xlsx", "mapa.pdf", ".oculto.csv"):
        (tmp_path / name).write_text("x")
    (tmp_path / "Entradas").mkdir()
    monkeypatch.chdir(tmp_path)
    suffixes = (".csv", ".xlsx")
    assert complete("mat", suffixes) == (
        "materiales-202",
        ["materiales-2025.xlsx", "materiales-2026.csv"],
    )
    assert complete("materiales-2026", suffixes) == ("materiales-2026.csv", ["materiales-2026.csv"])
    assert complete("ma")[1] == ["mapa.pdf", "materiales-2025.xlsx", "materiales-2026.csv"]
    assert complete("map", suffixes) == ("map", [])  # a PDF is not offered
    assert complete("ent", suffixes) == ("Entradas/", ["Entradas/"])  # case, if nothing else
    assert complete(".", suffixes) == (".oculto.csv", [".oculto.csv"])  # hidden when asked
    assert complete("", suffixes)[1] == ["Entradas/", "materiales-2025.xlsx", "materiales-2026.csv"]
    assert complete(f"{tmp_path}/Entr") == (f"{tmp_path}/Entradas/", ["Entradas/"])
    assert complete("/no/existe/ma") == ("/no/existe/ma", [])
    monkeypatch.setenv("HOME", str(tmp_path))
    assert complete("~") == ("~/", [])
    assert complete("~/mat", suffixes)[0] == "~/materiales-202"


def test_a_name_that_is_not_utf8_completes_and_opens(tmp_path, monkeypatch):
    name = os.fsdecode(b"mat\xe9riales.csv")  # Latin-1: Python keeps it as a surrogate
    write(tmp_path / name, GOOD)
    monkeypatch.chdir(tmp_path)
    text, fits = complete("mat", (".csv",))
    assert fits == [name]
    assert text == name and Path(text).read_text(encoding="utf-8").startswith("numero_parte")


# -- the screen ---------------------------------------------------------------------------------


async def test_pick_by_typing_preview_then_import(demo_db, tmp_path, monkeypatch):
    write(tmp_path / "erp" / "materiales-abril.csv", GOOD)
    write(tmp_path / "erp" / "materiales-mayo.csv", BAD)
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        field = screen.query_one(PathPicker).input
        assert app.focused is field and field.value == ""  # no recent folder yet
        await type_text(pilot, "er")
        await pilot.press("tab")
        assert field.value == "erp/"
        await pilot.press("tab")
        assert field.value == "erp/materiales-"  # where the two names part
        assert hint(screen) == "2 coinciden: materiales-abril.csv  materiales-mayo.csv"
        await type_text(pilot, "a")
        await pilot.press("tab")
        assert field.value == "erp/materiales-abril.csv"
        before = written(demo_db)
        await pilot.press("enter")
        await settle(pilot)
        said = "materiales-abril.csv: 2 filas, sin errores. ^s importa; esc vuelve sin importar."
        assert status(screen) == said  # the keys as the footer names them (the keymap)
        rows = cells(screen.query_one("#if-rows", DataTable))
        assert rows[0][:3] == ["2", "NP-100", "Lámina nueva"] and len(rows) == 2
        assert screen.query_one("#if-errors", DataTable).row_count == 0
        assert written(demo_db) == before  # a preview writes nothing
        await confirm(app, pilot)
        assert status(screen) == "materiales-abril.csv: 2 filas de materiales, 2 nuevas."
        assert part(demo_db, "NP-100") == ("Lámina nueva",)
        assert not screen.query_one("#if-progress").display  # the job ended: its bar gone
        folder = str((tmp_path / "erp").resolve())
        assert preferences.recent(demo_db, "carpetas.interfaces") == [folder]
        await pilot.press("ctrl+s")  # the same file again needs a new preview
        await pilot.pause()
        assert status(screen) == "Primero revise el archivo: ⏎ en Archivo."
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DischargeScreen)
        await pilot.press("i")  # opens on the latest folder
        await pilot.pause()
        assert app.screen.query_one(PathPicker).input.value == folder + "/"


async def test_ctrl_s_imports_for_the_client_checked_even_after_ctrl_p(
    demo_db, tmp_path, monkeypatch
):
    """Ctrl+P to another client between the check and Ctrl+S: the file goes to the client it
    was checked for (it went to the other one, unchecked for it)."""
    write(tmp_path / "materiales.csv", GOOD)
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        await check(app, pilot, "materiales.csv")
        app.switch_client("ASM980127HN4")
        await pilot.pause()
        await confirm(app, pilot)
    owner = demo_db.execute(
        "SELECT c.rfc FROM materiales m JOIN clients c ON c.id = m.client_id "
        "WHERE m.numero_parte = 'NP-100'"
    ).fetchall()
    assert owner == [(RFC,)]


async def test_errors_are_shown_and_nothing_is_imported(demo_db, tmp_path, monkeypatch):
    write(tmp_path / "malo.csv", [*GOOD, *BAD])
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        before = written(demo_db)
        await check(app, pilot, "malo.csv")
        assert status(screen) == (
            "malo.csv: 2 de 4 filas con error; nada se importará (2 errores)."
        )
        errors = screen.query_one("#if-errors", DataTable)
        assert cells(errors) == [
            ["4", "fraccion", "son 8 dígitos"],
            ["5", "tipo", "debe ser directo o indirecto"],
        ]
        assert app.focused is errors  # to scroll through them
        await confirm(app, pilot)
        assert "corríjalo y revíselo otra vez" in status(screen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DischargeScreen)
        assert written(demo_db) == before and part(demo_db, "NP-100") is None
        assert preferences.recent(demo_db, "carpetas.interfaces") == []


async def test_enter_without_a_path_says_what_to_type(demo_db):
    """Intro on an empty Archivo did nothing at all (field trial)."""
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert status(screen) == "Escriba la ruta del archivo en Archivo (tab la completa)."


async def test_enter_checks_again_from_anywhere_but_the_interface_list(
    demo_db, tmp_path, monkeypatch
):
    """The errors listed take the focus; the file fixed, Enter there (or on the rows) checks
    it again. On Interfaz, Enter opens its list and checks nothing."""
    path = write(tmp_path / "materiales.csv", [*GOOD, *BAD])
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        await check(app, pilot, "materiales.csv")
        errors = screen.query_one("#if-errors", DataTable)
        assert app.focused is errors and "2 de 4 filas con error" in status(screen)
        write(path, GOOD)  # fixed in the ERP
        await pilot.press("enter")
        await settle(pilot)
        assert status(screen).startswith("materiales.csv: 2 filas, sin errores. ^s importa")
        screen.query_one("#if-rows", DataTable).focus()
        write(path, [*GOOD, *BAD])
        await pilot.press("enter")
        await settle(pilot)
        assert "2 de 4 filas con error" in status(screen)
        screen.query_one(Select).focus()
        await pilot.press("enter")  # opens the list: nothing checked
        await pilot.pause()
        assert screen.query_one(Select).expanded
        await pilot.press("escape")
        await pilot.pause()
        assert "2 de 4 filas con error" in status(screen)


async def test_leaving_after_a_good_preview_imports_nothing(demo_db, tmp_path, monkeypatch):
    write(tmp_path / "materiales.csv", GOOD)
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        before = written(demo_db)
        await check(app, pilot, "materiales.csv")
        assert "sin errores" in status(screen)
        await type_text(pilot, "x")  # another file: what was checked no longer counts
        assert status(screen) == "⏎ revisa el archivo otra vez."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status(screen) == "Primero revise el archivo: ⏎ en Archivo."
        await pilot.press("escape")
        await pilot.pause()
        assert written(demo_db) == before


async def test_a_file_changed_after_its_preview_is_refused(demo_db, tmp_path, monkeypatch):
    path = write(tmp_path / "materiales.csv", GOOD)
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        await check(app, pilot, "materiales.csv")
        before = written(demo_db)
        write(path, [*GOOD, *BAD])  # a colleague saves over it
        await confirm(app, pilot)
        assert "cambió desde la vista previa; nada se importó" in status(screen)
        assert written(demo_db) == before


async def test_every_registered_kind_is_offered_and_chosen_by_keyboard(
    demo_db, tmp_path, monkeypatch
):
    salidas = interfaces.COLUMNS["salidas"]
    write(tmp_path / "salidas.csv", [["F-9", "RT", "2026-04-01", "M", "INT-4471", "3"]], salidas)
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        select = screen.query_one(Select)
        kinds = list(interface_kinds.INTERFACES)
        assert [value for _, value in select._options] == kinds
        await pilot.press("shift+tab", "enter")  # from Archivo up to Interfaz, open it
        await pilot.pause()
        footer = " ".join(str(k.render()) for k in screen.query("FooterKey"))
        assert "Cerrar lista" in footer and "Dismiss" not in footer  # Spanish, not Textual's
        await pilot.press(*["down"] * kinds.index("salidas"), "enter")
        await pilot.pause()
        assert screen.kind == "salidas"
        assert "Columnas: documento, clave, fecha" in str(screen.query_one("#if-about").render())
        await pilot.press("tab")
        await check(app, pilot, "salidas.csv")
        await confirm(app, pilot)
        assert status(screen) == "salidas.csv: 1 fila de salidas, 1 nueva."
        found = demo_db.execute("SELECT count(*) FROM salidas WHERE documento = 'F-9'")
        assert found.fetchone()[0] == 1


async def test_recent_folders_are_offered_with_ctrl_r(demo_db, tmp_path, monkeypatch):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        await pilot.press("ctrl+r")
        assert hint(screen) == "Aún no hay carpetas recientes: se guardan al importar"
        for folder in ("/srv/erp/2025", "/srv/erp/2026", "/srv/erp/2025"):
            preferences.remember(demo_db, "carpetas.interfaces", folder)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("2")
        await pilot.pause()
        field = screen.query_one(PathPicker).input
        assert field.value == "/srv/erp/2026/" and app.focused is field


def test_recent_folders_keep_the_latest_first_and_at_most_eight(demo_db):
    for n in range(10):
        preferences.remember(demo_db, "carpetas.x", f"/c/{n}")
    preferences.remember(demo_db, "carpetas.x", "/c/5")
    assert preferences.recent(demo_db, "carpetas.x") == [
        "/c/5",
        "/c/9",
        "/c/8",
        "/c/7",
        "/c/6",
        "/c/4",
        "/c/3",
        "/c/2",
    ]
    assert preferences.recent(demo_db, "carpetas.otra") == []


# -- hostile names and contents -----------------------------------------------------------------

HOSTILE_NAME = "[b]x[red] \x1b[2J$accent.csv"  # a name holds no "/"


async def test_hostile_names_and_contents_are_plain_text(demo_db, tmp_path, monkeypatch):
    rows = [
        ["NP-1", "[red]rojo[/red] \x1b]52;c;cm0=\x07", "72085101", "1", "1", "1", "directo"],
        ["NP-2", "\u202egnp.exe", "72085101", "1", "1", "1", "directo"],
    ]
    write(tmp_path / HOSTILE_NAME, rows)
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        await type_text(pilot, "[")
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert screen.query_one(PathPicker).input.value == HOSTILE_NAME
        shown = status(screen)
        assert shown.startswith("[b]x[red] \\x1b[2J$accent.csv: 1 de 2 filas con error")
        first = cells(screen.query_one("#if-rows", DataTable))[0]
        assert first[2] == "[red]rojo[/red] �]52;c;…"  # cut at 24: it is a glance
        assert cells(screen.query_one("#if-errors", DataTable))[0][:2] == ["2", "descripcion"]
        for text in (shown, *first, hint(screen)):
            assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (os.fsdecode(b"mat\xe9riales.csv"), "mat\\xe9riales.csv"),
        ("mat\neriales.csv", "mat\\neriales.csv"),
    ],
)
async def test_an_odd_name_imports_and_is_named_on_one_line(
    demo_db, tmp_path, monkeypatch, name, shown
):
    """A name that is not UTF-8 (Latin-1 from an old share) or holds a newline: the file
    imports, and every message names it escaped on one line (text.shown_name)."""
    write(tmp_path / name, GOOD)
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        await type_text(pilot, "mat")
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert status(screen).startswith(f"{shown}: 2 filas")
        await confirm(app, pilot)
        assert status(screen) == f"{shown}: 2 filas de materiales, 2 nuevas."
        assert part(demo_db, "NP-100") == ("Lámina nueva",)


async def test_a_windows_1252_file_is_read(demo_db, tmp_path, monkeypatch):
    write(tmp_path / "materiales.csv", GOOD, encoding="cp1252")
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        await check(app, pilot, "materiales.csv")
        assert cells(screen.query_one("#if-rows", DataTable))[0][2] == "Lámina nueva"
        await confirm(app, pilot)
        assert part(demo_db, "NP-100") == ("Lámina nueva",)


@pytest.mark.parametrize("kind", ["materiales", "ajustes"])
async def test_a_file_that_is_no_interface_is_refused_in_spanish(
    demo_db, tmp_path, monkeypatch, kind
):
    (tmp_path / "foto.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "otro.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        screen.query_one(Select).value = kind
        before = written(demo_db)
        for name, said in (
            ("foto.xlsx", "foto.xlsx: no es un XLSX válido (no es un archivo zip)"),
            ("otro.csv", "otro.csv: faltan las columnas"),
            ("no-existe.csv", "no-existe.csv: no se puede leer"),
            (".", "es una carpeta: elija un archivo"),
        ):
            screen.query_one(PathPicker).input.value = name
            await pilot.press("enter")
            await settle(pilot)
            assert said in status(screen)
            assert screen.query_one("#if-status").has_class("-error")
        assert written(demo_db) == before


async def test_a_huge_file_keeps_the_preview_bounded(demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr(preview, "MAX_LISTED", 300)
    rows = [[f"NP-{n}", "x", "1", "1", "1", "1", "directo"] for n in range(20_000)]
    write(tmp_path / "enorme.csv", rows)
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        await check(app, pilot, "enorme.csv")
        assert status(screen) == (
            "enorme.csv: 20,000 de 20,000 filas con error; nada se importará "
            "(20,000 errores; se listan los primeros 300)."
        )
        assert screen.query_one("#if-rows", DataTable).row_count == preview.HEAD_ROWS
        assert screen.query_one("#if-errors", DataTable).row_count == 300


async def test_without_a_client_the_screen_does_not_open(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "i")
        await pilot.pause()
        assert isinstance(app.screen, DischargeScreen)
        shown = [(n.message, n.severity) for n in app._notifications]
        assert shown == [("Elija primero el cliente (^p o F3).", "warning")]


async def test_the_data_stage_import_shares_the_picker(demo_db, tmp_path, monkeypatch):
    (tmp_path / "entregas").mkdir()
    (tmp_path / "entregas" / "1875724_Solicitudes.zip").write_bytes(b"")
    (tmp_path / "entregas" / "notas.csv").write_text("x")
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(RFC)
        await pilot.pause()
        await pilot.press("f4", "i")
        await pilot.pause()
        await type_text(pilot, "entregas/")
        await pilot.press("tab")  # only the zip is offered
        assert app.focused.value == "entregas/1875724_Solicitudes.zip"
        assert isinstance(app.focused, Input)
        app.focused.value = ""
        await pilot.press("enter")  # nothing typed: it did nothing at all (field trial)
        await pilot.pause()
        said = str(app.screen.query_one("#import-result").render())
        assert said == "Escriba la ruta del zip o de la carpeta (tab la completa)."


# -- snapshots ----------------------------------------------------------------------------------


# What the user does once the screen is open, for each snapshot.
SNAPSHOTS = {
    "candidatos": ("m", "a", "t", "tab"),  # two files fit: listed under the field
    "errores": ("m", "a", "t", "tab", "m", "tab", "enter"),  # materiales-mayo.csv
    "sin_errores": ("m", "a", "t", "tab", "a", "tab", "enter"),  # materiales-abril.csv
    "ayuda": ("f1",),
}


@pytest.mark.parametrize("shown", SNAPSHOTS)
def test_snapshot(snap_compare, demo_db, tmp_path, monkeypatch, shown):
    write(tmp_path / "materiales-abril.csv", GOOD)
    write(tmp_path / "materiales-mayo.csv", [*GOOD, *BAD])
    monkeypatch.chdir(tmp_path)

    async def run(pilot):
        await open_screen(pilot.app, pilot)
        await pilot.press(*SNAPSHOTS[shown])
        await settle(pilot)

    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, run_before=run, terminal_size=(80, 24))


async def test_a_colleagues_write_after_the_import_does_not_turn_it_into_an_error(
    demo_db, tmp_path, monkeypatch
):
    """Found in a two-user trial: the import done, a colleague's import held the database
    while the recent folder was being kept; the screen froze 10 s and said the database was
    busy, though its import was in. The folder is kept in a thread and may be dropped."""
    from brokertui.core import db as store

    write(tmp_path / "materiales.csv", GOOD)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 100)  # connections opened from here on
    colleague = store.connect(store.file_path(demo_db))
    real_load = interface_kinds.load

    def load_then_colleague_writes(*args, **kwargs):
        said = real_load(*args, **kwargs)
        colleague.execute("BEGIN IMMEDIATE")  # holds the write lock from now on
        return said

    monkeypatch.setattr(interface_kinds, "load", load_then_colleague_writes)
    app = BrokerApp(demo_db, today=TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_screen(app, pilot)
            await check(app, pilot, "materiales.csv")
            await confirm(app, pilot)
            assert status(screen) == "materiales.csv: 2 filas de materiales, 2 nuevas."
            assert screen.query_one("#if-status").has_class("-done")
    finally:
        colleague.execute("ROLLBACK")
        colleague.close()
    assert part(demo_db, "NP-100") == ("Lámina nueva",)
    assert preferences.recent(demo_db, "carpetas.interfaces") == []  # not kept this time


async def test_the_apps_today_is_the_one_an_import_is_checked_against(
    demo_db, tmp_path, monkeypatch
):
    """A BrokerApp made with its own today (as these tests make it, without --today) pins it
    (core/clock) while it runs: the import's "no later than today" check, in a worker thread,
    reads it, not the machine's date, and the pin is let go when the app ends."""
    salidas = interfaces.COLUMNS["salidas"]
    path = write(tmp_path / "s.csv", [["F-9", "RT", "2026-06-16", "M", "INT-4471", "3"]], salidas)
    monkeypatch.chdir(tmp_path)
    app = BrokerApp(demo_db, today=date(2026, 6, 15))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(app, pilot)
        screen.query_one(Select).value = "salidas"
        await pilot.pause()
        await check(app, pilot, "s.csv")
        assert status(screen) == "s.csv: 1 de 1 fila con error; nada se importará (1 error)."
        errors = cells(screen.query_one("#if-errors", DataTable))
        assert errors == [["2", "fecha", "no puede ser posterior a hoy (2026-06-15)"]]
        write(path, [["F-9", "RT", "2026-06-15", "M", "INT-4471", "3"]], salidas)  # fixed
        await pilot.press("enter")
        await settle(pilot)
        await confirm(app, pilot)
        assert status(screen) == "s.csv: 1 fila de salidas, 1 nueva."
    assert abs(clock.moment() - datetime.now(UTC)) < timedelta(hours=1)  # let go at its exit
