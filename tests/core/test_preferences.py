"""Each user's preferences (issue 16, item 2): kept per OS user and name, across connections;
what is stored and is not an object reads as no preference."""

from brokertui.core import db as store
from brokertui.core import preferences


def test_kept_per_user_and_across_connections(db, tmp_path, monkeypatch):
    assert preferences.get(db, "vista.clientes") == {}
    preferences.put(db, "vista.clientes", {"sort": "razon_social", "search": "plást"})
    preferences.put(db, "vista.clientes", {"sort": "rfc", "descending": True})
    again = store.connect(tmp_path / "test.db")
    assert preferences.get(again, "vista.clientes") == {"sort": "rfc", "descending": True}
    monkeypatch.setattr(preferences, "os_user", lambda: "luis")
    assert preferences.get(again, "vista.clientes") == {}  # ana's view is hers
    again.close()


def test_what_is_not_an_object_is_no_preference(db):
    for stored in ("[1, 2]", "no es json", "null"):
        db.execute(
            "INSERT OR REPLACE INTO preferences VALUES (?, 'vista.x', ?, '')",
            [preferences.os_user(), stored],
        )
        assert preferences.get(db, "vista.x") == {}
