"""`brokertui backup create|verify|restore|settings`, the daily backup made by the first command
of the day, and `demo --reset` refusing a database that is not a demo one."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from brokertui.core import backup, db
from tests.builders import cli_runner


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "oficina.db"


@pytest.fixture
def run(db_path):
    return cli_runner(db_path)


def _clients(run) -> int:
    return len(json.loads(run("client", "list", "--all", "--format", "json").output))


def test_create_verify_restore_round_trip(run, db_path, tmp_path):
    assert run("demo").exit_code == 0
    made = run("backup", "create", str(tmp_path / "copia.db"))
    assert made.exit_code == 0 and made.output.startswith(f"Respaldo creado: {tmp_path}/copia.db")
    checked = run("backup", "verify", str(tmp_path / "copia.db"))
    assert checked.exit_code == 0
    assert "SHA-256: coincide" in checked.output and checked.output.endswith("Respaldo correcto.\n")
    as_json = json.loads(
        run("backup", "verify", str(tmp_path / "copia.db"), "--format", "json").output
    )
    assert as_json["correcto"] and as_json["filas"]["clients"] == 9

    run("client", "add", "--rfc", "MAB9307148T4", "--razon-social", "Después del respaldo")
    assert _clients(run) == 10
    restored = run("backup", "restore", str(tmp_path / "copia.db"))
    assert restored.exit_code == 0, restored.output
    assert "La base anterior quedó en " in restored.output
    assert _clients(run) == 9
    missing = run("backup", "restore", str(tmp_path / "nada.db"))
    assert missing.exit_code == 1 and "no existe el archivo" in missing.output


def test_restore_refused_while_another_session_is_open(run, db_path, tmp_path):
    run("demo")
    run("backup", "create", str(tmp_path / "copia.db"))
    session = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom brokertui.core import db\n"
         "d = db.connect(sys.argv[1])\nprint('open', flush=True)\nsys.stdin.read()",
         str(db_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert session.stdout.readline() == "open\n"
        refused = run("backup", "restore", str(tmp_path / "copia.db"))
        assert refused.exit_code == 1
        assert refused.output == (
            "Error: la base está abierta por otros usuarios; ciérrenla primero\n"
        )
    finally:
        session.communicate("")
    assert run("backup", "restore", str(tmp_path / "copia.db")).exit_code == 0


def test_a_damaged_backup_fails_verify_with_exit_status_1(run, tmp_path):
    run("demo")
    run("backup", "create", str(tmp_path / "copia.db"))
    copy = tmp_path / "copia.db"
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    copy.write_bytes(bytes(data))
    checked = run("backup", "verify", str(copy))
    assert checked.exit_code == 1
    assert "Problema: el archivo cambió desde que se hizo el respaldo" in checked.output
    # the flipped byte may also break the page it falls in (the schema's, as it grows)
    assert re.search(r"el respaldo tiene (1 problema|2 problemas)\n$", checked.output)
    assert run("backup", "restore", str(copy)).exit_code == 1


def test_the_first_command_of_the_day_makes_the_daily_backup(run, db_path):
    run("demo")  # creates the database: nothing to back up before it
    assert not backup.folder(db_path).exists()
    run("client", "list")
    run("client", "list")
    made = list(backup.folder(db_path).glob("brokertui-*.db"))
    assert len(made) == 1 and backup.verify(made[0]).ok

    shown = run("backup", "settings", "--no-daily", "--keep", "3")
    assert shown.output == (
        f"Respaldo diario: no\nRespaldos a conservar: 3 en {backup.folder(db_path)}\n"
    )
    made[0].unlink()
    run("client", "list")
    assert not list(backup.folder(db_path).glob("brokertui-*.db"))
    bad = run("backup", "settings", "--keep", "0")
    assert bad.exit_code == 1 and "--keep: debe ser un número entero de 1 a 366" in bad.output


def test_backup_create_into_respaldos_keeps_the_newest_n(run, db_path):
    run("demo")
    run("backup", "settings", "--keep", "2")
    folder = backup.folder(db_path)
    folder.mkdir(exist_ok=True)
    for day in (1, 2, 3):
        (folder / f"brokertui-2020010{day}-000000.db").write_bytes(b"")
    assert run("backup", "create").exit_code == 0
    kept = sorted(p.name for p in folder.glob("brokertui-*.db"))
    assert len(kept) == 2 and kept[0] == "brokertui-20200103-000000.db"


def test_demo_reset_refuses_a_database_that_is_not_a_demo_one(run, db_path):
    run("client", "add", "--rfc", "MAB9307148T4", "--razon-social", "Cliente real")
    refused = run("demo", "--reset")
    assert refused.exit_code == 1
    assert "esta base no es una base de demostración; no se borra" in refused.output
    assert _clients(run) == 1


def test_demo_reset_replaces_a_demo_database_and_is_audited(run, db_path):
    run("demo")
    run("client", "add", "--rfc", "MAB9307148T4", "--razon-social", "Agregado a la demo")
    assert run("demo", "--reset").exit_code == 0
    assert _clients(run) == 9
    database = db.connect(db_path)
    try:
        actions = [row["action"] for row in db.audit_trail(database)]
    finally:
        database.close()
    assert actions[0] == "demo.reset" and "demo.load" in actions
