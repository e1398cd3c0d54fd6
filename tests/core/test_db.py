"""Storage: PRAGMAs, file mode, migrations, atomic writes, audit and concurrent writers."""

import multiprocessing
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from brokertui.core import db as store
from brokertui.core.errors import DatabaseBusy, SchemaTooNew
from brokertui.core.identifiers import parse_rfc
from brokertui.core.registry import clients


def test_pragmas(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_a_new_database_has_bigger_pages_and_an_old_one_keeps_its_own(tmp_path):
    assert store.connect(tmp_path / "new.db").execute("PRAGMA page_size").fetchone() == (
        store.PAGE_SIZE,
    )
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as made_before:  # by a version with SQLite's default pages
        made_before.execute("CREATE TABLE t (x)")
    database = store.connect(old)
    assert database.execute("PRAGMA page_size").fetchone() == (4096,) != (store.PAGE_SIZE,)
    assert database["clients"].exists()  # migrated, pages as they were
    assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_worker_finds_its_own_connection_with_no_statement_on_the_apps(db, tmp_path):
    """A statement on the app's connection from a worker thread could deadlock with one the UI
    thread runs that calls back into Python (fold, joined; a test's trace callback): a TUI test
    hung so. The file is known from the connection instead."""
    on_app: list[str] = []
    db.conn.set_trace_callback(on_app.append)
    with store.worker_connection(db) as own:
        assert own is not db and own.execute("SELECT 1").fetchone() == (1,)
    db.conn.set_trace_callback(None)
    assert on_app == []
    told = db.execute("PRAGMA database_list").fetchone()[2]
    assert store.file_path(db) == Path(told) == tmp_path / "test.db"
    plain = Database(sqlite3.connect(tmp_path / "other.db"))  # not of store.connect
    assert store.file_path(plain) == tmp_path / "other.db"
    assert store.file_path(store.connect(":memory:")) is None


def test_checked_rows_leaves_out_only_the_check_constraints_and_only_meanwhile(db):
    """A job that writes rows it checked before (an import's writer) leaves SQLite's CHECK
    constraints out; NOT NULL stays, and the connection checks again after, a failure too."""
    insert = (
        "INSERT INTO clients (rfc, razon_social, created_at, updated_at, descargo_modo) "
        "VALUES (?, 'Alfa', '', '', ?)"
    )
    with store.checked_rows(db):
        db.execute(insert, ["AAA010101AAA", "x"])  # descargo_modo IN ('cantidad', 'valor')
        with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
            db.execute(insert, [None, "valor"])
    with pytest.raises(RuntimeError), store.checked_rows(db):
        raise RuntimeError
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute(insert, ["BBB010101BBB", "x"])


def test_a_checkpoint_copies_what_others_committed_and_skips_within_a_read(tmp_path):
    """db.checkpoint copies the WAL into the file; on a connection still reading a statement
    (SQLite refuses it as locked) it does nothing, and raises nothing."""
    path = tmp_path / "x.db"
    db, other = store.connect(path), store.connect(path)

    def in_the_file() -> int | None:
        """The rows of t the database file holds, its WAL left unread (None: no table t)."""
        alone = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
        try:
            return alone.execute("SELECT count(*) FROM t").fetchone()[0]
        except sqlite3.OperationalError:
            return None
        finally:
            alone.close()

    db.execute("CREATE TABLE t (x)")
    other.execute("INSERT INTO t VALUES (1), (2)")
    reading = db.conn.execute("SELECT x FROM t")
    assert reading.fetchone() == (1,)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    store.checkpoint(db)  # within the read: skipped
    assert in_the_file() is None
    reading.fetchall()
    store.checkpoint(db)
    assert in_the_file() == 2
    db.close()
    other.close()


def test_new_file_is_private(tmp_path):
    path = tmp_path / "sub" / "new.db"
    store.connect(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_migrations_recorded_in_order(db):
    rows = list(db.query("SELECT version, name FROM schema_migrations ORDER BY version"))
    versions = [m.version for m in store.available_migrations()]
    assert [r["version"] for r in rows] == versions
    assert versions == sorted(versions) and versions[0] == 1
    assert store.migrate(db) == []  # idempotent


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    database = store.connect(path)
    database.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 'x')")
    database.close()
    with pytest.raises(SchemaTooNew, match="más nuevo"):
        store.connect(path)


def test_old_database_upgrades_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    old = store.connect(path, migrate_to=1)
    assert store.schema_version(old) == 1
    assert not old["programs"].exists()
    # Written as version 1 of the app would have written it.
    old["clients"].insert(
        {"rfc": "MAB9307148T4", "razon_social": "Antigua", "created_at": "t", "updated_at": "t"}
    )
    old.close()
    upgraded = store.connect(path)
    assert store.schema_version(upgraded) == store.available_migrations()[-1].version
    assert clients.get_client(upgraded, "MAB9307148T4").razon_social == "Antigua"
    assert upgraded["programs"].exists()


def test_a_failing_migration_leaves_nothing(tmp_path, monkeypatch):
    broken = store.Migration(1, "broken", "CREATE TABLE a (x);\nCREATE TABLE a (y);\n")
    monkeypatch.setattr(store, "available_migrations", lambda: [broken])
    with pytest.raises(sqlite3.OperationalError):
        store.connect(tmp_path / "x.db")
    conn = sqlite3.connect(tmp_path / "x.db")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "a" not in tables
    assert "schema_migrations" not in tables  # created inside the same, rolled-back transaction


def test_write_is_atomic_and_audited(db):
    with pytest.raises(RuntimeError), store.write(db, "test", "client", "X"):
        db["clients"].insert(
            {"rfc": "X", "razon_social": "x", "created_at": "t", "updated_at": "t"}
        )
        raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0
    assert store.audit_trail(db) == []
    clients.add_client(db, {"rfc": "MAB9307148T4", "razon_social": "A"})
    (entry,) = store.audit_trail(db, "client", "MAB9307148T4")
    assert entry["action"] == "client.add"
    assert entry["os_user"] == store.os_user() and entry["at"].endswith("+00:00")


def test_busy_database_gives_a_clear_message(tmp_path, monkeypatch):
    path = tmp_path / "busy.db"
    first = store.connect(path)
    second = store.connect(path)
    second.conn.execute("PRAGMA busy_timeout = 50")
    first.conn.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy, match="ocupada"), store.write(second, "t", "t", "t"):
            pass
    finally:
        first.conn.execute("ROLLBACK")


def test_a_colleague_blocked_on_the_write_lock_is_seen_waiting(tmp_path, monkeypatch):
    """A long job pauses between its turns only while a colleague waits for the lock, and ends
    a turn after TURN only then (db.turns): a connection blocked in BEGIN says so, and no
    longer once it writes; its busy timeout is its own again after."""
    path = tmp_path / "waits.db"
    job, colleague = store.connect(path), store.connect(path)
    colleague.conn.execute("PRAGMA busy_timeout = 7000")
    assert not store.colleagues_waiting(job)
    job.conn.execute("BEGIN IMMEDIATE")
    done = threading.Event()

    def write() -> None:
        with store.transaction(colleague):
            colleague.execute("CREATE TABLE t (x)")
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        for _ in range(500):  # the colleague's thread gets to its BEGIN
            if store.colleagues_waiting(job):
                break
            done.wait(0.01)
        assert store.colleagues_waiting(job) and not done.is_set()
    finally:
        job.conn.execute("COMMIT")
        thread.join(10)
    assert done.is_set() and not store.colleagues_waiting(job)
    assert colleague.execute("PRAGMA busy_timeout").fetchone()[0] == 7000
    paused = []
    monkeypatch.setattr(store, "pause", lambda: paused.append(1))
    monkeypatch.setattr(store, "TURN", 0)
    steps = list(store.turns(job, range(3), lambda _: None, first=lambda: None))
    assert steps == [1, 2, 3] and paused == []  # nobody waited: no pause between turns
    monkeypatch.setattr(store, "TURN", 0.3)  # and a turn goes on past TURN, ALONE turns' time
    assert not store._turn_over(job, 0.5) and store._turn_over(job, store.ALONE * 0.3)
    monkeypatch.setattr(store, "colleagues_waiting", lambda db: True)
    assert not store._turn_over(job, 0.2) and store._turn_over(job, 0.3)
    monkeypatch.setattr(store, "TURN", 0)
    list(store.turns(job, range(3), lambda _: None, first=lambda: None))
    assert paused == [1, 1]


def _writer(path: str, prefix: str, count: int, queue) -> None:
    from datetime import date, timedelta

    from stdnum.mx.rfc import calc_check_digit

    database = store.connect(path)
    errors = []
    for i in range(count):
        body = f"{prefix}{date(2000, 1, 1) + timedelta(days=i):%y%m%d}A1"
        try:
            clients.add_client(
                database, {"rfc": body + calc_check_digit(body), "razon_social": f"{prefix} {i}"}
            )
        except Exception as exc:  # reported to the parent, which fails the test
            errors.append(repr(exc))
    queue.put(errors)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "shared.db")
    store.connect(path).close()
    count = 150
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_writer, args=(path, p, count, queue)) for p in ("AAA", "BBB")]
    for worker in workers:
        worker.start()
    errors = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert errors == [[], []]
    database = store.connect(path)
    assert clients.count_clients(database) == 2 * count
    assert len(store.audit_trail(database)) == 2 * count
    assert all(parse_rfc(c.rfc).check_digit_ok for c in clients.list_clients(database))
