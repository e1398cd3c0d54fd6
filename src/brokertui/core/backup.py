"""Backups of the database: create, verify, restore, and the automatic daily backup.

`create` copies the database with SQLite's online backup API in one step: it reads one
consistent snapshot (WAL mode), so others keep working meanwhile and a write in progress is
either wholly in the copy or not at all. The copy is written under a hidden `.parcial` name and
renamed when complete, with a `<archivo>.sha256` beside it (`sha256sum -c` reads it) so that
`verify` catches any changed byte, not only a broken structure.

Backups land by default in `respaldos/` beside the database, named
`brokertui-AAAAMMDD-HHMMSS.db` (the office's time, Mexico City's, whatever the server's zone:
core/dates.py; it has no daylight saving time, so the names sort by time); that folder keeps
the newest N of them (setting `respaldos_a_conservar`). With `respaldo_diario` on, the first
command or TUI start of the office's day makes one (`daily`); whoever finds another user making
it skips instead of waiting. Names and days follow the real clock, not `--today` (clock.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from brokertui.core import db, dblock, files, settings
from brokertui.core.dates import MEXICO
from brokertui.core.errors import Conflict, InvalidInput, NotFound
from brokertui.core.plural import counted

FOLDER = "respaldos"
PATTERN = "brokertui-*.db"
DAILY, KEEP = "respaldo_diario", "respaldos_a_conservar"
DEFAULT_KEEP, MAX_KEEP = 7, 366
_STALE_PARTIAL_S = 24 * 3600


@dataclass(frozen=True)
class Policy:
    """The automatic daily backup: on or off, and how many backups `respaldos/` keeps."""

    daily: bool = True
    keep: int = DEFAULT_KEEP


@dataclass
class Report:
    """What `verify` found: no problems means the file can be restored."""

    path: Path
    problems: list[str] = field(default_factory=list)
    schema: int | None = None  # the highest migration applied in the file
    newest: int = 0  # the highest migration this brokertui knows
    counts: dict[str, int] = field(default_factory=dict)  # rows per table
    checksum: str = "sin archivo .sha256"

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Restored:
    source: Path
    aside: Path | None  # where the replaced database was kept (None: there was none)
    report: Report


def folder(db_path: Path) -> Path:
    """The data folder's backup folder: `respaldos/` beside the database."""
    return Path(db_path).parent / FOLDER


def _office_now() -> datetime:
    """The real time now in Mexico City (module doc)."""
    return datetime.now(MEXICO)


def backup_name(when: datetime) -> str:
    return f"brokertui-{when:%Y%m%d-%H%M%S}.db"


def policy(database: Database) -> Policy:
    daily = settings.get(database, DAILY, "1") == "1"
    keep = settings.get(database, KEEP)
    return Policy(daily, int(keep) if keep else DEFAULT_KEEP)


def set_policy(database: Database, *, daily: bool | None = None, keep: int | None = None) -> Policy:
    """Change the daily backup's setting and/or how many backups to keep (audited)."""
    if keep is not None and not 1 <= keep <= MAX_KEEP:
        raise InvalidInput("--keep", f"debe ser un número entero de 1 a {MAX_KEEP}")
    with db.transaction(database):
        if daily is not None:
            settings.put(database, DAILY, "1" if daily else "0")
        if keep is not None:
            settings.put(database, KEEP, str(keep))
    return policy(database)


def create(db_path: Path, dest: Path | None = None) -> Path:
    """Back up the database at `db_path` to `dest` (a file, or a folder to put the dated name
    in); by default to `respaldos/`, which then keeps the newest N. Returns the backup's path."""
    db_path = _existing_database(db_path)
    when = _office_now()
    if dest is None:
        target = folder(db_path) / backup_name(when)
    else:
        target = Path(dest) / backup_name(when) if Path(dest).is_dir() else Path(dest)
    if target.exists():
        raise Conflict("DESTINO", f"{target} ya existe; no se sobrescribe")
    source = db.connect(db_path)
    try:
        _copy(source, target, db_path)
        if dest is None:
            rotate(folder(db_path), policy(source).keep)
    finally:
        source.close()
    return target


def daily(db_path: Path, when: datetime | None = None) -> Path | None:
    """Today's automatic backup, when the setting is on and nobody made one today (a backup
    in `respaldos/` dated today counts); None when there was nothing to do or another user is
    making it right now."""
    db_path, when = Path(db_path), when or _office_now()
    where = folder(db_path)
    if not db_path.is_file() or _made_on(where, when):
        return None
    source = db.connect(db_path)
    try:
        rule = policy(source)
        if not rule.daily:
            return None
        with _daily_turn(where, db_path) as mine:
            if not mine or _made_on(where, when):
                return None
            target = where / backup_name(when)
            _copy(source, target, db_path)
            rotate(where, rule.keep)
            return target
    finally:
        source.close()


def rotate(where: Path, keep: int) -> list[Path]:
    """Keep the newest `keep` backups in `where` (the dated names sort by time); remove the
    rest with their .sha256, and partial copies left by a killed process. Returns the removed."""
    removed = sorted(where.glob(PATTERN))[:-keep]
    for old in removed:
        old.unlink(missing_ok=True)
        _sidecar(old).unlink(missing_ok=True)
    for partial in where.glob(".*.parcial"):
        if time.time() - partial.stat().st_mtime > _STALE_PARTIAL_S:
            partial.unlink(missing_ok=True)
    return removed


def verify(path: Path) -> Report:
    """Check a backup file: SHA-256 against its .sha256 (when there is one), integrity_check,
    foreign_key_check, its schema version against this brokertui's migrations, rows per table."""
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"ARCHIVO: no existe el archivo {path}")
    report = Report(path, newest=db.available_migrations()[-1].version)
    _check_sum(path, report)
    try:
        # immutable: read the file as it is, with no lock, -wal or -shm beside it.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
        try:
            _check_content(conn, report)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        report.problems.append(_damage(exc))
    return report


def restore(path: Path, db_path: Path) -> Restored:
    """Replace the database at `db_path` with the backup at `path` once it verifies; refused
    while anyone has the database open. The replaced file is kept beside it as
    `<db>.antes-de-restaurar-AAAAMMDD-HHMMSS`; the restored database records the restore in
    its audit trail."""
    path, db_path = Path(path), Path(db_path)
    if db_path.exists() and path.exists() and path.samefile(db_path):
        raise InvalidInput("ARCHIVO", "es la base de datos en uso, no un respaldo")
    report = verify(path)
    if not report.ok:
        raise InvalidInput("ARCHIVO", f"{path} no se restaura: {report.problems[0]}")
    with dblock.exclusive(db_path):
        staged = db_path.with_name(f".{db_path.name}.restaurando")
        staged.unlink(missing_ok=True)
        with path.open("rb") as src, files.private_open(staged, "xb", like=db_path) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        aside = _set_aside(
            db_path, f"{db_path.name}.antes-de-restaurar-{_office_now():%Y%m%d-%H%M%S}"
        )
        os.replace(staged, db_path)
        restored = db.connect(db_path)  # covered by the exclusive lock; migrates an old backup
        try:
            detail = {"archivo": str(path.resolve()), "anterior": str(aside) if aside else None}
            with db.write(restored, "backup.restore", "db", db_path.name, detail):
                pass
        finally:
            restored.close()
    return Restored(path, aside, report)


def _existing_database(db_path: Path) -> Path:
    db_path = Path(db_path)
    if not db_path.is_file():
        raise NotFound(f"no existe la base de datos {db_path}")
    return db_path


def _sidecar(backup: Path) -> Path:
    return backup.with_name(backup.name + ".sha256")


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _copy(source: Database, target: Path, db_path: Path) -> None:
    """Copy the open database `source` to `target` (complete or not at all), with its .sha256."""
    partial = target.with_name(f".{target.name}.parcial")
    partial.unlink(missing_ok=True)
    files.private_open(partial, "xb", like=db_path).close()
    try:
        copy = sqlite3.connect(partial)
        try:
            source.conn.backup(copy)  # one step: one read snapshot, writers go on (WAL)
            copy.execute("PRAGMA journal_mode = DELETE")  # a standalone file, no -wal needed
        finally:
            copy.close()
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    with files.private_open(_sidecar(target), "w", like=db_path, encoding="utf-8") as out:
        out.write(f"{_sha256(target)}  {target.name}\n")


def _made_on(where: Path, when: datetime) -> bool:
    return any(where.glob(f"brokertui-{when:%Y%m%d}-*.db"))


@contextlib.contextmanager
def _daily_turn(where: Path, db_path: Path) -> Iterator[bool]:
    """Whether this process may make the daily backup: one user at a time, the others skip."""
    with files.private_open(where / ".respaldo-diario.lock", "ab", like=db_path) as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def _check_sum(path: Path, report: Report) -> None:
    sidecar = _sidecar(path)
    if not sidecar.is_file():
        return
    expected = sidecar.read_text(encoding="utf-8").split()[:1]
    if expected == [_sha256(path)]:
        report.checksum = "coincide"
        return
    report.checksum = "distinto"
    report.problems.append(
        f"el archivo cambió desde que se hizo el respaldo (su SHA-256 no coincide con "
        f"{sidecar.name}); si el cambio fue intencional, borre {sidecar.name}"
    )


def _check_content(conn: sqlite3.Connection, report: Report) -> None:
    issues = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
    if issues != ["ok"]:
        report.problems.append("integridad dañada: " + "; ".join(issues[:3]))
    orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    if orphans:
        where = ", ".join(sorted({row[0] for row in orphans}))
        report.problems.append(
            f"llaves foráneas: {counted(len(orphans), 'fila')} sin el registro al que "
            f"apuntan ({where})"
        )
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    if db.SCHEMA_TABLE not in tables:
        report.problems.append("no es una base de datos de brokertui (no tiene esquema)")
        return
    report.schema = conn.execute(
        f"SELECT coalesce(max(version), 0) FROM {db.SCHEMA_TABLE}"
    ).fetchone()[0]
    if report.schema > report.newest:
        report.problems.append(
            f"tiene el esquema {report.schema}, más nuevo que el {report.newest} de esta "
            "versión de brokertui; actualice brokertui antes de restaurarla"
        )
    report.counts = {
        name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables
    }


def _damage(exc: sqlite3.DatabaseError) -> str:
    if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
        return "no es una base de datos SQLite (o su encabezado está dañado)"
    return f"el archivo está dañado ({exc})"


def _set_aside(db_path: Path, name: str) -> Path | None:
    """Keep the database being replaced as `name` beside it, whole: its WAL is checkpointed
    into it first (or moved along when that fails), its -shm dropped."""
    if not db_path.exists():
        return None
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(db_path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    aside = db_path.with_name(name)
    try:
        os.link(db_path, aside)  # the name keeps pointing at a whole file until replaced
    except OSError:
        os.replace(db_path, aside)
    wal = Path(f"{db_path}-wal")
    if wal.exists():
        os.replace(wal, Path(f"{aside}-wal"))
    Path(f"{db_path}-shm").unlink(missing_ok=True)
    return aside
