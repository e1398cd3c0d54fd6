"""Who is here and what changed (issue 12, items 3 and 5): sessions with heartbeats that expire,
and the cheap checks live screens poll."""

import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest

from brokertui.core import changes, sessions, settings
from brokertui.core import db as store
from brokertui.core.pedimentos import drafts, rules
from brokertui.core.registry import clients

RFC = "MAB9307148T4"
NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
CLIENT = sessions.Place("Clientes", RFC, f"client:{RFC}")


def beat(db, session_id, place=CLIENT, now=NOW):
    sessions.beat(db, session_id, place, now, started=NOW - timedelta(hours=1))


def test_others_with_the_same_client_or_record_are_listed_but_not_me(db):
    beat(db, "me", CLIENT)
    beat(db, "ana", sessions.Place("Descargos PEPS", RFC))
    beat(
        db, "luis", sessions.Place("Pedimento 26 24 3953 6000098", "OTRO010101AAA", "client:" + RFC)
    )
    beat(db, "eva", sessions.Place("Tablero"))
    beat(db, "otro", sessions.Place("Clientes", "OTRO010101AAA"))
    found = sessions.others(db, "me", CLIENT, NOW)
    assert sorted(s.id for s in found) == ["ana", "luis"]
    ana = next(s for s in found if s.id == "ana")
    assert (ana.os_user, ana.screen, ana.rfc, ana.record) == (
        store.os_user(),
        "Descargos PEPS",
        RFC,
        None,
    )
    assert sessions.others(db, "me", sessions.Place("Tablero"), NOW) == []  # nothing open


def test_a_session_without_heartbeat_for_a_minute_is_ignored_then_deleted(db):
    beat(db, "ana", now=NOW - timedelta(seconds=sessions.STALE + 1))
    beat(db, "luis", now=NOW - timedelta(seconds=sessions.STALE - 5))
    assert [s.id for s in sessions.others(db, "me", CLIENT, NOW)] == ["luis"]
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 2
    beat(db, "me")  # any heartbeat cleans the stale ones
    assert [r[0] for r in db.execute("SELECT id FROM sessions ORDER BY id")] == ["luis", "me"]


def test_a_beat_moves_the_session_and_end_deletes_it(db):
    beat(db, "ana", sessions.Place("Tablero"))
    beat(db, "ana", CLIENT, now=NOW + timedelta(seconds=15))
    (ana,) = sessions.others(db, "me", CLIENT, NOW + timedelta(seconds=15))
    assert (ana.screen, ana.heartbeat_at) == ("Clientes", "2026-04-15T12:00:15+00:00")
    assert ana.started_at == "2026-04-15T11:00:00+00:00"
    sessions.end(db, "ana")
    assert sessions.others(db, "me", CLIENT, NOW) == []


def wait_for(condition, timeout=30.0):  # only a broken test waits this long
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_the_keeper_registers_moves_and_ends_its_session_from_its_thread(db, tmp_path):
    failures = []
    keeper = sessions.Keeper(
        tmp_path / "test.db", sessions.Place("Tablero"), failed=failures.append
    )
    keeper.start()
    try:
        live = lambda: sessions.others(db, None, CLIENT, sessions.utc_now())  # noqa: E731
        wait_for(lambda: db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1)
        assert live() == []
        keeper.move(CLIENT)
        wait_for(lambda: [s.id for s in live()] == [keeper.id])
    finally:
        keeper.stop()
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    assert not keeper._thread.is_alive()
    assert failures == []


def test_the_keeper_beats_while_the_user_stays(db, tmp_path):
    ticks = iter(NOW + timedelta(seconds=n) for n in range(10_000))
    keeper = sessions.Keeper(
        tmp_path / "test.db", CLIENT, failed=print, clock=lambda: next(ticks), heartbeat=0.05
    )
    keeper.start()
    try:
        beats = lambda: db.execute("SELECT heartbeat_at FROM sessions").fetchall()  # noqa: E731
        wait_for(lambda: beats() and beats()[0][0] >= "2026-04-15T12:00:03+00:00")
    finally:
        keeper.stop()


def test_a_keeper_that_cannot_write_reports_it_and_the_process_goes_on(tmp_path):
    failures = []
    keeper = sessions.Keeper(tmp_path, sessions.Place(), failed=failures.append)  # a folder
    keeper.start()
    keeper.stop()
    assert [type(failure) for failure in failures] == [sqlite3.OperationalError]
    assert not keeper._thread.is_alive()  # it gave up, once, without taking the process down


@pytest.fixture
def other(db, tmp_path):
    """A second connection to the same file: another process, as far as SQLite knows."""
    second = store.connect(tmp_path / "test.db")
    yield second
    second.close()


def test_data_version_moves_only_on_other_connections_commits(db, other):
    before = changes.data_version(db)
    clients.add_client(db, {"rfc": RFC, "razon_social": "Alfa SA"})
    assert changes.data_version(db) == before  # my own commit
    clients.update_client(other, RFC, {"calle": "Av. Dos"})
    after = changes.data_version(db)
    assert after != before
    assert changes.data_version(db) == after  # stable until the next commit elsewhere


def test_the_audit_mark_tells_data_from_heartbeats(db, other):
    mark = changes.audit_mark(db)
    beat(other, "ana")
    assert changes.audit_mark(db) == mark
    clients.add_client(other, {"rfc": RFC, "razon_social": "Alfa SA"})
    assert changes.audit_mark(db) > mark


def test_latest_change_names_who_else_changed_the_record_since_a_mark(db, monkeypatch):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Alfa SA"})
    mark = changes.audit_mark(db)
    me = store.os_user()
    assert changes.latest_change(db, "client", RFC, after=0, but=me) is None  # mine only
    monkeypatch.setattr(store, "os_user", lambda: "luis")
    before = datetime.now(UTC).replace(microsecond=0)  # stamps are to the second (db.now)
    clients.update_client(db, RFC, {"calle": "Av. Dos"})
    clients.add_site(db, RFC, {"kind": "planta", "nombre": "Norte"})
    touch = changes.latest_change(db, "client", RFC, after=mark, but=me)
    assert (touch.os_user, touch.action) == ("luis", "site.add")
    assert before <= datetime.fromisoformat(touch.at) <= datetime.now(UTC)
    edit = changes.latest_change(db, "client", RFC, after=mark, but=me, actions=["client."])
    assert edit.action == "client.edit"
    assert changes.latest_change(db, "client", RFC, after=changes.audit_mark(db), but=me) is None
    assert changes.latest_change(db, "client", RFC, after=mark, but="luis") is None


def test_the_clients_a_change_is_about_and_doubt_as_none(db, monkeypatch):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Alfa SA"})
    mark = changes.audit_mark(db)
    assert changes.clients_after(db, mark) == set()
    rules.set_client_rule(db, RFC, "textiles", False)
    client = clients.get_client(db, RFC)
    draft = drafts.save_draft(db, None, client.id, {"numero": ""})
    drafts.delete_draft(db, draft, client.id)
    assert changes.clients_after(db, mark) == {RFC}  # a rule and a draft of the client
    anyone = drafts.save_draft(db, None, None, {"numero": ""})
    drafts.delete_draft(db, anyone, None)
    assert changes.clients_after(db, mark) is None  # a draft of no client
    mark = changes.audit_mark(db)
    settings.put(db, "x", "1")
    assert changes.clients_after(db, mark) is None  # about every client
    monkeypatch.setattr(changes, "MOST_ROWS", 1)
    mark = changes.audit_mark(db)
    rules.set_client_rule(db, RFC, "textiles", True)
    assert changes.clients_after(db, mark) == {RFC}
    rules.set_client_rule(db, RFC, "textiles", False)
    assert changes.clients_after(db, mark) is None  # too many rows to read: reload
