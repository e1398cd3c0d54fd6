"""`brokertui demo`: fill the database with the demo dataset (the only face that loads it)."""

from __future__ import annotations

import click

from brokertui.cli.base import Env, main, pass_env
from brokertui.core.demo import clients as demo
from brokertui.core.demo import reset as demo_reset
from brokertui.core.plural import counted


@main.command("demo")
@click.option(
    "--reset",
    is_flag=True,
    help="Reemplaza una base de demostración por una nueva (cualquier otra base se rechaza).",
)
@pass_env
def demo_cmd(env: Env, reset: bool) -> None:
    """Llena la base con datos de demostración realistas."""
    count = demo_reset.reset(env.db_path, env.today) if reset else demo.load(env.db, env.today)
    click.echo(f"Datos de demostración: {counted(count, 'cliente')} en {env.db_path}")
