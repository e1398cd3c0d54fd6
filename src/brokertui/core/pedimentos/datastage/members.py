"""The 26 Data Stage members, each declared once (formats.md §1.4, §1.5): its header (ANAM's
column names, in RON's order), which columns a delivery must have, each column's type and the
table it is stored in. The zip writer (build.py), the importer's checks and parsing, the tables
(migrations/0015_datastage_members.sql, checked against this by the tests) and the pedimento
detail all read it.

Members 501, 505, 506, 507, 551, 554, 557 and 701 fill the pedimento tables that captures share
(pedimentos, facturas, identificadores, partidas, contribuciones; pedimentos/store.py writes
them); the others fill one `ds_*` table each (member_tables.py writes them), a row per line,
tied to its pedimento (and partida by `secuencia`) or, for Resumen, to its import.
"""

from __future__ import annotations

from dataclasses import dataclass

KEY = ("Patente", "Pedimento", "SeccionAduanera")
PAID = ("FechaPagoReal", "FechaValidacionPagoR")  # synonyms (formats.md §1.3 step 8)


@dataclass(frozen=True)
class Column:
    """One column: its header name; `name` is its column in the member's `ds_*` table ("" when
    it has none: the key, the payment date, a TipoPedimento repeated from 501, and the columns
    of the members the importer's own parsers map into the pedimento tables); `kind` says how
    the value is read:

    - text: as delivered (trimmed, control characters removed);
    - code: upper-cased;
    - number: an ANAM decimal (`.00`, `5.`, `0012.50` read as 0.00, 5, 12.50; empty stays
      empty), refused when it is not one;
    - integer: ASCII digits, refused otherwise (a partida's SecuenciaFraccion);
    - date: ISO when it reads as a date, else kept as delivered (formats.md §1.2: only
      `YYYY-MM-DD HH:MM:SS` has been observed; keep the raw string).

    `required`: a delivery whose member lacks the column is refused, and so is a row of a
    `ds_*` member where it is empty (the pedimento tables' parsers read an empty required
    amount as 0, as before)."""

    header: str
    name: str = ""
    kind: str = "text"
    required: bool = False


@dataclass(frozen=True)
class Member:
    tipo: str  # as in the member's file name, upper-cased
    title: str  # Spanish, for the screens
    level: str  # pedimento | partida | entrega (Resumen: one per delivery)
    table: str
    columns: tuple[Column, ...]
    derived: tuple[str, ...] = ()  # stored columns computed from the others (importer.py)

    @property
    def header(self) -> str:
        """The header line as ANAM writes it (without the trailing pipe)."""
        return "|".join(c.header for c in self.columns)

    @property
    def stored(self) -> tuple[Column, ...]:
        """The columns of its own `ds_*` table, in order (after pedimento_id)."""
        return tuple(c for c in self.columns if c.name)

    @property
    def names(self) -> tuple[str, ...]:
        """Its `ds_*` table's columns after pedimento_id (or import_id), in order."""
        return (*(c.name for c in self.stored), *self.derived)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.required)

    @property
    def own_table(self) -> bool:
        """Stored in a `ds_*` table of its own (not in the pedimento tables)."""
        return self.table.startswith("ds_")


def _c(header: str, name: str = "", kind: str = "text", required: bool = False) -> Column:
    return Column(header, name, kind, required)


def _key(*more: Column) -> tuple[Column, ...]:
    return (*(_c(h, required=True) for h in KEY), *more)


def _partida(*more: Column) -> tuple[Column, ...]:
    return _key(
        _c("Fraccion", "fraccion"), _c("SecuenciaFraccion", "secuencia", "integer", True), *more
    )


_PAGO = _c("FechaPagoReal")
_VALIDACION = _c("FechaValidacionPagoR")
_TIPO = _c("TipoPedimento")  # 1 normal, 2 rectificación: the 501's, repeated


def _garantia(tipo_cuenta: bool, cantidad: str) -> tuple[Column, ...]:
    """The columns of the cuentas aduaneras de garantía (508 per pedimento, 555 per partida)."""
    return (
        _c("InstitucionEmisora", "institucion"),
        _c("NumeroCuenta", "cuenta"),
        _c("FolioConstancia", "folio"),
        _c("FechaConstancia", "fecha", "date"),
        *((_c("TipoCuenta", "tipo_cuenta"),) if tipo_cuenta else ()),
        _c("ClaveGarantia", "clave", "code"),
        _c("ValorUnitarioTitulo", "valor_unitario", "number"),
        _c("TotalGarantia", "total", "number"),
        _c(cantidad, "cantidad", "number"),
        _c("TitulosAsignados", "titulos", "number"),
    )


MEMBERS: dict[str, Member] = {
    m.tipo: m
    for m in (
        Member(
            "501",
            "Datos generales",
            "pedimento",
            "pedimentos",
            _key(
                _c("TipoOperacion", required=True),
                _c("ClaveDocumento", required=True),
                _c("SeccionAduaneraEntrada"),
                _c("CurpContribuyente"),
                _c("Rfc", required=True),
                _c("CurpAgenteA"),
                _c("TipoCambio", kind="number", required=True),
                *(
                    _c(h, kind="number")
                    for h in (
                        "TotalFletes",
                        "TotalSeguros",
                        "TotalEmbalajes",
                        "TotalIncrementables",
                        "TotalDeducibles",
                        "PesoBrutoMercancia",
                    )
                ),
                *(
                    _c(h)
                    for h in (
                        "MedioTransporteSalida",
                        "MedioTransporteArribo",
                        "MedioTransporteEntrada_Salida",
                        "DestinoMercancia",
                        "NombreContribuyente",
                        "CalleContribuyente",
                        "NumInteriorContribuyente",
                        "NumExteriorContribuyente",
                        "CPContribuyente",
                        "MunicipioContribuyente",
                        "EntidadFedContribuyente",
                        "PaisContribuyente",
                    )
                ),
                _c("TipoPedimento", required=True),
                _c("FechaRecepcionPedimento"),
                _c("FechaPagoReal", required=True),
            ),
        ),
        Member(
            "502",
            "Transporte",
            "pedimento",
            "ds_transporte",
            _key(
                _c("RfcTransportista", "rfc", "code"),
                _c("CurpTransportista", "curp", "code"),
                _c("NombreTransportista", "nombre"),
                _c("PaisTransporte", "pais", "code"),
                _c("IdentificadorTransporte", "identificador"),
                _PAGO,
            ),
        ),
        Member(
            "503",
            "Guías",
            "pedimento",
            "ds_guias",
            _key(_c("NumeroGuia", "numero"), _c("TipoGuia", "tipo", "code"), _PAGO),
        ),
        Member(
            "504",
            "Contenedores",
            "pedimento",
            "ds_contenedores",
            _key(_c("NumContenedor", "numero"), _c("TipoContenedor", "tipo", "code"), _PAGO),
        ),
        Member(
            "505",
            "Facturas",
            "pedimento",
            "facturas",
            _key(
                _c("FechaFacturacion"),
                _c("NumeroFactura", required=True),
                _c("TerminoFacturacion"),
                _c("MonedaFacturacion"),
                _c("ValorDolares", kind="number", required=True),
                _c("ValorMonedaExtranjera", kind="number"),
                _c("PaisFacturacion"),
                _c("EntidadFedFacturacion"),
                _c("IndentFiscalProveedor"),
                _c("ProveedorMercancia"),
                _c("CalleProveedor"),
                _c("NumInteriorProveedor"),
                _c("NumExteriorProveedor"),
                _c("CpProveedor"),
                _c("MunicipioProveedor"),
                _PAGO,
            ),
        ),
        Member(
            "506",
            "Fechas",
            "pedimento",
            "pedimentos",
            _key(
                _c("TipoFecha", required=True),
                _c("FechaOperacion", required=True),
                _VALIDACION,
            ),
        ),
        Member(
            "507",
            "Identificadores",
            "pedimento",
            "identificadores",
            _key(
                _c("ClaveCaso", required=True),
                _c("IdentificadorCaso"),
                _TIPO,
                _c("ComplementoCaso"),
                _VALIDACION,
            ),
        ),
        Member(
            "508",
            "Cuentas aduaneras de garantía",
            "pedimento",
            "ds_cuentas_garantia",
            _key(*_garantia(True, "CantidadUnidades"), _PAGO),
        ),
        Member(
            "509",
            "Tasas",
            "pedimento",
            "ds_tasas",
            _key(
                _c("ClaveContribucion", "clave", "code", True),
                _c("TasaContribucion", "tasa", "number"),
                _c("TipoTasa", "tipo_tasa", "code"),
                _TIPO,
                _PAGO,
            ),
        ),
        Member(
            "510",
            "Contribuciones",
            "pedimento",
            "ds_contribuciones",
            _key(
                _c("ClaveContribucion", "clave", "code", True),
                _c("FormaPago", "forma_pago", "code"),
                _c("ImportePago", "importe", "number"),
                _TIPO,
                _PAGO,
            ),
        ),
        Member(
            "511",
            "Observaciones",
            "pedimento",
            "ds_observaciones",
            _key(
                _c("SecuenciaObservacion", "secuencia_obs", "integer"),
                _c("Observaciones", "texto"),
                _TIPO,
                _VALIDACION,
            ),
        ),
        Member(
            "512",
            "Descargos",
            "pedimento",
            "ds_descargos",
            _key(
                _c("PatenteAduanalOrig", "patente_original"),
                _c("PedimentoOriginal", "pedimento_original"),
                _c("SeccionAduaneraDespOrig", "seccion_original"),
                _c("DocumentoOriginal", "clave_original", "code"),
                _c("FechaOperacionOrig", "fecha_original", "date"),
                _c("FraccionOriginal", "fraccion_original"),
                _c("UnidadMedida", "unidad"),
                _c("MercanciaDescargada", "cantidad", "number"),
                _TIPO,
                _PAGO,
            ),
            ("numero_original",),  # the 15 digits (formats.md §1.7), "" when not given
        ),
        Member(
            "520",
            "Destinatarios",
            "pedimento",
            "ds_destinatarios",
            _key(
                _c("IndentFiscalDestinatario", "id_fiscal"),
                _c("NombreDestinatarioMercancia", "nombre"),
                _c("CalleDestinatario", "calle"),
                _c("NumInteriorDestinatario", "num_interior"),
                _c("NumExteriorDestinatario", "num_exterior"),
                _c("CpDestinatario", "cp"),
                _c("MunicpioDestinatario", "municipio"),
                _c("PaisDestinatario", "pais", "code"),
                _PAGO,
            ),
        ),
        Member(
            "551",
            "Partidas",
            "partida",
            "partidas",
            _key(
                _c("Fraccion", required=True),
                _c("SecuenciaFraccion", required=True),
                _c("SubdivisionFraccion"),
                _c("DescripcionMercancia", required=True),
                _c("PrecioUnitario", kind="number"),
                _c("ValorAduana", kind="number"),
                _c("ValorComercial", kind="number"),
                _c("ValorDolares", kind="number", required=True),
                _c("CantidadUMComercial", kind="number", required=True),
                _c("UnidadMedidaComercial", required=True),
                _c("CantidadUMTarifa", kind="number", required=True),
                _c("UnidadMedidaTarifa", required=True),
                _c("ValorAgregado", kind="number"),
                *(
                    _c(h)
                    for h in (
                        "ClaveVinculacion",
                        "MetodoValorizacion",
                        "CodigoMercanciaProducto",
                        "MarcaMercanciaProducto",
                        "ModeloMercanciaProducto",
                        "PaisOrigenDestino",
                        "PaisCompradorVendedor",
                        "EntidadFedOrigen",
                        "EntidadFedDestino",
                        "EntidadFedComprador",
                        "EntidadFedVendedor",
                        "TipoOperacion",
                        "ClaveDocumento",
                    )
                ),
                _PAGO,
            ),
        ),
        Member(
            "552",
            "Mercancías (VIN / series)",
            "partida",
            "ds_mercancias",
            _partida(
                _c("VinNumeroSerie", "vin_serie"),
                _c("KilometrajeVehiculo", "kilometraje", "number"),
                _PAGO,
            ),
        ),
        Member(
            "553",
            "Permisos",
            "partida",
            "ds_permisos",
            _partida(
                _c("ClavePermiso", "clave", "code", True),
                _c("FirmaDescargo", "firma_descargo"),
                _c("NumeroPermiso", "numero"),
                _c("ValorComercialDolares", "valor_usd", "number"),
                _c("CantidadMUMTarifa", "cantidad_umt", "number"),
                _PAGO,
            ),
        ),
        Member(
            "554",
            "Identificadores de partida",
            "partida",
            "identificadores",
            _key(
                _c("Fraccion"),
                _c("SecuenciaFraccion", required=True),
                _c("ClaveCaso", required=True),
                _c("IdentificadorCaso"),
                _c("ComplementoCaso"),
                _PAGO,
            ),
        ),
        Member(
            "555",
            "Cuentas aduaneras de garantía de partida",
            "partida",
            "ds_cuentas_garantia_partida",
            _partida(*_garantia(False, "CantidadUnidadesMedida"), _PAGO),
        ),
        Member(
            "556",
            "Tasas de partida",
            "partida",
            "ds_tasas_partida",
            _partida(
                _c("ClaveContribucion", "clave", "code", True),
                _c("TasaContribucion", "tasa", "number"),
                _c("TipoTasa", "tipo_tasa", "code"),
                _PAGO,
            ),
        ),
        Member(
            "557",
            "Contribuciones de partida",
            "partida",
            "contribuciones",
            _key(
                _c("Fraccion"),
                _c("SecuenciaFraccion", required=True),
                _c("ClaveContribucion", required=True),
                _c("FormaPago"),
                _c("ImportePago", kind="number", required=True),
                _PAGO,
            ),
        ),
        Member(
            "558",
            "Observaciones de partida",
            "partida",
            "ds_observaciones_partida",
            _partida(
                _c("SecuenciaObservacion", "secuencia_obs", "integer"),
                _c("Observaciones", "texto"),
                _PAGO,
            ),
        ),
        Member(
            "701",
            "Rectificaciones",
            "pedimento",
            "pedimentos",
            _key(
                _c("ClaveDocumento"),
                _c("FechaPago"),
                _c("PedimentoAnterior", required=True),
                _c("PatenteAnterior", required=True),
                _c("SeccionAduaneraAnterior", required=True),
                _c("DocumentoAnterior"),
                _c("FechaOperacionAnterior", required=True),
                _c("PedimentoOriginal"),
                _c("PatenteAduanalOrig"),
                _c("SeccionAduaneraDespOrig"),
                _PAGO,
            ),
        ),
        Member(
            "702",
            "Diferencias de contribuciones",
            "pedimento",
            "ds_diferencias",
            _key(
                _c("ClaveContribucion", "clave", "code", True),
                _c("FormaPago", "forma_pago", "code"),
                _c("ImportePago", "importe", "number"),
                _TIPO,
                _PAGO,
            ),
        ),
        Member(
            "INCI",
            "Incidencias de reconocimiento",
            "pedimento",
            "ds_incidencias",
            _key(
                _c("ConsecutivoRemesa", "remesa"),
                _c("NumeroSeleccion", "seleccion"),
                _c("FechaInicioReconocimiento", "fecha_inicio", "date"),
                _c("HoraInicioReconocimiento", "hora_inicio"),
                _c("FechaFinReconocimiento", "fecha_fin", "date"),
                _c("HoraFinReconocimiento", "hora_fin"),
                _c("Fraccion", "fraccion"),
                _c("SecuenciaFraccion", "secuencia"),  # empty for a remesa-level one
                _c("ClaveDocumento", "clave", "code"),
                _c("TipoOperacion", "tipo_operacion"),
                _c("GradoIncidencia", "grado"),
                _c("FechaSeleccion", "fecha_seleccion", "date"),
            ),
        ),
        Member(
            "SEL",
            "Selección automatizada",
            "pedimento",
            "ds_seleccion",
            _key(
                _c("ConsecutivoRemesa", "remesa"),
                _c("NumeroSeleccion", "seleccion"),
                _c("FechaSeleccion", "fecha", "date"),
                _c("HoraSeleccion", "hora"),
                _c("SemaforoFiscal", "semaforo"),
                _c("ClaveDocumento", "clave", "code"),
                _c("TipoOperacion", "tipo_operacion"),
            ),
        ),
        Member(
            "RESUMEN",
            "Resumen de la extracción",
            "entrega",
            "ds_resumen",
            (
                _c("Folio", "folio"),
                _c("RFCoPatenteAduanal", "rfc_o_patente", "code"),
                _c("Fecha_Inicial", "fecha_inicial", "date"),
                _c("Fecha_Final", "fecha_final", "date"),
                _c("Fecha_Ejecucion", "fecha_ejecucion", "date"),
                _c("Total_Fracciones", "total_fracciones"),
                _c("Total_Contribuciones", "total_contribuciones"),
            ),
        ),
    )
}

OWN_TABLES = {m.tipo: m for m in MEMBERS.values() if m.own_table}  # the 18 in ds_* tables
