"""What every fuzz test asserts about one input, and the counts per surface.

`attempt` runs one input against a surface: it must succeed, or fail with a BrokerError whose
message is clean (a headline, no traceback, no control character but line breaks); on failure
the database is byte-for-byte what it was (a hash of every table, the audit log included).
"""

from __future__ import annotations

import hashlib
import os
import re
import weakref
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings

from brokertui.core.errors import BrokerError

# Examples per fuzz test; BROKERTUI_FUZZ_EXAMPLES=20000 for a long local run.
EXAMPLES = int(os.environ.get("BROKERTUI_FUZZ_EXAMPLES", "0")) or None
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")

# (surface, outcome) -> inputs run in this process; tests/fuzz/conftest.py prints them.
COUNTS: Counter[tuple[str, str]] = Counter()


def fuzz_settings(examples: int, *, fixed: bool = False) -> settings:
    """Derandomized (the same inputs on every run, so CI is repeatable), no example database,
    `examples` inputs unless BROKERTUI_FUZZ_EXAMPLES says otherwise (and the count is not
    `fixed`, as for the sample run through real processes)."""
    return settings(
        max_examples=examples if fixed else EXAMPLES or examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


def db_hash(db) -> str:
    """A digest of every table's rows (schema included): equal means nothing was written."""
    digest = hashlib.sha256()
    tables = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall()
    for name, sql in tables:
        digest.update(f"{name}\0{sql}\0".encode())
        # a WITHOUT ROWID table has no rowid; its scan follows its primary key, as fixed
        order = "" if "WITHOUT ROWID" in sql.upper() else " ORDER BY rowid"
        for row in db.execute(f'SELECT * FROM "{name}"{order}'):
            digest.update(repr(row).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_HASHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # db -> (changes, hash)


def _state(db) -> str:
    """db_hash, reused while the connection has changed no row since (sqlite's total_changes
    counts every row written, a rolled-back one too): a refused input seldom writes at all,
    and rehashing a database that grows with every accepted import made long runs quadratic."""
    changes = db.conn.total_changes
    cached = _HASHES.get(db)
    if cached is None or cached[0] != changes:
        cached = _HASHES[db] = (changes, db_hash(db))
    return cached[1]


def clean_message(text: str) -> None:
    """A message a user can read: a headline, no traceback, no terminal control character."""
    assert text.strip(), "an empty error message"
    assert "Traceback" not in text
    assert not CONTROL.search(text), f"a control character in the message: {text[:300]!r}"


def attempt(surface: str, db, run: Callable[[], Any]) -> Any:
    """Run one input; success, or a clean BrokerError that wrote nothing. Any other exception
    propagates (hypothesis then shrinks and reports the input)."""
    before = _state(db)
    try:
        result = run()
    except BrokerError as exc:
        clean_message(str(exc))
        if db.conn.in_transaction:
            raise AssertionError("a refused input left a transaction open") from exc
        assert _state(db) == before, "a refused input changed the database"
        COUNTS[surface, "refused"] += 1
        return exc
    COUNTS[surface, "accepted"] += 1
    return result
