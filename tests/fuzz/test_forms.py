"""Fuzz: random dicts into what the TUI's forms call (the pydantic models behind them and the
core writers they feed), over a demo database.

Keys are the form's fields (some left out, an unknown one now and then); values are mostly
valid, sometimes hostile text, and sometimes not text at all (None, huge integers, floats,
lists, dicts), as a broken or hostile face could pass. Each form saves or is refused with a
clean message naming the field, and a refused one writes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokertui.core import db as store
from brokertui.core.anexo24 import ajustes
from brokertui.core.pedimentos import drafts
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.raoce import worksheet as raoce
from brokertui.core.registry import calendar, clients, deadlines, programs
from tests.conftest import TODAY
from tests.fuzz.guard import attempt, fuzz_settings
from tests.fuzz.values import HOSTILE, SURROGATES, field_value

EXAMPLES = 300
RFC = "MNB050315K70"  # the demo IMMEX client
NOT_TEXT = st.one_of(
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.booleans(),
    st.lists(st.sampled_from(HOSTILE), max_size=2),
    st.dictionaries(st.sampled_from(["a", "numero"]), st.sampled_from(HOSTILE), max_size=2),
)
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "client": {
        "rfc": ("MAB9307148T4", "ASM980127HN4", RFC, "XAXX010101000"),
        "razon_social": ("Alfa SA de CV",),
        "calle": ("Av. Juárez",),
        "numero_exterior": ("100",),
        "numero_interior": ("",),
        "colonia": ("Centro",),
        "municipio": ("Saltillo",),
        "codigo_postal": ("25000", ""),
        "entidad_federativa": ("Coahuila", "COA", ""),
    },
    "site": {
        "kind": ("planta", "bodega"),
        "nombre": ("Planta 2",),
        "calle": ("Calle 1",),
        "numero": ("5",),
        "colonia": ("Centro",),
        "codigo_postal": ("25000",),
        "entidad_federativa": ("NLE",),
    },
    "program": {
        "type": ("IMMEX", "PROSEC", "altex", "ECEX"),
        "number": ("1204-2006", "PS-2011-0334"),
        "authorized_on": ("2020-01-15", "15/01/2020"),
        "status": ("vigente", "suspendido"),
        "modalidad": ("industrial", "servicios", ""),
        "sectors": ("I,XIX", ""),
    },
    "ajuste": {
        "fecha": ("2026-03-01",),
        "tipo": ajustes.AJUSTE_TIPOS,
        "numero_parte": ("INT-4471", "M-1"),
        "cantidad": ("1", "0.5"),
        "pedimento": ("262439536000098", ""),
        "partida": ("1", ""),
        "motivo": ("inventario",),
    },
    "worksheet": {
        "ventas": ("1000", "1,500.5"),
        "exportaciones": ("800",),
        "importaciones": ("200", ""),
        "tipo_cambio": ("18.5", ""),
    },
    "filing": {
        "folio": ("1" * 25,),
        "filed_on": ("2026-04-01",),
    },
    "inhabil": {
        "day": ("2026-05-05",),
        "reason": ("DOF acuerdo",),
        "authority": ("ALL", "SAT", "SE"),
    },
    "encabezado": {
        "numero": ("262439536000400", "26 24 3953 6000401"),
        "clave": ("IN", "A1"),
        "tipo_operacion": ("1", "2"),
        "regimen": ("ITE", "IMD"),
        "aduana_entrada": ("240", ""),
        "fecha_entrada": ("2026-01-04", ""),
        "fecha_pago": ("2026-01-05",),
        "tipo_cambio": ("18.0012",),
        "rfc": (RFC,),
        "rectifica": ("",),
    },
    "partida": {
        "secuencia": ("1", "2"),
        "fraccion": ("85389099", "8538.90.99"),
        "nico": ("99",),
        "descripcion": ("Partes",),
        "numero_parte": ("INT-4471", ""),
        "valor_usd": ("1976.88",),
        "cantidad_umc": ("12",),
        "umc": ("6",),
        "cantidad_umt": ("4.8",),
        "umt": ("1",),
        "pais": ("HUN", "USA"),
    },
}


def values(form: str, *, strings_only: bool = False) -> st.SearchStrategy[dict]:
    """A dict of the form's fields (some missing, maybe an unknown one), mostly valid values."""
    fields = FIELDS[form]
    value = st.one_of(
        field_value(("",)),
        st.sampled_from(SURROGATES),
        *(() if strings_only else (NOT_TEXT,)),
    )

    @st.composite
    def build(draw) -> dict:
        out = {}
        for name, valid in fields.items():
            if draw(st.integers(0, 9)) == 0:
                continue  # left out
            out[name] = draw(
                st.one_of(field_value(valid), value)
                if draw(st.booleans())
                else st.sampled_from(valid)
            )
        if draw(st.integers(0, 9)) == 0:
            out[draw(st.sampled_from(HOSTILE))] = "x"
        return out

    return build()


@st.composite
def pedimento_values(draw) -> dict:
    return {
        "encabezado": draw(values("encabezado")),
        "partidas": draw(st.lists(values("partida"), max_size=3)),
        "facturas": draw(
            st.sampled_from(
                [[], [{"numero": "F-1", "valor_usd": "10", "proveedor": "Prov"}], [{"x": None}]]
            )
        ),
    }


def _save_pedimento(db, data: dict, force: bool) -> object:
    ped = pedimento_model.parse(data)
    return pedimentos.save(db, ped, today=TODAY, force=force)


def _save_worksheet(db, data: dict, force: bool) -> object:
    # the form passes every field, empty when not typed
    amounts = {k: data.get(k, "") for k in FIELDS["worksheet"]}
    return raoce.set_worksheet(db, RFC, 2026, **amounts)


# The RAOCE screen's year and program (chosen from lists), as a face could pass them.
YEARS = (2026, 2025, 1990, 2101, 9999, 0, -1)
PROGRAM_TYPES = ("IMMEX", "PROSEC", "immex", "", "XX", "[/]", "\x1b[2J")


def _file(db, data: tuple[dict, int, str], force: bool) -> object:
    v, year, program_type = data
    return deadlines.record_filing(
        db,
        RFC,
        program_type,
        year,
        v.get("folio", ""),
        v.get("filed_on", ""),
        today=TODAY,
    )


def _add_inhabil(db, v: dict, force: bool) -> object:
    return calendar.add_inhabil(db, v.get("day", ""), v.get("reason", ""), v.get("authority", ""))


FORMS: dict[str, tuple[st.SearchStrategy, Callable]] = {
    "client": (values("client"), lambda db, v, f: clients.add_client(db, v, force=f)),
    "client-edit": (
        values("client"),
        lambda db, v, f: clients.update_client(db, RFC, {k: x for k, x in v.items() if k != "rfc"}),
    ),
    "site": (values("site"), lambda db, v, f: clients.add_site(db, RFC, v)),
    "program": (values("program"), lambda db, v, f: programs.add_program(db, RFC, v, today=TODAY)),
    "ajuste": (values("ajuste"), lambda db, v, f: ajustes.add_ajustes(db, RFC, [(1, v)], "form")),
    "worksheet": (values("worksheet", strings_only=True), _save_worksheet),
    "filing": (
        st.tuples(
            values("filing", strings_only=True),
            st.sampled_from(YEARS),
            st.sampled_from(PROGRAM_TYPES),
        ),
        _file,
    ),
    "inhabil": (values("inhabil", strings_only=True), _add_inhabil),
    "pedimento": (pedimento_values(), _save_pedimento),
    "draft": (pedimento_values(), lambda db, v, f: drafts.save_draft(db, None, None, v)),
}


@pytest.fixture
def forms_db(demo_path):
    db = store.connect(demo_path)
    yield db
    db.close()


@pytest.mark.parametrize("form", sorted(FORMS))
def test_hostile_form_values_are_saved_or_refused_cleanly(forms_db, form):
    strategy, save = FORMS[form]

    @fuzz_settings(EXAMPLES)
    @given(data=strategy, force=st.booleans())
    def check(data: dict, force: bool) -> None:
        attempt("forms", forms_db, lambda: save(forms_db, data, force))

    check()
