"""Every form guards what the user typed (issue 12, item 7): Esc with changes asks before
throwing them away, and after a refused save the focus is on the field to correct, where the
next key lands. The forms: client (new and edit), program, site, ajuste, RAOCE filing and, for
the focus, the RAOCE worksheet (a main screen, left with the F keys, its values kept)."""

import pytest
from textual.widgets import Input

from brokertui.app import BrokerApp
from brokertui.screens.dialogs import LeaveScreen
from tests.conftest import TODAY
from tests.tui.conftest import type_text

RFC = "MNB050315K70"  # demo: IMMEX with materiales (an ajuste's parts), files its RAOCE
# Each form: the keys from the client's detail to the screen it opens from, and that open it.
FORMS = {
    "client new": (("escape",), ("a",)),
    "client edit": ((), ("e",)),
    "program": ((), ("g",)),
    "site": ((), ("l",)),
    "ajuste": (("f6",), ("a",)),
    "filing": (("f7",), ("ctrl+f", "1")),
}


async def _open(pilot, app, form: str):
    """Open `form` for RFC; the screen it was opened from and the form."""
    to, opening = FORMS[form]
    app.open_client(RFC)
    await pilot.pause()
    await pilot.press(*to)
    await pilot.pause()
    before = app.screen
    await pilot.press(*opening)
    await pilot.pause()
    return before, app.screen


@pytest.mark.parametrize("form", FORMS)
async def test_esc_on_a_form_with_changes_asks(demo_db, form):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        before, screen = await _open(pilot, app, form)
        field = screen.focused
        assert isinstance(field, Input)
        await type_text(pilot, "7")
        typed = field.value
        await pilot.press("escape")
        assert isinstance(app.screen, LeaveScreen)
        choices = [str(c.render()) for c in app.screen.query(".choice")]
        assert choices == ["d  descartar los cambios", "esc  seguir editando"]  # one key each
        await pilot.press("s")  # no longer a key of the question (it did what Esc does)
        assert isinstance(app.screen, LeaveScreen)
        await pilot.press("escape")  # seguir editando: the form as it was, the focus there
        assert app.screen is screen and screen.focused is field and field.value == typed
        await pilot.press("escape", "d")  # descartar
        await pilot.pause()
        assert app.screen is before
        await pilot.press(*FORMS[form][1])
        await pilot.pause()
        assert type(app.screen) is type(screen)
        await pilot.press("escape")  # nothing changed: closed at once
        await pilot.pause()
        assert app.screen is before


# Per form: the keys that leave a field wrong and go on to the next one, and that field.
WRONG = {
    "client new": (("x", "tab"), "f-rfc"),
    "client edit": (("backspace", "tab"), "f-razon_social"),
    "program": (("tab",), "f-type"),
    "site": (("tab", "tab"), "f-nombre"),
    "ajuste": (("x", "tab"), "f-fecha"),
    "filing": (("1", "2", "tab"), "f-folio"),
    "worksheet": (("backspace", "x", "tab"), "f-ventas"),
}


@pytest.mark.parametrize("form", WRONG)
async def test_after_a_refused_save_the_focus_is_on_the_field_to_correct(demo_db, form):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        if form == "worksheet":
            app.open_client(RFC)
            await pilot.pause()
            await pilot.press("f7")
            await pilot.pause()
            screen = app.screen
        else:
            _, screen = await _open(pilot, app, form)
        wrong, name = WRONG[form]
        await pilot.press(*wrong)
        assert screen.focused is not None and screen.focused.id != name
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        field = screen.focused
        assert isinstance(field, Input) and field.id == name
        await type_text(pilot, "Z")  # the next key lands there
        assert "Z" in field.value
