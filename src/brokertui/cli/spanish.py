"""click's own words in Spanish: its help headings, metavars and error messages.

click words every message through gettext (`_` and `ngettext`, bound in each of its modules at
import); `install` rebinds them there to the table below, so the CLI speaks Spanish whatever the
user's locale. A message not in the table stays as click wrote it (tests/cli/test_spanish.py
fails on the English ones a user can meet)."""

from __future__ import annotations

import re
from typing import IO, Any

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types
import click.utils

MESSAGES = {
    "Usage:": "Uso:",
    "Options": "Opciones",
    "Commands": "Comandos",
    "Positional arguments": "Argumentos",
    "Show this message and exit.": "Muestra esta ayuda y termina.",
    "Show the version and exit.": "Muestra la versión y termina.",
    "%(prog)s, version %(version)s": "%(prog)s, versión %(version)s",
    "Aborted!": "Cancelado.",
    "Error: {message}": "Error: {message}",
    "Try '{command} {option}' for help.": "Vea '{command} {option}' para la ayuda.",
    "Invalid value for {param_hint}: {message}": "Valor no válido para {param_hint}: {message}",
    "Invalid value: {message}": "Valor no válido: {message}",
    "Missing argument": "Falta el argumento",
    "Missing option": "Falta la opción",
    "Missing parameter": "Falta el parámetro",
    "Missing parameter: {param_name}": "Falta el parámetro: {param_name}",
    "Missing {param_type}": "Falta {param_type}",
    "argument": "el argumento",
    "option": "la opción",
    "parameter": "el parámetro",
    "Missing command.": "Falta el comando.",
    "No such command {name!r}.": "No existe el comando {name!r}.",
    "No such option {name!r}.": "No existe la opción {name!r}.",
    "Option {name!r} does not take a value.": "La opción {name!r} no lleva valor.",
    "Value must be an iterable.": "El valor debe ser una lista.",
    "required": "obligatoria",
    "default: {default}": "por omisión: {default}",
    "env var: {var}": "variable de entorno: {var}",
    "deprecated": "obsoleto",
    "(dynamic)": "(dinámico)",
    "{value!r} is not a valid {number_type}.": "{value!r} no es un {number_type} válido.",
    "integer": "número entero",
    "float": "número decimal",
    "{value} is not in the range {range}.": "{value} no está en el rango {range}.",
    "{value!r} is not a valid UUID.": "{value!r} no es un UUID válido.",
    "{value!r} is not a valid boolean.": "{value!r} no es sí/no válido.",
    "file": "archivo",
    "directory": "carpeta",
    "path": "ruta",
    "{name} {filename!r} does not exist.": "{name} {filename!r} no existe.",
    "{name} {filename!r} is a file.": "{name} {filename!r} es un archivo.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} es una carpeta.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} no se puede leer.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} no se puede escribir.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} no es ejecutable.",
    "Could not open file {filename!r}: {message}": "No se pudo abrir {filename!r}: {message}",
    "Choose from:\n\t{choices}": "Elija entre:\n\t{choices}",
    "Do you want to continue?": "¿Continuar?",
    "Repeat for confirmation": "Repita para confirmar",
    "Error: invalid input": "Error: valor no válido",
    "Error: The two entered values do not match.": "Error: los dos valores no coinciden.",
    "Press any key to continue...": "Pulse una tecla para continuar…",
    "Confirm the action without prompting.": "Confirma sin preguntar.",
    "unknown error": "error desconocido",
}
PLURALS = {
    "Got unexpected extra argument ({args})": (
        "Sobra un argumento ({args})",
        "Sobran argumentos ({args})",
    ),
    "Did you mean {possibility}?": (
        "¿Quiso decir {possibility}?",
        "(¿Quiso decir {possibilities}?)",
    ),
    "Option {name!r} requires an argument.": (
        "La opción {name!r} necesita un valor.",
        "La opción {name!r} necesita {nargs} valores.",
    ),
    "{value!r} is not {choice}.": (
        "{value!r} no es {choice}.",
        "{value!r} no es uno de {choices}.",
    ),
    "{value!r} does not match the format {format}.": (
        "{value!r} no tiene el formato {format}.",
        "{value!r} no tiene ninguno de los formatos {formats}.",
    ),
    "Takes {nargs} values but 1 was given.": (
        "Lleva {nargs} valores pero se dio 1.",
        "Lleva {nargs} valores pero se dieron {len}.",
    ),
    "{len_type} values are required, but {len_value} was given.": (
        "Se necesitan {len_type} valores; se dio {len_value}.",
        "Se necesitan {len_type} valores; se dieron {len_value}.",
    ),
}
# What a value looks like in the help: an option's metavar, from its type's name (a path's
# name is already Spanish: MESSAGES).
METAVARS = {"text": "TEXTO", "integer": "ENTERO", "float": "DECIMAL", "boolean": "SÍ/NO"}
OPTIONS_METAVAR = "[OPCIONES]"
SUBCOMMAND_METAVAR = "COMANDO [ARGUMENTOS]..."
OPTIONAL_SUBCOMMAND_METAVAR = "[COMANDO] [ARGUMENTOS]..."


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    one, many = PLURALS.get(singular, (singular, plural))
    return one if count == 1 else many


def spanish_metavars(command: click.Command) -> None:
    """Give each option of `command` a Spanish metavar where click would print its type's
    English name (TEXT, INTEGER); a choice shows its values. Arguments name their metavar."""
    for param in command.params:
        if (
            isinstance(param, click.Option)
            and param.metavar is None
            and not param.is_flag
            and not isinstance(param.type, click.Choice)
        ):
            param.metavar = METAVARS.get(param.type.name, param.type.name.upper())


_UNPRINTABLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _echo(
    message: object = None,
    file: IO[Any] | None = None,
    nl: bool = True,
    err: bool = False,
    color: bool | None = None,
) -> None:
    """click's echo for its own error messages, which quote what the user typed (a bad
    value, an unknown command): a control character there never reaches the terminal."""
    if isinstance(message, str):
        message = _UNPRINTABLE.sub("\N{REPLACEMENT CHARACTER}", message)
    click.utils.echo(message, file, nl, err, color)


def install() -> None:
    """Rebind click's gettext functions to the Spanish tables, and the echo of its errors
    to one that prints no control character (idempotent)."""
    click.exceptions.echo = _echo
    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.termui,
        click.types,
        click.utils,
    ):
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
