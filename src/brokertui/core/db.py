"""SQLite connection, PRAGMAs, migrations, write transactions and the audit trail.

Every write goes through `write()`: one `BEGIN IMMEDIATE` transaction (so concurrent writers
queue on the busy timeout instead of failing on a lock upgrade), one audit row, commit or
rollback as a whole. A check that guards a write (a duplicate key, the run to undo) reads
inside that transaction (`transaction()` when the audit row needs what the check found), so
no other writer can slip in between; reports that read several queries use `snapshot()`. A
long job writes in short turns (`turns()`), so that colleagues never wait long for the lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import platformdirs

from brokertui.core import clock, dblock, files
from brokertui.core.errors import (
    Change,
    Conflict,
    DatabaseBusy,
    SchemaTooNew,
    StaleRecord,
)
from brokertui.core.text import fold, joined

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000
# Bytes per page of a new database (SQLite's default 4096): the tables' and indexes' pages are
# half as many, and so are the B-tree steps and page writes of a bulk write (issue 14, item 4).
PAGE_SIZE = 8192
T = TypeVar("T")
SCHEMA_TABLE = "schema_migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_UNIQUE_FAILED = re.compile(r"UNIQUE constraint failed: (\w+)\.(.+)")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def default_db_path() -> Path:
    """The database in the user's data directory (platformdirs)."""
    return Path(platformdirs.user_data_dir("brokertui", appauthor=False)) / "brokertui.db"


def _migrations_root() -> Traversable | Path:
    """Migrations ship inside the wheel as brokertui/migrations; a source checkout has them at
    the repository root."""
    packaged = resources.files("brokertui") / "migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "migrations"


@cache
def _migration_files() -> tuple:
    """(version, name, file) of every migration shipped with this version, in order: listed
    once a process (a command opens its database twice, with the daily backup's check)."""
    found = []
    for entry in _migrations_root().iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match[1]), match[2], entry))
    return tuple(sorted(found, key=lambda found: found[0]))


def available_migrations() -> list[Migration]:
    """All migrations shipped with this version, in order."""
    return [
        Migration(version, name, entry.read_text(encoding="utf-8"))
        for version, name, entry in _migration_files()
    ]


def _create_private(path: Path) -> None:
    """Create an empty database file readable by its owner only (0600), in a folder created
    0700 if missing (files.py). SQLite gives its -wal and -shm files the database's mode."""
    with contextlib.suppress(FileExistsError):
        files.private_open(path, "xb").close()


class LockedConnection(sqlite3.Connection):
    """A connection holding the database's shared open-lock (dblock) until it is closed."""

    open_lock: int | None = None
    path: Path | None = None  # the database file (None in memory): dblock.waiting

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()

    def __del__(self) -> None:
        self._release()

    def _release(self) -> None:
        lock, self.open_lock = self.open_lock, None
        dblock.release(lock)


def connect(path: Path | str, *, migrate_to: int | None = None) -> Database:
    """Open (creating if needed) the database at `path` and bring its schema up to date.

    `migrate_to` stops at an older version (tests of upgrades use it). The connection holds
    the database's shared open-lock (dblock) until it is closed.
    """
    path = Path(path)
    on_disk = str(path) != ":memory:"
    lock = dblock.shared(path) if on_disk else None
    try:
        if on_disk and not path.exists():
            _create_private(path)
        conn = sqlite3.connect(
            str(path),
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
            factory=LockedConnection,
        )
    except BaseException:
        dblock.release(lock)
        raise
    conn.open_lock = lock
    conn.path = path.absolute() if on_disk else None  # as SQLite names it (PRAGMA database_list)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # a new database's; an old one keeps its own
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.OperationalError as exc:
        conn.close()
        raise _translate(exc) from exc
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk imports touch many index pages
    # fold(x): the searches' text without case or accents (core/search.py)
    conn.create_function("fold", 1, _fold, deterministic=True)
    # joined(x): x without the spaces, dashes, dots and slashes between its digits (core/search.py)
    conn.create_function("joined", 1, _joined, deterministic=True)
    from sqlite_utils import Database  # imported on first connection: `--help` needs none

    db = Database(conn, execute_plugins=False)
    try:
        migrate(db, target=migrate_to)
    except BaseException:
        conn.close()
        raise
    return db


def _fold(value: object) -> str | None:
    return None if value is None else fold(str(value))


def _joined(value: object) -> str | None:
    return None if value is None else joined(str(value))


def schema_version(db: Database) -> int:
    """The highest migration applied (0 for an empty database)."""
    if not db[SCHEMA_TABLE].exists():
        return 0
    return db.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA_TABLE}").fetchone()[0]


def migrate(db: Database, target: int | None = None) -> list[int]:
    """Apply pending migrations in order, each in its own transaction; return those applied.
    A database already at this version's newest reads no migration's text."""
    files = _migration_files()
    newest = files[-1][0] if files else 0
    current = schema_version(db)
    if current == newest:
        return []
    if current > newest:
        raise SchemaTooNew(
            f"La base de datos tiene el esquema {current}, más nuevo que el {newest} de esta "
            "versión de brokertui; actualice brokertui antes de abrirla."
        )
    applied = []
    for migration in available_migrations():
        if migration.version <= current or (target is not None and migration.version > target):
            continue
        if _apply(db, migration):
            applied.append(migration.version)
    return applied


def _apply(db: Database, migration: Migration) -> bool:
    """Apply one migration atomically unless another process applied it first."""
    conn = db.conn
    _begin(conn)
    try:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = conn.execute(
            f"SELECT 1 FROM {SCHEMA_TABLE} WHERE version = ?", [migration.version]
        ).fetchone()
        if done:
            conn.execute("ROLLBACK")
            return False
        for statement in _statements(migration.sql):
            conn.execute(statement)
        conn.execute(
            f"INSERT INTO {SCHEMA_TABLE} (version, name, applied_at) VALUES (?, ?, ?)",
            [migration.version, migration.name, now()],
        )
        conn.execute("COMMIT")
        return True
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _statements(sql: str) -> Iterator[str]:
    """Split a migration into complete statements (executescript would commit on its own)."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip() and not buffer.strip().startswith("--"):
        yield buffer


def os_user() -> str:
    """The operating-system user making a change (each broker logs in over SSH as himself):
    the name of the process's real uid, never LOGNAME or USER (anyone can set those), or
    "uid:N" when the uid has no passwd entry."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid:{uid}"


def now() -> str:
    """The current UTC time, ISO-8601 to the second (audit and record timestamps): the clock of
    core/clock.py, which `--today` and the demo builder pin."""
    return clock.moment().isoformat(timespec="seconds")


def _begin(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE; while another connection holds the write lock, waiting for it (the busy
    timeout) as one that waits (dblock.waiting), so that a long job lets it write next."""
    path = getattr(conn, "path", None)
    try:
        if path is not None:
            timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
            conn.execute("PRAGMA busy_timeout = 0")
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
            finally:
                conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
        with dblock.waiting(path) if path is not None else contextlib.nullcontext():
            conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise _translate(exc) from exc


def _busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _translate(exc: sqlite3.OperationalError) -> Exception:
    if _busy(exc):
        return busy_error()
    return exc


def busy_error() -> DatabaseBusy:
    """What a user is told when another user held the database past the busy timeout."""
    return DatabaseBusy(
        "La base de datos está ocupada por otro usuario desde hace más de "
        f"{BUSY_TIMEOUT_MS // 1000} s; intente de nuevo en un momento."
    )


def _conflict(exc: sqlite3.IntegrityError) -> Conflict | None:
    """A unique key broken despite the checks (they run in the same transaction, so only a
    writer that skipped them gets here) as the Conflict naming the field."""
    match = _UNIQUE_FAILED.match(str(exc))
    if not match:
        return None
    columns = [c.split(".")[-1] for c in match[2].split(", ")]
    names = [c for c in columns if c != "id" and not c.endswith("_id")] or columns
    return Conflict(
        names[-1],
        f"ya existe otro registro con el mismo valor de {' y '.join(names)} en {match[1]}",
    )


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One BEGIN IMMEDIATE transaction without an audit row: what it reads is the latest data
    and no other connection writes until COMMIT, so a check and the write it guards are one
    step. Nested calls join the outer transaction. A unique key it breaks raises Conflict."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    _begin(conn)
    try:
        yield db
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError):
            raise _translate(exc) from exc
        if isinstance(exc, sqlite3.IntegrityError) and (conflict := _conflict(exc)):
            raise conflict from exc
        raise


# A long job (an import, a discharge) writes in turns: transactions of about TURN seconds,
# then, when a colleague waits for the lock, PAUSE without it, up to WAITS times in a row while
# colleagues commit meanwhile (so that several queued saves all get through). A colleague
# waiting for the write lock polls it every 100 ms at most (SQLite's busy handler), so a job
# that began its next transaction at once would win the lock every time and keep him waiting;
# a turn measured in time, not rows, stays short however busy the machine is. With nobody
# waiting (a colleague blocked in BEGIN says so: `_begin`), the next turn begins at once, and
# a turn goes on up to ALONE times as long: each commit writes again every page its turn
# touched (an import's index by part number: pages all over the index).
TURN = 0.3
ALONE = 5
PAUSE = 0.1
WAITS = 3


def pause() -> None:
    """Leave the write lock to colleagues between two turns of a long job."""
    time.sleep(PAUSE)


def turns(
    db: Database,
    steps: Iterable[T],
    step: Callable[[T], object],
    *,
    first: Callable[[], object],
    ready: Callable[[], bool] = lambda: True,
) -> Iterator[int]:
    """Do `step` for each of `steps` in turns (above): `first` opens each transaction (a job
    checks its claim there), at least one step each; yields how many steps are done after
    each commit, outside the transaction (a job reports progress there), then pauses. Steps
    another thread hands over: `ready` says whether the next one is there; when it is not, the
    turn ends and the next step is awaited outside the transaction."""
    pending = iter(steps)
    upcoming = list(islice(pending, 1))
    done = 0
    while upcoming:
        with transaction(db):
            first()
            began = time.monotonic()
            while upcoming:
                step(upcoming.pop())
                done += 1
                if not ready() or _turn_over(db, time.monotonic() - began):
                    break
                upcoming = list(islice(pending, 1))
        yield done
        upcoming = upcoming or list(islice(pending, 1))
        if upcoming:
            _let_others_write(db)


@contextlib.contextmanager
def _meanwhile(db: Database, pragma: str, value: str, after: str) -> Iterator[None]:
    """The connection's `pragma` at `value` within the block, at `after` once it is left."""
    db.execute(f"PRAGMA {pragma} = {value}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA {pragma} = {after}")


def known_references(db: Database) -> contextlib.AbstractContextManager[None]:
    """The connection's foreign key checks off meanwhile (set outside a transaction, where
    SQLite takes the setting), for a long job whose rows reference only rows known to stay: a
    million allocations spent 2 of their 5 s of CPU looking up their exit, lot and run."""
    return _meanwhile(db, "foreign_keys", "OFF", "ON")


def checkpoint(db: Database) -> None:
    """What was committed, copied from the WAL into the database file as far as no reader
    needs it otherwise (PASSIVE: it waits for nobody); nothing when this connection is within
    a read itself (a statement not yet read to its end: SQLite refuses it as locked)."""
    try:
        db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.OperationalError as exc:
        if not _busy(exc):
            raise


def checked_rows(db: Database) -> contextlib.AbstractContextManager[None]:
    """The connection's CHECK constraints off meanwhile, for a job that writes only rows it
    checked by the same rules before (an import's writer: every row passed its file's checks,
    and what it adds itself is constant): the three of entradas took 0.18 s of an import of
    500,000 rows, the NOT NULL and UNIQUE constraints stay."""
    return _meanwhile(db, "ignore_check_constraints", "ON", "OFF")


def _turn_over(db: Database, elapsed: float) -> bool:
    """Whether a turn that lasted `elapsed` seconds ends: after TURN when a colleague waits,
    else after ALONE turns' time."""
    return elapsed >= TURN and (elapsed >= ALONE * TURN or colleagues_waiting(db))


# How long a whole write waits for another user's long write before it gives up (each try
# waits the busy timeout): an import checked in full, whose write is one transaction, waits for
# a colleague's import instead of failing after BUSY_TIMEOUT_MS.
PATIENCE = 300.0


def patiently(attempt: Callable[[], T], *, waiting: Callable[[], object] | None = None) -> T:
    """`attempt()`, a whole write in its own transaction (DatabaseBusy from it wrote nothing),
    tried again while the database stays busy, PATIENCE seconds at most; `waiting` is told
    before each new try. The last DatabaseBusy is raised past that."""
    give_up = time.monotonic() + PATIENCE
    while True:
        try:
            return attempt()
        except DatabaseBusy:
            if time.monotonic() >= give_up:
                raise
            if waiting:
                waiting()


def colleagues_waiting(db: Database) -> bool:
    """Whether another connection waits for the write lock now (dblock.waiting; a database in
    memory has no other)."""
    path = getattr(db.conn, "path", None)
    return path is not None and dblock.anyone_waiting(path)


def _let_others_write(db: Database) -> None:
    """When colleagues wait for the write lock (`colleagues_waiting`; else at once): `pause`,
    then PAUSE again while other connections committed during the last one (PRAGMA
    data_version counts their commits), WAITS pauses at most."""
    if not colleagues_waiting(db):
        return
    version = db.execute("PRAGMA data_version").fetchone()[0]
    pause()
    for _ in range(WAITS - 1):
        now_version = db.execute("PRAGMA data_version").fetchone()[0]
        if now_version == version:
            return
        version = now_version
        time.sleep(PAUSE)


@contextlib.contextmanager
def write(
    db: Database,
    action: str,
    entity: str,
    key: str,
    detail: dict | None = None,
    *,
    version: int | None = None,
) -> Iterator[Database]:
    """One atomic write: BEGIN IMMEDIATE, the caller's checks and changes, an audit row, COMMIT.

    Nested calls (or a call inside `transaction()`) join the outer transaction, each still
    recording its audit row. An update of a versioned record gives the `version` it produces
    and its changes as `detail` {field: [old, new]} (what `changes_since` reads back).
    """
    with transaction(db):
        yield db
        audit(db, action, entity, key, detail, version=version)


def audit(
    db: Database,
    action: str,
    entity: str,
    key: str,
    detail: dict | None = None,
    *,
    version: int | None = None,
) -> None:
    """Record the audit row of a change, inside the caller's write transaction (`write` does it
    for you; call it when the detail is known only once the change is made)."""
    assert db.conn.in_transaction, "an audit row is written with the change it records"
    db.conn.execute(
        "INSERT INTO audit_log (at, os_user, action, entity, entity_key, detail, version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [now(), os_user(), action, entity, key, json.dumps(detail or {}, default=str), version],
    )


# -- record versions (no lost updates) ------------------------------------------------------


def check_version(
    db: Database,
    entity: str,
    key: str,
    *,
    record: str,
    version: int,
    expected: int | None,
    current: dict,
) -> None:
    """Inside the write transaction, before an update of a record stored at `version`: when
    the caller read it at another (`expected`), StaleRecord with the audited changes since and
    the `current` values. `record` names it for the user ("el cliente MAB9307148T4")."""
    if expected is not None and expected != version:
        raise StaleRecord(
            record, expected, version, changes_since(db, entity, key, expected), current
        )


def changes_since(db: Database, entity: str, key: str, version: int) -> list[Change]:
    """The audited updates of a record that produced a version above `version`, oldest first."""
    rows = db.execute(
        "SELECT version, at, os_user, action, detail FROM audit_log "
        "WHERE entity = ? AND entity_key = ? AND version > ? ORDER BY id",
        [entity, key, version],
    ).fetchall()
    return [
        Change(number, at, user, action, {k: tuple(v) for k, v in json.loads(detail).items()})
        for number, at, user, action, detail in rows
    ]


def diff(old: dict, new: dict) -> dict[str, list]:
    """The fields whose value differs, {field: [old, new]} (a field missing on one side is
    None there): the audit detail of an update."""
    return {k: [old.get(k), new.get(k)] for k in {**old, **new} if old.get(k) != new.get(k)}


def merge_fields(base: dict, mine: dict, theirs: dict) -> tuple[dict, list[str]]:
    """Merge field by field two edits of the values `base`: a field only they changed takes
    theirs, one only I changed keeps mine; one both changed to different values is a clash
    (listed, and kept mine in the result until the user chooses). A field missing on one side
    is None there (a row one side removed, or added)."""
    merged, clashes = {}, []
    for name in {**base, **mine, **theirs}:
        original, value, other = base.get(name), mine.get(name), theirs.get(name)
        if other != original and value != original and value != other:
            clashes.append(name)
            merged[name] = value
        else:
            merged[name] = other if other != original else value
    return merged, clashes


@contextlib.contextmanager
def snapshot(db: Database) -> Iterator[Database]:
    """Reads that see one consistent state: a read transaction, in which (WAL mode) what
    others commit after its first read stays unseen until it ends. Temporary tables may be
    written in it. Joins an outer transaction."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN")
    try:
        yield db
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def audit_trail(db: Database, entity: str | None = None, key: str | None = None) -> list[dict]:
    """Audit rows, newest first, optionally for one entity / key."""
    where, params = [], []
    if entity:
        where.append("entity = ?")
        params.append(entity)
    if key:
        where.append("entity_key = ?")
        params.append(key)
    sql = "SELECT * FROM audit_log" + (f" WHERE {' AND '.join(where)}" if where else "")
    return list(db.query(sql + " ORDER BY id DESC", params))


def file_path(db: Database) -> Path | None:
    """The file of the open database (None in memory): what files.private_open takes as `like`
    so that exports next to a shared database follow its group. A connection of `connect`
    knows it: nothing runs on it, which a worker thread asking must not do (see below)."""
    if isinstance(db.conn, LockedConnection):
        return db.conn.path
    path = db.execute("PRAGMA database_list").fetchone()[2]
    return Path(path) if path else None


@contextlib.contextmanager
def worker_connection(db: Database) -> Iterator[Database]:
    """A connection of its own for a worker thread, to the same file (an in-memory database,
    which only one connection can see, is shared instead), found with no statement on `db`:
    sqlite3 runs some calls on a connection holding the GIL, and a statement the UI thread
    runs on it calls back into Python (fold, joined) holding the connection: the two threads
    would wait for each other for ever."""
    path = file_path(db)
    if path is None:
        yield db
        return
    own = connect(path)
    try:
        yield own
    finally:
        own.close()
