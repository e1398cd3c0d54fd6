"""What a user reads about a failure (core/errors.py, core/log.py): clean text, and every
exception named as a BrokerError (issue 11, item 5)."""

import errno
import sqlite3

import pytest

from brokertui.core import log
from brokertui.core.errors import (
    BrokerError,
    DatabaseBusy,
    DiskFull,
    InternalError,
    InvalidInput,
    IOFailure,
    visible,
)


def test_a_quoted_hostile_value_cannot_reach_the_terminal():
    osc52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
    error = InvalidInput("exportaciones", f"«{osc52}» no es un número\nsegunda línea \udcff")
    assert str(error) == (
        "exportaciones: «\\x1b]52;c;cm0gLXJmIH4=\\x07» no es un número\nsegunda línea \\udcff"
    )
    assert error.message.startswith("«\\x1b]52")
    assert str(BrokerError("tab\there")) == "tab\\there"
    assert visible("Ñandú 宽 [b]") == "Ñandú 宽 [b]"


def _sqlite_error(code: int, text: str) -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorcode = code
    return exc


@pytest.mark.parametrize(
    ("exc", "kind", "line"),
    [
        (
            OSError(errno.ENOSPC, "No space left on device", "/datos/r.xlsx"),
            DiskFull,
            "Error: disco lleno: no queda espacio para escribir: /datos/r.xlsx",
        ),
        (
            OSError(errno.EDQUOT, "Disk quota exceeded"),
            DiskFull,
            "Error: disco lleno: no queda espacio para escribir",
        ),
        (
            PermissionError(errno.EACCES, "Permission denied", "/datos/r.csv"),
            IOFailure,
            "Error de E/S: Permission denied: /datos/r.csv",
        ),
        (
            _sqlite_error(sqlite3.SQLITE_FULL, "database or disk is full"),
            DiskFull,
            "Error: disco lleno: no queda espacio para la base de datos: /datos/b.db; nada se "
            "guardó",
        ),
        (
            _sqlite_error(sqlite3.SQLITE_IOERR_WRITE, "disk I/O error"),
            IOFailure,
            "Error de E/S: no se pudo leer o escribir la base de datos (disk I/O error): "
            "/datos/b.db",
        ),
        (
            _sqlite_error(sqlite3.SQLITE_BUSY, "database is locked"),
            DatabaseBusy,
            "Error: La base de datos está ocupada por otro usuario desde hace más de 10 s; "
            "intente de nuevo en un momento.",
        ),
    ],
)
def test_disk_and_database_failures_are_named(exc, kind, line, log_file):
    error = log.user_error(exc, "/datos/b.db")
    assert isinstance(error, kind) and error.line() == line
    assert not log_file.exists()  # not a bug: nothing to log


def test_anything_else_is_an_internal_error_with_its_trace_logged(log_file):
    try:
        {}["numero_parte"]
    except KeyError as exc:
        error = log.user_error(exc)
    assert isinstance(error, InternalError)
    assert error.line() == f"Error interno: KeyError: 'numero_parte' (detalle en {log_file})"
    logged = log_file.read_text()
    assert "Traceback" in logged and "KeyError: 'numero_parte'" in logged


def test_a_broker_error_is_itself(log_file):
    error = InvalidInput("rfc", "es obligatorio")
    assert log.user_error(error) is error and error.line() == "Error: rfc: es obligatorio"
