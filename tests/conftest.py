from datetime import date

import pytest

from brokertui.core import db as store
from brokertui.core import demo

TODAY = date(2026, 4, 15)


@pytest.fixture
def db(tmp_path):
    database = store.connect(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture
def demo_db(db):
    demo.load(db, TODAY)
    return db
