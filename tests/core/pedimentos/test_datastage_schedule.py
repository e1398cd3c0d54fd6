"""Data Stage deliveries per client and month, the oficio de matriz de seguridad, and their
dashboard rows (issue 13, item 2). ANAM sends month M within the first 15 calendar days of
M+1, only under a vigente oficio (anam-pedimento-data-request.txt §2; formats.md §1.1)."""

from datetime import date

import pytest

from brokertui.core import dashboard
from brokertui.core.errors import Conflict, InvalidInput, NotFound
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.pedimentos.datastage import oficios, schedule
from brokertui.core.pedimentos.datastage.oficios import Oficio
from brokertui.core.registry import clients
from tests.builders import client_rfc, monthly

JAN, FEB, APR = (date(2026, m, 1) for m in (1, 2, 4))
YEAR = Oficio("800-01-00-00-00-2026-0001", date(2026, 1, 20), date(2026, 12, 31))


def states(months: list[schedule.Month]) -> list[tuple[str, str]]:
    return [(m.month.strftime("%Y-%m"), m.estado) for m in months]


def test_month_is_due_on_the_15th_of_the_next():
    assert schedule.due(JAN) == date(2026, 2, 15)
    assert schedule.due(date(2025, 12, 1)) == date(2026, 1, 15)


@pytest.mark.parametrize(
    ("today", "march"),
    [
        (date(2026, 4, 15), schedule.DUE),  # the 15th is still within the window
        (date(2026, 4, 16), schedule.LATE),
    ],
)
def test_a_missing_month_is_late_only_after_its_15th(today, march):
    received = {JAN: ["1.zip"], FEB: ["2.zip"]}
    months = schedule.months_of(received, {}, [YEAR], today)
    assert states(months) == [("2026-03", march), ("2026-02", "recibida"), ("2026-01", "recibida")]


def test_a_gap_between_deliveries_is_flagged_and_the_current_month_never_is():
    received = {JAN: ["1.zip"], FEB: ["2.zip"], APR: ["4.zip"]}
    months = schedule.months_of(received, {FEB: 7}, [YEAR], date(2026, 5, 31))
    assert states(months) == [
        ("2026-04", "recibida"),
        ("2026-03", "atrasada"),
        ("2026-02", "recibida"),
        ("2026-01", "recibida"),
    ]
    assert months[2].pedimentos == 7 and months[2].entregas == ("2.zip",)


def test_without_a_vigente_oficio_no_delivery_is_expected():
    ends_in_feb = Oficio("A", date(2026, 1, 5), date(2026, 2, 28))
    months = schedule.months_of({}, {}, [ends_in_feb], date(2026, 5, 20))
    assert states(months) == [
        ("2026-04", "sin oficio"),
        ("2026-03", "sin oficio"),
        ("2026-02", "sin oficio"),  # expired before March's sending window
        ("2026-01", "atrasada"),
    ]
    renewed = Oficio("B", date(2026, 3, 10), date(2027, 3, 9))
    months = schedule.months_of({}, {}, [renewed, ends_in_feb], date(2026, 5, 20))
    assert [m.estado for m in months[:3]] == ["atrasada", "atrasada", "sin oficio"]


def test_no_oficio_and_no_delivery_expects_nothing():
    assert schedule.months_of({}, {}, [], date(2026, 5, 20)) == []


# -- the oficio as recorded --------------------------------------------------------------------


@pytest.fixture
def two(db):
    for who in (1, 2):
        clients.add_client(db, {"rfc": client_rfc(who), "razon_social": f"Cliente {who} SA"})
    return db


def test_oficio_recorded_with_its_rules(two):
    rfc = client_rfc(1)
    oficios.record(two, rfc, " 800-2026-1 ", "2026-01-20", "2027-01-19")
    assert oficios.of_client(two, clients.get_client(two, rfc).id) == [
        Oficio("800-2026-1", date(2026, 1, 20), date(2027, 1, 19))
    ]
    with pytest.raises(InvalidInput) as exc:
        oficios.record(two, rfc, "800-2", "2026-01-20", "2026-01-20")
    assert (exc.value.field, str(exc.value.message)) == (
        "vence",
        "debe ser posterior a la fecha del oficio",
    )
    with pytest.raises(InvalidInput, match="fecha"):
        oficios.record(two, rfc, "800-2", "20/13/2026", "2027-01-01")
    with pytest.raises(InvalidInput, match="numero"):
        oficios.record(two, rfc, "  ", "2026-01-01", "2027-01-01")
    with pytest.raises(Conflict, match="ya está registrado"):
        oficios.record(two, rfc, "800-2026-1", "2026-02-01", "2027-02-01")
    with pytest.raises(NotFound):
        oficios.record(two, client_rfc(9), "1", "2026-01-01", "2027-01-01")


# -- from stored deliveries ----------------------------------------------------------------------


def resumen(month: int) -> dict:
    return {
        "Folio": str(month),
        "RFCoPatenteAduanal": "3953",
        "Fecha_Inicial": f"2026-{month:02d}-01",
        "Fecha_Final": f"2026-{month:02d}-28",
    }


def test_a_brokers_delivery_covers_its_clients_months_even_without_their_pedimentos(two, tmp_path):
    jan = [monthly(1, 2026, 1, miembros={"RESUMEN": [resumen(1)]}), monthly(2, 2026, 1)]
    feb = [monthly(1, 2026, 2, miembros={"RESUMEN": [resumen(2)]})]  # client 2: nothing in Feb
    mar = [monthly(1, 2026, 3)]  # no Resumen: its period and clients come from its 501
    for n, peds in enumerate((jan, feb, mar), start=1):
        path = datastage_build.write_zip(tmp_path / f"{n}.zip", peds, folio=str(n))
        datastage.import_zip(two, path)
    for who in (1, 2):
        oficios.record(two, client_rfc(who), f"OF-{who}", "2026-01-02", "2026-07-31")
    first, second = schedule.load(two, date(2026, 5, 20))
    assert states(first.months) == [
        ("2026-04", "atrasada"),
        ("2026-03", "recibida"),
        ("2026-02", "recibida"),
        ("2026-01", "recibida"),
    ]
    assert states(second.months) == [
        ("2026-04", "atrasada"),
        ("2026-03", "atrasada"),  # the March zip carried only client 1 and says no broker
        ("2026-02", "recibida"),  # the broker's February delivery: no operations of client 2
        ("2026-01", "recibida"),
    ]
    assert first.months[3].pedimentos == 1 and first.months[3].entregas == ("1.zip",)

    board = dashboard.load(two, date(2026, 5, 20))
    rows = {r.key: r for r in board.rows if r.program in (dashboard.OFICIO, dashboard.DATASTAGE)}
    late = rows[f"{client_rfc(2)}:{dashboard.DATASTAGE}"]
    assert (late.severity, late.status, late.event_date, late.days_left) == (
        "critical",
        "atrasada",
        date(2026, 4, 15),  # March's, the oldest late month
        -35,
    )
    assert late.detail == "2 meses sin entrega: 2026-03, 2026-04"
    renewal = rows[f"{client_rfc(1)}:{dashboard.OFICIO}"]
    assert (renewal.status, renewal.days_left, renewal.severity, renewal.event) == (
        "≤90 días",
        72,
        "info",
        "renovar oficio",
    )
    assert renewal.detail == "Oficio OF-1 · Cliente 1 SA"
    only = dashboard.load(two, date(2026, 5, 20), program=dashboard.OFICIO)
    assert {r.program for r in only.rows} == {dashboard.OFICIO}


def test_oficio_countdown_starts_90_days_before_and_stays_once_expired(two):
    oficios.record(two, client_rfc(1), "OF-1", "2025-08-01", "2026-08-31")
    keys = lambda today: [  # noqa: E731
        (r.status, r.severity) for r in dashboard.load(two, today, program=dashboard.OFICIO).rows
    ]
    assert keys(date(2026, 6, 1)) == []  # 91 days before
    assert keys(date(2026, 6, 2)) == [("≤90 días", "info")]
    assert keys(date(2026, 8, 1)) == [("≤30 días", "critical")]
    assert keys(date(2026, 9, 1)) == [("vencido", "critical")]
