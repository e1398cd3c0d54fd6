"""Dates and times as the users read them (Spanish), independent of the machine's locale and
time zone.

The office's calendar is Mexico City's (MEXICO), wherever the server runs and whatever its zone
(TZ, /etc/localtime): the deadlines brokertui counts are Mexican legal dates, days of the
Mexican calendars of CFF art. 12 and LFPA art. 28 (rules.md §4.1), and a stamp's day decides
one (Decreto IMMEX art. 28's 60 days from a cancellation, rules.md §2.4; data > 24 h,
anexo24/timeliness.py). Stamps are stored in UTC; `local` and `local_time` show them in the
office's time, and core/clock.py's today() is the office's date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DIAS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")
MESES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")

MEXICO = ZoneInfo("America/Mexico_City")  # the office's zone (module doc)


def corta(day: date) -> str:
    """'dom 22 nov 2026'."""
    return f"{DIAS[day.weekday()]} {day.day} {MESES[day.month - 1]} {day.year}"


def local(stamp: str) -> datetime:
    """A stored UTC timestamp (ISO-8601; one with no offset is UTC) in Mexico City time."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(MEXICO)


def local_time(stamp: str) -> str:
    """A stored UTC timestamp as the office reads it: Mexico City time, '2026-11-22 09:05'."""
    return local(stamp).strftime("%Y-%m-%d %H:%M")
