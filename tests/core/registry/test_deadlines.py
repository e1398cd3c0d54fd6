"""RAOCE deadlines: every date and rule of the 2026 guide as golden cases (rules.md §1)."""

from datetime import date

import pytest

from brokertui.core.errors import Conflict, InvalidInput
from brokertui.core.registry import calendar, clients, deadlines, programs
from brokertui.core.registry.calendar import BusinessCalendar

CAL = BusinessCalendar()
D = date.fromisoformat


# rules.md §1.2, golden table 2026 (fiscal year 2025), from the guide.
@pytest.mark.parametrize(
    ("program", "held", "opens", "due", "suspension", "final", "cancellation"),
    [
        ("IMMEX", set(), "2026-04-01", "2026-05-29", "2026-05-30", "2026-08-31", "2026-09-01"),
        ("PROSEC", set(), "2026-04-01", "2026-04-30", "2026-05-01", "2026-06-30", "2026-07-01"),
        ("PROSEC", {"IMMEX"}, "2026-04-01", "2026-05-29", "2026-05-30", "2026-06-30", "2026-07-01"),
        ("PROSEC", {"ALTEX"}, "2026-04-01", "2026-05-29", "2026-05-30", "2026-06-30", "2026-07-01"),
        ("PROSEC", {"ECEX"}, "2026-04-01", "2026-05-29", "2026-05-30", "2026-06-30", "2026-07-01"),
        ("ALTEX", set(), "2026-04-01", "2026-05-29", None, "2026-05-29", "2026-05-30"),
        ("ECEX", set(), "2026-04-01", "2026-05-29", None, "2026-05-29", "2026-05-30"),
    ],
)
def test_guide_2026(program, held, opens, due, suspension, final, cancellation):
    s = deadlines.schedule(program, 2026, held, CAL)
    assert (s.opens, s.due, s.suspension, s.final, s.cancellation) == (
        D(opens),
        D(due),
        suspension and D(suspension),
        D(final),
        D(cancellation),
    )
    assert s.cite.startswith("Guía RAOCE 2026")


# rules.md §1.7: past cycles (guide-published or computed from weekends + CFF holidays).
@pytest.mark.parametrize(
    ("year", "prosec_due", "prosec_final", "immex_due", "immex_final"),
    [
        (2024, "2024-04-30", "2024-06-28", "2024-05-31", "2024-08-30"),
        (2025, "2025-04-30", "2025-06-30", "2025-05-30", "2025-08-29"),
        (2027, "2027-04-30", "2027-06-30", "2027-05-31", "2027-08-31"),
    ],
)
def test_other_filing_years(year, prosec_due, prosec_final, immex_due, immex_final):
    prosec = deadlines.schedule("PROSEC", year, set(), CAL)
    immex = deadlines.schedule("IMMEX", year, set(), CAL)
    assert (prosec.due, prosec.final) == (D(prosec_due), D(prosec_final))
    assert (immex.due, immex.final, immex.cancellation) == (
        D(immex_due),
        D(immex_final),
        date(year, 9, 1),
    )
    assert prosec.cancellation == date(year, 7, 1)  # 1 July by default (rules.md §1.1)


def test_calendar_basics():
    assert not CAL.is_business_day(D("2026-05-05"))  # CFF art. 12, missing from `holidays`
    assert not CAL.is_business_day(D("2026-05-01"))
    assert not CAL.is_business_day(D("2024-10-01"))  # change of executive (rules.md §4.2)
    assert not CAL.is_business_day(D("2026-05-30"))  # Saturday
    assert CAL.is_business_day(D("2026-05-29"))
    assert CAL.add_business_days(D("2026-04-30"), 1) == D("2026-05-04")  # skips 1 May + weekend
    assert CAL.add_business_days(D("2026-05-04"), 1) == D("2026-05-06")  # skips 5 May
    assert CAL.add_business_days(D("2026-05-06"), -2) == D("2026-04-30")
    assert CAL.business_days_until(D("2026-05-25"), D("2026-05-29")) == 4
    assert CAL.business_days_until(D("2026-05-29"), D("2026-05-25")) == -4
    assert CAL.last_business_day(2026, 12) == D("2026-12-31")


def test_extra_inhabil_moves_a_due_date(db):
    assert deadlines.schedule("IMMEX", 2026, set(), calendar.calendar_for(db, "SE")).due == D(
        "2026-05-29"
    )
    calendar.add_inhabil(db, "2026-05-29", "Acuerdo SE (prueba)", "SE")
    se = calendar.calendar_for(db, "SE")
    assert deadlines.schedule("IMMEX", 2026, set(), se).due == D("2026-05-28")
    assert calendar.calendar_for(db, "SAT").is_business_day(D("2026-05-29"))
    with pytest.raises(Conflict):
        calendar.add_inhabil(db, "2026-05-29", "otra vez", "SE")
    with pytest.raises(InvalidInput, match="authority"):
        calendar.add_inhabil(db, "2026-05-28", "x", "SCT")
    listed = calendar.list_inhabiles(db, 2026)
    assert {
        "day": "2026-05-29",
        "authority": "SE",
        "reason": "Acuerdo SE (prueba)",
        "source": "usuario",
    } in listed
    assert any(r["day"] == "2026-05-05" and r["source"] == "ley" for r in listed)


def _status(s, on, filing=None):
    return deadlines.status_on(s, D(on), filing, CAL)[:3]


def test_immex_status_through_the_year():
    s = deadlines.schedule("IMMEX", 2026, set(), CAL)
    assert _status(s, "2026-03-31") == ("not_open", "opens", D("2026-04-01"))
    assert _status(s, "2026-04-01") == ("open", "due", D("2026-05-29"))
    assert _status(s, "2026-05-29") == ("open", "due", D("2026-05-29"))
    assert _status(s, "2026-05-30") == ("suspended", "final", D("2026-08-31"))
    assert _status(s, "2026-08-31") == ("suspended", "final", D("2026-08-31"))
    assert _status(s, "2026-09-01") == ("cancelled", None, None)


def test_altex_has_no_suspension_stage():
    s = deadlines.schedule("ALTEX", 2026, set(), CAL)
    assert _status(s, "2026-05-29") == ("open", "due", D("2026-05-29"))
    assert _status(s, "2026-05-30") == ("cancelled", None, None)


def test_filed_on_time_then_correction_window():
    s = deadlines.schedule("IMMEX", 2026, set(), CAL)
    filing = deadlines.Filing("1" * 25, D("2026-05-20"))
    # 5 SE business days after Wed 20 May: 21, 22, 25, 26, 27 May.
    assert deadlines.status_on(s, D("2026-05-21"), filing, CAL) == (
        "filed",
        "correction_window_ends",
        D("2026-05-27"),
        D("2026-05-27"),
        None,
    )
    assert _status(s, "2026-05-28", filing) == ("filed", None, None)
    assert _status(s, "2026-05-19", filing) == ("open", "due", D("2026-05-29"))  # not yet filed


def test_filed_while_suspended_expects_reactivation_in_two_business_days():
    s = deadlines.schedule("IMMEX", 2026, set(), CAL)
    filing = deadlines.Filing("1" * 25, D("2026-06-05"))  # Friday
    status = deadlines.status_on(s, D("2026-06-05"), filing, CAL)
    assert status == ("filed", "reactivation", D("2026-06-09"), D("2026-06-12"), D("2026-06-09"))
    assert _status(s, "2026-06-09", filing) == ("filed", "correction_window_ends", D("2026-06-12"))


TODAY = D("2026-11-22")


@pytest.fixture
def combo(db):
    """An IMMEX + PROSEC holder, as in rules.md §1.4."""
    clients.add_client(db, {"rfc": "MAB9307148T4", "razon_social": "Combo"})
    programs.add_program(
        db,
        "MAB9307148T4",
        {
            "type": "IMMEX",
            "number": "1-2010",
            "authorized_on": "2010-01-01",
            "modalidad": "industrial",
        },
        today=TODAY,
    )
    programs.add_program(
        db,
        "MAB9307148T4",
        {"type": "PROSEC", "number": "P-1", "authorized_on": "2010-01-01", "sectors": "XIX"},
        today=TODAY,
    )
    return db


def _by_program(db, on):
    return {o.program: o for o in deadlines.obligations(db, 2026, D(on))}


def test_combined_holder_cascade_when_nothing_is_filed(combo):
    # rules.md §1.4: the guide's "Consideraciones generales".
    assert {p: o.status for p, o in _by_program(combo, "2026-05-29").items()} == {
        "IMMEX": "open",
        "PROSEC": "open",
    }
    assert {p: o.status for p, o in _by_program(combo, "2026-05-30").items()} == {
        "IMMEX": "suspended",
        "PROSEC": "suspended",
    }
    at_july = _by_program(combo, "2026-07-01")
    assert (at_july["PROSEC"].status, at_july["IMMEX"].status) == ("cancelled", "suspended")
    assert at_july["IMMEX"].next_event_date == D("2026-08-31")
    assert {p: o.status for p, o in _by_program(combo, "2026-09-01").items()} == {
        "IMMEX": "cancelled",
        "PROSEC": "cancelled",
    }


def test_filing_immex_late_replicates_to_prosec(combo):
    after = deadlines.record_filing(
        combo, "MAB9307148T4", "IMMEX", 2026, "1" * 25, "2026-06-10", today=D("2026-06-10")
    )
    assert (after.status, after.next_event, after.reactivation_on) == (
        "filed",
        "reactivation",
        D("2026-06-12"),
    )
    prosec = _by_program(combo, "2026-06-10")["PROSEC"]
    assert (prosec.status, prosec.filed_via, prosec.reactivation_on) == (
        "filed",
        "IMMEX",
        D("2026-06-12"),
    )
    assert "replicado" in prosec.note


def test_filing_immex_after_prosec_final_leaves_prosec_cancelled(combo):
    deadlines.record_filing(
        combo, "MAB9307148T4", "IMMEX", 2026, "2" * 25, "2026-07-15", today=TODAY
    )
    rows = _by_program(combo, "2026-07-20")
    assert (rows["IMMEX"].status, rows["PROSEC"].status) == ("filed", "cancelled")


def test_program_authorized_in_the_filing_year_does_not_file(db):
    clients.add_client(db, {"rfc": "MAB9307148T4", "razon_social": "Nueva"})
    programs.add_program(
        db,
        "MAB9307148T4",
        {
            "type": "IMMEX",
            "number": "9-2026",
            "authorized_on": "2026-02-10",
            "modalidad": "servicios",
        },
        today=TODAY,
    )
    programs.add_program(
        db,
        "MAB9307148T4",
        {"type": "ECEX", "number": "E-9", "authorized_on": "2026-03-01"},
        today=TODAY,
    )
    rows = _by_program(db, "2026-06-01")
    assert rows["IMMEX"].status == "not_required" and "verifique" not in rows["IMMEX"].note
    assert rows["ECEX"].status == "not_required" and "verifique" in rows["ECEX"].note
    assert {o.status for o in deadlines.obligations(db, 2027, D("2027-04-01"))} == {"open"}
    assert deadlines.obligations(db, 2025, D("2025-04-01")) == []  # did not exist yet
    with pytest.raises(Conflict, match="no presenta RAOCE"):
        deadlines.record_filing(
            db, "MAB9307148T4", "IMMEX", 2026, "1" * 25, "2026-05-01", today=TODAY
        )


@pytest.mark.parametrize(
    ("folio", "when", "field", "rule"),
    [
        ("123", "2026-05-01", "folio", "25 dígitos"),
        ("1" * 25, "2026-03-31", "date", "a partir del 2026-04-01"),
        ("1" * 25, "2026-09-01", "date", "quedó cancelado el 2026-09-01"),
        ("1" * 25, "2026-11-23", "date", "es futura"),
        ("1" * 25, "2026-02-30", "date", "no es una fecha"),
    ],
)
def test_filing_errors(combo, folio, when, field, rule):
    with pytest.raises((InvalidInput, Conflict)) as raised:
        deadlines.record_filing(combo, "MAB9307148T4", "IMMEX", 2026, folio, when, today=TODAY)
    assert raised.value.field == field and rule in str(raised.value)
    assert combo.execute("SELECT count(*) FROM raoce_filings").fetchone()[0] == 0


def test_filing_twice_is_refused(combo):
    deadlines.record_filing(
        combo, "MAB9307148T4", "IMMEX", 2026, "1" * 25, "2026-05-02", today=TODAY
    )
    with pytest.raises(Conflict, match="ya se registró"):
        deadlines.record_filing(
            combo, "MAB9307148T4", "IMMEX", 2026, "2" * 25, "2026-05-03", today=TODAY
        )


def test_urgency_order_and_days_left(combo):
    clients.add_client(combo, {"rfc": "GODE561231GR8", "razon_social": "Altex"})
    programs.add_program(
        combo,
        "GODE561231GR8",
        {"type": "ALTEX", "number": "A-1", "authorized_on": "2015-01-01"},
        today=TODAY,
    )
    rows = deadlines.obligations(combo, 2026, D("2026-05-26"))
    assert [o.severity for o in rows] == ["critical"] * 3
    first = rows[0]
    assert (first.days_left, first.business_days_left, first.next_event) == (3, 3, "due")
    later = deadlines.obligations(combo, 2026, D("2026-06-15"))
    assert [(o.program, o.status, o.severity) for o in later] == [
        ("PROSEC", "suspended", "critical"),
        ("IMMEX", "suspended", "critical"),
        ("ALTEX", "cancelled", "lost"),
    ]


def test_a_program_cancelled_last_year_no_longer_files(combo):
    clients.add_client(combo, {"rfc": "GODE561231GR8", "razon_social": "Cumplida"})
    programs.add_program(
        combo,
        "GODE561231GR8",
        {"type": "ECEX", "number": "E-1", "authorized_on": "2015-01-01"},
        today=TODAY,
    )
    # Before any filing is recorded, no year is tracked: nothing is carried over.
    assert {o.status for o in deadlines.obligations(combo, 2027, TODAY)} == {"not_open"}
    deadlines.record_filing(
        combo, "GODE561231GR8", "ECEX", 2026, "3" * 25, "2026-05-04", today=TODAY
    )
    rows = {(o.rfc, o.program): o for o in deadlines.obligations(combo, 2027, TODAY)}
    # The combined holder never filed 2026: both programs were cancelled (rules.md §1.4).
    immex = rows[("MAB9307148T4", "IMMEX")]
    assert (immex.status, immex.severity, immex.next_event) == ("cancelled", "lost", None)
    assert "cancelado el 2026-09-01" in immex.note
    assert "cancelado el 2026-07-01" in rows[("MAB9307148T4", "PROSEC")].note
    assert rows[("GODE561231GR8", "ECEX")].status == "not_open"  # filed 2026: still files in 2027
    # 2026 itself is unchanged: 2025 is not a tracked year.
    assert {
        o.status for o in deadlines.obligations(combo, 2026, TODAY) if o.rfc == "MAB9307148T4"
    } == {"cancelled"}
