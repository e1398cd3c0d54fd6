"""The line under the Descargos list (core/anexo24/exit_detail.py) on issue 15's year: each
exit in words, its kind's own data, and no clave for an ajuste (which has no pedimento)."""

from datetime import date

from brokertui.core.anexo24 import conciliacion, exit_detail
from brokertui.core.anexo24 import ledger as discharge
from tests.core.anexo24.conftest import RFC
from tests.core.anexo24.test_year_scenario import YEAR_END
from tests.core.anexo24.test_year_scenario import year as year_fixture  # noqa: F401


def said(db, documento: str) -> str:
    (salida_id,) = db.execute("SELECT id FROM salidas WHERE documento = ?", [documento]).fetchone()
    return exit_detail.describe(db, salida_id)


def test_each_exit_in_words(year_fixture):  # noqa: F811 (issue 15's year)
    year = year_fixture
    assert said(year, "V5-1") == (
        "V5-1: transferencia de material MAT-A (clave V5) a BMA2211187E1 · pedimento receptor "
        "26 07 3953 8000001"
    )
    assert (
        said(year, "DES-1")
        == "DES-1: destrucción de desperdicio MAT-A · acta ACTA-7 del 2026-04-01"
    )
    assert said(year, "RT-1") == "RT-1: retorno de producto PROD-1 (clave RT)"
    assert exit_detail.describe(year, 999_999) == ""
    conciliacion.confirm(year, RFC, date(2026, 1, 1), date(2026, 6, 30))  # a faltante
    discharge.run(year, RFC, hasta=YEAR_END)
    (ajuste,) = year.execute("SELECT documento FROM salidas WHERE clave = 'AJUSTE'").fetchone()
    assert said(year, ajuste) == f"{ajuste}: ajuste de material MAT-A"
