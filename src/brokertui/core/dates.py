"""Dates as the users read them (Spanish), independent of the machine's locale."""

from __future__ import annotations

from datetime import date

DIAS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")
MESES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


def corta(day: date) -> str:
    """'dom 22 nov 2026'."""
    return f"{DIAS[day.weekday()]} {day.day} {MESES[day.month - 1]} {day.year}"
