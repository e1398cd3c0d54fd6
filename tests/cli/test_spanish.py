"""The CLI speaks Spanish (issue 16, item 6): every --help and click's own errors, with exit
status 1 for a user's mistake."""

import re

import click
import pytest
from click.testing import CliRunner

from brokertui.cli import main
from tests.english import english


def _paths(group: click.Group, prefix: tuple[str, ...] = ()):
    yield prefix
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _paths(command, (*prefix, name))
        else:
            yield (*prefix, name)


# Quoted values, options, [choices], {choices} and METAVARS.
IDENTIFIERS = r"'[^']*'|--?[\w-]+|\[[^\]]*\]|\{[^}]*\}|\b[A-ZÁÉÍÓÚÑ/]{2,}\b"


def _prose(help_text: str) -> str:
    """The help's sentences: without the usage line, option and command names, metavars,
    choices and quoted values (identifiers the user types, not words the user reads)."""
    kept = []
    in_commands = False
    for line in help_text.splitlines():
        if line.startswith(("Uso:", " " * 10)) and "[OPCIONES]" in line:
            continue
        if line.rstrip().endswith(":") and not line.startswith(" "):
            in_commands = line.startswith("Comandos")
            continue
        if in_commands:
            line = line.strip().partition(" ")[2]
        kept.append(re.sub(IDENTIFIERS, " ", line))
    return "\n".join(kept)


PATHS = list(_paths(main))


def test_every_command_is_walked():
    assert ("client", "add") in PATHS and ("import", "datastage") in PATHS and len(PATHS) > 40


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_help_is_spanish(path):
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="brokertui")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Uso: brokertui")
    assert "Opciones:" in result.output and "Muestra esta ayuda y termina." in result.output
    assert not english(_prose(result.output)), result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deadlines", "--format", "xml"], "Error: Valor no válido para '--format': 'xml' no es"),
        (["client", "lst"], "Error: No existe el comando 'lst'. ¿Quiso decir 'list'?"),
        (["client", "add"], "Error: Falta la opción '--rfc'."),
        (["client", "list", "--bogus"], "Error: No existe la opción '--bogus'."),
        (["calendar", "add-inhabil"], "Error: Falta el argumento 'DÍA'."),
        (["client", "list", "extra"], "Error: Sobra un argumento (extra)"),
        (["client", "show", "--rfc"], "Error: La opción '--rfc' necesita un valor."),
        (["deadlines", "--year", "dos mil"], "Error: --year: «dos mil» no es un número entero"),
        (["backup", "settings", "--keep", "x"], "Error: --keep: «x» no es un número entero"),
        (["import", "datastage", "/no/existe.zip"], "Error: Valor no válido para 'ZIP_O_CARPETA'"),
    ],
)
def test_click_errors_are_spanish_with_status_1(tmp_path, args, message):
    args = ["--db", str(tmp_path / "x.db"), "--crear", *args]
    result = CliRunner().invoke(main, args, prog_name="brokertui")
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert "Vea 'brokertui" in result.output or result.output.startswith("Error:")
    assert not english(_prose(result.output)), result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--today", "\x1b]52;c;cm0gLXJmIH4=\x07", "dashboard"],
        ["client", "\x1b[2J\x9b31m"],
        ["deadlines", "--format", "\x07\x1b[1mxml"],
    ],
)
def test_click_errors_quote_no_control_character(tmp_path, args):
    """click quotes the value or command typed; an escape sequence in it stays inert."""
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), *args])
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", result.output), repr(result.output)
