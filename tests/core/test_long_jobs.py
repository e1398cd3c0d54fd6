"""Long jobs never hold the write lock for long (issue 12, item 4): a colleague's write on
another connection finishes at once while a Data Stage delivery is being checked (nothing of it
is seen until it is stored whole), and never waits a second behind an entradas import or a
discharge of a size at which the old code held the lock for seconds. (The states readers see
are tested in tests/core/anexo24/test_long_discharge.py and test_long_imports.py.)"""

import csv
import threading
import time
from datetime import date

from brokertui.core import db as store
from brokertui.core.anexo24 import interfaces, ledger
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import clients
from tests.builders import RFC as DS_RFC
from tests.builders import pedimento

RFC = "MAB9307148T4"
TODAY_RUN = date(2026, 6, 30)


def timed_write(path, razon_social: str) -> float:
    """Seconds a colleague's short write takes (a client's razón social), own connection."""
    db = store.connect(path)
    try:
        began = time.perf_counter()
        clients.update_client(db, RFC, {"razon_social": razon_social})
        return time.perf_counter() - began
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
    waits = []

    def colleague(done, total, stage):
        if stage != "Guardando":  # until it stores, nothing is locked and nothing is seen
            waits.append(timed_write(path, f"Maquiladora Alfa {len(waits)} SA"))
            assert stored(path) == (0, 0)

    result = datastage.import_zip(db, zipped, progress=colleague)
    assert len(waits) >= 3 and max(waits) < 1.0  # the old import held the lock: 10 s, refused
    assert (result.pedimentos, stored(path)) == (2, (2, result.partidas))
    assert clients.get_client(db, RFC).razon_social == f"Maquiladora Alfa {len(waits) - 1} SA"


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


def waits_during(path, job) -> list[float]:
    """A colleague's short writes, one after another, for as long as `job` runs in a thread
    with a connection of its own; how long each took."""
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
    waits = []
    while thread.is_alive():
        waits.append(timed_write(path, f"Maquiladora Alfa {len(waits)} SA"))
        time.sleep(0.005)
    thread.join()
    assert not failure
    return waits


def test_a_colleague_never_waits_a_second_behind_a_real_import_or_discharge(db, tmp_path):
    """Sizes at which the old code held the lock for seconds (40,000 exits discharged), or
    (100,000 entradas) at which today's import still runs long enough for a colleague to write
    several times meanwhile (40,000 took 0.3 s on a quiet machine: three writes)."""
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
    waits = waits_during(path, lambda own: interfaces.import_file(own, "entradas", lots, RFC))
    assert len(waits) >= 5 and max(waits) < 1.0
    interfaces.import_file(db, "salidas", _csv(tmp_path, "salidas", 40_000), RFC)
    outcome = {}
    waits = waits_during(
        path, lambda own: outcome.update(run=ledger.run(own, RFC, hasta=TODAY_RUN))
    )
    assert len(waits) >= 5 and max(waits) < 1.0
    assert outcome["run"].allocations >= 40_000 and ledger.check(db, RFC) == []
