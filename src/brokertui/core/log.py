"""The one line a user reads about any failure, and the log of unexpected ones.

Both faces (CLI and TUI) turn every exception into a BrokerError with `user_error`: a
BrokerError stays itself; a full disk, a busy or unreadable database and other I/O errors get
a named Spanish message; anything else is an InternalError whose trace is appended to LOG_FILE.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import traceback
from datetime import datetime
from pathlib import Path

import platformdirs

from brokertui.core import files
from brokertui.core.dates import MEXICO
from brokertui.core.db import busy_error
from brokertui.core.errors import BrokerError, DiskFull, InternalError, IOFailure

LOG_FILE = Path(platformdirs.user_log_dir("brokertui", appauthor=False)) / "brokertui.log"
LOG_MAX_BYTES = 5 << 20  # then the log moves aside to brokertui.log.1 (one old log is kept)

_SQLITE_IO = {
    sqlite3.SQLITE_IOERR: "no se pudo leer o escribir la base de datos",
    sqlite3.SQLITE_CANTOPEN: "no se puede abrir la base de datos",
    sqlite3.SQLITE_READONLY: "la base de datos es de solo lectura",
    sqlite3.SQLITE_PERM: "sin permiso sobre la base de datos",
    sqlite3.SQLITE_NOTADB: "el archivo no es una base de datos de brokertui",
    sqlite3.SQLITE_CORRUPT: "la base de datos está dañada",
}


def user_error(exc: BaseException, db_path: Path | str | None = None) -> BrokerError:
    """What the user is told about `exc` (`db_path` names the database in SQLite errors)."""
    if isinstance(exc, BrokerError):
        return exc
    if isinstance(exc, sqlite3.Error):
        known = _sqlite_error(exc, db_path)
        if known:
            return known
    if isinstance(exc, OSError) and exc.errno is not None:
        where = f": {exc.filename}" if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DiskFull(f"disco lleno: no queda espacio para escribir{where}")
        return IOFailure(f"{exc.strerror or os.strerror(exc.errno)}{where}")
    return _internal(exc)


def _sqlite_error(exc: sqlite3.Error, db_path: object) -> BrokerError | None:
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if code is not None else None
    where = f": {db_path}" if db_path else ""
    if primary == sqlite3.SQLITE_FULL:
        return DiskFull(
            f"disco lleno: no queda espacio para la base de datos{where}; nada se guardó"
        )
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return busy_error()
    if primary in _SQLITE_IO:
        return IOFailure(f"{_SQLITE_IO[primary]} ({exc}){where}")
    return None


def _internal(exc: BaseException) -> InternalError:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    logged = log_trace(exc, text)
    return InternalError(f"{text} (detalle en {logged})" if logged else text)


def log_trace(exc: BaseException, headline: str) -> Path | None:
    """Append `headline` and the trace of `exc` to LOG_FILE (0600 in folders 0700 whatever
    the umask, files.private_open), stamped with the real time in Mexico City and its offset
    ('2026-11-29T20:40:00-06:00'; core/dates.py), which reads beside the system's logs in any
    zone; the log's path, or None when it cannot be written."""
    entry = f"{datetime.now(MEXICO).isoformat(timespec='seconds')} {headline}\n" + "".join(
        traceback.format_exception(exc)
    )
    try:
        if LOG_FILE.exists() and LOG_FILE.stat().st_size > LOG_MAX_BYTES:
            LOG_FILE.replace(LOG_FILE.with_name(LOG_FILE.name + ".1"))
        with files.private_open(LOG_FILE, "a", encoding="utf-8") as log:
            log.write(entry)
    except OSError:
        return None
    return LOG_FILE
