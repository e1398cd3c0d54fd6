"""Long jobs never hold the write lock for long (issue 12, item 4): a colleague's write on
another connection goes through while a Data Stage delivery is being checked (nothing of it
is seen until it is stored whole), and while an entradas import or a discharge runs, at a size
at which the old code held the lock for seconds (a colleague's write was refused after the 10 s
busy timeout): the job leaves the lock to him at the end of its turn. How long he waits is
measured by benchmarks/writer_wait_bench.py (goal: under a second); a test asserting a wall
time fails on a loaded machine, not on a bug. (The states readers see are tested in
tests/core/anexo24/test_long_discharge.py and test_long_imports.py.)"""

import contextlib
import csv
import threading
import time
from collections.abc import Iterator
from datetime import date

import pytest

from brokertui.core import db as store
from brokertui.core import dblock
from brokertui.core.anexo24 import interfaces, ledger
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import clients
from tests.builders import RFC as DS_RFC
from tests.builders import pedimento

RFC = "MAB9307148T4"
TODAY_RUN = date(2026, 6, 30)


def colleague_write(path, razon_social: str) -> None:
    """A colleague's short write (a client's razón social) on a connection of his own; raises
    DatabaseBusy when the write lock stayed taken through his whole busy timeout."""
    db = store.connect(path)
    try:
        clients.update_client(db, RFC, {"razon_social": razon_social})
    finally:
        db.close()


def stored(path) -> tuple[int, int]:
    db = store.connect(path)
    try:
        return db.execute(
            "SELECT (SELECT count(*) FROM pedimentos), (SELECT count(*) FROM partidas)"
        ).fetchone()
    finally:
        db.close()


def test_a_colleague_writes_while_a_data_stage_delivery_is_checked(db, tmp_path):
    clients.add_client(db, {"rfc": DS_RFC, "razon_social": "Bajío Máquinas SA"})
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    path = store.file_path(db)
    numeros = ["262439536000098", "262439536000101"]
    zipped = datastage_build.write_zip(tmp_path / "d.zip", [pedimento(n) for n in numeros])
    writes = []

    def colleague(done, total, stage):
        """In the import's own thread: a lock it held would refuse the write (busy timeout)."""
        if stage != "Guardando":  # until it stores, nothing is locked and nothing is seen
            colleague_write(path, f"Maquiladora Alfa {len(writes)} SA")  # the old import: refused
            writes.append(stage)
            assert stored(path) == (0, 0)

    result = datastage.import_zip(db, zipped, progress=colleague)
    assert len(writes) >= 3
    assert (result.pedimentos, stored(path)) == (2, (2, result.partidas))
    assert clients.get_client(db, RFC).razon_social == f"Maquiladora Alfa {len(writes) - 1} SA"


def _rows(kind: str, count: int) -> list[list[str]]:
    """`count` entradas (lots of 30 parts over a year) or salidas (exits of 5 units)."""
    if kind == "entradas":
        return [
            [
                f"26 07 3953 6{n // 10 + 1:06d}",
                str(n % 10 + 1),
                "IN",
                f"2025-{1 + n % 12:02d}-01",
                f"M{n % 30:02d}",
                "10",
                "6",
                "",
                "",
                "",
            ]
            for n in range(count)
        ]
    return [[f"RT-{n}", "RT", "2026-02-01", "M", f"M{n % 30:02d}", "5"] for n in range(count)]


def _csv(tmp_path, kind: str, count: int):
    path = tmp_path / f"{kind}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([interfaces.COLUMNS[kind], *_rows(kind, count)])
    return path


GATED = 5  # a job's first transactions, each held until the colleague waits for the lock
WAIT = 30  # seconds: only a broken test waits this long


class Contention:
    """The colleague (the test's thread) against a job (other threads): for each time he
    waited for the write lock (his BEGIN found it taken: db._begin, dblock.waiting), how many
    write transactions (db.transaction, which db.turns writes each turn in) the job began
    meanwhile. The job's first GATED transactions, once begun, go on only when he waits: each
    is waited for, on a machine of any speed."""

    def __init__(self) -> None:
        self.tester, self.asking = threading.current_thread(), threading.Event()
        self.waited: list[int] = []
        self.begun = 0

    def job(self, transaction):
        @contextlib.contextmanager
        def gated(db):
            if threading.current_thread() is self.tester or db.conn.in_transaction:
                with transaction(db) as joined:
                    yield joined
                return
            self.begun += 1
            with transaction(db) as joined:
                if self.begun <= GATED:
                    assert self.asking.wait(WAIT), "the colleague never waited for the lock"
                yield joined

        return gated

    def colleague(self, waiting):
        @contextlib.contextmanager
        def asking(path):
            if threading.current_thread() is not self.tester:
                with waiting(path):
                    yield
                return
            before = self.begun
            self.asking.set()
            try:
                with waiting(path):
                    yield
            finally:
                self.asking.clear()
            self.waited.append(self.begun - before)

        return asking


@contextlib.contextmanager
def contention() -> Iterator[Contention]:
    """A Contention for the job run inside the block (and none after it: a later import's
    writer thread must not wait for a colleague who does not write)."""
    watched = Contention()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "transaction", watched.job(store.transaction))
        patch.setattr(dblock, "waiting", watched.colleague(dblock.waiting))
        yield watched


def write_during(path, job) -> None:
    """A colleague's short writes, one after another, for as long as `job` runs in a thread
    with a connection of its own."""
    failure: list[BaseException] = []

    def work():
        db = store.connect(path)
        try:
            job(db)
        except BaseException as exc:
            failure.append(exc)
        finally:
            db.close()

    thread = threading.Thread(target=work)
    thread.start()
    written = 0
    while thread.is_alive():
        colleague_write(path, f"Maquiladora Alfa {written} SA")  # the old job: refused
        written += 1
        time.sleep(0.005)
    thread.join()
    assert not failure


# A colleague who asks for the lock during a turn writes when it ends, before the job begins
# another (0 begun while he waited); should his busy handler (it sleeps up to 100 ms between
# tries) miss the job's pause (db.PAUSE, 100 ms), after the next. A job that never left the
# lock to a waiting colleague would begin all of its turns while he waits (or refuse him after
# the busy timeout, as the old code did).
MOST_BEGUN = 3


def test_a_colleague_is_never_kept_waiting_behind_a_real_import_or_discharge(db, tmp_path):
    """Sizes at which the old code held the lock for seconds (40,000 exits discharged, 100,000
    entradas imported): the colleague writes whenever he asks, after the job's turn under way
    (MOST_BEGUN)."""
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    materiales = [
        [f"M{n:02d}", "Material", "72085101", "6", "1", "1", "directo"] for n in range(30)
    ]
    path = store.file_path(db)
    csv_path = tmp_path / "materiales.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([interfaces.COLUMNS["materiales"], *materiales])
    interfaces.import_file(db, "materiales", csv_path, RFC)
    lots = _csv(tmp_path, "entradas", 100_000)
    with contention() as importing:
        write_during(path, lambda own: interfaces.import_file(own, "entradas", lots, RFC))
    assert importing.waited and max(importing.waited) <= MOST_BEGUN, importing.waited
    interfaces.import_file(db, "salidas", _csv(tmp_path, "salidas", 40_000), RFC)
    outcome = {}
    with contention() as running:
        write_during(path, lambda own: outcome.update(run=ledger.run(own, RFC, hasta=TODAY_RUN)))
    assert running.waited and max(running.waited) <= MOST_BEGUN, running.waited
    assert outcome["run"].allocations >= 40_000 and ledger.check(db, RFC) == []
