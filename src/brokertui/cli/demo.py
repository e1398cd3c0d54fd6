"""`brokertui demo`: fill the database with the demo dataset (the only face that loads it)."""

from __future__ import annotations

import click

from brokertui.cli.base import Env, main, pass_env
from brokertui.core.demo import clients as demo
from brokertui.core.demo import reset as demo_reset


@main.command("demo")
@click.option(
    "--reset",
    is_flag=True,
    help="Replace a demo database with a fresh one (any other database is refused).",
)
@pass_env
def demo_cmd(env: Env, reset: bool) -> None:
    """Fill the database with a realistic demo dataset."""
    count = demo_reset.reset(env.db_path, env.today) if reset else demo.load(env.db, env.today)
    click.echo(f"Datos de demostración: {count} clientes en {env.db_path}")
