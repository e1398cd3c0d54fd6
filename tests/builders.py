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
