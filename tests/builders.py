"""Data builders shared by tests of several areas (fixtures live in the conftest.py files)."""

RFC = "BMA2211187E1"  # the RFC of the DSP sample row (formats.md §1.5)


def partida(**changes) -> dict:
    # The DSP sample 551 row (formats.md §1.5).
    row = dict(
        fraccion="85389099",
        nico="99",
        descripcion="PARTES PARA INTERRUPTOR",
        precio="2962.75000",
        aduana="0",
        comercial="35553",
        usd="1976.88",
        umc_qty="12.000",
        umc="6",
        umt_qty="4.80000",
        umt="1",
        pais="HUN",
        parte="P-1",
    )
    return row | changes


def pedimento(numero="262439536000098", rfc=RFC, **changes) -> dict:
    ped = dict(
        numero=numero,
        rfc=rfc,
        nombre="BAJÍO MÁQUINAS, S.A.",
        clave="IN",
        tipo_operacion="1",
        tipo_cambio="18.00120",
        pagado="2026-01-05 17:48:15",
        entrada="2026-01-04",
        facturas=[("F-1", "2026-01-02 00:00:00", "FCA", "USD", "1976.88", "ÑANDÚ SUPPLY")],
        identificadores=[("IM", "1204-2006", "")],
        partidas=[partida()],
    )
    return ped | changes


def deliver(db, *peds, **options) -> None:
    """Import `peds` as one Data Stage delivery (options go to write_zip), zipped in a folder
    of its own that is gone afterwards."""
    import tempfile
    from pathlib import Path

    from brokertui.core.pedimentos.datastage import build, importer

    with tempfile.TemporaryDirectory() as folder:
        path = build.write_zip(Path(folder) / "1_Solicitudes.zip", list(peds), **options)
        importer.import_zip(db, path)


def client_rfc(n: int) -> str:
    """The n-th fictitious persona moral RFC, with a correct check digit (formats.md §4.2)."""
    from datetime import date, timedelta

    from stdnum.mx.rfc import calc_check_digit

    body = f"CLI{date(2001, 1, 1) + timedelta(days=n):%y%m%d}A1"
    return body + calc_check_digit(body)


def monthly(who: int, year: int, month: int, n: int = 0, **changes) -> dict:
    """Pedimento n of client_rfc(who) paid on the 10th of a month, its number unique per
    (who < 1000, month, n < 10): aduana 24, patente 3953 (formats.md §1.7)."""
    rfc = client_rfc(who)
    return pedimento(
        f"{year % 100:02d}243953{year % 10}{month:02d}{who:03d}{n}",
        rfc=rfc,
        nombre=f"CLIENTE {who} DEL BAJÍO, S.A. DE C.V.",
        pagado=f"{year}-{month:02d}-10 10:00:00",
        entrada=f"{year}-{month:02d}-09",
        **changes,
    )


# A row of every Data Stage member with a table of its own, by header name (formats.md
# §1.5), for pedimento(miembros=MIEMBROS): partida-level ones on partida 1.
MIEMBROS = {
    "502": [{"RfcTransportista": "tra010101aaa", "NombreTransportista": "FLETES DEL NORTE"}],
    "503": [{"NumeroGuia": "MAWB-0001", "TipoGuia": "m"}],
    "504": [{"NumContenedor": "MSKU1234567", "TipoContenedor": "3"}],
    "508": [{"InstitucionEmisora": "1", "NumeroCuenta": "77", "TotalGarantia": ".00"}],
    "509": [{"ClaveContribucion": "6", "TasaContribucion": "16.", "TipoTasa": "1"}],
    "510": [{"ClaveContribucion": "1", "FormaPago": "0", "ImportePago": "0352"}],
    "511": [{"SecuenciaObservacion": "1", "Observaciones": "MERCANCÍA NUEVA"}],
    "512": [
        {
            "PatenteAduanalOrig": "3953",
            "PedimentoOriginal": "5000011",
            "SeccionAduaneraDespOrig": "240",
            "DocumentoOriginal": "in",
            "FechaOperacionOrig": "2025-03-04 10:00:00",
            "FraccionOriginal": "85389099",
            "UnidadMedida": "6",
            "MercanciaDescargada": "12.000",
        }
    ],
    "520": [{"NombreDestinatarioMercancia": "CLIENTE USA", "PaisDestinatario": "usa"}],
    "552": [{"Fraccion": "85389099", "SecuenciaFraccion": "1", "VinNumeroSerie": "SN-001"}],
    "553": [{"Fraccion": "85389099", "SecuenciaFraccion": "1", "ClavePermiso": "c1"}],
    "555": [{"Fraccion": "85389099", "SecuenciaFraccion": "1", "TotalGarantia": "5."}],
    "556": [{"Fraccion": "85389099", "SecuenciaFraccion": "1", "ClaveContribucion": "6"}],
    "558": [
        {
            "Fraccion": "85389099",
            "SecuenciaFraccion": "1",
            "SecuenciaObservacion": "1",
            "Observaciones": "No. De parte: 5HYV-355080-9000",
        }
    ],
    "702": [{"ClaveContribucion": "6", "FormaPago": "0", "ImportePago": "-12.50"}],
    "INCI": [{"ConsecutivoRemesa": "1", "GradoIncidencia": "2"}],
    "SEL": [{"ConsecutivoRemesa": "1", "FechaSeleccion": "2026-01-05", "SemaforoFiscal": "1"}],
    "RESUMEN": [{"Folio": "1875724", "RFCoPatenteAduanal": RFC, "Total_Fracciones": "1"}],
}


def import_rows(db, kind: str, rows: list[list[str]], rfc: str = RFC) -> None:
    """Import `rows` of the ERP interface `kind` (each a list in interfaces.COLUMNS order) for
    `rfc`, without a file, numbered from line 2 as in one."""
    from brokertui.core.anexo24 import interfaces

    columns = interfaces.COLUMNS[kind]
    named = [(n, dict(zip(columns, row, strict=True))) for n, row in enumerate(rows, 2)]
    interfaces.import_rows(db, kind, named, rfc, f"{kind}.csv", kind)


def cli_runner(db_path, today: str | None = "2026-04-15"):
    """A function running the CLI on the database at `db_path` as a user would (each argument
    given as its str(); BROKERTUI_TODAY set to `today` unless None) and returning click's
    Result, after checking that no traceback reached the output."""
    from click.testing import CliRunner

    from brokertui.cli import main

    env = {"BROKERTUI_DB": str(db_path)} | ({"BROKERTUI_TODAY": today} if today else {})

    def invoke(*args):
        result = CliRunner(env=env).invoke(main, [str(a) for a in args])
        assert "Traceback" not in result.output, result.output
        return result

    return invoke
