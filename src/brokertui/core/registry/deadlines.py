"""RAOCE obligations: each program's schedule for a filing year and its status on any date.

The rules are data (core/data/raoce_rules.toml, citing the 2026 guide); this module applies them
over the SE business-day calendar. Status is one of not_open, open, suspended, cancelled, filed,
not_required, with the next event and the days left to it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from functools import cache
from importlib import resources

from sqlite_utils import Database

from brokertui.core import identifiers
from brokertui.core.db import now, write
from brokertui.core.errors import Conflict, InvalidInput
from brokertui.core.registry.calendar import BusinessCalendar, calendar_for
from brokertui.core.registry.programs import find_program

STATUSES = ("not_open", "open", "suspended", "cancelled", "filed", "not_required")
SEVERITY_ORDER = ("critical", "lost", "warning", "info", "ok")
URGENT_DAYS = 7
SOON_DAYS = 30


@cache
def rules() -> dict:
    """The RAOCE rules file, parsed."""
    text = (resources.files("brokertui.core") / "data" / "raoce_rules.toml").read_text("utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class Schedule:
    """The dates of one program's RAOCE for one filing year."""

    program: str
    filing_year: int
    opens: date
    due: date
    suspension: date | None  # first day suspended (None: no suspension stage)
    final: date  # last day a report is accepted
    cancellation: date
    cite: str


def _rule(program: str, year: int) -> dict:
    rule = dict(rules()[program])
    rule.update(rules()["overrides"].get(str(year), {}).get(program, {}))
    return rule


def _resolve(spec: dict, year: int, cal: BusinessCalendar, due: date | None = None) -> date:
    if "fixed" in spec:
        month, day = (int(part) for part in spec["fixed"].split("-"))
        return date(year, month, day)
    if "last_business_day" in spec:
        return cal.last_business_day(year, spec["last_business_day"])
    if "day_after" in spec or "same_as" in spec:
        assert due is not None, f"date rule {spec} is relative to the due date"
        return due + timedelta(days=1) if "day_after" in spec else due
    raise ValueError(f"unknown date rule {spec}")


def schedule(program: str, year: int, held: set[str], cal: BusinessCalendar) -> Schedule:
    """The schedule of `program` in filing `year` for a client holding the programs `held`."""
    rule = _rule(program, year)
    due_spec, cite = rule["due"], rule["cite"]
    other = rule.get("with_other_program")
    if other and held & set(other["when_client_holds"]):
        due_spec, cite = other["due"], other["cite"]
    due = _resolve(due_spec, year, cal)
    return Schedule(
        program=program,
        filing_year=year,
        opens=_resolve(rule["opens"], year, cal),
        due=due,
        suspension=due + timedelta(days=1) if rule["suspends"] else None,
        final=_resolve(rule["final"], year, cal, due),
        cancellation=_resolve(rule["cancellation"], year, cal, due),
        cite=cite,
    )


@dataclass(frozen=True)
class Filing:
    folio: str
    filed_on: date
    via: str | None = None  # "IMMEX" when a PROSEC is covered by the replicated IMMEX report


@dataclass(frozen=True)
class Obligation:
    """One row of the dashboard: a program's RAOCE for a filing year, as of a date."""

    rfc: str
    razon_social: str
    program: str
    program_number: str
    filing_year: int
    fiscal_year: int
    status: str
    opens_date: date
    due_date: date
    suspension_date: date | None
    final_date: date
    cancellation_date: date
    days_left: int | None
    business_days_left: int | None
    next_event: str | None
    next_event_date: date | None
    filed_on: date | None
    folio: str | None
    filed_via: str | None
    correction_until: date | None
    reactivation_on: date | None
    severity: str
    note: str

    def as_dict(self) -> dict:
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(self).items()}


def status_on(
    sched: Schedule, on: date, filing: Filing | None, cal: BusinessCalendar
) -> tuple[str, str | None, date | None, date | None, date | None]:
    """(status, next_event, next_event_date, correction_until, reactivation_on) on `on`."""
    if filing and filing.filed_on <= on:
        after = rules()["after_filing"]
        correction = cal.add_business_days(filing.filed_on, after["correction_business_days"])
        reactivation = None
        if sched.suspension and filing.filed_on >= sched.suspension:
            reactivation = cal.add_business_days(
                filing.filed_on, after["reactivation_business_days"]
            )
        if reactivation and on < reactivation:
            return "filed", "reactivation", reactivation, correction, reactivation
        if on <= correction:
            return "filed", "correction_window_ends", correction, correction, reactivation
        return "filed", None, None, correction, reactivation
    if on < sched.opens:
        return "not_open", "opens", sched.opens, None, None
    if on <= sched.due:
        return "open", "due", sched.due, None, None
    if on < sched.cancellation:
        return "suspended", "final", sched.final, None, None
    return "cancelled", None, None, None, None


def severity(status: str, days_left: int | None, next_event: str | None) -> str:
    urgent = soon = False
    if status == "open":
        # status_on gives an open obligation its due date, so days_left is set.
        assert days_left is not None, "an open obligation has days_left"
        urgent, soon = days_left <= URGENT_DAYS, days_left <= SOON_DAYS
    if status == "suspended" or urgent:
        return "critical"
    if status == "cancelled":
        return "lost"
    if soon or next_event == "reactivation":
        return "warning"
    if status in ("open", "not_open") or next_event:
        return "info"
    return "ok"


_PROGRAMS_SQL = """
SELECT p.id, p.type, p.number, p.authorized_on, c.id AS client_id, c.rfc, c.razon_social
FROM programs p JOIN clients c ON c.id = p.client_id
WHERE p.status != 'cancelado' AND c.baja_date IS NULL AND p.authorized_on <= ?
"""


def obligations(db: Database, year: int, on: date, *, rfc: str | None = None) -> list[Obligation]:
    """Every RAOCE obligation of filing `year` as of `on`, most urgent first."""
    first, last = identifiers.DATE_WINDOW
    if not first.year <= year <= last.year:  # and so the lapse check's recursion stays short
        raise InvalidInput("year", f"debe estar entre {first.year} y {last.year}")
    cal = calendar_for(db, "SE")
    sql, params = _PROGRAMS_SQL, [f"{year}-12-31"]
    if rfc:
        sql, params = sql + " AND c.rfc = ?", [*params, rfc.strip().upper()]
    rows = list(db.query(sql, params))
    held: dict[int, set[str]] = {}
    for row in rows:
        held.setdefault(row["client_id"], set()).add(row["type"])
    filings = {
        row["program_id"]: Filing(row["folio"], date.fromisoformat(row["filed_on"]))
        for row in db.query(
            "SELECT program_id, folio, filed_on FROM raoce_filings WHERE filing_year = ?", [year]
        )
    }
    by_client_type = {(r["client_id"], r["type"]): r["id"] for r in rows}
    lapsed = _lapsed(db, year, on, rfc)
    result = [
        _obligation(row, held[row["client_id"]], filings, by_client_type, year, on, cal)
        for row in rows
    ]
    return sorted((_carry_lapse(ob, lapsed) for ob in result), key=urgency)


def _lapsed(db: Database, year: int, on: date, rfc: str | None) -> dict[tuple[str, str], date]:
    """Programs cancelled for not filing the previous year's report: (rfc, program) -> date.

    Only years the database tracks (with at least one filing recorded) count, so a broker who
    starts using brokertui this year does not see every client cancelled for lack of history.
    """
    first_tracked = db.execute("SELECT min(filing_year) FROM raoce_filings").fetchone()[0]
    if first_tracked is None or year - 1 < first_tracked:
        return {}
    return {
        (ob.rfc, ob.program): ob.cancellation_date
        for ob in obligations(db, year - 1, on, rfc=rfc)
        if ob.status == "cancelled"
    }


def _carry_lapse(ob: Obligation, lapsed: dict[tuple[str, str], date]) -> Obligation:
    """A cancelled program no longer files (guide, Consideraciones generales)."""
    cancelled_on = lapsed.get((ob.rfc, ob.program))
    if cancelled_on is None or ob.status == "filed":
        return ob
    return replace(
        ob,
        status="cancelled",
        next_event=None,
        next_event_date=None,
        days_left=None,
        business_days_left=None,
        severity="lost",
        note=f"cancelado el {cancelled_on} por no presentar el RAOCE {ob.filing_year - 1}; "
        "ya no presenta (registre el estatus que muestre la SE)",
    )


def urgency(ob: Obligation) -> tuple:
    return (
        SEVERITY_ORDER.index(ob.severity),
        ob.next_event_date or date.max,
        ob.rfc,
        ob.program,
    )


def _obligation(
    row: dict,
    held: set[str],
    filings: dict[int, Filing],
    by_client_type: dict[tuple[int, str], int],
    year: int,
    on: date,
    cal: BusinessCalendar,
) -> Obligation:
    program = row["type"]
    sched = schedule(program, year, held - {program}, cal)
    rule = _rule(program, year)
    authorized = date.fromisoformat(row["authorized_on"])
    filing = filings.get(row["id"])
    note = ""
    replicate = rule.get("replication", {}).get("from_program")
    if not filing and replicate and (row["client_id"], replicate) in by_client_type:
        source = filings.get(by_client_type[(row["client_id"], replicate)])
        if source and source.filed_on <= sched.final:
            filing = Filing(source.folio, source.filed_on, via=replicate)
            note = f"cubierto por el reporte {replicate} replicado"
    if authorized.year == year and rule["exempt_if_authorized_in_filing_year"]:
        status, event, event_date, correction, reactivation = "not_required", None, None, None, None
        note = f"autorizado en {year}: no presenta RAOCE ese año"
        if not rule["exemption_confirmed"]:
            note += " (la guía sólo lo dice para IMMEX: verifique)"
    else:
        status, event, event_date, correction, reactivation = status_on(sched, on, filing, cal)
    days_left = (event_date - on).days if event_date else None
    business_left = cal.business_days_until(on, event_date) if event_date else None
    shown = filing if status == "filed" else None
    return Obligation(
        rfc=row["rfc"],
        razon_social=row["razon_social"],
        program=program,
        program_number=row["number"],
        filing_year=year,
        fiscal_year=year - 1,
        status=status,
        opens_date=sched.opens,
        due_date=sched.due,
        suspension_date=sched.suspension,
        final_date=sched.final,
        cancellation_date=sched.cancellation,
        days_left=days_left,
        business_days_left=business_left,
        next_event=event,
        next_event_date=event_date,
        filed_on=shown.filed_on if shown else None,
        folio=shown.folio if shown else None,
        filed_via=shown.via if shown else None,
        correction_until=correction,
        reactivation_on=reactivation,
        severity=severity(status, days_left, event),
        note=note,
    )


def record_filing(
    db: Database,
    rfc: str,
    program_type: str,
    year: int,
    folio: str,
    filed_on: object,
    *,
    today: date,
) -> Obligation:
    """Record the VUCEM acuse of a RAOCE; returns the obligation as of `today`."""
    program = find_program(db, rfc, program_type)
    folio = (folio or "").strip()
    if not re.fullmatch(r"[0-9]{25}", folio):
        raise InvalidInput("folio", f"el folio del acuse VUCEM son 25 dígitos; tiene «{folio}»")
    try:
        when = identifiers.parse_date(filed_on)
    except ValueError as exc:
        raise InvalidInput("date", str(exc)) from None
    if when > today:
        raise InvalidInput("date", f"la fecha de presentación {when} es futura")
    found = [o for o in obligations(db, year, today, rfc=program.rfc) if o.program == program.type]
    if not found:
        raise Conflict(
            "year",
            f"{program.type} {program.number} (autorizado el {program.authorized_on}) no "
            f"presenta el RAOCE {year}",
        )
    (current,) = found
    if current.status == "not_required":
        raise Conflict("year", f"{program.type} {program.number}: {current.note}")
    if when < current.opens_date:
        raise InvalidInput("date", f"el RAOCE {year} se presenta a partir del {current.opens_date}")
    if when > current.final_date:
        raise Conflict(
            "date",
            f"el {program.type} quedó cancelado el {current.cancellation_date}; el último día para "
            f"presentar era el {current.final_date}",
        )
    row = {
        "program_id": program.id,
        "filing_year": year,
        "folio": folio,
        "filed_on": when.isoformat(),
        "created_at": now(),
    }
    with write(db, "raoce.file", "program", f"{program.type} {program.number}", row):
        existing = db.execute(
            "SELECT folio, filed_on FROM raoce_filings WHERE program_id = ? AND filing_year = ?",
            [program.id, year],
        ).fetchone()
        if existing:
            raise Conflict(
                "year", f"el RAOCE {year} ya se registró con folio {existing[0]} ({existing[1]})"
            )
        db.table("raoce_filings").insert(row)
    (after,) = [
        o for o in obligations(db, year, today, rfc=program.rfc) if o.program == program.type
    ]
    return after
