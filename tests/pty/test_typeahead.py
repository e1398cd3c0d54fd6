"""Type-ahead (issue 12, item 1): every form, typed through a real pseudo-terminal in bursts
with no pause, stores exactly what was typed.

Each test runs one app (harness.Terminal) and, for each example hypothesis draws, writes ONE
burst: the keys that open the form, every field's keys with the Tabs between them (Ctrl+N
between the rows of a block), Ctrl+S, for a new client the program, site and edit forms behind
it, for a RAOCE filing a refused save and the field typed again. It then waits for the record
in the database and compares every stored value with what was typed, as the model reads it (a
check may rewrite a field as stored: 'mab9307148t4' is 'MAB9307148T4'). Values and keys come
from tests/pty/typed.py: accents, punctuation, doubled spaces, lower case, editing keys inside
the burst, completions taken with Right. Examples are derandomized;
BROKERTUI_TYPEAHEAD_EXAMPLES runs more, with new values each run.
"""

from __future__ import annotations

import itertools
import json
from contextlib import closing
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from stdnum.mx import rfc as stdnum_rfc

from brokertui.core import catalogs
from brokertui.core import db as store
from brokertui.core.anexo24 import ajustes
from brokertui.core.models import build
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.pedimentos import restricted
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.quantities import to_micro
from brokertui.core.raoce import worksheet as raoce
from brokertui.core.registry import client_data, clients, program_data, programs
from brokertui.screens import client_forms, pedimento_form
from tests.conftest import TODAY
from tests.pty.harness import keys
from tests.pty.typed import (
    NEW_ROW,
    SAVE,
    TAB,
    amount,
    completed,
    examples,
    field_keys,
    fields,
    optional,
    text,
    wait_stored,
)

SERIAL = itertools.count(1)  # unique RFCs, program and pedimento numbers across examples
IMMEX_CLIENT = "MNB050315K70"  # demo: IMMEX, materiales and pedimentos
ENTIDADES = catalogs.load("entidades").entries
DATES = st.dates(date(1990, 1, 1), TODAY)


def _date(draw) -> str:
    day = draw(DATES)
    return draw(st.sampled_from((day.isoformat(), day.strftime("%d/%m/%Y"))))


def _entidad(draw) -> tuple[str, bytes]:
    value = draw(st.sampled_from(("", *ENTIDADES, *ENTIDADES.values())))
    return value, completed(draw, value, client_forms.ENTIDADES)


def _rfc(draw) -> str:
    """A persona moral RFC with its check digit, unique in the run, maybe in lower case."""
    born = date(1960, 1, 1) + timedelta(days=next(SERIAL))
    letters = draw(st.text("ABCDEFGHJKLMNPRSTUVWXYZ", min_size=3, max_size=3))
    for homoclave in itertools.product("ABCDEFGHJKLMNPRSTUVWXYZ123456789", repeat=2):
        base = f"{letters}{born:%y%m%d}{''.join(homoclave)}"
        value = base + stdnum_rfc.calc_check_digit(base)
        if stdnum_rfc.is_valid(value) and clients.rfc_warning(value) is None:
            return draw(st.sampled_from((value, value.lower())))
    raise AssertionError(f"no valid RFC for {letters}")


def _open_clients(terminal, demo_path):
    term = terminal(demo_path, size=(100, 30))
    term.wait_for("F3 Clientes", timeout=60)
    return term


def _select_client(rfc: str) -> bytes:
    """The keys that make `rfc` the current client: Clientes, back to its list, search, open."""
    return keys("f3", "escape", "/") + rfc.encode() + keys("enter", "enter")


def _stored(db, sql: str, *params) -> dict | None:
    """The first row `sql` finds, by column name."""
    cursor = db.execute(sql, params)
    row = cursor.fetchone()
    return None if row is None else dict(zip([c[0] for c in cursor.description], row, strict=True))


# Clients, programs, sites -----------------------------------------------------------------------


def _address(draw) -> dict:
    """A client's fields after its RFC."""
    return {
        "razon_social": draw(text(1, 6)),
        "calle": draw(text(0, 4)),
        "numero_exterior": draw(optional(st.from_regex(r"[0-9]{1,5}( ?[A-Z])?", fullmatch=True))),
        "numero_interior": draw(text(0, 2)),
        "colonia": draw(text(0, 3)),
        "municipio": draw(text(0, 3)),
        "codigo_postal": draw(optional(st.from_regex(r"[0-9]{5}", fullmatch=True))),
    }


@st.composite
def client_program_site(draw) -> tuple[dict, dict, dict, dict, bytes]:
    """A new client, a program and a site of it, then the client edited: their values and the
    keys of the four forms (from the client list: a, the client, Ctrl+S, g, the program,
    Ctrl+S, l, the site, Ctrl+S, e, the client's new values, Ctrl+S)."""
    client = {"rfc": _rfc(draw), **_address(draw)}
    client_keys = [field_keys(draw, value) for value in client.values()]
    client["entidad_federativa"], entidad = _entidad(draw)
    edit = _address(draw)
    edit["razon_social"] += " Nueva"  # never the same as before
    edit_keys = [field_keys(draw, value) for value in edit.values()]
    edit["entidad_federativa"], edit_entidad = _entidad(draw)
    edit_keys = [keys("backspace") + typed for typed in (*edit_keys, edit_entidad)]
    kind = draw(st.sampled_from(programs.PROGRAM_TYPES))
    program = {
        "type": kind,
        "number": f"{next(SERIAL)}-{draw(st.from_regex(r'[A-Z0-9]{1,6}', fullmatch=True))}",
        "authorized_on": _date(draw),
        "modalidad": draw(st.sampled_from(programs.MODALIDADES)) if kind == "IMMEX" else "",
        "sectors": ", ".join(
            draw(st.lists(st.sampled_from(_SECTORS), min_size=1, max_size=3, unique=True))
        )
        if kind == "PROSEC"
        else "",
        "status": draw(st.sampled_from(("", *programs.STATUSES))),
    }
    program_keys = [
        completed(draw, kind, programs.PROGRAM_TYPES),
        field_keys(draw, program["number"].lower()),
        field_keys(draw, program["authorized_on"]),
        completed(draw, program["modalidad"], programs.MODALIDADES),
        field_keys(draw, program["sectors"]),
        completed(draw, program["status"], programs.STATUSES),
    ]
    program["status"] = program["status"] or "vigente"  # typing nothing keeps it
    site = {
        "kind": draw(st.sampled_from(("", "planta", "bodega", "Bodega"))),
        "nombre": draw(text(1, 4)),
        "calle": draw(text(0, 3)),
        "numero": draw(text(0, 1)),
        "colonia": draw(text(0, 2)),
        "codigo_postal": draw(optional(st.from_regex(r"[0-9]{5}", fullmatch=True))),
    }
    site_keys = [field_keys(draw, value) for value in site.values()]
    site["entidad_federativa"], site_entidad = _entidad(draw)
    site["kind"] = site["kind"] or "planta"
    burst = (
        b"a"
        + fields([*client_keys, entidad])
        + SAVE
        + b"g"
        + fields(program_keys)
        + SAVE
        + b"l"
        + fields([*site_keys, site_entidad])
        + SAVE
        + b"e"  # each field entered with its value selected: Backspace clears it
        + fields(edit_keys)
        + SAVE
    )
    return client, program, site, {"rfc": client["rfc"], **edit}, burst


_SECTORS = tuple(catalogs.load("prosec_sectores").entries)


def test_client_program_and_site_forms_typed_in_one_burst(demo_path, terminal):
    term = _open_clients(terminal, demo_path)
    term.press("f3")

    @examples(3)
    @given(client_program_site())
    def typed(values) -> None:
        client, program, site, edited, burst = values
        term.send(burst)
        rfc = client["rfc"].upper()
        saved = wait_stored(
            term,
            demo_path,
            lambda db: _stored(db, "SELECT * FROM clients WHERE rfc = ? AND version = 2", rfc),
        )
        expected = build(client_data.ClientData, edited).model_dump()
        assert {k: saved[k] for k in expected} == expected
        stored = wait_stored(
            term,
            demo_path,
            lambda db: _stored(
                db,
                "SELECT s.* FROM sites s JOIN clients c ON c.id = s.client_id WHERE c.rfc = ?",
                rfc,
            ),
        )
        assert {k: stored[k] for k in site} == build(client_data.SiteData, site).model_dump()
        with_program = wait_stored(
            term,
            demo_path,
            lambda db: _stored(db, "SELECT * FROM programs WHERE number = ?", program["number"]),
        )
        expected = build(program_data.ProgramData, program).model_dump(mode="json")
        assert {k: with_program[k] for k in expected} == expected
        with closing(store.connect(demo_path)) as db:  # the edit's audit: field [before, after]
            (diff,) = db.execute(
                "SELECT detail FROM audit_log WHERE action = 'client.edit' AND entity_key = ?",
                [rfc],
            ).fetchone()
        before = {**saved, **{name: old for name, (old, _) in json.loads(diff).items()}}
        expected = build(client_data.ClientData, client).model_dump()
        assert {k: before[k] for k in expected} == expected
        term.press("escape")  # the client's detail, back to the list
        term.wait_for("o ordena")

    typed()


# Pedimento capture --------------------------------------------------------------------------------

_ADUANAS = sorted(pedimento_numero.aduanas_de_despacho())
_SAFE_FRACCIONES = st.from_regex(r"(39|84|85|90)[0-9]{6}", fullmatch=True).filter(
    lambda f: restricted.sensitive(f) is None
)
_HEAD = [spec.name for spec in pedimento_form.HEADER]
_BLOCKS = {
    "facturas": [spec.name for spec in pedimento_form.FACTURA],
    "identificadores": [spec.name for spec in pedimento_form.IDENTIFICADOR],
    "partidas": [spec.name for spec in pedimento_form.partida_specs(())],
}


def _code(draw, catalog: str) -> str:
    code = draw(st.sampled_from(tuple(catalogs.load(catalog).entries)))
    return draw(st.sampled_from((code, code.lower())))


@st.composite
def partida(draw) -> dict:
    fraccion = draw(_SAFE_FRACCIONES)
    tasa = draw(st.sampled_from(("", "TG", "TP", "PS", "R8")))
    return {
        "fraccion": draw(
            st.sampled_from((fraccion, f"{fraccion[:4]}.{fraccion[4:6]}.{fraccion[6:]}"))
        ),
        "nico": draw(st.from_regex(r"[0-9]{2}", fullmatch=True)),
        "umc": _code(draw, "unidades"),
        "cantidad_umc": draw(amount(5)),
        "umt": _code(draw, "unidades"),
        "cantidad_umt": draw(amount(5)),
        "pais": _code(draw, "paises"),
        "descripcion": draw(text(1, 5)),
        "numero_parte": draw(text(0, 1)),
        "valor_aduana": draw(optional(amount(2))),
        "valor_comercial": draw(optional(amount(2))),
        "precio_unitario": draw(optional(amount(5))),
        "valor_usd": draw(amount(2, "1", "50000")),
        "tasa": tasa,
        "tratado": _code(draw, "tratados") if tasa == "TP" else "",
        "tasa_igi": draw(optional(amount(6, "0", "100"))),
    }


@st.composite
def factura(draw) -> dict:
    return {
        "numero": draw(text(1, 2)),
        "fecha": _date(draw) if draw(st.booleans()) else "",
        "incoterm": _code(draw, "incoterms") if draw(st.booleans()) else "",
        "moneda": _code(draw, "monedas") if draw(st.booleans()) else "",
        "valor_moneda": draw(optional(amount(2))),
        "valor_usd": "",  # the partidas' total, split among the facturas
        "proveedor": draw(text(1, 4)),
        "id_fiscal": draw(text(0, 1)),
    }


@st.composite
def identificador(draw, partidas: int) -> dict:
    level = draw(st.sampled_from(("G", "P")))
    codes = [
        code
        for code, extra in catalogs.load("identificadores").extra.items()
        if extra["nivel"] == level
    ]
    return {
        "clave": draw(st.sampled_from(codes)),
        "secuencia": str(draw(st.integers(1, partidas))) if level == "P" else "",
        "complemento1": draw(text(0, 2)),
        "complemento2": draw(text(0, 1)),
        "complemento3": draw(text(0, 1)),
    }


@st.composite
def pedimento(draw) -> tuple[dict, bytes]:
    """A pedimento of the current client (its RFC is in the form already): its values as the
    form holds them and the keys that type them, from the capture's first field to Ctrl+S."""
    paid = draw(st.dates(date(TODAY.year, 1, 1), TODAY))
    numero = (
        f"{paid:%y}{draw(st.sampled_from(_ADUANAS))}{draw(st.integers(1, 9999)):04d}"
        f"{paid.year % 10}{next(SERIAL):06d}"
    )
    clave, regimen = draw(st.sampled_from((("IN", "ITE"), ("A1", "IMD"), ("A1", "ITR"))))
    head = {
        "numero": draw(st.sampled_from((numero, pedimento_numero.Numero(numero).spaced()))),
        "tipo_operacion": "1",
        "clave": clave,
        "regimen": regimen,
        "tipo_cambio": draw(amount(5, "10", "25")),
        "aduana_entrada": draw(optional(st.sampled_from(tuple(catalogs.load("aduanas").entries)))),
        "rfc": "",  # the current client's, in the form already
        "fecha_entrada": draw(optional(st.dates(date(TODAY.year - 1, 1, 1), paid).map(str))),
        "fecha_pago": draw(st.sampled_from((paid.isoformat(), paid.strftime("%d/%m/%Y")))),
        "rectifica": "",
    }
    rows = {"partidas": draw(st.lists(partida(), min_size=1, max_size=3))}
    rows["identificadores"] = draw(
        st.lists(identificador(len(rows["partidas"])), min_size=0, max_size=2)
    )
    rows["facturas"] = draw(st.lists(factura(), min_size=1, max_size=2))
    total = sum(Decimal(p["valor_usd"]) for p in rows["partidas"])
    share = (total / len(rows["facturas"])).quantize(Decimal("0.01"))
    for n, row in enumerate(rows["facturas"]):
        row["valor_usd"] = str(share if n else total - share * (len(rows["facturas"]) - 1))
    burst = fields([field_keys(draw, head[name]) for name in _HEAD])
    for block in ("facturas", "identificadores", "partidas"):
        typed = [fields([field_keys(draw, row[n]) for n in _BLOCKS[block]]) for row in rows[block]]
        empty = fields([b""] * len(_BLOCKS[block]))  # no row: Tab through its fields
        burst += TAB + (NEW_ROW.join(typed) if typed else empty)
    return {"encabezado": head, **rows}, burst + SAVE


def _as_parsed(values: dict) -> pedimento_model.Pedimento:
    partidas = [{**row, "secuencia": str(n)} for n, row in enumerate(values["partidas"], 1)]
    return pedimento_model.parse({**values, "partidas": partidas})


def test_pedimento_capture_typed_in_one_burst(demo_path, terminal):
    """The header and every row of facturas, identificadores and partidas, typed in one burst
    from the key that opens the capture: nothing lost, nothing in another field."""
    term = _open_clients(terminal, demo_path)
    term.send(_select_client(IMMEX_CLIENT))
    term.wait_for(f"RFC {IMMEX_CLIENT} ·")

    @examples(2)
    @given(pedimento())
    def typed(values) -> None:
        values, burst = values
        term.send(keys("f4", "a"), burst)
        numero = pedimento_numero.parse(values["encabezado"]["numero"]).value
        stored = wait_stored(
            term,
            demo_path,
            lambda db: _stored(db, "SELECT id FROM pedimentos WHERE numero = ?", numero),
        )
        assert stored
        with closing(store.connect(demo_path)) as db:
            saved = pedimentos.form_values(pedimentos.get_pedimento(db, numero, "captura"))
        head = values["encabezado"]
        head["rfc"] = IMMEX_CLIENT
        head["aduana_entrada"] = head["aduana_entrada"] or numero[2:4] + "0"  # the store's default
        assert pedimento_model.parse(saved) == _as_parsed(values)

    typed()


# Ajuste ---------------------------------------------------------------------------------------

# The demo client's materiales, as the part number field completes them; the ajustes are of its
# insumos (not of AF-PR200, the press its AF pedimento imported).
_MATERIALES = ("AF-PR200", "ALU-5052", "CNT-40", "INT-4471", "LAM-3MM", "SOP-220")
_PARTS = _MATERIALES[1:]


@st.composite
def ajuste(draw) -> tuple[dict, bytes]:
    """A faltante or merma of a part of the demo IMMEX client (a sobrante needs its
    pedimento's lot), and the keys from F6 to Ctrl+S."""
    values = {
        "fecha": draw(optional(st.dates(date(TODAY.year, 1, 1), TODAY).map(str))),
        "tipo": draw(st.sampled_from(("faltante", "merma"))),
        "numero_parte": draw(st.sampled_from(_PARTS)),
        "cantidad": draw(amount(3, "0.001", "500")),
        "pedimento": "",
        "partida": "",
        "motivo": draw(text(1, 6)),
    }
    typed = [
        field_keys(draw, values["fecha"]),
        completed(draw, values["tipo"], ajustes.AJUSTE_TIPOS),
        completed(draw, values["numero_parte"], _MATERIALES),
        *(
            field_keys(draw, values[name])
            for name in ("cantidad", "pedimento", "partida", "motivo")
        ),
    ]
    values["fecha"] = values["fecha"] or TODAY.isoformat()  # typing nothing keeps today
    return values, keys("f6", "a") + fields(typed) + SAVE


def test_ajuste_form_typed_in_one_burst(demo_path, terminal):
    term = _open_clients(terminal, demo_path)
    term.send(_select_client(IMMEX_CLIENT))
    term.wait_for(f"RFC {IMMEX_CLIENT} ·")
    query = "SELECT * FROM ajustes WHERE id > ? ORDER BY id"

    @examples(3)
    @given(ajuste())
    def typed(values) -> None:
        values, burst = values
        with closing(store.connect(demo_path)) as db:
            last = db.execute("SELECT coalesce(max(id), 0) FROM ajustes").fetchone()[0]
        term.send(burst)
        stored = wait_stored(term, demo_path, lambda db: _stored(db, query, last))
        expected = build(ajustes.AjusteData, values).model_dump()
        expected["cantidad_micro"] = to_micro(expected.pop("cantidad"))
        expected["partida"] = None
        assert {k: stored[k] for k in expected} == expected

    typed()


# RAOCE worksheet ----------------------------------------------------------------------------

# Demo clients: IMMEX (importaciones optional), PROSEC alone (required), IMMEX and PROSEC (the
# field is disabled: Tab passes it by).
RAOCE_CLIENTS = {"MNB050315K70": "optional", "CEB110902QW7": "required", "ASM980127HN4": "off"}
_SHEET = {"ventas": "ventas_totales", "exportaciones": "exportaciones"}
_SHEET |= {"importaciones": "importaciones", "tipo_cambio": "tipo_cambio_promedio"}


@st.composite
def worksheet(draw) -> tuple[str, dict, bytes]:
    """A client's RAOCE figures and the keys from choosing the client to Ctrl+S; each field is
    entered with its stored figure selected: Backspace clears it before the new one."""
    rfc = draw(st.sampled_from(tuple(RAOCE_CLIENTS)))
    importaciones = RAOCE_CLIENTS[rfc]
    ventas = draw(amount(3, "1", "9999999"))
    values = {
        "ventas": ventas,
        "exportaciones": draw(amount(3, "0", ventas)),
        "importaciones": "" if importaciones == "off" else draw(amount(3, "0", "999999")),
        "tipo_cambio": draw(optional(amount(3, "10", "30"))),
    }
    if importaciones == "optional" and draw(st.booleans()):
        values["importaciones"] = ""
    if draw(st.booleans()):  # thousands commas, as a broker may type them
        values["ventas"] = f"{Decimal(ventas):,}"
    typed = [
        keys("backspace") + field_keys(draw, value)
        for name, value in values.items()
        if not (name == "importaciones" and importaciones == "off")
    ]
    return rfc, values, _select_client(rfc) + keys("f7") + fields(typed) + SAVE


def test_raoce_worksheet_typed_in_one_burst(demo_path, terminal):
    term = _open_clients(terminal, demo_path)

    @examples(3)
    @given(worksheet())
    def typed(sheet) -> None:
        rfc, values, burst = sheet
        with closing(store.connect(demo_path)) as db:
            version = raoce.show(db, rfc, TODAY.year)["version"]
        term.send(burst)
        stored = wait_stored(
            term,
            demo_path,
            lambda db: (s := raoce.show(db, rfc, TODAY.year))["version"] > version and s,
        )
        figures = {
            name: raoce.parse_amount(name, stored[key], required=False)
            for name, key in _SHEET.items()
        }
        assert figures == {
            name: raoce.parse_amount(name, value, required=False) for name, value in values.items()
        }

    typed()


# RAOCE filing ---------------------------------------------------------------------------------

# Demo clients and the programs they file for, in the order the filing's choice numbers them.
FILERS = {"MNB050315K70": ("IMMEX",), "ASM980127HN4": ("IMMEX", "PROSEC")}
FILERS |= {"CEB110902QW7": ("PROSEC",), "PTQ091125AB2": ("ECEX", "PROSEC")}


@st.composite
def filing(draw) -> tuple[str, str, dict, bytes]:
    """A program's acuse and the keys from choosing the client to Ctrl+S: first a folio one
    digit short (the save is refused, the focus goes to the folio with it selected), then the
    right folio typed over it and Ctrl+S again."""
    rfc = draw(st.sampled_from(tuple(FILERS)))
    choice = draw(st.integers(1, len(FILERS[rfc])))
    folio = draw(st.from_regex(r"[0-9]{25}", fullmatch=True))
    day = draw(st.dates(date(TODAY.year, 4, 1), TODAY))  # the RAOCE opens on April 1st
    typed = draw(st.sampled_from((day.isoformat(), day.strftime("%d/%m/%Y"))))
    burst = (
        _select_client(rfc)
        + keys("f7", "ctrl+f")
        + str(choice).encode()
        + fields([field_keys(draw, folio[:-1]), field_keys(draw, typed)])
        + SAVE
        + field_keys(draw, folio)
        + SAVE
    )
    return rfc, FILERS[rfc][choice - 1], {"folio": folio, "filed_on": day.isoformat()}, burst


def test_raoce_filing_typed_in_one_burst(demo_path, terminal):
    term = _open_clients(terminal, demo_path)
    query = (
        "SELECT f.folio, f.filed_on FROM raoce_filings f JOIN programs p ON p.id = f.program_id "
        "JOIN clients c ON c.id = p.client_id WHERE c.rfc = ? AND p.type = ?"
    )

    @examples(3)
    @given(filing())
    def typed(values) -> None:
        rfc, program, expected, burst = values
        with closing(store.connect(demo_path)) as db, store.transaction(db):
            db.execute(  # the example before may have filed the same program's RAOCE
                "DELETE FROM raoce_filings WHERE program_id IN (SELECT p.id FROM programs p "
                "JOIN clients c ON c.id = p.client_id WHERE c.rfc = ? AND p.type = ?)",
                [rfc, program],
            )
        term.send(burst)
        assert wait_stored(term, demo_path, lambda db: _stored(db, query, rfc, program)) == expected
        term.wait_for(lambda screen: "Acuse del RAOCE" not in screen)

    typed()
