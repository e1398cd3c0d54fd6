"""The per-client switches of the restricted-goods rules (owner of table client_rules), and
the client's part-number pattern for 558 observaciones (kept in settings)."""

from __future__ import annotations

from sqlite_utils import Database

from brokertui.core import settings
from brokertui.core.db import now, write
from brokertui.core.errors import InvalidInput
from brokertui.core.pedimentos import partnumbers, restricted
from brokertui.core.registry import clients


def client_rules(db: Database, client_id: int) -> dict[str, bool]:
    """Each rule's switch for the client (the defaults where it never changed one)."""
    rules = restricted.defaults()
    for row in db.query("SELECT rule, enabled FROM client_rules WHERE client_id = ?", [client_id]):
        rules[row["rule"]] = bool(row["enabled"])
    return rules


def set_client_rule(db: Database, rfc: str, rule: str, enabled: bool) -> dict[str, bool]:
    """Turn one rule on or off for the client; returns all its switches."""
    if rule not in restricted.RULES:
        raise InvalidInput("regla", f"debe ser una de {', '.join(restricted.RULES)}")
    client = clients.get_client(db, rfc)
    with write(db, "client.rule", "client", client.rfc, {rule: enabled}):
        db.execute(
            "INSERT INTO client_rules (client_id, rule, enabled, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (client_id, rule) DO UPDATE SET enabled = excluded.enabled, "
            "updated_at = excluded.updated_at",
            [client.id, rule, int(enabled), now()],
        )
    return client_rules(db, client.id)


# -- the part-number pattern of 558 observaciones (partnumbers.py) -----------------------------


def _pattern_key(rfc: str) -> str:
    return f"{partnumbers.FIELD}.{rfc}"


def part_pattern(db: Database, rfc: str) -> str:
    """The client's pattern for part numbers in 558 observaciones (the default if never set)."""
    return settings.get(db, _pattern_key(rfc.strip().upper())) or partnumbers.DEFAULT_PATTERN


def set_part_pattern(db: Database, rfc: str, pattern: str) -> str:
    """Set the client's pattern (checked: partnumbers.compile_pattern); the Anexo 24 entries
    follow at their next sync (each import and discharge run)."""
    client = clients.get_client(db, rfc)
    partnumbers.compile_pattern(pattern)
    settings.put(db, _pattern_key(client.rfc), pattern)
    return pattern
