"""Imports never hold the write lock while they read and check a file (issue 12, item 4): a
colleague's write on another connection finishes at once while a Data Stage delivery is being
checked, and nothing of the delivery is seen until it is stored whole. (The discharge's own
tests are in tests/core/anexo24/test_long_discharge.py.)"""

import time

from brokertui.core import db as store
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import clients
from tests.builders import RFC as DS_RFC
from tests.builders import pedimento

RFC = "MAB9307148T4"


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
