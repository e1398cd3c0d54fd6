"""core/ is the domain: it never imports textual, click or the screens (design.md)."""

import ast
from pathlib import Path

import brokertui.core

FORBIDDEN = ("textual", "click", "brokertui.screens", "brokertui.app", "brokertui.cli")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_the_ui():
    core = Path(brokertui.core.__file__).parent
    offenders = {
        f"{path.relative_to(core)}: {name}"
        for path in core.rglob("*.py")
        for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    }
    assert not offenders


def test_the_check_sees_an_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from textual.app import App\nimport click\n")
    assert {"textual.app", "click"} <= imported_modules(bad)
