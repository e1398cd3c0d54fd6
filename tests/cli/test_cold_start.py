"""A cold start pays only for what it runs (issue 14, item 5): importing the CLI loads none of
the heavy libraries, `--help` lists every command without importing its module, and the list
says what the commands themselves say."""

import re
import subprocess
import sys

import click

from brokertui.cli import base, main
from brokertui.core import backup
from brokertui.core.db import connect
from brokertui.core.registry import clients

HEAVY = ("textual", "openpyxl", "holidays", "pydantic", "rich", "sqlite_utils", "stdnum")
LIGHT_START = ("textual", "openpyxl", "holidays", "pydantic", "rich", "numpy", "pandas", "stdnum")


def test_importing_the_cli_imports_no_heavy_library():
    probe = (
        "import sys, brokertui.cli\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_one_line_commands_import_no_ui_pydantic_or_numpy(tmp_path):
    """`--help` and the one-line commands coldstart_bench.py measures: records are read back
    without pydantic (registry/stored.py), sqlite_utils without numpy (brokertui.core)."""
    path = tmp_path / "start.db"
    db = connect(path)
    backup.set_policy(db, daily=False)
    clients.add_client(db, {"rfc": "MAB9307148T4", "razon_social": "Maquiladora Alfa SA"})
    db.close()
    base = ["--db", str(path)]
    for args in (
        ["--help"],
        [*base, "client", "list", "--format", "json"],
        [*base, "client", "show", "--rfc", "MAB9307148T4", "--format", "json"],
        [*base, "deadlines", "--format", "json"],
    ):
        probe = (
            f"import sys\nfrom brokertui.cli import main\ntry:\n    main({args!r})\n"
            "except SystemExit:\n    pass\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({LIGHT_START!r})))"
        )
        run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines()[-1] == "[]", args


def test_help_imports_no_command_module():
    probe = (
        "import sys\nfrom brokertui.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('brokertui.cli.') "
        "and m not in ('brokertui.cli.base', 'brokertui.cli.spanish')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"
    assert re.search(r"\n  discharge +Descargo PEPS de las importaciones", out.stdout)


def test_the_command_list_matches_the_commands():
    ctx = click.Context(main)
    for name, (_modules, short) in base.RootGroup.COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None, name
        assert (command.help or "").split("\n\n")[0].split() == short.split(), name
    # Every command the modules registered is in the list (none hidden from --help).
    assert set(main.commands) == set(base.RootGroup.COMMANDS)


def test_import_group_has_every_kind():
    command = main.get_command(click.Context(main), "import")
    assert {"datastage", "entradas", "salidas", "ajustes"} <= set(command.commands)
