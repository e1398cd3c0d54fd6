"""Exporters shared by the CLI and the screens: rows (dicts with snake_case keys) to JSON/CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def to_json(rows: Iterable[dict] | dict) -> str:
    if isinstance(rows, dict):
        return json.dumps(rows, ensure_ascii=False, indent=2, default=_plain)
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=_plain)


def to_csv(rows: Iterable[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else _plain(row.get(k)) for k in columns})
    return out.getvalue()
