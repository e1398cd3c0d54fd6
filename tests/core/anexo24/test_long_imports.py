"""An interface import never holds the write lock for long (issue 12, item 4): entradas and
salidas are written while they are checked (issue 14, item 4), a batch per short transaction
while the import is 'cargando', which every reader leaves out, until a last short transaction
makes it 'hecho' once every row passed; a bad row found later, an interrupt or a failed write
deletes what was written. One such import per client and kind at a time; one whose process died
is deleted by the next.

The import is paused between two of the transactions it writes in (made 1 row each), through
the pause a long job makes there (db.pause): a colleague's write on another connection
finishes at once there, and every reader shows the state before the import.
"""

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable

import pytest

from brokertui.core import db as store
from brokertui.core import leases
from brokertui.core.anexo24 import interfaces, preview, reports
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.anexo24.interfaces import InterfaceError
from tests.core.anexo24.conftest import (
    RFC,
    TODAY,
    colleague_write,
    in_thread,
    inventory,
    load,
    write_csv,
)
from tests.core.anexo24.test_balances import assert_kept

SPAWN = multiprocessing.get_context("spawn")
WAIT = 30  # seconds: only a broken test waits this long
LOTS = [
    [f"26 07 3953 600{n:04d}", "1", "IN", "2026-02-01", "MAT-A", "10", "1", "8", "72085101", ""]
    for n in range(100, 105)
]


def state(path) -> dict:
    """What readers see, on a connection of their own."""
    db = store.connect(path)
    try:
        entradas = reports.heading(db, "entradas", RFC, desde=TODAY.replace(month=1), hasta=TODAY)
        return {
            "summary": discharge.summary(db, RFC, TODAY),
            "entradas": list(reports.records(db, entradas)),
            "saldos": list(reports.records(db, reports.heading(db, "saldos", RFC, on=TODAY))),
            "preview": discharge.run(db, RFC, hasta=TODAY, dry_run=True).as_dict(),
        }
    finally:
        db.close()


class Paused:
    """Stands for db.pause: stops the import between two of its transactions until the test
    lets it go on."""

    def __init__(self):
        self.paused, self.go_on = threading.Event(), threading.Event()

    def __call__(self):
        self.go_on.clear()
        self.paused.set()
        assert self.go_on.wait(WAIT)

    def next(self) -> None:
        self.paused.clear()
        self.go_on.set()


@pytest.fixture
def one_row_per_turn(monkeypatch):
    monkeypatch.setattr(interfaces, "STEP", 1)
    monkeypatch.setattr(store, "TURN", 0)


@pytest.fixture
def paused(monkeypatch, one_row_per_turn):
    pauses = Paused()
    monkeypatch.setattr(store, "pause", pauses)
    monkeypatch.setattr(store, "colleagues_waiting", lambda db: True)  # the test's colleague
    return pauses


def import_in_thread(path, csv_path, outcome: dict) -> threading.Thread:
    return in_thread(
        path, lambda db: interfaces.import_file(db, "entradas", csv_path, RFC), outcome
    )


def test_colleagues_write_and_readers_see_nothing_of_an_import_being_written(
    inv_db, tmp_path, paused
):
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-03-01", "M", "MAT-A", "250"]])
    path = store.file_path(inv_db)
    before = state(path)
    csv_path = write_csv(tmp_path / "lots.csv", interfaces.COLUMNS["entradas"], LOTS)
    outcome: dict = {}
    thread = import_in_thread(path, csv_path, outcome)
    for _ in range(len(LOTS) - 1):  # between every two of its 5 transactions
        assert paused.paused.wait(WAIT)
        colleague_write(path)  # the old import held the lock here: 10 s, refused
        assert state(path) == before
        paused.next()
    thread.join(WAIT)
    assert outcome["result"]["added"] == len(LOTS)
    after = state(path)
    assert after["summary"]["entradas"] == before["summary"]["entradas"] + len(LOTS)
    assert after["preview"]["shortfalls"] == 0 < before["preview"]["shortfalls"]


def test_a_second_import_of_entradas_for_the_client_is_refused_with_who_runs_it(
    inv_db, tmp_path, paused
):
    path = store.file_path(inv_db)
    csv_path = write_csv(tmp_path / "lots.csv", interfaces.COLUMNS["entradas"], LOTS)
    outcome: dict = {}
    thread = import_in_thread(path, csv_path, outcome)
    for _ in range(2):  # its third turn written: one row each
        assert paused.paused.wait(WAIT)
        paused.next()
    assert paused.paused.wait(WAIT)
    with pytest.raises(InterfaceError) as refused:
        interfaces.import_file(inv_db, "entradas", csv_path, RFC)
    assert f"lots.csv: importación de entradas de {RFC} en curso por {store.os_user()} desde " in (
        str(refused.value)
    )
    # the rows it went through, as each turn starts: those of the two turns before
    assert str(refused.value).endswith(" (lleva 2 filas); espere a que termine")
    # Another kind of the same client is not held up.
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-03-01", "M", "MAT-A", "5"]])
    while thread.is_alive():
        paused.next()
        paused.paused.wait(0.5)
    assert outcome["result"]["added"] == len(LOTS)


def test_a_third_import_is_told_of_the_one_being_written_not_of_the_dead_one_deleted(
    inv_db, tmp_path
):
    """Two imports of entradas 'cargando': luis's, dead, which ana's import took over and is
    deleting, and ana's, being written. A third is told of ana's, with its rows (it named
    whichever came first: luis's, as if it still worked)."""
    csv_path = write_csv(tmp_path / "lots.csv", interfaces.COLUMNS["entradas"], LOTS)
    [(client_id,)] = inv_db.execute("SELECT id FROM clients WHERE rfc = ?", [RFC]).fetchall()
    claims = [leases.take(), leases.take()]  # ana's process holds both: alive
    imports = zip(claims, ["luis", "ana"], [40, 7], ["ana", None], strict=True)
    for holder, by, rows, deleter in imports:
        inv_db.execute(
            "INSERT INTO interface_imports (client_id, kind, filename, sha256, rows, "
            "imported_at, imported_by, estado, holder, heartbeat, discarded_by) VALUES "
            "(?, 'entradas', 'e.csv', 'x', ?, ?, ?, 'cargando', ?, ?, ?)",
            [client_id, rows, store.now(), by, holder, leases.stamp(), deleter],
        )
    try:
        with pytest.raises(InterfaceError) as refused:
            interfaces.import_file(inv_db, "entradas", csv_path, RFC)
    finally:
        for holder in claims:
            leases.drop(holder)
    assert f"lots.csv: importación de entradas de {RFC} en curso por ana desde " in (
        str(refused.value)
    )
    assert str(refused.value).endswith(" (lleva 7 filas); espere a que termine")


def test_a_failure_while_writing_leaves_nothing(inv_db, tmp_path, monkeypatch, one_row_per_turn):
    copy, columns = interfaces.COPY["entradas"]
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return copy(*args)

    monkeypatch.setitem(interfaces.COPY, "entradas", (failing, columns))
    tables = ("entradas", "interface_imports")
    counts = [inv_db[t].count for t in tables]
    csv_path = write_csv(tmp_path / "lots.csv", interfaces.COLUMNS["entradas"], LOTS)
    with pytest.raises(OSError):
        interfaces.import_file(inv_db, "entradas", csv_path, RFC)
    assert len(calls) == 3 and [inv_db[t].count for t in tables] == counts


def test_a_colleague_writes_while_rows_are_checked(inv_db, tmp_path, monkeypatch):
    path = store.file_path(inv_db)
    check, writes = interfaces.check_text, []

    def checking(*args, **kwargs):  # every value, row by row or a batch's column at a time
        colleague_write(path)  # in the import's thread: refused if it held the lock
        writes.append(1)
        return check(*args, **kwargs)

    monkeypatch.setattr(interfaces, "check_text", checking)
    load(inv_db, tmp_path, "entradas", LOTS)
    assert len(writes) >= len(LOTS)


def many(count: int) -> list[list[str]]:
    return [
        [
            f"26 07 3953 61{n:05d}",
            "1",
            "IN",
            "2026-02-01",
            f"MAT-{'AB'[n % 2]}",
            "3",
            "1",
            "2",
            "",
            "",
        ]
        for n in range(count)
    ]


MANY = many(40)
CARGANDO = (
    "SELECT count(*) FROM entradas WHERE import_id IN "
    "(SELECT id FROM interface_imports WHERE estado = 'cargando')"
)


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 4 rows, one statement of 2 rows per turn: a file of 40 rows is written in
    many turns while it is still being checked."""
    monkeypatch.setattr(interfaces, "BATCH", 4)
    monkeypatch.setattr(interfaces, "STEP", 2)
    monkeypatch.setattr(store, "TURN", 0)


def watching(path=None, interrupt_at: int = 0) -> tuple[Callable, list[int]]:
    """An import's progress that, at each report of rows checked (every 4 rows: REPORT_EVERY),
    counts from another connection to the database's `path` the rows of the import committed
    meanwhile (listed; with no path, how many rows were checked), and raises
    KeyboardInterrupt (^C) once `interrupt_at` rows are checked."""
    seen: list[int] = []

    def progress(done: int, total: int, stage: str) -> None:
        if stage != "Revisando":
            return
        if path:
            db = store.connect(path)
            seen.append(db.execute(CARGANDO).fetchone()[0])
            db.close()
        else:
            seen.append(done)
        if done == interrupt_at:
            raise KeyboardInterrupt

    return progress, seen


def bad_at(rows: list[list[str]], n: int) -> list[list[str]]:
    """The rows with the pedimento of the n-th (from 0) spoilt."""
    return [[f"X{r[0]}", *r[1:]] if i == n else r for i, r in enumerate(rows)]


@pytest.mark.parametrize("interrupted", [False, True], ids=["bad row", "^C"])
def test_a_bad_row_or_an_interrupt_late_in_a_file_leaves_nothing_of_what_was_written(
    inv_db, tmp_path, monkeypatch, small_batches, interrupted
):
    monkeypatch.setattr(preview, "REPORT_EVERY", 4)
    path = store.file_path(inv_db)
    before = state(path)
    tables = ("entradas", "interface_imports", "lot_balances", "audit_log")  # and assert_kept
    counts = [inv_db[t].count for t in tables]
    progress, seen = watching(path, interrupt_at=36 if interrupted else 0)
    rows = MANY if interrupted else bad_at(MANY, 37)
    csv_path = write_csv(tmp_path / "lots.csv", interfaces.COLUMNS["entradas"], rows)
    with pytest.raises(KeyboardInterrupt if interrupted else InterfaceError) as told:
        interfaces.import_file(inv_db, "entradas", csv_path, RFC, progress=progress)
    assert max(seen) >= 8  # rows were committed while later ones were checked
    if not interrupted:
        assert "nada se importó:\nfila 39: pedimento: " in str(told.value)
    assert [inv_db[t].count for t in tables] == counts
    assert state(path) == before
    assert_kept(inv_db)
    csv_path = write_csv(tmp_path / "lots.csv", interfaces.COLUMNS["entradas"], MANY)
    result = interfaces.import_file(inv_db, "entradas", csv_path, RFC)  # the file fixed
    assert (result["rows"], result["added"]) == (40, 40)
    assert inv_db.execute(CARGANDO).fetchone() == (0,)
    assert_kept(inv_db)


def test_a_failed_write_stops_the_checks_and_leaves_nothing(
    inv_db, tmp_path, monkeypatch, small_batches
):
    monkeypatch.setattr(preview, "REPORT_EVERY", 4)
    copy, columns = interfaces.COPY["entradas"]

    def failing(db, client_id, import_id, source, params):
        if params[0] == 10:
            raise OSError(28, "No space left on device")
        return copy(db, client_id, import_id, source, params)

    monkeypatch.setitem(interfaces.COPY, "entradas", (failing, columns))
    tables = ("entradas", "interface_imports", "lot_balances")  # and assert_kept
    counts = [inv_db[t].count for t in tables]
    csv_path = write_csv(tmp_path / "lots.csv", interfaces.COLUMNS["entradas"], many(400))
    progress, checked = watching()
    with pytest.raises(OSError, match="No space left"):
        interfaces.import_file(inv_db, "entradas", csv_path, RFC, progress=progress)
    assert max(checked) < 400  # the checks stopped before the end of the file
    assert [inv_db[t].count for t in tables] == counts
    assert_kept(inv_db)


def test_the_writers_commits_are_checkpointed_by_the_checks_side_meanwhile(
    inv_db, tmp_path, monkeypatch, small_batches
):
    """The writer's own commits never checkpoint (one that does holds the writer while it
    copies the WAL into the database file and syncs it): its connection's wal_autocheckpoint
    is 0, and the checks' side checkpoints what it committed while rows are still handed
    (batches of 4, two turns each: by the fourth batch handed the first is committed)."""
    handed: list[tuple[int, int]] = []  # (rows committed, rows handed) at each checkpoint
    checkpoint = interfaces._Writer._checkpoint

    def watched(self):
        if self.written > self.checkpointed:
            handed.append((self.written, self.count))
        checkpoint(self)

    settings = []
    worker_connection = interfaces.worker_connection

    @contextlib.contextmanager
    def watched_connection(db):
        with worker_connection(db) as own:
            yield own
            settings.append(own.execute("PRAGMA wal_autocheckpoint").fetchone()[0])

    monkeypatch.setattr(interfaces._Writer, "_checkpoint", watched)
    monkeypatch.setattr(interfaces, "worker_connection", watched_connection)
    csv_path = write_csv(tmp_path / "lots.csv", interfaces.COLUMNS["entradas"], MANY)
    assert interfaces.import_file(inv_db, "entradas", csv_path, RFC)["added"] == 40
    assert settings == [0]
    assert inv_db.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
    assert any(0 < written < count < 40 for written, count in handed)
    assert_kept(inv_db)


def test_an_import_into_a_database_in_memory_shares_its_connection_and_gives_it_back_whole(
    tmp_path, small_batches
):
    """In memory there is no second connection: the writer's thread uses the caller's, and
    gives it back with its foreign key and CHECK constraints on, after a failure too."""
    db = store.connect(":memory:")
    inventory(db, tmp_path)
    entradas = db["entradas"].count
    bad = write_csv(tmp_path / "bad.csv", interfaces.COLUMNS["entradas"], bad_at(MANY, 30))
    with pytest.raises(InterfaceError, match="fila 32: pedimento"):
        interfaces.import_file(db, "entradas", bad, RFC)
    assert db["entradas"].count == entradas and db.execute(CARGANDO).fetchone() == (0,)
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA ignore_check_constraints").fetchone() == (0,)
    assert_kept(db)
    csv_path = write_csv(tmp_path / "lots.csv", interfaces.COLUMNS["entradas"], MANY)
    assert interfaces.import_file(db, "entradas", csv_path, RFC)["added"] == 40
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA ignore_check_constraints").fetchone() == (0,)
    assert_kept(db)


def _killed_import(path, csv_path, paused) -> None:
    """Import entradas one row per transaction and stop for good once two are written."""
    interfaces.STEP, store.TURN = 1, 0
    copy, columns = interfaces.COPY["entradas"]

    def stop(db, client_id, import_id, source, params):
        if params[0] == 2:  # the third row
            paused.set()
            time.sleep(WAIT)
        return copy(db, client_id, import_id, source, params)

    interfaces.COPY["entradas"] = (stop, columns)
    interfaces.import_file(store.connect(path), "entradas", csv_path, RFC)


def test_a_killed_import_is_unseen_and_the_next_one_deletes_it(inv_db, tmp_path):
    path = store.file_path(inv_db)
    before = state(path)
    csv_path = write_csv(tmp_path / "lots.csv", interfaces.COLUMNS["entradas"], LOTS)
    paused = SPAWN.Event()
    process = SPAWN.Process(target=_killed_import, args=(str(path), str(csv_path), paused))
    process.start()
    assert paused.wait(WAIT)
    os.kill(process.pid, signal.SIGKILL)
    process.join(WAIT)
    written = inv_db.execute(
        "SELECT count(*) FROM entradas WHERE import_id IN "
        "(SELECT id FROM interface_imports WHERE estado = 'cargando')"
    ).fetchone()[0]
    assert written == 2 and state(path) == before
    result = interfaces.import_file(inv_db, "entradas", csv_path, RFC)
    assert (result["rows"], result["added"]) == (len(LOTS), len(LOTS))
    estados = [r[0] for r in inv_db.execute("SELECT estado FROM interface_imports")]
    assert "cargando" not in estados
    assert inv_db["entradas"].count == before["summary"]["entradas"] + len(LOTS)


# -- kinds written in one transaction (inventarios, saldos iniciales, catalogs) ----------------

OPENING = [["26 07 3953 6000010", "1", "MAT-A", "2026-01-05", "40", "30"]]
DECLARED = [["MAT-A", "2026-01-01", "2026-03-31", "100", "60"]]


def _opening_held(path, csv_path, holding) -> None:
    """Import saldos iniciales and stop for good inside its write transaction."""

    def stop(db, client_id, import_id, rows):
        holding.set()
        time.sleep(WAIT)

    interfaces.APPLY["saldos_iniciales"] = stop
    interfaces.import_file(store.connect(path), "saldos_iniciales", csv_path, RFC)


def test_an_import_waits_for_a_colleagues_and_one_killed_leaves_nothing(
    inv_db, tmp_path, monkeypatch
):
    """Two users import at once (two processes): the one that finds the database held by the
    other's write past the busy timeout waits, saying so, instead of failing; the other killed
    with SIGKILL in the middle of its transaction leaves nothing of it, and imports again."""
    path = store.file_path(inv_db)
    opening = write_csv(tmp_path / "saldos.csv", interfaces.COLUMNS["saldos_iniciales"], OPENING)
    declared = write_csv(tmp_path / "inv.csv", interfaces.COLUMNS["inventarios"], DECLARED)
    holding = SPAWN.Event()
    process = SPAWN.Process(target=_opening_held, args=(str(path), str(opening), holding))
    process.start()
    assert holding.wait(WAIT)
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 100)  # the colleague's connection below
    told: list[str] = []
    outcome: dict = {}

    def colleague():
        db = store.connect(path)
        try:
            outcome["result"] = interfaces.import_file(
                db, "inventarios", declared, RFC, progress=lambda d, t, stage: told.append(stage)
            )
        finally:
            db.close()

    thread = threading.Thread(target=colleague)
    thread.start()
    for _ in range(WAIT * 10):
        if told.count(interfaces.WAITING) >= 2:  # it tried twice and still waits
            break
        time.sleep(0.1)
    assert told.count(interfaces.WAITING) >= 2 and "result" not in outcome
    os.kill(process.pid, signal.SIGKILL)
    process.join(WAIT)
    thread.join(WAIT)
    assert outcome["result"]["rows"] == 1
    kinds = [r[0] for r in inv_db.execute("SELECT kind FROM interface_imports ORDER BY id")]
    assert "saldos_iniciales" not in kinds and kinds[-1] == "inventarios"
    assert inv_db.execute("SELECT count(*) FROM entradas WHERE saldo_inicial = 1").fetchone() == (
        0,
    )
    result = interfaces.import_file(inv_db, "saldos_iniciales", opening, RFC)
    assert (result["rows"], result["added"]) == (1, 0)  # the lot of the 5 January entry
