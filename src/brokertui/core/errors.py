"""Errors shown to the user as one line that names the field and the rule (in Spanish)."""

from __future__ import annotations

from dataclasses import dataclass


class BrokerError(Exception):
    """Base class: the message is ready to show to the user."""

    heading = "Error"  # what the one line reporting it starts with

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
        self.message = message


class InvalidInput(FieldError):
    """A value broke a rule (`field` as the CLI option / form field)."""


class NeedsConfirmation(InvalidInput):
    """A value is suspicious but may be right; repeat with `force=True` to accept it."""


class NotFound(BrokerError):
    """The record asked for does not exist."""


class Conflict(FieldError):
    """The change would break a uniqueness or state rule."""


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
