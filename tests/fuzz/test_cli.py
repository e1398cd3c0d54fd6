"""Fuzz: random arguments and options for every `brokertui` command, over a demo database.

Through click's CliRunner for thousands of invocations and through a real process for a
sample. Each ends with exit status 0 or 1 (our one-line error, or click's usage error in Spanish),
never with an uncaught exception or a traceback; a failed command writes nothing. File
arguments come from a pool of valid and hostile files in the test's folder and output paths
stay in it (a random path could overwrite anything)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database

from brokertui.cli import main
from tests.fuzz.conftest import DEMO_RFC
from tests.fuzz.guard import CONTROL, COUNTS, db_hash, fuzz_settings
from tests.fuzz.values import DATES, HOSTILE, NUMBERS, SURROGATES

EXAMPLES = 1500
PROCESSES = 12
TODAY = "2026-04-15"


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple, click.Command]]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):  # the lazy group loads each command's module
        command = group.get_command(context, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append(((*path, name), command))
    return found


COMMANDS = _commands(main)
INPUTS = (
    "materiales.csv",
    "hostile.csv",
    "book.xlsx",
    "damaged.xlsx",
    "delivery.zip",
    "cut.zip",
    "pedimento.json",
    "bad.json",
    "empty",
    "folder",
    "nope.csv",
    "backup.db",
)
OUTPUTS = ("out.csv", "out.xlsx", "sub/out.json", "folder", "empty/out.csv", "/dev/full")
RFCS = (DEMO_RFC, DEMO_RFC.lower(), "CEB110902QWA", "XAXX010101000", "MAB9307148T4", "")
BY_NAME = {
    "rfc": RFCS,
    "today": (TODAY, *DATES),
    "year": ("2026", "2025", *NUMBERS),
    "numero": ("262439536000098", "26 24 3953 6000098", "null", *NUMBERS),
    "search": ("mnb", "a" * 60_000, "%", "_"),
}
EXTRA = ("--unknown", "--", "-x", "--rfc", "--format", "--help", *HOSTILE[:5])


def _values(param: click.Parameter) -> st.SearchStrategy[str]:
    name = (param.name or "").lower()
    if isinstance(param.type, click.Choice):
        return st.one_of(st.sampled_from(list(param.type.choices)), st.sampled_from(HOSTILE))
    if isinstance(param.type, click.Path | click.File):
        writes = name in ("output", "destino") or param.opts == ["-o"]
        return st.sampled_from(OUTPUTS if writes else INPUTS)
    for key, values in BY_NAME.items():
        if key in name:
            return st.one_of(st.sampled_from(values), st.sampled_from(HOSTILE))
    kinds = [st.sampled_from(HOSTILE), st.sampled_from(NUMBERS), st.sampled_from(DATES)]
    return st.one_of(*kinds, st.sampled_from(SURROGATES), st.text(max_size=10))


@st.composite
def invocation(draw) -> list[str]:
    """A command line: maybe --today, a command, some of its parameters, maybe junk."""
    path, command = draw(st.sampled_from(COMMANDS))
    today = next(p for p in main.params if p.name == "today")
    args = ["--today", draw(_values(today))] if draw(st.integers(0, 9)) == 0 else []
    args += list(path)
    for param in command.params:
        if not draw(st.integers(0, 9) if param.required else st.integers(0, 2)):
            continue  # left out (a required one now and then, for click's message)
        if isinstance(param, click.Option) and param.is_flag:
            args.append(draw(st.sampled_from(param.opts + param.secondary_opts)))
        elif isinstance(param, click.Option):
            args += [draw(st.sampled_from(param.opts)), draw(_values(param))]
        else:
            args.append(draw(_values(param)))
    if draw(st.integers(0, 7)) == 0:
        args.insert(draw(st.integers(0, len(args))), draw(st.sampled_from(EXTRA)))
    return args


def _hash(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return db_hash(Database(conn))
    finally:
        conn.close()


def _check(exit_code: int, output: str, stderr: str, before: str, db_path: Path) -> None:
    assert "Traceback" not in output, output
    assert exit_code in (0, 1), (exit_code, output)
    if exit_code:
        if db_path.exists():
            assert _hash(db_path) == before, "a failed command changed the database"
        COUNTS["cli", "refused"] += 1
    else:
        COUNTS["cli", "accepted"] += 1
    if exit_code == 1:  # our own error (a headline, perhaps a list of rows after it)
        lines = [line for line in stderr.splitlines() if not line.startswith("Aviso: ")]
        if lines and lines[0].startswith("Uso: "):  # click's usage error: usage, hint, error
            lines = lines[3:]
        assert lines and lines[0].startswith("Error"), stderr
        assert not CONTROL.search(stderr), stderr  # no control character reaches the terminal


def test_random_command_lines_end_cleanly(cli_folder, demo_path):
    env = {"BROKERTUI_DB": str(demo_path), "BROKERTUI_TODAY": TODAY}
    pristine = cli_folder / "pristine.db"
    shutil.copy(demo_path, pristine)

    @fuzz_settings(EXAMPLES)
    @given(args=invocation())
    def check(args: list[str]) -> None:
        if not demo_path.exists():  # a `demo --reset` or a restore may have replaced it
            shutil.copy(pristine, demo_path)
        before = _hash(demo_path)
        result = CliRunner(env=env).invoke(main, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args,
            result.exception,
        )
        _check(result.exit_code, result.output, result.stderr, before, demo_path)

    check()


def _os_arg(arg: str) -> bytes:
    """The bytes a shell would pass (an undecodable byte is a lone surrogate in Python; a C
    string ends at its first NUL, so no argument can carry one)."""
    arg = arg.partition("\0")[0]
    try:
        return os.fsencode(arg)
    except UnicodeEncodeError:
        return arg.encode("utf-8", "surrogatepass")


def test_a_sample_through_a_real_process(cli_folder, demo_path):
    env = os.environ | {
        "BROKERTUI_DB": str(demo_path),
        "BROKERTUI_TODAY": TODAY,
        "XDG_STATE_HOME": str(cli_folder / "state"),  # where the log of an internal error goes
    }
    program = Path(sys.executable).parent / "brokertui"

    @fuzz_settings(PROCESSES, fixed=True)
    @given(args=invocation())
    def check(args: list[str]) -> None:
        before = _hash(demo_path)
        done = subprocess.run(
            [program, *map(_os_arg, args)],
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
            errors="surrogateescape",
        )
        _check(done.returncode, done.stdout + done.stderr, done.stderr, before, demo_path)

    check()
