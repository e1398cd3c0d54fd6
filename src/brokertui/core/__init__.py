"""The domain: pure Python and SQLite. Never imports textual, click or brokertui.screens.

sqlite_utils, which most modules here use, imports numpy and pandas when they are installed,
only to map their types in the tables it creates, which brokertui never asks of it: numpy alone
would be ~0.1 s of every one-line command's start (issue 14, item 5). So sqlite_utils, when it
is first imported (still lazily: `--help` needs none), runs with those two held off; the
discharge engine imports numpy itself when it runs (already imported, they are left alone)."""

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType


class _Held(importlib.abc.Loader):
    """sqlite_utils's own loader, run with numpy and pandas unimportable meanwhile."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        held = [name for name in ("numpy", "pandas") if name not in sys.modules]
        for name in held:  # None in sys.modules: an import of it fails
            sys.modules[name] = None  # type: ignore[assignment]
        try:
            self.loader.exec_module(module)
        finally:
            for name in held:
                del sys.modules[name]


class _SqliteUtilsFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != "sqlite_utils":
            return None
        sys.meta_path.remove(self)  # once
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Held(spec.loader)
        return spec


if "sqlite_utils" not in sys.modules:
    sys.meta_path.insert(0, _SqliteUtilsFinder())
