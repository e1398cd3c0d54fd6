"""The `brokertui` command: a thin face over core. Without a subcommand it opens the TUI.

Each domain module registers its commands on the group in `base`; importing them here is what
makes the commands exist. They import only `base`, never each other."""

from brokertui.cli import anexo24, backup, dashboard, demo, pedimentos, registry  # noqa: F401
from brokertui.cli.base import main

__all__ = ["main"]
