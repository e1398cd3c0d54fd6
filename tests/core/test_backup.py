"""Backups (core/backup.py), the open-lock (core/dblock.py) and demo --reset (core/demo/reset.py):
a backup taken during a running import restores to a database that passes `check`; verify
names a damaged file; restore and reset are refused while others have the database open and
are audited; the daily backup's rotation keeps N."""

import fcntl
import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from brokertui.cli import main
from brokertui.core import backup, db, dblock, settings
from brokertui.core.db import audit_trail
from brokertui.core.demo import clients as demo
from brokertui.core.demo import reset as demo_reset
from brokertui.core.errors import BrokerError, DatabaseBusy, InvalidInput
from brokertui.core.pedimentos import drafts
from brokertui.core.registry import clients
from tests.conftest import TODAY

# A session in another process: holds the database open until its stdin closes.
HOLD_OPEN = """
import sys
from brokertui.core import db
database = db.connect(sys.argv[1])
print("open", flush=True)
sys.stdin.read()
"""

# An interface import of 40,000 exits in another process that stops half-way, with its
# transaction open and 20,000 rows written in it, until the file `go` exists.
BIG_IMPORT = """
import sys, time
from pathlib import Path
import brokertui.core.anexo24
from brokertui.core import db
from brokertui.core.anexo24 import interfaces

path, go = sys.argv[1], Path(sys.argv[2])

def rows():
    for n in range(2, 40_002):
        if n == 25_000:
            print("mid", flush=True)
            while not go.exists():
                time.sleep(0.02)
        yield n, {"documento": f"BK-{n}", "clave": "RT", "fecha": "2026-04-01",
                  "tipo_bien": "P", "numero_parte": "TC-900", "cantidad": "1"}

database = db.connect(path)
interfaces.import_rows(database, "salidas", rows(), "MNB050315K70", "grande.csv", "x")
print("done", flush=True)
"""


def _python(script: str, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def demo_file(tmp_path) -> Path:
    """A demo database on disk, closed."""
    path = tmp_path / "oficina.db"
    database = db.connect(path)
    demo.load(database, TODAY)
    database.close()
    return path


def _count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _actions(path: Path) -> list[str]:
    database = db.connect(path)
    try:
        return [row["action"] for row in db.audit_trail(database)]
    finally:
        database.close()


def test_a_backup_taken_during_an_import_restores_to_a_database_that_passes_check(
    demo_file, tmp_path
):
    exits_before = _count(demo_file, "salidas")
    go = tmp_path / "go"
    importer = _python(BIG_IMPORT, demo_file, go)
    try:
        assert importer.stdout.readline() == "mid\n"  # 20,000 rows written, not committed
        taken = backup.create(demo_file)
    finally:
        go.touch()
        out, _ = importer.communicate(timeout=120)
    assert importer.returncode == 0 and out == "done\n"
    assert _count(demo_file, "salidas") == exits_before + 40_000

    report = backup.verify(taken)
    assert report.ok and report.checksum == "coincide"
    assert report.counts["salidas"] == exits_before  # the import wholly absent, not half

    restored = backup.restore(taken, demo_file)
    assert _count(demo_file, "salidas") == exits_before
    assert _count(restored.aside, "salidas") == exits_before + 40_000  # kept aside, whole
    with closing(sqlite3.connect(demo_file)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    checked = CliRunner().invoke(main, ["--db", str(demo_file), "check"])
    assert checked.exit_code == 0 and "correcto" in checked.output
    assert _actions(demo_file)[0] == "backup.restore"


def test_restore_is_refused_while_another_process_has_the_database_open(demo_file, tmp_path):
    taken = backup.create(demo_file, tmp_path / "copia.db")
    database = db.connect(demo_file)
    clients.add_client(database, {"rfc": "MAB9307148T4", "razon_social": "Después"})
    database.close()
    session = _python(HOLD_OPEN, demo_file)
    try:
        assert session.stdout.readline() == "open\n"
        with pytest.raises(DatabaseBusy, match="abierta por otros usuarios; ciérrenla primero"):
            backup.restore(taken, demo_file)
        assert _count(demo_file, "clients") == 10  # untouched
    finally:
        session.kill()  # a killed session leaves no lock behind
        session.wait()
    restored = backup.restore(taken, demo_file)
    assert _count(demo_file, "clients") == 9
    assert restored.aside.name.startswith("oficina.db.antes-de-restaurar-")
    assert _count(restored.aside, "clients") == 10
    assert restored.aside.stat().st_mode & 0o777 == 0o600


# A session that opens the database while it is being replaced: it says that it finds the file
# held (so it connects while it is: the test replaces the file only once told), then what it
# sees. (It timed its wait, > 0.5 s: a process kept from a CPU that long on a loaded machine
# failed it.)
OPEN_LATE = """
import fcntl, os, sys
from pathlib import Path
from brokertui.core import db, dblock
lock = os.open(dblock.lock_path(Path(sys.argv[1])), os.O_RDONLY)
try:
    fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
except BlockingIOError:
    print("held", flush=True)
os.close(lock)
database = db.connect(sys.argv[1])
print(database.execute("SELECT count(*) FROM clients").fetchone()[0], flush=True)
"""


def test_a_connection_opened_during_a_replacement_waits_and_sees_the_new_file(demo_file):
    with dblock.exclusive(demo_file):
        reader = _python(OPEN_LATE, demo_file)
        assert reader.stdout.readline() == "held\n"
        time.sleep(0.5)  # the session is waiting in db.connect, as a rule
        for suffix in ("", "-wal", "-shm"):
            Path(f"{demo_file}{suffix}").unlink(missing_ok=True)
        fresh = db.connect(demo_file)  # this process holds the exclusive lock: no wait
        clients.add_client(fresh, {"rfc": "MAB9307148T4", "razon_social": "Nueva"})
        fresh.close()
    out, _ = reader.communicate(timeout=30)
    assert out == "1\n"


def test_a_damaged_backup_is_reported_and_never_restored(demo_file, tmp_path):
    taken = backup.create(demo_file, tmp_path / "copia.db")
    data = bytearray(taken.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte in the middle
    taken.write_bytes(bytes(data))
    report = backup.verify(taken)
    assert not report.ok and report.checksum == "distinto"
    assert "SHA-256 no coincide" in report.problems[0]

    Path(f"{taken}.sha256").unlink()
    page = 4096
    data[page * 2] = 0x42  # the page type of a b-tree page: the structure breaks
    taken.write_bytes(bytes(data))
    report = backup.verify(taken)
    assert not report.ok
    assert report.problems[0].startswith(("integridad dañada", "el archivo está dañado"))
    with pytest.raises(InvalidInput, match="no se restaura"):
        backup.restore(taken, demo_file)
    assert _count(demo_file, "clients") == 9

    data[:16] = b"no es sqlite!!!!"
    taken.write_bytes(bytes(data))
    assert backup.verify(taken).problems == [
        "no es una base de datos SQLite (o su encabezado está dañado)"
    ]


def test_verify_names_orphan_rows_and_a_schema_newer_than_this_brokertui(demo_file, tmp_path):
    taken = backup.create(demo_file, tmp_path / "copia.db")
    Path(f"{taken}.sha256").unlink()
    with closing(sqlite3.connect(taken)) as conn, conn:
        conn.execute("INSERT INTO schema_migrations VALUES (9999, 'futuro', '2030-01-01')")
        conn.execute("UPDATE sites SET client_id = 9999 WHERE id = 1")  # foreign_keys off
    report = backup.verify(taken)
    assert report.schema == 9999 and report.counts["sites"] == 10
    assert report.problems == [
        "llaves foráneas: 1 fila sin el registro al que apuntan (sites)",
        f"tiene el esquema 9999, más nuevo que el {report.newest} de esta versión de "
        "brokertui; actualice brokertui antes de restaurarla",
    ]


def test_backup_files_are_private_and_destination_is_never_overwritten(demo_file, tmp_path):
    taken = backup.create(demo_file)
    assert taken.parent == tmp_path / "respaldos"
    assert taken.name.startswith("brokertui-") and taken.suffix == ".db"
    assert taken.stat().st_mode & 0o777 == 0o600
    assert taken.parent.stat().st_mode & 0o777 == 0o700
    sidecar = Path(f"{taken}.sha256").read_text()
    assert sidecar.endswith(f"  {taken.name}\n")
    with closing(sqlite3.connect(taken)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    into_folder = backup.create(demo_file, tmp_path)
    assert into_folder.parent == tmp_path and into_folder.name.startswith("brokertui-")
    with pytest.raises(BrokerError, match="ya existe"):
        backup.create(demo_file, into_folder)
    with pytest.raises(BrokerError, match="no existe la base de datos"):
        backup.create(tmp_path / "nada.db")


def test_rotation_keeps_the_newest_n(tmp_path):
    for day in range(1, 11):
        name = f"brokertui-202601{day:02d}-020000.db"
        (tmp_path / name).write_bytes(b"")
        (tmp_path / f"{name}.sha256").write_text("x")
    (tmp_path / "otro.db").write_bytes(b"")
    removed = backup.rotate(tmp_path, 3)
    assert len(removed) == 7
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [
        "brokertui-20260108-020000.db",
        "brokertui-20260108-020000.db.sha256",
        "brokertui-20260109-020000.db",
        "brokertui-20260109-020000.db.sha256",
        "brokertui-20260110-020000.db",
        "brokertui-20260110-020000.db.sha256",
        "otro.db",
    ]


def test_daily_backup_once_a_day_with_rotation_and_its_setting(demo_file):
    database = db.connect(demo_file)
    assert backup.set_policy(database, keep=2) == backup.Policy(daily=True, keep=2)
    database.close()
    start = datetime(2026, 4, 15, 8, 30)
    made = [backup.daily(demo_file, start + timedelta(days=n)) for n in range(4)]
    assert all(made)
    assert backup.daily(demo_file, start + timedelta(days=3, hours=2)) is None  # once a day
    assert sorted(p.name for p in backup.folder(demo_file).glob("*.db")) == [
        "brokertui-20260417-083000.db",
        "brokertui-20260418-083000.db",
    ]

    other_user = open(backup.folder(demo_file) / ".respaldo-diario.lock", "a")  # noqa: SIM115
    fcntl.flock(other_user.fileno(), fcntl.LOCK_EX)
    assert backup.daily(demo_file, start + timedelta(days=5)) is None  # someone is making it
    other_user.close()

    database = db.connect(demo_file)
    backup.set_policy(database, daily=False)
    assert db.audit_trail(database)[0]["action"] == "setting.set"
    database.close()
    assert backup.daily(demo_file, start + timedelta(days=6)) is None


def test_demo_reset_replaces_only_a_demo_database(demo_file, tmp_path):
    assert demo_reset.is_demo(demo_file)
    count = demo_reset.reset(demo_file, TODAY)
    assert count == 9 and demo_reset.is_demo(demo_file)
    assert _actions(demo_file)[0] == "demo.reset"

    office = tmp_path / "produccion.db"
    database = db.connect(office)
    clients.add_client(database, {"rfc": "MAB9307148T4", "razon_social": "Cliente real"})
    with pytest.raises(DatabaseBusy, match="abierta por otros"):
        demo_reset.reset(office, TODAY)
    database.close()
    with pytest.raises(BrokerError, match="no es una base de demostración; no se borra"):
        demo_reset.reset(office, TODAY)
    assert _count(office, "clients") == 1

    stranger = tmp_path / "notas.db"
    stranger.write_text("no soy SQLite")
    with pytest.raises(BrokerError, match="no es una base de demostración"):
        demo_reset.reset(stranger, TODAY)
    assert stranger.read_text() == "no soy SQLite"


def test_the_demo_marker_is_written_with_the_demo_data(db):
    assert settings.get(db, demo.MARK) is None
    demo.load(db, TODAY)
    assert settings.get(db, demo.MARK) == "1"


def test_deleting_a_draft_is_audited(db: Database):
    draft = drafts.save_draft(db, None, None, {"encabezado": {"numero": "262439536000098"}})
    drafts.delete_draft(db, draft, None)
    assert drafts.list_drafts(db, None) == []
    row = audit_trail(db, "pedimento_draft", str(draft))[0]
    assert row["action"] == "draft.delete"
    assert json.loads(row["detail"]) == {"numero": "262439536000098", "rfc": None}


def test_the_lock_file_follows_the_database_group_never_others(tmp_path):
    private = tmp_path / "privada.db"
    db.connect(private).close()
    lock = dblock.lock_path(private)
    assert lock.stat().st_mode & 0o777 == 0o600
    private.chmod(0o664)  # shared with the group (and, wrongly, readable by others)
    db.connect(private).close()
    assert lock.stat().st_mode & 0o777 == 0o660

    office = tmp_path / "oficina"
    office.mkdir()
    office.chmod(0o2770)  # README: the office's setgid folder, before the database exists
    db.connect(office / "brokertui.db").close()
    assert dblock.lock_path(office / "brokertui.db").stat().st_mode & 0o777 == 0o660
