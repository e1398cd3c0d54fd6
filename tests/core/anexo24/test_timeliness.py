"""Timeliness (issue 15, item 6): when each operation's data arrived, and those that arrived more
than 24 hours after the operation (anexo24-rgce-2024.txt, Apartado B, numeral 4: "El SECIIT
deberá recibir de manera electrónica, en un plazo que no exceda las 24 horas, la información";
módulo de aduanas: "dentro de las 24 horas siguientes a que se genere dicha información").

An operation's date has no hour: one of day D is late when its data arrived, Mexico City time,
on D + 2 or after (timeliness.py)."""

import csv
import io
from datetime import date

from click.testing import CliRunner

from brokertui.cli import main
from brokertui.core import dashboard
from brokertui.core.anexo24 import ajustes, reports, timeliness
from brokertui.core.db import file_path
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from tests import builders
from tests.core.anexo24.conftest import RFC, load

# Mexico City is UTC-6 all year since 2022 (UTC-5 in the summers before).
IN_TIME = "2026-03-03T05:59:59+00:00"  # 2 March 23:59:59 local: within D + 1 of 1 March
LATE = "2026-03-03T06:00:00+00:00"  # 3 March 00:00 local: D + 2 of 1 March


def test_the_24_hour_rule_in_mexico_city_time():
    assert timeliness.late("2026-03-01", IN_TIME) is False
    assert timeliness.late("2026-03-01", LATE) is True
    assert timeliness.late("2026-03-02", LATE) is False  # arrived the next day
    assert timeliness.late("2026-03-05", LATE) is False  # arrived before the operation's date
    assert timeliness.late("2021-07-01", "2021-07-03T05:00:00+00:00") is True  # CDT, UTC-5
    assert timeliness.late("2021-07-01", "2021-07-03T04:59:59+00:00") is False
    assert timeliness.late("2026-03-01", None) is None


def _stamp(db, kind: str, stamp: str) -> None:
    """The last interface import of `kind` as if it had arrived at `stamp`."""
    db.execute(
        "UPDATE interface_imports SET imported_at = ? WHERE id = (SELECT max(id) FROM "
        "interface_imports WHERE kind = ?)",
        [stamp, kind],
    )


def _entry(pedimento: str, fecha: str) -> list[str]:
    return [pedimento, "1", "IN", fecha, "MAT-A", "10", "1", "8", "72085101", "USA"]


def _planted(db, tmp_path):
    """February: three entries of 1 and 2 February in one file that arrived on 3 February at
    09:00 (the 1 February ones late), exits of 10 February in a file of 10 February (in time)
    and of 27 February in a file of 3 March (late), an ajuste captured now (late); March: one
    exit of 1 March in a file of 2 March 23:59 (in time)."""
    load(
        db,
        tmp_path,
        "entradas",
        [
            _entry("26 07 3953 6100001", "2026-02-01"),
            _entry("26 07 3953 6100002", "2026-02-01"),
            _entry("26 07 3953 6100003", "2026-02-02"),
        ],
        "feb.csv",
    )
    _stamp(db, "entradas", "2026-02-03T15:00:00+00:00")
    exits = [
        ("s1.csv", "2026-02-10", "2026-02-10T20:00:00+00:00"),
        ("s2.csv", "2026-02-27", LATE),
        ("s3.csv", "2026-03-01", IN_TIME),
    ]
    for name, fecha, stamp in exits:
        load(db, tmp_path, "salidas", [[name, "RT", fecha, "M", "MAT-A", "1"]], name)
        _stamp(db, "salidas", stamp)
    row = {"fecha": "2026-02-15", "tipo": "merma", "numero_parte": "MAT-A", "cantidad": "1",
           "motivo": "conteo", "pedimento": "", "partida": ""}  # fmt: skip
    ajustes.add_ajustes(db, RFC, [(1, row)], "ajuste")


def test_the_report_lists_each_late_delivery_per_month_and_kind_with_its_count(inv_db, tmp_path):
    _planted(inv_db, tmp_path)
    h = reports.heading(inv_db, "recepcion_tardia", RFC, desde=date(2026, 2, 1),
                        hasta=date(2026, 3, 31))  # fmt: skip
    assert h.report.title.startswith("Recepción tardía")
    rows = [
        (r["mes"], r["tipo"], r["origen"], r["recibido"], str(r["fecha_desde"]),
         str(r["fecha_hasta"]), r["operaciones"])
        for r in reports.records(inv_db, h)
    ]  # fmt: skip
    ajuste = rows.pop()
    assert rows == [
        ("2026-02", "entrada", "feb.csv", "2026-02-03 09:00", "2026-02-01", "2026-02-01", 2),
        ("2026-02", "salida", "s2.csv", "2026-03-03 00:00", "2026-02-27", "2026-02-27", 1),
    ]
    assert ajuste[:2] == ("2026-02", "ajuste") and ajuste[2].startswith("AJ-")
    assert reports.count(inv_db, h) == 3
    # the inventory's own entries (inv_db's, January) arrived now: late too, in January
    january = reports.heading(inv_db, "recepcion_tardia", RFC, desde=date(2026, 1, 1),
                              hasta=date(2026, 1, 31))  # fmt: skip
    assert [r["operaciones"] for r in reports.records(inv_db, january)] == [3]


def test_the_counts_per_month_and_kind_and_the_cli_csv(inv_db, tmp_path):
    _planted(inv_db, tmp_path)
    counts = timeliness.counts(inv_db, RFC, date(2026, 2, 1), date(2026, 3, 31))
    assert [(c.pop("primera_tardia"), c) for c in counts] == [
        ("2026-02-01",
         {"mes": "2026-02", "tipo": "entrada", "operaciones": 3, "tardias": 2, "sin_dato": 0}),
        ("2026-02-27",
         {"mes": "2026-02", "tipo": "salida", "operaciones": 2, "tardias": 1, "sin_dato": 0}),
        ("2026-02-15",
         {"mes": "2026-02", "tipo": "ajuste", "operaciones": 1, "tardias": 1, "sin_dato": 0}),
        (None,
         {"mes": "2026-03", "tipo": "salida", "operaciones": 1, "tardias": 0, "sin_dato": 0}),
    ]  # fmt: skip

    def report(name: str):
        return CliRunner().invoke(
            main,
            ["--db", str(file_path(inv_db)), "report", name, "--rfc", RFC, "--from",
             "2026-02-01", "--to", "2026-03-31", "--format", "csv"],
        )  # fmt: skip

    result = report("recepcion-tardia")  # click's spelling, shown in --help
    assert result.exit_code == 0, result.output
    assert report("recepcion_tardia").output == result.output  # older scripts' spelling
    lines = [line for line in result.output.splitlines() if not line.startswith("#")]
    table = list(csv.DictReader(io.StringIO("\n".join(lines))))
    assert [(r["tipo"], r["operaciones"]) for r in table] == [
        ("entrada", "2"),
        ("salida", "1"),
        ("ajuste", "1"),
    ]


def test_the_dashboard_line_counts_this_and_last_months_late_corporate_data(inv_db, tmp_path):
    _planted(inv_db, tmp_path)

    def line(today: date) -> list[tuple]:
        rows = dashboard.load(inv_db, today, program=dashboard.LATE_DATA).rows
        return [(r.rfc, r.severity, r.event_date, r.detail) for r in rows]

    # As of 2 March the file of 3 March has not arrived (nor the ajuste, captured now)
    assert line(date(2026, 3, 2)) == [
        (RFC, "warning", date(2026, 2, 1), "2 operaciones con datos de más de 24 h: "
         "2026-02 entradas 2")
    ]  # fmt: skip
    assert line(date(2026, 3, 31)) == [
        (RFC, "warning", date(2026, 2, 1), "3 operaciones con datos de más de 24 h: "
         "2026-02 entradas 2, 2026-02 salidas 1")
    ]  # fmt: skip
    assert line(date(2026, 4, 15)) == []  # this month and the last only: March was in time


def test_the_dashboard_line_is_dated_by_its_first_late_operation(inv_db, tmp_path):
    """Not by the first of its month (stop 20 review: '2026-02-01' for a late exit of 27
    February): the date and the days since are the late operation's."""
    load(inv_db, tmp_path, "salidas", [["s2.csv", "RT", "2026-02-27", "M", "MAT-A", "1"]])
    _stamp(inv_db, "salidas", LATE)
    (row,) = dashboard.load(inv_db, date(2026, 3, 10), program=dashboard.LATE_DATA).rows
    assert (row.event_date, row.days_left) == (date(2026, 2, 27), -11)
    assert row.detail == "1 operación con datos de más de 24 h: 2026-02 salidas 1"


def test_a_pedimento_keeps_when_it_first_arrived(db, tmp_path):
    from brokertui.core.registry import clients

    clients.add_client(db, {"rfc": builders.RFC, "razon_social": "Bajío Máquinas SA"})
    first = builders.pedimento()
    datastage.import_zip(db, datastage_build.write_zip(tmp_path / "a.zip", [first]))
    stamp = db.execute("SELECT recibido, created_at FROM pedimentos").fetchone()
    assert stamp[0] == stamp[1]
    db.execute("UPDATE pedimentos SET recibido = '2026-01-06T12:00:00+00:00'")
    fixed = builders.pedimento(partidas=[builders.partida(usd="2000.00")])
    datastage.import_zip(db, datastage_build.write_zip(tmp_path / "b.zip", [fixed]))
    assert db.execute("SELECT recibido FROM pedimentos").fetchall() == [
        ("2026-01-06T12:00:00+00:00",)
    ]
    counts = timeliness.counts(db, builders.RFC, date(2026, 1, 1), date(2026, 1, 31))
    assert counts == [
        {"mes": "2026-01", "tipo": "pedimento", "operaciones": 1, "tardias": 0, "sin_dato": 0,
         "primera_tardia": None}
    ]  # fmt: skip
    db.execute("UPDATE pedimentos SET recibido = NULL")  # of before the stamp: unknown
    assert (
        timeliness.counts(db, builders.RFC, date(2026, 1, 1), date(2026, 1, 31))[0]["sin_dato"] == 1
    )
    assert pedimentos.get_pedimento(db, "262439536000098") is not None
