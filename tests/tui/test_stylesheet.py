"""The style sheet is read in idle time after start and parsed again only when a source or a
variable changed (issue 14, item 3): a main screen's first visit parses nothing."""

from textual.css.stylesheet import Stylesheet

from brokertui.app import BrokerApp
from brokertui.screens.stylesheet import ParsedOnce
from tests.conftest import TODAY


def counted(monkeypatch) -> list[int]:
    parses: list[int] = []
    parse = Stylesheet.parse

    def counting(sheet) -> None:
        parses.append(1)
        parse(sheet)

    monkeypatch.setattr(Stylesheet, "parse", counting)
    return parses


def test_parsed_again_only_when_a_source_or_a_variable_changed(monkeypatch):
    parses = counted(monkeypatch)
    sheet = ParsedOnce(variables={"accent": "red"})
    sheet.add_source("Label { color: $accent; }", read_from=("a", ""))
    sheet.reparse()
    rules = sheet.rules
    sheet.reparse()
    assert len(parses) == 1 and sheet.rules is rules  # nothing changed: the same rules
    sheet.set_variables({"accent": "blue"})
    sheet.reparse()
    assert len(parses) == 2 and sheet.rules[0].styles.color.rgb == (0, 0, 255)
    sheet.add_source("Static { color: red; }", read_from=("b", ""))
    sheet.reparse()
    assert len(parses) == 3 and len(sheet.rules) == 2


async def test_the_main_screens_first_visits_parse_nothing(demo_db, monkeypatch):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        sources = set(app.stylesheet.source)
        parses = counted(monkeypatch)
        for key in ("f3", "f4", "f5", "f6", "f7", "f2"):
            await pilot.press(key)
            await pilot.pause()
        assert app.current_mode == "tablero" and len(app.screen_stack) == 1
        assert parses == [] and set(app.stylesheet.source) == sources
