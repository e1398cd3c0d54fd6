-- The Data Stage members that have no pedimento table of their own (issue 13, item 4):
-- one table each, a row per delivered line, declared in core/pedimentos/datastage/members.py
-- (column names and order checked against it by tests/core/pedimentos/test_members.py).
-- Written only by core/pedimentos/datastage/member_tables.py; a pedimento's rows go with it
-- (ON DELETE CASCADE) when a later delivery replaces it. Numbers are decimal text, exact.

-- 502 Transporte
CREATE TABLE ds_transporte (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    rfc             TEXT NOT NULL DEFAULT '',
    curp            TEXT NOT NULL DEFAULT '',
    nombre          TEXT NOT NULL DEFAULT '',
    pais            TEXT NOT NULL DEFAULT '',
    identificador   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_transporte_pedimento ON ds_transporte (pedimento_id);

-- 503 Guías
CREATE TABLE ds_guias (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    numero          TEXT NOT NULL DEFAULT '',
    tipo            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_guias_pedimento ON ds_guias (pedimento_id);

-- 504 Contenedores
CREATE TABLE ds_contenedores (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    numero          TEXT NOT NULL DEFAULT '',
    tipo            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_contenedores_pedimento ON ds_contenedores (pedimento_id);

-- 508 Cuentas aduaneras de garantía
CREATE TABLE ds_cuentas_garantia (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    institucion     TEXT NOT NULL DEFAULT '',
    cuenta          TEXT NOT NULL DEFAULT '',
    folio           TEXT NOT NULL DEFAULT '',
    fecha           TEXT NOT NULL DEFAULT '',
    tipo_cuenta     TEXT NOT NULL DEFAULT '',
    clave           TEXT NOT NULL DEFAULT '',
    valor_unitario  TEXT NOT NULL DEFAULT '',
    total           TEXT NOT NULL DEFAULT '',
    cantidad        TEXT NOT NULL DEFAULT '',
    titulos         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_cuentas_garantia_pedimento ON ds_cuentas_garantia (pedimento_id);

-- 509 Tasas
CREATE TABLE ds_tasas (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    clave           TEXT NOT NULL DEFAULT '',
    tasa            TEXT NOT NULL DEFAULT '',
    tipo_tasa       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_tasas_pedimento ON ds_tasas (pedimento_id);

-- 510 Contribuciones
CREATE TABLE ds_contribuciones (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    clave           TEXT NOT NULL DEFAULT '',
    forma_pago      TEXT NOT NULL DEFAULT '',
    importe         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_contribuciones_pedimento ON ds_contribuciones (pedimento_id);

-- 511 Observaciones
CREATE TABLE ds_observaciones (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    secuencia_obs   INTEGER,
    texto           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_observaciones_pedimento ON ds_observaciones (pedimento_id);

-- 512 Descargos
CREATE TABLE ds_descargos (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    patente_original TEXT NOT NULL DEFAULT '',
    pedimento_original TEXT NOT NULL DEFAULT '',
    seccion_original TEXT NOT NULL DEFAULT '',
    clave_original  TEXT NOT NULL DEFAULT '',
    fecha_original  TEXT NOT NULL DEFAULT '',
    fraccion_original TEXT NOT NULL DEFAULT '',
    unidad          TEXT NOT NULL DEFAULT '',
    cantidad        TEXT NOT NULL DEFAULT '',
    numero_original TEXT NOT NULL DEFAULT ''   -- 15 digits rebuilt (formats.md §1.7)
);
CREATE INDEX ds_descargos_pedimento ON ds_descargos (pedimento_id);

-- 520 Destinatarios
CREATE TABLE ds_destinatarios (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    id_fiscal       TEXT NOT NULL DEFAULT '',
    nombre          TEXT NOT NULL DEFAULT '',
    calle           TEXT NOT NULL DEFAULT '',
    num_interior    TEXT NOT NULL DEFAULT '',
    num_exterior    TEXT NOT NULL DEFAULT '',
    cp              TEXT NOT NULL DEFAULT '',
    municipio       TEXT NOT NULL DEFAULT '',
    pais            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_destinatarios_pedimento ON ds_destinatarios (pedimento_id);

-- 552 Mercancías (VIN / series)
CREATE TABLE ds_mercancias (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    fraccion        TEXT NOT NULL DEFAULT '',
    secuencia       INTEGER NOT NULL,
    vin_serie       TEXT NOT NULL DEFAULT '',
    kilometraje     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_mercancias_partida ON ds_mercancias (pedimento_id, secuencia);

-- 553 Permisos
CREATE TABLE ds_permisos (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    fraccion        TEXT NOT NULL DEFAULT '',
    secuencia       INTEGER NOT NULL,
    clave           TEXT NOT NULL DEFAULT '',
    firma_descargo  TEXT NOT NULL DEFAULT '',
    numero          TEXT NOT NULL DEFAULT '',
    valor_usd       TEXT NOT NULL DEFAULT '',
    cantidad_umt    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_permisos_partida ON ds_permisos (pedimento_id, secuencia);

-- 555 Cuentas aduaneras de garantía de partida
CREATE TABLE ds_cuentas_garantia_partida (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    fraccion        TEXT NOT NULL DEFAULT '',
    secuencia       INTEGER NOT NULL,
    institucion     TEXT NOT NULL DEFAULT '',
    cuenta          TEXT NOT NULL DEFAULT '',
    folio           TEXT NOT NULL DEFAULT '',
    fecha           TEXT NOT NULL DEFAULT '',
    clave           TEXT NOT NULL DEFAULT '',
    valor_unitario  TEXT NOT NULL DEFAULT '',
    total           TEXT NOT NULL DEFAULT '',
    cantidad        TEXT NOT NULL DEFAULT '',
    titulos         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_cuentas_garantia_partida_partida ON ds_cuentas_garantia_partida (pedimento_id, secuencia);

-- 556 Tasas de partida
CREATE TABLE ds_tasas_partida (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    fraccion        TEXT NOT NULL DEFAULT '',
    secuencia       INTEGER NOT NULL,
    clave           TEXT NOT NULL DEFAULT '',
    tasa            TEXT NOT NULL DEFAULT '',
    tipo_tasa       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_tasas_partida_partida ON ds_tasas_partida (pedimento_id, secuencia);

-- 558 Observaciones de partida
CREATE TABLE ds_observaciones_partida (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    fraccion        TEXT NOT NULL DEFAULT '',
    secuencia       INTEGER NOT NULL,
    secuencia_obs   INTEGER,
    texto           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_observaciones_partida_partida ON ds_observaciones_partida (pedimento_id, secuencia);

-- 702 Diferencias de contribuciones
CREATE TABLE ds_diferencias (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    clave           TEXT NOT NULL DEFAULT '',
    forma_pago      TEXT NOT NULL DEFAULT '',
    importe         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_diferencias_pedimento ON ds_diferencias (pedimento_id);

-- INCI Incidencias de reconocimiento
CREATE TABLE ds_incidencias (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    remesa          TEXT NOT NULL DEFAULT '',
    seleccion       TEXT NOT NULL DEFAULT '',
    fecha_inicio    TEXT NOT NULL DEFAULT '',
    hora_inicio     TEXT NOT NULL DEFAULT '',
    fecha_fin       TEXT NOT NULL DEFAULT '',
    hora_fin        TEXT NOT NULL DEFAULT '',
    fraccion        TEXT NOT NULL DEFAULT '',
    secuencia       TEXT NOT NULL DEFAULT '',
    clave           TEXT NOT NULL DEFAULT '',
    tipo_operacion  TEXT NOT NULL DEFAULT '',
    grado           TEXT NOT NULL DEFAULT '',
    fecha_seleccion TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_incidencias_pedimento ON ds_incidencias (pedimento_id);

-- SEL Selección automatizada
CREATE TABLE ds_seleccion (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    remesa          TEXT NOT NULL DEFAULT '',
    seleccion       TEXT NOT NULL DEFAULT '',
    fecha           TEXT NOT NULL DEFAULT '',
    hora            TEXT NOT NULL DEFAULT '',
    semaforo        TEXT NOT NULL DEFAULT '',
    clave           TEXT NOT NULL DEFAULT '',
    tipo_operacion  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_seleccion_pedimento ON ds_seleccion (pedimento_id);

-- RESUMEN Resumen de la extracción
CREATE TABLE ds_resumen (
    id              INTEGER PRIMARY KEY,
    import_id       INTEGER NOT NULL REFERENCES datastage_imports (id) ON DELETE CASCADE,
    folio           TEXT NOT NULL DEFAULT '',
    rfc_o_patente   TEXT NOT NULL DEFAULT '',
    fecha_inicial   TEXT NOT NULL DEFAULT '',
    fecha_final     TEXT NOT NULL DEFAULT '',
    fecha_ejecucion TEXT NOT NULL DEFAULT '',
    total_fracciones TEXT NOT NULL DEFAULT '',
    total_contribuciones TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ds_resumen_import ON ds_resumen (import_id);
