"""The `brokertui` command: a thin face over core. Without a subcommand it opens the TUI.

Each domain module registers its commands on the group in `base`, which imports the module
only when one of its commands runs (base.RootGroup). They import only `base`, never each
other."""

from brokertui.cli.base import main

__all__ = ["main"]
