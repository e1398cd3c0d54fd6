"""Who has the database open: every brokertui connection holds a shared flock on `<db>.lock`
for as long as it is open (db.connect takes it, closing the connection lets it go). And who
waits for its write lock: a connection blocked in BEGIN IMMEDIATE holds a shared flock on
`<db>.wait` meanwhile (`waiting`), which a long job looks for between its turns (`anyone_waiting`).

Replacing or deleting the database file (backup restore, demo --reset) takes the lock
exclusively and is refused while anyone else holds it, so no session keeps writing into a file
that was replaced under it; a connection opened meanwhile waits for the replacement to finish.
The kernel drops a flock when its holder dies, so a killed session never leaves it behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from brokertui.core import files
from brokertui.core.errors import DatabaseBusy

WAIT_SECONDS = 10  # how long a new connection waits while the file is being replaced

IN_USE = "la base está abierta por otros usuarios; ciérrenla primero"

_exclusive: set[str] = set()  # lock files this process holds exclusively


def lock_path(db_path: Path, suffix: str = ".lock") -> Path:
    return db_path.with_name(db_path.name + suffix)


def _key(db_path: Path) -> str:
    return os.path.realpath(lock_path(db_path))


def _mode(db_path: Path) -> int:
    """The lock file's mode: the database's owner and group bits, never others'. Before the
    database exists: 0600, or 0660 in a setgid folder (an office's shared folder, README), so
    that whoever may open the database may lock it."""
    try:
        return 0o600 | (db_path.stat().st_mode & 0o060)
    except FileNotFoundError:
        folder = os.stat(db_path.parent).st_mode
        return 0o600 | (folder & 0o060 if folder & stat.S_ISGID else 0)


def _open(db_path: Path, suffix: str = ".lock") -> int:
    """The lock file's descriptor (its folder is created if missing, as files.py does)."""
    path = lock_path(files.ensure_private_dir(db_path.parent) / db_path.name, suffix)
    mode = _mode(db_path)
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, mode)
        os.fchmod(fd, mode)  # whatever the umask
        return fd
    try:
        fd = os.open(path, os.O_RDWR)
    except PermissionError:
        return os.open(path, os.O_RDONLY)  # flock needs no write access
    info = os.fstat(fd)
    if info.st_uid == os.getuid() and mode & ~info.st_mode:
        # The database was shared with its group after the lock file was made: follow it.
        os.fchmod(fd, (info.st_mode | mode) & 0o777)
    return fd


def shared(db_path: Path) -> int | None:
    """Take the shared lock for one connection (its descriptor, for `release`); waits up to
    WAIT_SECONDS while the file is being replaced. None when this process holds the exclusive
    lock: its own connections are covered by it."""
    if _key(db_path) in _exclusive:
        return None
    fd = _open(db_path)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise DatabaseBusy(
                    "la base de datos se está restaurando o reemplazando; intente de nuevo "
                    "en un momento"
                ) from None
            time.sleep(0.05)


def release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


@contextlib.contextmanager
def exclusive(db_path: Path) -> Iterator[None]:
    """Hold the database alone, or refuse at once (DatabaseBusy) while anyone has it open;
    this process's own connections opened inside the block need no lock of their own."""
    fd = _open(db_path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise DatabaseBusy(IN_USE) from None
    key = _key(db_path)
    _exclusive.add(key)
    try:
        yield
    finally:
        _exclusive.discard(key)
        os.close(fd)


@contextlib.contextmanager
def waiting(db_path: Path) -> Iterator[None]:
    """Held by a connection while it waits for the database's write lock (db._begin)."""
    fd = _open(db_path, ".wait")
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # blocks only while `anyone_waiting` looks: microseconds
        yield
    finally:
        os.close(fd)


def anyone_waiting(db_path: Path) -> bool:
    """Whether some connection, of this process or another, waits for the write lock now."""
    fd = _open(db_path, ".wait")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
