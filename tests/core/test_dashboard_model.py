"""The dashboard model: RAOCE obligations and expiring lots in one urgency order, the filters
the screen offers by key, and the summary counts."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from brokertui.core import dashboard
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.dashboard import TEMPORARY
from brokertui.core.demo import clients as demo
from brokertui.core.errors import NotFound
from brokertui.core.registry import deadlines

WEDNESDAY = date(2026, 6, 17)  # its week ends on Sunday 21 June
JUNE = date(2026, 6, 15)

BASE = deadlines.Obligation(
    rfc="",
    razon_social="",
    program="IMMEX",
    program_number="1-2020",
    filing_year=2026,
    fiscal_year=2025,
    status="open",
    opens_date=date(2026, 1, 2),
    due_date=date(2026, 5, 29),
    suspension_date=None,
    final_date=date(2026, 6, 30),
    cancellation_date=date(2026, 7, 1),
    days_left=None,
    business_days_left=None,
    next_event=None,
    next_event_date=None,
    filed_on=None,
    folio=None,
    filed_via=None,
    correction_until=None,
    reactivation_on=None,
    severity="ok",
    note="",
)


def obligation(rfc, program, status, severity, event=None, on=None, due=BASE.due_date):
    days = None if on is None else (on - WEDNESDAY).days
    return replace(
        BASE,
        rfc=rfc,
        razon_social=f"Cliente {rfc[:3]}",
        program=program,
        status=status,
        severity=severity,
        next_event=event,
        next_event_date=on,
        days_left=days,
        business_days_left=days,
        due_date=due,
    )


def lot(rfc, numero, days, categoria="insumo", partidas=2):
    return {
        "rfc": rfc,
        "razon_social": f"Cliente {rfc[:3]}",
        "numero": numero,
        "categoria": categoria,
        "vence_alerta": (WEDNESDAY + timedelta(days=days)).isoformat(),
        "partidas": partidas,
    }


A, B, C, D, E, G = (f"{x * 3}010101{x * 3}" for x in "ABCDEG")
OBLIGATIONS = [
    obligation(A, "IMMEX", "suspended", "critical", "final", date(2026, 6, 30)),
    obligation(B, "PROSEC", "open", "critical", "due", date(2026, 6, 21), due=date(2026, 6, 21)),
    obligation(C, "IMMEX", "open", "critical", "due", date(2026, 6, 22), due=date(2026, 6, 22)),
    obligation(D, "ALTEX", "cancelled", "lost"),
    obligation(E, "ECEX", "filed", "ok"),
    obligation(G, "PROSEC", "not_open", "info", "opens", date(2026, 7, 1)),
]
LOTS = [
    lot(A, "264739536000011", -3),
    lot(C, "264739536000022", 20),
    lot(A, "264739536000033", 45, "contenedor", 1),
    lot(B, "264739536000044", 80),
]
L1, L2, L3, L4 = (
    f"{A}:Temp.:264739536000011:2026-06-14",
    f"{C}:Temp.:264739536000022:2026-07-07",
    f"{A}:Temp.:264739536000033:2026-08-01",
    f"{B}:Temp.:264739536000044:2026-09-05",
)


def keys(board: dashboard.Dashboard) -> list[str]:
    return [row.key for row in board.rows]


def test_rows_by_severity_then_date_lots_among_obligations():
    board = dashboard.build(OBLIGATIONS, LOTS, WEDNESDAY)
    assert keys(board) == [
        L1,  # critical, 14 June (expired)
        f"{B}:PROSEC",  # critical, due 21 June
        f"{C}:IMMEX",  # critical, due 22 June
        f"{A}:IMMEX",  # critical, last day 30 June
        L2,  # critical, 7 July
        f"{D}:ALTEX",  # lost
        L3,  # warning
        f"{G}:PROSEC",  # info, opens 1 July
        L4,  # info, 5 September
        f"{E}:ECEX",  # ok
    ]


def test_lot_rows_carry_bucket_days_and_detail():
    rows = {row.key: row for row in dashboard.build([], LOTS, WEDNESDAY).rows}
    assert rows[L1].as_dict() == {
        "severidad": "critical",
        "rfc": A,
        "programa": "Temp.",
        "estado": "vencido",
        "proximo": "permanencia",
        "fecha": "2026-06-14",
        "dias": -3,
        "dias_habiles": None,
        "razon_social": "Cliente AAA",
        "pedimento": "264739536000011",
        "detalle": "26 47 3953 6000011 · insumo · 2 part.",
    }
    assert [(rows[k].status, rows[k].severity) for k in (L2, L3, L4)] == [
        ("≤30 días", "critical"),
        ("≤60 días", "warning"),
        ("≤90 días", "info"),
    ]
    assert rows[L3].detail == "26 47 3953 6000033 · contenedor · 1 part."


def test_obligation_rows_in_spanish():
    rows = {row.key: row for row in dashboard.build(OBLIGATIONS, [], WEDNESDAY).rows}
    suspended, cancelled = rows[f"{A}:IMMEX"], rows[f"{D}:ALTEX"]
    assert (suspended.status, suspended.event, suspended.days_left) == (
        "suspendido",
        "último día",
        13,
    )
    assert (cancelled.status, cancelled.event, cancelled.event_date) == ("cancelado", "—", None)
    assert suspended.detail == suspended.razon_social == "Cliente AAA"


@pytest.mark.parametrize(
    ("program", "urgent_only", "expected"),
    [
        (TEMPORARY, False, [L1, L2, L3, L4]),
        ("IMMEX", False, [f"{C}:IMMEX", f"{A}:IMMEX"]),
        ("PROSEC", False, [f"{B}:PROSEC", f"{G}:PROSEC"]),
        (None, True, [L1, f"{B}:PROSEC", f"{C}:IMMEX", f"{A}:IMMEX", L2, L3]),
        (TEMPORARY, True, [L1, L2, L3]),
        ("ECEX", True, []),
    ],
)
def test_filters_keep_the_order_and_not_the_counts(program, urgent_only, expected):
    board = dashboard.build(OBLIGATIONS, LOTS, WEDNESDAY, program=program, urgent_only=urgent_only)
    assert keys(board) == expected
    assert board.summary == dashboard.build(OBLIGATIONS, LOTS, WEDNESDAY).summary


def test_summary_counts_statuses_this_week_and_lot_buckets():
    assert dashboard.build(OBLIGATIONS, LOTS, WEDNESDAY).summary == dashboard.Summary(
        open=2,
        suspended=1,
        due_this_week=1,  # due Sunday 21 June; Monday 22 June is next week
        cancelled=1,
        filed=1,
        expired=1,
        within_30=1,
        within_60=1,
        within_90=1,
    )


@pytest.mark.parametrize(
    ("days", "label", "severity"),
    [
        (-1, "vencido", "critical"),
        (0, "≤30 días", "critical"),
        (30, "≤30 días", "critical"),
        (31, "≤60 días", "warning"),
        (60, "≤60 días", "warning"),
        (61, "≤90 días", "info"),
        (90, "≤90 días", "info"),
    ],
)
def test_bucket_edges(days, label, severity):
    assert dashboard.bucket(days) == (label, severity)


def test_demo_dashboard_in_june(db):
    demo.load(db, JUNE)
    board = dashboard.load(db, JUNE)
    lots = [row for row in board.rows if row.program == TEMPORARY]
    assert [row.days_left for row in lots] == [-12, 9, 26, 47, 58, 83]
    assert keys(board)[:6] == [
        "MNB050315K70:DStage",  # the demo's late Data Stage months (its oficio is vigente)
        "MNB050315K70:Temp.:240739534000137:2026-06-03",
        "MNB050315K70:Temp.:240739534000274:2026-06-24",
        "CEB110902QW7:PROSEC",
        "MNB050315K70:Temp.:250739535000411:2026-07-11",
        "GOEE7512038LA:IMMEX",
    ]
    assert [row.severity for row in board.rows].count("critical") == 6
    assert board.summary == dashboard.Summary(
        open=0,
        suspended=2,
        due_this_week=0,
        cancelled=2,
        filed=5,
        expired=1,
        within_30=2,
        within_60=2,
        within_90=1,
    )


def test_demo_dashboard_of_one_client_and_year(db):
    demo.load(db, JUNE)
    board = dashboard.load(db, JUNE, rfc="ceb110902qw7")
    assert keys(board) == ["CEB110902QW7:PROSEC"]
    assert board.summary.expired == 0
    last_year = dashboard.load(db, JUNE, year=2025, program="IMMEX")
    assert {row.program for row in last_year.rows} == {"IMMEX"}
    with pytest.raises(NotFound):
        dashboard.load(db, JUNE, rfc="XAXX010101000")


def test_lots_discharged_to_zero_leave_the_dashboard(db):
    today = date(2026, 4, 15)
    demo.load(db, today)
    before = {lot["numero"] for lot in dashboard.expiring_lots(db, today)}
    assert "240739534000137" in before  # expired on 3 April, not yet discharged
    discharge.run(db, "MNB050315K70", hasta=today)  # the demo's exits use up two pedimentos
    after = {lot["numero"] for lot in dashboard.expiring_lots(db, today)}
    assert after == before - {"240739534000137", "240739534000274"}
