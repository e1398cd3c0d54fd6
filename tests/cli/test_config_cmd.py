"""`brokertui config` warns of what the TUI would warn of, a theme it lacks included."""

from tests.builders import cli_runner


def test_config_names_a_theme_the_tui_lacks(tmp_path, monkeypatch):
    file = tmp_path / "config.toml"
    file.write_text('tema = "nope"\n', encoding="utf-8")
    monkeypatch.setenv("BROKERTUI_CONFIG", str(file))
    result = cli_runner(tmp_path / "b.db")("config")
    assert result.exit_code == 0, result.output
    assert f"Aviso: {file}: no hay un tema «nope»; se usa textual-dark" in result.output
    assert "Tema: textual-dark" in result.output


def test_config_takes_a_theme_the_tui_has(tmp_path, monkeypatch):
    file = tmp_path / "config.toml"
    file.write_text('tema = "nord"\n', encoding="utf-8")
    monkeypatch.setenv("BROKERTUI_CONFIG", str(file))
    result = cli_runner(tmp_path / "b.db")("config")
    assert "Aviso" not in result.output and "Tema: nord" in result.output
