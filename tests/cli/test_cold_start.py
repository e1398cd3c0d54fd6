"""A cold start pays only for what it runs (issue 14, item 5): importing the CLI loads none of
the heavy libraries, `--help` lists every command without importing its module, and the list
says what the commands themselves say."""

import re
import subprocess
import sys

import click

from brokertui.cli import base, main

HEAVY = ("textual", "openpyxl", "holidays", "pydantic", "rich", "sqlite_utils", "stdnum")


def test_importing_the_cli_imports_no_heavy_library():
    probe = (
        "import sys, brokertui.cli\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


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
