"""The pedimento capture form, driven by keyboard alone."""

import pytest
from textual.widgets import Footer

from brokertui.app import BrokerApp
from brokertui.core.pedimentos import drafts
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.registry import clients
from brokertui.screens.dialogs import ChoiceScreen, ConfirmScreen
from brokertui.screens.pedimento_form import PedimentoFormScreen
from brokertui.screens.pedimentos import DraftsScreen, PedimentosScreen
from tests.conftest import TODAY
from tests.tui.conftest import type_text, until

RFC = "MNB050315K70"  # the demo IMMEX client
HEADER = [
    "26 07 3953 6000999",
    "1",
    "IN",
    "ITE",
    "18.2543",
    "070",
    None,
    "2026-04-10",
    "2026-04-10",
    None,
]
FACTURA = ["INV-77", "2026-04-08", "FCA", "USD", None, "5000", "Northland Supply", None]
IDENTIFICADOR = ["IM", None, "1204-2006", None, None]
PARTIDA = [
    "8538.90.99",
    "99",
    "6",
    "100",
    "1",
    "10",
    "CHN",
    "Partes para interruptor",
    "INT-4471",
    None,
    None,
    None,
    "1000",
    None,
]  # then the cursor is on Tratado


def client_drafts(db) -> list[dict]:
    """This user's drafts of the demo IMMEX client."""
    return drafts.list_drafts(db, clients.get_client(db, RFC).id)


async def fill(pilot, values: list[str | None]) -> None:
    """Type each value (None leaves the field as it is) and Tab to the next field."""
    for value in values:
        if value:
            await type_text(pilot, value)
        await pilot.press("tab")


async def open_capture(app, pilot) -> None:
    app.open_client(RFC)
    await pilot.pause()
    await pilot.press("f4", "a")
    await pilot.pause()
    assert isinstance(app.screen, PedimentoFormScreen)


def message(screen, row_id: str) -> str:
    return str(screen.query_one(f"#row-{row_id} .field-message").render())


async def test_five_partidas_captured_by_keyboard_alone(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_capture(app, pilot)
        await fill(pilot, HEADER + FACTURA + IDENTIFICADOR + PARTIDA)
        for _ in range(4):  # four more partidas like the first: Ctrl+R duplicates
            await pilot.press("ctrl+r")
        await pilot.pause()
        totals = str(app.screen.query_one("#totals").render())
        assert "Partidas 5" in totals and "Valor USD 5,000.00" in totals
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PedimentosScreen)
        # the number as every screen writes it (core/formatting.pedimento), not 15 digits
        toasts = [str(n.message) for n in app._notifications]
        assert "Pedimento 26 07 3953 6000999 guardado." in toasts
    saved = pedimentos.get_pedimento(demo_db, "260739536000999", "captura")
    assert [p["secuencia"] for p in saved["partidas"]] == [1, 2, 3, 4, 5]
    assert {p["fraccion"] for p in saved["partidas"]} == {"85389099"}
    assert saved["partidas"][0]["vence_alerta"] == "2027-10-10"  # 18 months (rules.md §2.1)
    assert saved["facturas"][0]["proveedor"] == "Northland Supply"
    assert saved["identificadores"][0]["complemento1"] == "1204-2006"
    assert client_drafts(demo_db) == []  # the draft is gone once saved


async def test_the_footer_is_rebuilt_only_when_its_keys_change(demo_db, monkeypatch):
    """Tabbing through every field and back rebuilds the footer once per change of the keys it
    shows (into the blocks, back to the header), not on each of the 74 focus moves: a rebuild
    is a repaint of the bottom line, slow over SSH."""
    rebuilt: list[list[str]] = []
    recompose = Footer.recompose

    async def counted(footer):
        await recompose(footer)
        rebuilt.append([str(key.render()) for key in footer.query("FooterKey")])

    monkeypatch.setattr(Footer, "recompose", counted)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_capture(app, pilot)
        rebuilt.clear()
        await pilot.press(*["tab"] * 37, *["shift+tab"] * 37)  # header, 3 blocks, and back
        await pilot.pause()
    header = ["^s Guardar", "esc Cerrar", "^p Comandos"]
    assert rebuilt == [["^n Nueva", "^r Duplicar", "^t Quitar", *header], header]


async def test_bad_fields_are_named_beside_them_and_nothing_is_saved(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_capture(app, pilot)
        await fill(pilot, ["26 99 3953 6000999", "1", "ZZ"])
        screen = app.screen
        assert message(screen, "encabezado-numero") == "la aduana 99 no existe en el Apéndice 1"
        assert "no está en el catálogo de claves de pedimento" in message(
            screen, "encabezado-clave"
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PedimentoFormScreen)
        status = str(screen.query_one("#form-status").render())  # as labelled, not its id
        assert status == "Núm. pedimento: la aduana 99 no existe en el Apéndice 1"
    assert pedimentos.count_pedimentos(demo_db, rfc=RFC) == 9  # the demo's, nothing added


async def test_a_fecha_de_pago_after_today_is_named_when_the_field_is_left(demo_db):
    """As every field (README, Forms): told on leaving it, not only at save (a new user's
    trial); today itself is fine."""
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_capture(app, pilot)
        await fill(pilot, [*HEADER[:8], "2026-04-16"])  # TODAY is 2026-04-15
        screen = app.screen
        assert message(screen, "encabezado-fecha_pago") == "no puede ser posterior a hoy"
        await pilot.press("shift+tab", "ctrl+u")
        await fill(pilot, [TODAY.isoformat()])
        assert message(screen, "encabezado-fecha_pago") == ""


async def test_block_keys_add_duplicate_delete_and_move(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_capture(app, pilot)
        editor = app.screen.block("partidas")
        editor.field("fraccion").input.focus()
        await type_text(pilot, "39269099")
        await pilot.press("ctrl+n")  # a new, empty row after the current one
        await type_text(pilot, "72085101")
        await pilot.press("ctrl+r", "ctrl+t")  # duplicate it, then remove the duplicate
        await pilot.press("pageup")
        await pilot.pause()
        assert [r["fraccion"] for r in editor.values()] == ["39269099", "72085101"]
        assert editor.current == 0
        assert editor.field("fraccion").input.value == "39269099"


async def test_sensitive_partida_shows_its_guarantee_beside_the_field(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_capture(app, pilot)
        editor = app.screen.block("partidas")
        editor.field("fraccion").input.focus()
        await fill(pilot, ["7208.51.01", "00", "1", "250", "1", "250"])
        assert message(app.screen, "partidas-cantidad_umt") == (
            "Sensible Anexo II sector B (Acero y sus productos); garantía USD 162.73"
        )


async def test_draft_survives_a_dropped_session_and_resumes(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_capture(app, pilot)
        await fill(pilot, HEADER[:3])
        numero = "26 07 3953 6000999"  # normalized when the field was left
        # the draft is written after a short quiet time
        await until(pilot, lambda: [d["numero"] for d in client_drafts(demo_db)] == [numero])
    # The session ends without saving (e.g. SSH dropped): the draft is in the database.
    (draft,) = client_drafts(demo_db)
    assert draft["numero"] == numero
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(RFC)
        await pilot.pause()
        await pilot.press("f4", "b", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PedimentoFormScreen)
        assert screen.header_row("clave").input.value == "IN"
        await pilot.press("escape")  # unchanged: left at once, the draft kept
        await pilot.pause()
        assert isinstance(app.screen, PedimentosScreen)
        assert len(client_drafts(demo_db)) == 1
        await pilot.press("b", "enter", "end", "9", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("d")  # discard
        await pilot.pause()
    assert client_drafts(demo_db) == []


async def test_import_screen_runs_in_a_worker_with_progress(demo_db, tmp_path):
    from brokertui.core.pedimentos.datastage import build as datastage_build
    from tests.builders import partida, pedimento

    path = datastage_build.write_zip(
        tmp_path / "1999_Solicitudes.zip",
        [pedimento("262439536000777", rfc=RFC, partidas=[partida(), partida()])],
    )
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_client(RFC)
        await pilot.pause()
        await pilot.press("f4", "i")
        await type_text(pilot, str(path))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = str(app.screen.query_one("#import-result").render())
        assert "1 pedimento, 2 partidas, 0 rectificaciones" in result
        assert not app.screen.query_one("ProgressBar").display  # ended: the result instead
        await pilot.press("escape", "c")  # the new pedimento shows up in the reconciliation
        await pilot.pause()
        summary = str(app.screen.query_one("#ped-summary").render())
        assert "en Data Stage 9" in summary


@pytest.mark.parametrize(
    ("row", "name", "typed", "rule", "label"),
    [
        (2, "fraccion", "2710.19.99", "petrolífero", "Fracción"),  # the review of the whole
        (3, "pais", "ZZZ", "no está en el catálogo de países", "País origen/destino"),  # field
    ],
)
async def test_save_puts_the_cursor_on_the_partida_field_in_error(
    demo_db, row, name, typed, rule, label
):
    from brokertui.core.demo import pedimentos as demo_pedimentos

    values = demo_pedimentos._capture_values(demo_pedimentos._pedimentos(RFC, TODAY)[3])
    values["encabezado"]["numero"] = "26 07 3953 6000999"
    values["partidas"][row - 1][name] = typed
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        app.open_client(RFC)
        await pilot.pause()
        await app.push_screen(PedimentoFormScreen(values))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        editor = screen.block("partidas")
        assert editor.current == row - 1
        assert screen.focused is editor.field(name).input
        assert rule in message(screen, f"partidas-{name}")
        status = str(screen.query_one("#form-status").render())
        assert status.startswith(f"Partida {row}, {label}: ")  # as labelled, not 'fraccion'
        assert rule in status


async def test_drafts_list_shows_this_clients_drafts_and_delete_asks_first(demo_db):
    mine = clients.get_client(demo_db, RFC)
    other = next(c for c in clients.list_clients(demo_db) if c.rfc != RFC)
    kept = drafts.save_draft(demo_db, None, mine.id, {"encabezado": {"numero": "260739536000001"}})
    drafts.save_draft(demo_db, None, other.id, {"encabezado": {"numero": "260739536000002"}})
    demo_db.execute(  # a colleague's draft of the same client
        "INSERT INTO pedimento_drafts (os_user, client_id, numero, data, updated_at) "
        "VALUES ('luis', ?, '260739536000003', '{}', '2026-04-10T18:30:00+00:00')",
        [mine.id],
    )
    demo_db.conn.commit()
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_client(RFC)
        await pilot.pause()
        await pilot.press("f4", "b")
        await pilot.pause()
        assert isinstance(app.screen, DraftsScreen)
        options = app.screen.query_one("OptionList")
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(labels) == 1
        assert "260739536000001" in labels[0] and RFC in labels[0]
        assert mine.razon_social[:16] in labels[0]
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "¿Borrar el borrador 260739536000001" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DraftsScreen)
        assert [d["id"] for d in client_drafts(demo_db)] == [kept]
        await pilot.press("delete", "s")
        await pilot.pause()
        assert isinstance(app.screen, PedimentosScreen)  # the list was emptied
    assert client_drafts(demo_db) == []
    assert [d["numero"] for d in drafts.list_drafts(demo_db, other.id)] == ["260739536000002"]
    colleague = demo_db.execute("SELECT count(*) FROM pedimento_drafts WHERE os_user = 'luis'")
    assert colleague.fetchone()[0] == 1


async def test_leaving_an_untouched_capture_asks_nothing(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_capture(app, pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, PedimentosScreen)
        await pilot.press("a")
        await type_text(pilot, "2")
        await until(pilot, lambda: client_drafts(demo_db))  # its draft is written
        await pilot.press("backspace", "escape")  # back as it opened: left, draft dropped
        assert isinstance(app.screen, PedimentosScreen)
        await pilot.press("a")
        await type_text(pilot, "2")
        await pilot.press("escape")  # changed: asked
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("d")
        await pilot.pause(1.2)  # nothing queued writes a draft once it is left
    assert client_drafts(demo_db) == []


async def test_the_detail_shows_the_highlighted_partidas_members_as_plain_text(demo_db, tmp_path):
    """Tab reaches the partidas; each one's Data Stage members follow the cursor (issue 13,
    item 4), and delivered text that looks like markup is shown as it is."""
    from brokertui.screens.pedimento_detail import PedimentoDetailScreen
    from tests.tui.test_snapshots import RECTIFICACION, deliver_every_member

    deliver_every_member(demo_db, tmp_path)
    demo_db.execute(
        "UPDATE ds_observaciones_partida SET texto = '[red]ROJO[/red]' WHERE secuencia = 2"
    )
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(PedimentoDetailScreen(RECTIFICACION))
        await pilot.pause()

        def panel() -> str:
            return str(app.screen.query_one("#ped-partida").render())

        assert "Partida 1" in panel() and "SN-001" in panel()
        await pilot.press("tab", "down")
        await pilot.pause()
        assert "Partida 2" in panel() and "SN-001" not in panel()
        assert "[red]ROJO[/red]" in panel()
        members = str(app.screen.query_one("#ped-members").render())
        assert "Transporte: RFC TRA010101AAA · FLETES DEL NORTE" in members


async def test_the_detail_shows_part_numbers_taken_from_558_marked_so(demo_db, tmp_path):
    """A partida without a part number in 551 shows the one its 558 observaciones give by the
    client's pattern, marked as from 558 (issue 13, item 5); one with its own shows that."""
    from brokertui.core.pedimentos.datastage import build, importer
    from brokertui.screens.pedimento_detail import PedimentoDetailScreen
    from tests.builders import partida, pedimento

    numero = "260739536000801"
    observaciones = [
        {"SecuenciaFraccion": "2", "SecuenciaObservacion": "1", "Observaciones": "MERCANCIA"},
        {
            "SecuenciaFraccion": "2",
            "SecuenciaObservacion": "2",
            "Observaciones": "no de parte 9XQ-7",
        },
    ]
    delivered = pedimento(
        numero,
        rfc=RFC,
        pagado="2026-01-09 10:00:00",
        partidas=[partida(parte="INT-4471"), partida(parte="", fraccion="39269099")],
        miembros={"558": observaciones},
    )
    importer.import_zip(demo_db, build.write_zip(tmp_path / "d.zip", [delivered]))
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(PedimentoDetailScreen(numero))
        await pilot.pause()
        table = app.screen.query_one("#ped-partidas")
        assert [table.get_row_at(n)[4].plain for n in (0, 1)] == ["INT-4471", "558: 9XQ-7"]
        await pilot.press("tab", "down")
        await pilot.pause()
        panel = str(app.screen.query_one("#ped-partida").render())
        assert "Número de parte 9XQ-7 (de sus observaciones 558; el 551 no lo trae)" in panel
