"""`brokertui demo`: fill the database with the demo dataset (the only face that loads it)."""

from __future__ import annotations

from pathlib import Path

import click

from brokertui.cli.base import Env, main, pass_env
from brokertui.core.demo import clients as demo


@main.command("demo")
@click.option("--reset", is_flag=True, help="Delete the database first.")
@pass_env
def demo_cmd(env: Env, reset: bool) -> None:
    """Fill the database with a realistic demo dataset."""
    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{env.db_path}{suffix}").unlink(missing_ok=True)
    count = demo.load(env.db, env.today)
    click.echo(f"Datos de demostración: {count} clientes en {env.db_path}")
