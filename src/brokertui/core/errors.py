"""Errors shown to the user as one line that names the field and the rule (in Spanish)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from brokertui.core.dates import local_time
from brokertui.core.plural import counted

# What a message must not carry to the user's terminal: control characters (a quoted hostile
# value's ESC would run there) and lone surrogates (which no terminal encoding can write).
_UNPRINTABLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def visible(text: str) -> str:
    """`text` with control characters (line breaks excepted) and lone surrogates written as
    escapes: 'ESC[2J' becomes '\\x1b[2J'."""
    return _UNPRINTABLE.sub(lambda m: ascii(m[0])[1:-1], text)


class BrokerError(Exception):
    """Base class: the message is ready to show to the user (a quoted value's control
    characters are escaped, see `visible`)."""

    heading = "Error"  # what the one line reporting it starts with

    def __init__(self, *args: object) -> None:
        super().__init__(*(visible(a) if isinstance(a, str) else a for a in args))

    def line(self) -> str:
        """The one line a face prints: 'Error: rfc: debe tener 12 caracteres…'."""
        return f"{self.heading}: {self}"


@dataclass(frozen=True)
class Location:
    """Where a value is: a field, or a field of row `row` (from 1) of a block such as the
    partidas; `noun` is what the user calls one row of the block ("partida")."""

    field: str
    block: str | None = None
    row: int | None = None
    noun: str = ""

    def __str__(self) -> str:
        """The field as the user reads it, e.g. 'partida 3, fraccion'."""
        return (
            self.field
            if self.block is None
            else f"{self.noun or self.block} {self.row}, {self.field}"
        )


class FieldError(BrokerError):
    """An error about one value: `location` says where, `field` is its field's name."""

    def __init__(self, where: str | Location, message: str):
        location = where if isinstance(where, Location) else Location(where)
        super().__init__(f"{location}: {message}")
        self.location = location
        self.field = location.field
        self.message = visible(message)


class InvalidInput(FieldError):
    """A value broke a rule (`field` as the CLI option / form field)."""


class NeedsConfirmation(InvalidInput):
    """A value is suspicious but may be right; repeat with `force=True` to accept it."""


class NotFound(BrokerError):
    """The record asked for does not exist."""


class Conflict(FieldError):
    """The change would break a uniqueness or state rule."""


@dataclass(frozen=True)
class Change:
    """One audited update of a record: the version it produced, when (UTC ISO-8601), who (OS
    user), the action and each field it changed, old → new."""

    version: int
    at: str
    os_user: str
    action: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def field_lines(self) -> list[str]:
        """Each field changed, as "calle: 'Av. Uno' → 'Av. Dos'"."""
        return [
            f"{name}: {quoted(old)} → {quoted(new)}" for name, (old, new) in self.fields.items()
        ]


def at_most(lines: list[str], limit: int) -> list[str]:
    """The first `limit` lines, and how many more there are ("y 12 cambios más")."""
    more = len(lines) - limit
    return lines if more <= 0 else [*lines[:limit], f"y {counted(more, 'cambio')} más"]


def quoted(value: Any) -> str:
    """A field's value in a sentence: 'Av. Uno', or (nada) for none."""
    return "(nada)" if value is None else f"'{value}'"


class StaleRecord(Conflict):
    """A save made from a version of the record older than the stored one: nothing was saved.
    `version` is the stored version, `changes` the audited updates since the one read
    (oldest first), `current` the stored values of the fields a user edits."""

    def __init__(
        self, record: str, expected: int, version: int, changes: list[Change], current: dict
    ):
        summary = "; ".join(
            at_most(
                [
                    f"{c.os_user} cambió {line} el {local_time(c.at)}"
                    for c in changes
                    for line in c.field_lines()
                ],
                5,
            )
        )
        super().__init__(
            "version",
            f"{record} cambió desde que lo leyó (versión {expected}, ahora {version})"
            + (f": {summary}" if summary else "")
            + "; no se guardó nada",
        )
        self.expected = expected
        self.version = version
        self.changes = changes
        self.current = current


class DatabaseBusy(BrokerError):
    """Another user held the database longer than the busy timeout."""


class SchemaTooNew(BrokerError):
    """The database was written by a newer brokertui."""


class DiskFull(BrokerError):
    """No space was left to write (the disk or the user's quota is full)."""


class IOFailure(BrokerError):
    """The operating system could not read or write a file: the message names it."""

    heading = "Error de E/S"


class InternalError(BrokerError):
    """An unexpected failure (a bug): the message says where its trace was logged."""

    heading = "Error interno"
