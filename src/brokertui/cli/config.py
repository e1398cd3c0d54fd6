"""`brokertui config`: where the preferences file is, what it holds and the keys in force."""

from __future__ import annotations

import click

from brokertui.cli.base import emit, main
from brokertui.core import config


@main.command("config")
def config_cmd() -> None:
    """Muestra el archivo de preferencias (tema y teclas), su contenido y las teclas vigentes."""
    from textual.theme import BUILTIN_THEMES

    from brokertui.screens import commands  # the command table (loads Textual)

    file = config.path()
    click.echo(f"Archivo de preferencias: {file}")
    if file.exists():
        click.echo(file.read_text(encoding="utf-8", errors="replace").rstrip())
    else:
        click.echo("(no existe: se usan los valores por omisión)")
    prefs = config.load(set(commands.BY_ID), file, themes=BUILTIN_THEMES)
    for problem in prefs.problems:
        click.echo(f"Aviso: {problem}")
    click.echo(f"Tema: {prefs.theme}")
    rows = [
        {
            "id": command.id,
            "tecla": prefs.keymap.get(command.id, command.key),
            "accion": command.title or command.label,
            "cambiada": "sí" if command.id in prefs.keymap else "",
        }
        for command in commands.TABLE
    ]
    emit(
        rows,
        ["id", "tecla", "accion", "cambiada"],
        "table",
        title="Teclas (en la sección teclas: id = tecla)",
        empty="No hay comandos con tecla",
    )
