"""Dates as the users read them (Spanish), independent of the machine's locale."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DIAS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")
MESES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


def corta(day: date) -> str:
    """'dom 22 nov 2026'."""
    return f"{DIAS[day.weekday()]} {day.day} {MESES[day.month - 1]} {day.year}"


MEXICO = ZoneInfo("America/Mexico_City")


def local_time(stamp: str) -> str:
    """A stored UTC timestamp (ISO-8601) as the office reads it: Mexico City time,
    '2026-11-22 09:05'."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(MEXICO).strftime("%Y-%m-%d %H:%M")
