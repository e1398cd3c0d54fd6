"""The Mexican business-day calendar (rules.md §4).

Weekends, the `holidays` package's days for Mexico (LFT art. 74: the base), 5 May (CFF art. 12 and
LFPA art. 28 add it; `holidays` lacks it, rules.md §4.5), and the extra días inhábiles users record
per authority (rules.md §4.4: yearly DOF data, never code).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

from sqlite_utils import Database

from brokertui.core import identifiers
from brokertui.core.db import now, write
from brokertui.core.errors import Conflict, InvalidInput

AUTHORITIES = ("ALL", "SE", "SAT", "ANAM")


@cache
def _base_holidays(year: int) -> frozenset[date]:
    import holidays  # imported on use: it costs every command's cold start 15 ms

    days = set(holidays.country_holidays("MX", years=year))
    days.add(date(year, 5, 5))  # CFF art. 12 / LFPA art. 28 (rules.md §4.2, §4.5)
    return frozenset(days)


class BusinessCalendar:
    """Business days for one authority: weekends, fixed holidays and the extra inhábiles."""

    def __init__(self, extra: Iterable[date] = ()) -> None:
        self.extra = frozenset(extra)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _base_holidays(day.year) and day not in self.extra

    def last_business_day(self, year: int, month: int) -> date:
        day = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def add_business_days(self, day: date, count: int) -> date:
        """The business day `count` business days after `day` (before it when negative)."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += timedelta(days=step)
            if self.is_business_day(day):
                remaining -= 1
        return day

    def business_days_until(self, start: date, end: date) -> int:
        """Business days in (start, end]; negative when `end` is before `start`."""
        if end < start:
            return -self.business_days_until(end, start)
        return sum(
            self.is_business_day(start + timedelta(days=n))
            for n in range(1, (end - start).days + 1)
        )


def calendar_for(db: Database, authority: str) -> BusinessCalendar:
    """The calendar of `authority` (SE for RAOCE, SAT/ANAM for customs) with its extra days."""
    rows = db.execute(
        "SELECT day FROM inhabiles WHERE authority IN ('ALL', ?)", [authority]
    ).fetchall()
    return BusinessCalendar(date.fromisoformat(day) for (day,) in rows)


def add_inhabil(db: Database, day: str | date, reason: str, authority: str = "ALL") -> dict:
    """Record an extra non-working day (e.g. a DOF acuerdo of the SE)."""
    try:
        when = identifiers.parse_date(day)
    except ValueError as exc:
        raise InvalidInput("date", str(exc)) from None
    authority = (authority or "ALL").upper()
    if authority not in AUTHORITIES:
        raise InvalidInput("authority", f"debe ser {', '.join(AUTHORITIES)}")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("reason", "es obligatorio (p. ej. el acuerdo del DOF)")
    row = {
        "day": when.isoformat(),
        "authority": authority,
        "reason": reason,
        "created_at": now(),
    }
    with write(db, "calendar.add_inhabil", "calendar", when.isoformat(), row):
        if db.execute(
            "SELECT 1 FROM inhabiles WHERE day = ? AND authority = ?", [row["day"], authority]
        ).fetchone():
            raise Conflict("date", f"{when} ya está registrado como inhábil para {authority}")
        db.table("inhabiles").insert(row)
    return row


def list_inhabiles(db: Database, year: int | None = None) -> list[dict]:
    """The extra non-working days recorded by users, plus the fixed holidays of `year`."""
    where, params = "", []
    if year:
        where, params = " WHERE day LIKE ?", [f"{year}-%"]
    rows = [
        dict(row) | {"source": "usuario"}
        for row in db.query(f"SELECT day, authority, reason FROM inhabiles{where}", params)
    ]
    if year:
        import holidays

        names = holidays.country_holidays("MX", years=year, language="es")
        for day in sorted(_base_holidays(year)):
            name = names.get(day, "Batalla de Puebla (CFF art. 12)")
            rows.append(
                {"day": day.isoformat(), "authority": "ALL", "reason": name, "source": "ley"}
            )
    return sorted(rows, key=lambda r: (r["day"], r["authority"]))
