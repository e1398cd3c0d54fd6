"""Every option of every command explains itself in `--help` (in Spanish): the test walks the
whole command tree, every module's commands loaded as a user's command loads them."""

import click
import pytest

from brokertui.cli import main
from tests.builders import cli_runner


def _commands(command: click.Command, path: tuple[str, ...], ctx: click.Context):
    """Every command and group under `command`, with its path (the root loads its modules)."""
    yield path, command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from _commands(sub, (*path, name), click.Context(sub, ctx, info_name=name))


COMMANDS = list(_commands(main, ("brokertui",), click.Context(main, info_name="brokertui")))


def test_the_walk_reaches_every_module():
    paths = {" ".join(path) for path, _ in COMMANDS}
    reached = {"brokertui activo-fijo list", "brokertui raoce add-bien", "brokertui oficio add"}
    assert reached <= paths
    assert len(paths) > 60


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_option_has_help(path, command):
    bare = [
        param.opts[0]
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip()
    ]
    assert bare == [], f"{' '.join(path)}: opciones sin ayuda"


def test_rfc_and_format_explained_where_a_command_says_nothing_more(tmp_path):
    result = cli_runner(tmp_path / "cli.db")("discharge", "runs", "--help")
    text = " ".join(result.output.split())
    assert "--rfc TEXTO RFC del cliente. [obligatoria]" in text
    assert "Formato de salida: table, json o csv (por omisión, table)." in text


def test_address_options_name_their_part(tmp_path):
    text = " ".join(cli_runner(tmp_path / "cli.db")("client", "add", "--help").output.split())
    assert "--codigo-postal TEXTO Domicilio fiscal: código postal." in text
