"""One owner per table (design.md): every table is written (INSERT, UPDATE, DELETE, sqlite-utils
insert/upsert/update/delete) by exactly one module; the others go through its functions. And
the one way from pedimentos to the Anexo 24 entries is the store's `on_stored` seam."""

import ast
import re
from collections import defaultdict
from pathlib import Path

import brokertui
from brokertui.core.pedimentos.datastage.members import OWN_TABLES

SRC = Path(brokertui.__file__).parent
WRITE = re.compile(
    r"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|(?<!DO )UPDATE(?:\s+OR\s+\w+)?|"
    r"DELETE\s+FROM)\s+(\{[^}]*\}|[\w.]+)"
)
TABLE_METHODS = {"insert", "insert_all", "upsert", "upsert_all", "update", "delete", "delete_where"}
# Table names that are f-string fields, and the tables they stand for (checked by hand).
DYNAMIC = {
    ("core/db.py", "{SCHEMA_TABLE}"): {"schema_migrations"},
    ("core/anexo24/interfaces.py", "{table}"): {"materiales", "productos"},  # _apply_catalog
    ("core/anexo24/interfaces.py", "{catalogo}"): {"materiales", "productos"},  # mark_baja
    ("core/pedimentos/datastage/member_tables.py", "{member.table}"): {
        m.table for m in OWN_TABLES.values()
    },
}


def _text(node: ast.AST) -> str | None:
    """A string literal, or an f-string with each field shown as {its source}."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
            for v in node.values
        )
    return None


def _not_sql(tree: ast.AST) -> set[int]:
    """Docstrings, and the pieces of f-strings (each f-string is read whole)."""
    nodes = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    skip = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, nodes) and node.body and isinstance(node.body[0], ast.Expr)
    }
    skip.update(
        id(piece)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for piece in node.values
    )
    return skip


def _table_of_call(node: ast.Call) -> str | None:
    """The table of `db["t"].insert(...)` or `db.table("t").upsert(...)` and the like."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in TABLE_METHODS):
        return None
    target = func.value
    if isinstance(target, ast.Subscript):
        return _text(target.slice)
    is_table = isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute)
    if is_table and target.func.attr == "table" and target.args:
        return _text(target.args[0])
    return None


def writes(source: str) -> set[str]:
    """The tables a module's source writes to."""
    tree = ast.parse(source)
    skip = _not_sql(tree)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (table := _table_of_call(node)):
            found.add(table)
        elif id(node) not in skip and (text := _text(node)):
            found.update(match[1] for match in WRITE.finditer(text))
    return found


def writers() -> dict[str, set[str]]:
    """Table -> the modules (paths under src/brokertui) that write it."""
    result = defaultdict(set)
    for path in SRC.rglob("*.py"):
        module = path.relative_to(SRC).as_posix()
        for table in writes(path.read_text(encoding="utf-8")):
            if table.startswith("{"):
                assert (module, table) in DYNAMIC, f"{module}: a write to {table} (list it)"
                for name in DYNAMIC[module, table]:
                    result[name].add(module)
            else:
                result[table].add(module)
    return result


def test_every_table_has_one_writer():
    shared = {table: sorted(mods) for table, mods in writers().items() if len(mods) > 1}
    assert shared == {}


def test_the_owners_are_the_ones_named_in_the_design():
    owners = {table: mods.pop() for table, mods in writers().items()}
    assert owners["pedimentos"] == "core/pedimentos/store.py"
    assert {owners[t] for t in ("facturas", "identificadores", "partidas", "contribuciones")} == {
        "core/pedimentos/store.py"
    }
    assert owners["client_rules"] == "core/pedimentos/rules.py"
    assert owners["datastage_imports"] == "core/pedimentos/datastage/importer.py"
    assert {owners[m.table] for m in OWN_TABLES.values()} == {
        "core/pedimentos/datastage/member_tables.py"
    }
    assert owners["entradas"] == "core/anexo24/entries.py"
    assert owners["ajustes"] == "core/anexo24/ajustes.py"
    assert owners["clients"] == "core/registry/clients.py"


def test_the_scan_sees_every_kind_of_write():
    source = '''
"""INSERT INTO docstring_only (x) VALUES (1)"""
db.execute("INSERT OR IGNORE INTO a (x) VALUES (?)")
db.execute("UPDATE b SET x = 1")
db.execute("DELETE FROM c WHERE x = 1")
db.execute(f"INSERT INTO {table} (x) VALUES (?) ON CONFLICT (x) DO UPDATE SET x = 1")
db["d"].insert({"x": 1})
db.table("e").upsert({"x": 1}, pk="x")
db.execute("SELECT x FROM f")
'''
    assert writes(source) == {"a", "b", "c", "{table}", "d", "e"}
    assert len(writers()) > 20  # the real tree: something is found


def test_pedimentos_never_import_the_inventory():
    offenders = set()
    for path in (SRC / "core" / "pedimentos").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            offenders.update(
                f"{path.relative_to(SRC)}: {n}"
                for n in names
                if n.startswith("brokertui.core.anexo24")
            )
    assert not offenders


def test_the_seam_from_pedimentos_to_the_entries_is_one_named_listener():
    from brokertui.core.anexo24 import entries
    from brokertui.core.pedimentos import store

    assert store._listeners == [entries.sync_from_pedimentos]
