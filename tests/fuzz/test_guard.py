"""The fuzz suites' own check (guard.attempt) sees a partial write and lets a clean refusal
through, also after the hash it caches went stale."""

import pytest

from brokertui.core import db as store
from brokertui.core.errors import BrokerError
from tests.fuzz.guard import COUNTS, attempt


def _refuse(db, *, commit: bool):
    def run():
        if commit:  # written and committed, then refused: a partial write
            db.execute("UPDATE clients SET razon_social = 'Otra SA'")
            raise BrokerError("rfc: rechazado después de escribir")
        with store.write(db, "test", "client", "x"):  # rolled back with the refusal
            db.execute("UPDATE clients SET razon_social = 'Otra SA'")
            raise BrokerError("rfc: rechazado")

    return run


def test_the_guard_sees_a_partial_write(inventory_db):
    attempt("guard", inventory_db, _refuse(inventory_db, commit=False))
    attempt("guard", inventory_db, lambda: inventory_db.execute("UPDATE clients SET rfc = rfc"))
    with pytest.raises(AssertionError, match="a refused input changed the database"):
        attempt("guard", inventory_db, _refuse(inventory_db, commit=True))
    assert COUNTS.pop(("guard", "refused")) == 1 and COUNTS.pop(("guard", "accepted")) == 1
