"""The preferences file (issue 16, item 4): theme and keymap, every problem worded in Spanish
naming its key, the defaults kept for what is wrong."""

from pathlib import Path

import pytest

from brokertui.core import config

IDS = {"discharge.run", "reports.export"}


def load(tmp_path: Path, text: str) -> config.Preferences:
    file = tmp_path / "config.toml"
    file.write_text(text, encoding="utf-8")
    return config.load(IDS, file)


def test_no_file_means_defaults(tmp_path):
    prefs = config.load(IDS, tmp_path / "nada.toml")
    assert (prefs.theme, prefs.keymap, prefs.problems) == ("textual-dark", {}, [])


def test_theme_and_keymap(tmp_path):
    prefs = load(
        tmp_path,
        'tema = "nord"\n[teclas]\n"discharge.run" = "ctrl+d"\n"reports.export" = "x, f9"\n',
    )
    assert prefs.theme == "nord" and not prefs.problems
    assert prefs.keymap == {"discharge.run": "ctrl+d", "reports.export": "x,f9"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("tema = \n", "no es TOML válido"),
        ("tema = 3\n", "«tema» debe ser el nombre de un tema"),
        ("color = 'x'\n", "«color» no es una preferencia"),
        ("teclas = 'x'\n", "«teclas» debe ser una tabla [teclas]"),
        ('[teclas]\n"nada.run" = "x"\n', "[teclas] «nada.run»: no existe esa acción"),
        ('[teclas]\n"discharge.run" = "ctrl d"\n', "[teclas] «discharge.run»: 'ctrl d' no es"),
        ('[teclas]\n"discharge.run" = 5\n', "[teclas] «discharge.run»: 5 no es una tecla"),
    ],
)
def test_a_bad_value_is_named_and_the_defaults_kept(tmp_path, text, problem):
    prefs = load(tmp_path, text)
    assert len(prefs.problems) == 1 and problem in prefs.problems[0], prefs.problems
    assert (prefs.theme, prefs.keymap) == ("textual-dark", {})


def test_save_theme_keeps_the_rest_of_the_file(tmp_path):
    file = tmp_path / "sub" / "config.toml"
    config.save_theme("nord", file)
    assert file.read_text() == 'tema = "nord"\n'
    file.write_text('# mis teclas\ntema = "nord"\n[teclas]\n"discharge.run" = "ctrl+d"\n')
    config.save_theme("gruvbox", file)
    assert (
        file.read_text() == '# mis teclas\ntema = "gruvbox"\n[teclas]\n"discharge.run" = "ctrl+d"\n'
    )
    assert config.load(IDS, file).keymap == {"discharge.run": "ctrl+d"}


def test_a_theme_the_tui_lacks_is_named_and_the_default_used(tmp_path):
    file = tmp_path / "config.toml"
    file.write_text('tema = "sepia"\n', encoding="utf-8")
    prefs = config.load(IDS, file, themes={"nord", "textual-dark"})
    assert prefs.theme == "textual-dark"
    assert prefs.problems == [f"{file}: no hay un tema «sepia»; se usa textual-dark"]
    assert config.load(IDS, file).theme == "sepia"  # nothing to check it against
