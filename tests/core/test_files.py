"""Issue 11, item 9: what brokertui writes is private whatever the umask (files 0600, folders
0700); next to a database shared through a Unix group (group bits, setgid folder) it follows
the database's group mode (0660 / 2770), never readable by others; the audit's user is the
real uid's name, not LOGNAME."""

import os
import pwd
import stat

import pytest
from click.testing import CliRunner

from brokertui.cli import main
from brokertui.core import db as store
from brokertui.core import files, log
from brokertui.core.registry import clients

RFC = "MAB9307148T4"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask0():
    """The loosest umask: whatever brokertui creates would be 0666/0777 if it relied on it."""
    old = os.umask(0)
    yield
    os.umask(old)


def make_db(path):
    database = store.connect(path)
    clients.add_client(database, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    database.close()
    return path


def cli(db_path, *args):
    result = CliRunner(env={"BROKERTUI_DB": str(db_path)}).invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def exports(db_path, folder):
    """Every kind of file the CLI writes for the user, into `folder` (created by the writer)."""
    for fmt in ("csv", "json", "xlsx"):
        cli(db_path, "report", "saldos", "--rfc", RFC, "--format", fmt, "-o", folder / f"s.{fmt}")
    cli(db_path, "discharge", "export", "--rfc", RFC, "-o", folder / "descargos.csv")
    return [folder / name for name in ("s.csv", "s.json", "s.xlsx", "descargos.csv")]


def test_database_its_folder_wal_and_shm_are_private_under_umask_0(tmp_path, umask0):
    database = store.connect(tmp_path / "data" / "brokertui" / "brokertui.db")
    clients.add_client(database, {"rfc": RFC, "razon_social": "Alfa"})  # the WAL is written
    folder = tmp_path / "data" / "brokertui"
    assert mode(tmp_path / "data") == mode(folder) == 0o700
    for name in ("brokertui.db", "brokertui.db-wal", "brokertui.db-shm"):
        assert mode(folder / name) == 0o600, name
    database.close()


def test_exports_reports_and_their_folders_are_private_under_umask_0(tmp_path, umask0):
    db_path = make_db(tmp_path / "brokertui.db")
    written = exports(db_path, tmp_path / "out" / "reportes")
    assert all(path.stat().st_size for path in written)
    assert {mode(path) for path in written} == {0o600}
    assert mode(tmp_path / "out") == mode(tmp_path / "out" / "reportes") == 0o700


def test_the_log_and_its_folders_are_private_under_umask_0(tmp_path, umask0, monkeypatch):
    monkeypatch.setattr(log, "LOG_FILE", tmp_path / "state" / "brokertui" / "brokertui.log")
    assert log.user_error(RuntimeError("boom")).line()
    assert mode(log.LOG_FILE) == 0o600
    assert mode(tmp_path / "state") == mode(tmp_path / "state" / "brokertui") == 0o700


def test_an_existing_file_keeps_the_mode_its_owner_gave_it(tmp_path, umask0):
    path = tmp_path / "mine.csv"
    path.write_text("old")
    path.chmod(0o640)
    with files.private_open(path, "w", encoding="utf-8") as out:
        out.write("new")
    assert path.read_text() == "new" and mode(path) == 0o640
    with pytest.raises(FileExistsError):
        files.private_open(path, "x")


@pytest.fixture
def office(tmp_path):
    """A database shared through a Unix group: setgid folder 2770, database 0660."""
    folder = tmp_path / "oficina"
    folder.mkdir()
    folder.chmod(0o2770)
    db_path = make_db(folder / "brokertui.db")
    db_path.chmod(0o660)
    return db_path


def test_next_to_a_group_shared_database_files_are_0660_and_folders_2770(office, umask0):
    written = exports(office, office.parent / "reportes")
    assert {mode(path) for path in written} == {0o660}
    assert mode(office.parent / "reportes") == 0o2770
    gid = office.stat().st_gid
    assert {path.stat().st_gid for path in [*written, office.parent / "reportes"]} == {gid}


def test_a_group_shared_database_never_makes_files_world_readable(office, tmp_path, umask0):
    office.chmod(0o664)  # even a database others may read
    (written,) = exports(office, office.parent)[:1]
    assert mode(written) == 0o660
    elsewhere = exports(office, tmp_path / "privado")  # not a setgid folder of the group
    assert {mode(path) for path in elsewhere} == {0o600}
    assert mode(tmp_path / "privado") == 0o700


def test_a_private_database_gives_private_files_even_in_a_setgid_folder(tmp_path, umask0):
    folder = tmp_path / "oficina"
    folder.mkdir()
    folder.chmod(0o2770)
    db_path = make_db(folder / "brokertui.db")
    with files.private_open(folder / "x.csv", like=db_path) as out:
        out.write("x")
    assert mode(folder / "x.csv") == 0o600


def test_audit_user_is_the_real_uid_not_logname(db, monkeypatch):
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "mallory")
    real = pwd.getpwuid(os.getuid()).pw_name
    assert real != "mallory" and store.os_user() == real
    clients.add_client(db, {"rfc": RFC, "razon_social": "Alfa"})
    assert {row["os_user"] for row in store.audit_trail(db)} == {real}


def test_audit_user_without_a_passwd_entry_is_the_uid(monkeypatch):
    def missing(uid):
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", missing)
    monkeypatch.setenv("LOGNAME", "mallory")
    assert store.os_user() == f"uid:{os.getuid()}"
